"""Publishing nanopublications as the nanopub network does: sealing one (trusty, and signed when a key
is given), and the two kinds of nanopublication the network uses to manage others, both made here as
plain nanopublications ready to be sealed:

- a **retraction**: its assertion states ``<signer> npx:retracts <old nanopublication>``; the network
  honours it when it is signed with the key that signed the retracted one;
- an **index** (``npx:NanopubIndex``): its assertion lists the nanopublications of a dataset with
  ``npx:includesElement``, as nanopub-java's ``NanopubIndexCreator`` does (at most
  :data:`INDEX_LIMIT` elements each; a longer list is chained with ``npx:appendsIndex``).

A new version of a nanopublication states ``npx:supersedes`` of the old one in its publication info
(:func:`with_pubinfo`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad

from .model import HAS_ASSERTION, HAS_PROVENANCE, HAS_PUBINFO, NANOPUBLICATION, NPX, RDF_TYPE, MalformedNanopub
from .rdfio import Format, write_trig
from .signature import NPX_PREFIX, sign_nanopub
from .trusty import expand_base, finish, load, output_prefixes, prepare, preprocess

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

RETRACTS = NamedNode(NPX + "retracts")
SUPERSEDES = NamedNode(NPX + "supersedes")
NANOPUB_INDEX = NamedNode(NPX + "NanopubIndex")
INCLUDES_ELEMENT = NamedNode(NPX + "includesElement")
APPENDS_INDEX = NamedNode(NPX + "appendsIndex")
INDEX_LIMIT = 1000
"""Elements of one index nanopublication (nanopub-java's ``NanopubIndexCreator`` default)."""

DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PROV = "http://www.w3.org/ns/prov#"
XSD_DATETIME = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
PREFIXES = {"np": "http://www.nanopub.org/nschema#", "npx": NPX, "dct": DCT, "prov": PROV,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


@dataclass(frozen=True)
class Sealed:
    """A nanopublication as published: its trusty IRI and its TriG."""

    uri: str
    trig: str
    signed: bool


def seal(text: str, key: RSAPrivateKey | None = None, signed_by: str | None = None, fmt: Format = "trig",
         fragment: bool = True) -> Sealed:
    """The one nanopublication in ``text`` made trusty, and signed with ``key`` when one is given.

    Its graphs and other IRIs under its IRI become fragments of the trusty IRI (``.../RA...#assertion``),
    the form every checker verifies: nanopub-java and nanopub-rs (which replace the code by a space)
    and nanopub-py (which only finds the graphs of a trusty nanopublication under ``IRI#``); with
    ``fragment=False``, the ``.../RA.../assertion`` form of nanopub-java 1.50+.

    The same text and key give the same result (RSA PKCS#1 v1.5 signatures are deterministic), so a
    rebuilt release has the same artifact codes. Raises :class:`MalformedNanopub` for a text that
    holds no nanopublication, more than one, or an unsound one.
    """
    nanopubs, prefixes = load(text, fmt)
    if len(nanopubs) != 1:
        raise MalformedNanopub(f"expected one nanopublication, found {len(nanopubs)}")
    [np] = nanopubs
    if key is not None:
        uri, quads = sign_nanopub(np, key, signed_by, fragment)
        signed = True
    else:
        base, _, prepared = prepare(np)
        code, quads = finish(preprocess(prepared, base, fragment))
        uri, signed = expand_base(base) + code, False
    names = {**output_prefixes(prefixes, np.uri.value, uri, quads), **NPX_PREFIX, "sub": uri + ("#" if fragment else "/")}
    return Sealed(uri, write_trig(quads, names), signed)


def with_pubinfo(text: str, statements: Sequence[tuple[str, str]], fmt: Format = "trig") -> str:
    """The plain nanopublication in ``text`` with ``(predicate IRI, object IRI)`` statements about it
    added to its publication info (e.g. ``npx:supersedes`` of its previous version)."""
    [np], prefixes = load(text, fmt)
    added = [Quad(np.uri, NamedNode(p), NamedNode(o), np.pubinfo) for p, o in statements]
    return write_trig([*np.statements(), *added], {**PREFIXES, **prefixes})


def _plain(uri: str, assertion: list[tuple[NamedNode, NamedNode, NamedNode | Literal]],
           provenance: list[tuple[NamedNode, NamedNode, NamedNode | Literal]],
           pubinfo: list[tuple[NamedNode, NamedNode, NamedNode | Literal]]) -> str:
    """A plain nanopublication at ``uri`` (graphs ``uri/head`` etc.) with these three graphs' triples."""
    this = NamedNode(uri)
    head, a, p, i = (NamedNode(f"{uri}/{part}") for part in ("head", "assertion", "provenance", "pubinfo"))
    quads = [Quad(this, RDF_TYPE, NANOPUBLICATION, head), Quad(this, HAS_ASSERTION, a, head),
             Quad(this, HAS_PROVENANCE, p, head), Quad(this, HAS_PUBINFO, i, head)]
    quads += [Quad(*t, a) for t in assertion] + [Quad(*t, p) for t in provenance] + [Quad(*t, i) for t in pubinfo]
    return write_trig(quads, {**PREFIXES, "this": uri, "sub": uri + "/"})


def _pubinfo(this: NamedNode, created: str, creators: Sequence[str], label: str) -> list:
    return [(this, NamedNode(DCT + "created"), Literal(created, datatype=XSD_DATETIME)),
            *[(this, NamedNode(DCT + "creator"), NamedNode(c)) for c in creators],
            (this, RDFS_LABEL, Literal(label))]


def retraction(uri: str, retracted: str, retractor: str, created: str, creators: Sequence[str] = (),
               label: str | None = None) -> str:
    """A plain nanopublication at ``uri`` in which ``retractor`` (the signer's IRI, e.g. an ORCID)
    retracts the nanopublication ``retracted``. ``created`` is an xsd:dateTime."""
    this, by = NamedNode(uri), NamedNode(retractor)
    return _plain(uri, [(by, RETRACTS, NamedNode(retracted))],
                  [(NamedNode(f"{uri}/assertion"), NamedNode(PROV + "wasAttributedTo"), by)],
                  _pubinfo(this, created, creators, label or f"retraction of {retracted}"))


def index(uri: str, elements: Sequence[str], created: str, title: str, source: str, creators: Sequence[str] = (),
          description: str | None = None, appends: str | None = None, supersedes: str | None = None) -> str:
    """A plain ``npx:NanopubIndex`` at ``uri`` listing ``elements`` (at most :data:`INDEX_LIMIT`), its
    assertion derived from ``source`` (e.g. the release); ``appends`` is the index it continues,
    ``supersedes`` the index of the previous version."""
    if not elements:
        raise MalformedNanopub("an index needs at least one element")
    if len(elements) > INDEX_LIMIT:
        raise MalformedNanopub(f"an index holds at most {INDEX_LIMIT} elements; chain them with appends")
    this = NamedNode(uri)
    pubinfo = [(this, RDF_TYPE, NANOPUB_INDEX), (this, NamedNode(DCT + "title"), Literal(title)),
               *_pubinfo(this, created, creators, title)]
    if description:
        pubinfo.append((this, NamedNode(DCT + "description"), Literal(description)))
    if appends:
        pubinfo.append((this, APPENDS_INDEX, NamedNode(appends)))
    if supersedes:
        pubinfo.append((this, SUPERSEDES, NamedNode(supersedes)))
    return _plain(uri, [(this, INCLUDES_ELEMENT, NamedNode(e)) for e in elements],
                  [(NamedNode(f"{uri}/assertion"), NamedNode(PROV + "wasDerivedFrom"), NamedNode(source))], pubinfo)


def chained_indexes(uri: str, elements: Sequence[str], created: str, title: str, source: str,
                    seal_one: Callable[[str], tuple[str, str]], creators: Sequence[str] = (),
                    description: str | None = None, supersedes: str | None = None,
                    limit: int = INDEX_LIMIT) -> list[tuple[str, str]]:
    """The indexes of ``elements``, as nanopub-java chains a long list: parts of at most ``limit``
    elements, each sealed with ``seal_one`` (plain TriG -> trusty IRI and TriG) and appending the
    part before it (``npx:appendsIndex``). The last one, at ``uri``, stands for the whole list and
    ``supersedes`` the previous version's index; the others are at ``uri-1``, ``uri-2``..."""
    chunks = [list(elements[i:i + limit]) for i in range(0, len(elements), limit)] or [[]]
    sealed: list[tuple[str, str]] = []
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        part = title if last else f"{title} (part {number} of {len(chunks)})"
        text = index(uri if last else f"{uri}-{number}", chunk, created, part, source, creators, description,
                     appends=sealed[-1][0] if sealed else None, supersedes=supersedes if last else None)
        sealed.append(seal_one(text))
    return sealed
