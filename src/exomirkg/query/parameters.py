"""What people type as a stored query's parameter, made into SPARQL terms.

Each value becomes a term written by pyoxigraph from a checked value (never pasted text), placed in
the query's ``VALUES`` line. By kind:

- ``curie`` and ``iri``: a CURIE with any prefix of ``ontology/prefixes.tsv`` or of the project
  (``GO:0006915``, ``hgnc:9588``, ``exo:DiagnosticUse``), an absolute IRI, or, given a
  :data:`Lookup` on the KG, a term's label or the review's name for it (``PTEN``, ``macrophage``,
  ``apoptotic process``; case does not matter): one term, or :class:`BadParameter` naming the
  candidates;
- ``mirna``: the miRNA as the review names it (``miR-21``); with a lookup also its miRBase name
  with or without ``hsa-`` (``hsa-miR-21-5p``, ``miR-21-5p``), or its miRBase accession (``MI0000077``,
  ``MIMAT0000076``), each resolved to the review's name(s) of that miRNA, its precursor or arms;
- ``literal``, ``integer``, ``claim`` (``C131``) as written.

:func:`unmatched` tells which given values the KG does not hold, so that an empty answer is never
silent.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import ExomirError, IdentifierError, UnknownPrefix
from ..ids.namespaces import CLAIM, EXO, RDFS
from ..ids.prefixes import PrefixRegistry
from .store import QueryResult

PARAM_KINDS = ("literal", "integer", "curie", "iri", "claim", "mirna")
Lookup = Callable[[str], QueryResult]
"""Runs a SELECT query on the KG (the embedded store, an endpoint, the server's workers)."""

MIRBASE_ACCESSION = re.compile(r"(MI|MIMAT)\d{7}")
CANDIDATES_SHOWN = 8


class BadParameter(ExomirError):
    """A --param is not one the query declares, or its value does not fit its kind or names no term."""


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str
    kind: str
    description: str
    example: str


def sparql_values(param: Parameter, raw: str, prefixes: PrefixRegistry, lookup: Lookup | None = None,
                  query_text: str = "") -> list[str]:
    """The SPARQL terms that ``raw`` stands for (one, or a miRNA's several names)."""
    if param.kind == "literal":
        return [str(ox.Literal(raw))]
    if param.kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise BadParameter(f"parameter {param.name!r} must be an integer, not {raw!r}")
        return [raw]
    if param.kind == "claim":            # a claim id, as the curation writes it
        if not re.fullmatch(r"C\d{3,}", raw):
            raise BadParameter(f"parameter {param.name!r} must be a claim id such as C131, not {raw!r}")
        return [f"<{CLAIM}{raw}>"]
    if param.kind == "mirna":
        return [str(ox.Literal(name)) for name in mirna_names(param, raw, lookup)]
    return [term_iri(param, raw, prefixes, lookup, predicates_of(param.variable, query_text))]


def predicates_of(variable: str, query_text: str) -> list[str]:
    """The IRIs of the predicates whose object is ``variable`` in ``query_text`` (``exo:biomarkerUse ?use``,
    ``rdfs:subClassOf* ?process``): what a label must name there, when several terms share it."""
    declared = dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", query_text))
    found = []
    for name in re.findall(r"(<[^>\s]+>|[A-Za-z][\w-]*:[\w-]+)[*+?]?\s+" + re.escape(variable) + r"\b", query_text):
        if name.startswith("<"):
            found.append(name[1:-1])
        elif name.split(":", 1)[0] in declared:
            prefix, local = name.split(":", 1)
            found.append(declared[prefix] + local)
    return sorted(set(found))


def term_iri(param: Parameter, raw: str, prefixes: PrefixRegistry, lookup: Lookup | None = None,
             predicates: list[str] | None = None) -> str:
    """``<iri>`` of a CURIE, an absolute IRI or (with ``lookup``) a label; :class:`BadParameter` otherwise.
    A label of several terms names the one used with ``predicates`` (the query's), else the one claims use."""
    prefix, colon, local = raw.partition(":")
    if colon and not local.startswith("//"):
        try:
            return _named(param, prefixes.iri(prefixes.parse(raw)))
        except UnknownPrefix as unknown:
            try:
                expanded = prefixes.uri_prefix(prefix) + local      # a project namespace: exo:, claim:...
            except IdentifierError:
                if param.kind == "curie" or lookup is None:
                    raise BadParameter(f"parameter {param.name!r}: {unknown}") from unknown
            else:
                return _named(param, expanded)
        except IdentifierError as malformed:                       # a registered prefix, an ID off its pattern
            raise BadParameter(f"parameter {param.name!r}: {malformed}") from malformed
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", raw):
        return _named(param, raw)
    if lookup is None:
        raise BadParameter(f"parameter {param.name!r} must be a CURIE such as {param.example} or an IRI, not {raw!r}")
    found = labelled(raw, lookup)
    if len(found) > 1 and predicates:    # several terms share the label: the one used where the query uses it
        used = _iris(lookup(USED_WITH.replace("{terms}", " ".join(f"<{iri}>" for iri in found))
                            .replace("{predicates}", " ".join(f"<{iri}>" for iri in predicates))))
        found = used if len(used) == 1 else found
    if len(found) > 1:                   # or the one claims use, if that settles it
        used = _iris(lookup(USED_BY_CLAIMS.replace("{terms}", " ".join(f"<{iri}>" for iri in found))))
        found = used if len(used) == 1 else found
    if len(found) == 1:
        return f"<{found[0]}>"
    if not found:
        raise BadParameter(f"parameter {param.name!r}: no term of the KG has the label {raw!r}; give a CURIE such as "
                           f"{param.example}")
    shown = ", ".join(_short(iri, prefixes) for iri in found[:CANDIDATES_SHOWN])
    raise BadParameter(f"parameter {param.name!r}: {raw!r} is the label of {len(found)} terms ({shown}); give one "
                       "of them as a CURIE")


LABELLED_EXACT = f"""SELECT DISTINCT ?term WHERE {{
  VALUES ?label {{ {{labels}} }}
  ?term <{RDFS.label}>|<{EXO.textName}> ?label . FILTER(isIRI(?term))
}} ORDER BY ?term LIMIT 50"""
LABELLED_ANY_CASE = f"""SELECT DISTINCT ?term WHERE {{
  VALUES ?text {{ {{text}} }}
  ?term <{RDFS.label}>|<{EXO.textName}> ?label . FILTER(isIRI(?term) && LCASE(STR(?label)) = ?text)
}} ORDER BY ?term LIMIT 50"""


USED_WITH = """SELECT DISTINCT ?term WHERE {
  VALUES ?term { {terms} } VALUES ?p { {predicates} }
  { ?s ?p ?term } UNION { ?term ?p ?o }
}"""
USED_BY_CLAIMS = f"""SELECT DISTINCT ?term WHERE {{
  VALUES ?term {{ {{terms}} }}
  ?claim ?p ?term . ?claim a ?type . ?type <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EXO.Claim}> .
}}"""


def labelled(text: str, lookup: Lookup) -> list[str]:
    """The IRIs whose label (or the review's name, ``exo:textName``) is ``text``: as written (plain or
    ``@en``) first, else in any case."""
    labels = " ".join(str(term) for term in (ox.Literal(text), ox.Literal(text, language="en")))
    found = _iris(lookup(LABELLED_EXACT.replace("{labels}", labels)))
    return found or _iris(lookup(LABELLED_ANY_CASE.replace("{text}", str(ox.Literal(text.lower())))))


MIRNA_NAMES = f"""SELECT DISTINCT ?name WHERE {{
  VALUES ?m {{ {{mirnas}} }}
  {{ ?m <{EXO.textName}> ?name }} UNION {{ ?p <{EXO.hasMatureProduct}> ?m . ?p <{EXO.textName}> ?name }}
  UNION {{ ?m <{EXO.hasMatureProduct}> ?q . ?q <{EXO.textName}> ?name }}
}} ORDER BY ?name"""
REVIEW_NAME = f"SELECT ?m WHERE {{ VALUES ?name {{ {{name}} }} ?m <{EXO.textName}> ?name }} LIMIT 1"


def mirna_names(param: Parameter, raw: str, lookup: Lookup | None) -> list[str]:
    """The review's names of the miRNA ``raw`` (see the module); ``raw`` less ``hsa-`` without a lookup."""
    if lookup is None:
        if MIRBASE_ACCESSION.fullmatch(raw):
            raise BadParameter(f"parameter {param.name!r}: a miRBase accession ({raw}) needs the KG to be resolved")
        return [raw.removeprefix("hsa-")]
    if _iris(lookup(REVIEW_NAME.replace("{name}", str(ox.Literal(raw))))):
        return [raw]
    if MIRBASE_ACCESSION.fullmatch(raw):
        registry = "mirbase.mature" if raw.startswith("MIMAT") else "mirbase"
        mirnas = [f"https://identifiers.org/{registry}:{raw}"]
    else:
        spellings = {raw, raw.removeprefix("hsa-"), raw if raw.startswith("hsa-") else "hsa-" + raw}
        mirnas = sorted({iri for spelling in sorted(spellings) for iri in labelled(spelling, lookup)})
    names = sorted({row[0].value for row in lookup(MIRNA_NAMES.replace(
        "{mirnas}", " ".join(str(ox.NamedNode(iri)) for iri in mirnas))).rows if row[0] is not None}) if mirnas else []
    if not names:
        raise BadParameter(f"parameter {param.name!r}: no miRNA of the KG is named {raw!r} (by the review or miRBase, "
                           f"with or without hsa-) or has that accession; e.g. {param.example}")
    return names


OCCURS = "SELECT ?v WHERE { VALUES ?v { {values} } { ?v ?p ?o } UNION { ?s ?p ?v } } LIMIT 1"


def unmatched(parameters: dict[str, tuple[Parameter, list[str]]], lookup: Lookup) -> list[str]:
    """The names of the given parameters none of whose terms occurs in the KG (``*`` and paging aside)."""
    missing = []
    for name, (param, terms) in parameters.items():
        if param.kind == "integer" or param.variable in ("SERVICE", "LIMIT", "OFFSET") or not terms or terms == ["UNDEF"]:
            continue
        if not lookup(OCCURS.replace("{values}", " ".join(terms))).rows:
            missing.append(name)
    return missing


def _named(param: Parameter, iri: str) -> str:
    """``<iri>`` written by pyoxigraph; :class:`BadParameter` when it is not an IRI (a space, ``<``, ``"``)."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as error:
        raise BadParameter(f"parameter {param.name!r}: {iri!r} is not an IRI ({error})") from None


def _iris(result: QueryResult) -> list[str]:
    return [row[0].value for row in result.rows if row and row[0] is not None and row[0].kind == "iri"]


def _short(iri: str, prefixes: PrefixRegistry) -> str:
    curie = prefixes.compress(iri)
    return str(curie) if curie is not None else iri


__all__ = ["PARAM_KINDS", "BadParameter", "Lookup", "Parameter", "labelled", "mirna_names", "sparql_values",
           "term_iri", "unmatched"]
