"""The Trusty URI artifact code of module RA: SHA-256 over the normalised quads of a nanopublication.

As trustyuri-java's ``RdfHasher``, ``StatementComparator`` and ``RdfPreprocessor`` do it:

* the artifact code in every IRI (head, subject, predicate and object, wherever it occurs in the
  IRI) is replaced by one space, so an IRI that carries the code hashes the same as the IRI with the
  placeholder the code was computed over;
* the quads are sorted by graph, subject, predicate, object; IRIs compare as Java strings (UTF-16
  code units); IRIs sort before literals; literals by lexical form, then datatype (a language-tagged
  literal has none and sorts first), then language tag ignoring case; repeated quads count once;
* each term is one line: an IRI as it is; a literal as ``@lang value`` (tag in lower case) or
  ``^datatype value``, with ``\\`` written ``\\\\`` and a line feed ``\\n``; a quad is its graph,
  subject, predicate and object lines (no graph: an empty line);
* the code is ``RA`` and the unpadded base64url of the SHA-256 of that UTF-8 text.

A normalised quad is a tuple of strings (IRIs, which may hold the space) and pyoxigraph literals.
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

Term = str | Literal
"""A normalised term: an IRI as a string (it may contain the placeholder space), or a literal."""
Statement = tuple[str | None, str, str, Term]
"""A normalised quad: graph (None for the default graph), subject, predicate, object."""

MODULE = "RA"
DATA_LENGTH = 43
_TRUSTY_URI = re.compile(r"(.*[^A-Za-z0-9\-_]|)([A-Za-z0-9\-_]{25,})(\.[A-Za-z0-9\-_.]{0,20})?", re.DOTALL)
_MODULES = {"FA", "RA", "RB"}      # the modules trustyuri-java knows, all with 43 characters of hash
RB_GRAPH = re.compile(r".*[^A-Za-z0-9\-_]RB[A-Za-z0-9\-_]{43}", re.DOTALL)


def code_in(uri: str) -> str | None:
    """The artifact code a Trusty URI ends with (an optional extension like ``.trig`` may follow), if
    it is one of a known module (FA, RA, RB) with the right length; else None."""
    match = _TRUSTY_URI.fullmatch(uri)
    if not match:
        return None
    code = match.group(2)
    return code if code[:2] in _MODULES and len(code) == 2 + DATA_LENGTH else None


def ra_code_in(uri: str) -> str | None:
    """The RA (RDF) artifact code of a nanopublication IRI, or None when it carries none."""
    code = code_in(uri)
    return code if code and code.startswith(MODULE) else None


def is_potential_trusty(uri: str) -> bool:
    """True when the IRI looks like a Trusty URI (trustyuri-java's ``isPotentialTrustyUri``)."""
    return code_in(uri) is not None


def _java(text: str) -> bytes:
    """A sort key that orders strings as Java's ``String.compareTo`` does (by UTF-16 code unit)."""
    return text.encode("utf-16-be", "surrogatepass")


def _object_key(term: Term) -> tuple[object, ...]:
    if isinstance(term, str):
        return (0, _java(term))
    if term.language:
        return (1, _java(term.value), (0,), (1, _java(term.language.lower())))
    return (1, _java(term.value), (1, _java(term.datatype.value)), (0,))


def _key(st: Statement) -> tuple[object, ...]:
    graph = (0,) if st[0] is None else (1, _java(st[0]))
    return (graph, _java(st[1]), _java(st[2]), _object_key(st[3]))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _line(term: Term | None) -> str:
    if term is None:
        return "\n"
    if isinstance(term, str):
        return term + "\n"
    if term.language:
        return f"@{term.language.lower()} {_escape(term.value)}\n"
    return f"^{term.datatype.value} {_escape(term.value)}\n"


def _identity(term: Term) -> tuple[object, ...]:
    if isinstance(term, str):
        return ("iri", term)
    return ("literal", term.value, term.datatype.value, (term.language or "").lower())


def digest_string(statements: Iterable[Statement]) -> str:
    """The text that is hashed (and signed): the sorted, de-duplicated statements, one line per term."""
    unique = {(s[0], s[1], s[2], _identity(s[3])): s for s in statements}
    return "".join(_line(s[0]) + _line(s[1]) + _line(s[2]) + _line(s[3]) for s in sorted(unique.values(), key=_key))


def code_for(digest: str) -> str:
    """The RA artifact code of a digest string."""
    hashed = hashlib.sha256(digest.encode("utf-8")).digest()
    return MODULE + base64.urlsafe_b64encode(hashed).decode("ascii").rstrip("=")


def normalise(quads: Iterable[Quad], code: str | None) -> list[Statement]:
    """The statements of ``quads`` with ``code`` replaced by a space in every IRI (none when None).

    Raises ValueError on a blank node: a trusty nanopublication has none (they were skolemised).
    """
    def iri(term: object) -> str:
        if isinstance(term, NamedNode):
            return term.value.replace(code, " ") if code else term.value
        if isinstance(term, BlankNode):
            raise ValueError(f"blank node _:{term.value}")       # noqa: TRY004 - a value the caller reports
        raise TypeError(f"unexpected term {term!r}")

    statements: list[Statement] = []
    for q in quads:
        graph = q.graph_name
        obj: Term = q.object if isinstance(q.object, Literal) else iri(q.object)
        statements.append((iri(graph) if isinstance(graph, NamedNode | BlankNode) else None,
                           iri(q.subject), iri(q.predicate), obj))
    return statements


def artifact_code(quads: Iterable[Quad], code: str | None) -> str:
    """The RA artifact code of the quads of a trusty nanopublication whose IRI carries ``code``."""
    return code_for(digest_string(normalise(quads, code)))
