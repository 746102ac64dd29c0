"""Every query behind the server's HTML pages and documents, in one place, parameterised.

A page's subject (the IRI of the request) reaches a query only as a bound term: each query names
it ``?this`` (and graph IRIs ``?assertion``, ``?provenance``, ...), and :func:`rows` passes them to
the worker as :attr:`Job.bindings`, which pyoxigraph substitutes as terms. The IRIs are checked by
pyoxigraph's IRI parser first (:func:`checked_iri`); a value that is not an IRI never reaches a query.
The queries run in the query workers, under the same limits as ``/sparql``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import ExomirError
from ..ids.namespaces import CLAIM, DATASET_IRI, ENTITIES_GRAPH, NANOPUB, RDF, RDFS, STATISTICS_GRAPH, sparql_prologue
from ..nanopub.hashing import ra_code_in
from ..query.store import QueryResult, Term
from .jobs import Answer, Job

Runner = Callable[[Job], Answer]
NANOPUB_PARTS = ("head", "assertion", "provenance", "pubinfo")

PREFIXES = sparql_prologue("exo", "rdfs", "prov")
RDF_TYPE = str(RDF.type)
RDFS_LABEL = str(RDFS.label)

# ------------------------------------------------------------------------ the queries
KNOWN = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } UNION { GRAPH ?this { ?s ?p ?o } } }"
GRAPH_EXISTS = "ASK { GRAPH ?this { ?s ?p ?o } }"
CURRENT_NANOPUB = PREFIXES + """SELECT ?this ?plain ?np WHERE {
  { ?this exo:currentNanopublication ?np } UNION { GRAPH ?g { ?plain a <http://www.nanopub.org/nschema#Nanopublication> } BIND(?plain AS ?np) }
} LIMIT 1"""
NANOPUB_GRAPHS = """SELECT ?this ?head ?assertion ?provenance ?pubinfo WHERE { GRAPH ?head {
  ?this <http://www.nanopub.org/nschema#hasAssertion> ?assertion ; <http://www.nanopub.org/nschema#hasProvenance> ?provenance ;
        <http://www.nanopub.org/nschema#hasPublicationInfo> ?pubinfo } } LIMIT 1"""
SUCCESSOR = """SELECT ?this ?kind ?by WHERE {
  { GRAPH ?g { ?by <http://purl.org/nanopub/x/supersedes> ?this } BIND("superseded" AS ?kind) }
  UNION { GRAPH ?g { ?who <http://purl.org/nanopub/x/retracts> ?this } GRAPH ?h { ?by <http://www.nanopub.org/nschema#hasAssertion> ?g } BIND("retracted" AS ?kind) }
} LIMIT 1"""
LABEL = PREFIXES + "SELECT ?this ?label WHERE { ?this rdfs:label ?label } LIMIT 1"
FACTS_IN_GRAPH = PREFIXES + """SELECT ?this ?graph ?p ?name ?v ?vl WHERE { GRAPH ?graph { ?this ?p ?v }
    OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?v rdfs:label ?vl }
    BIND(COALESCE(STR(?pl), STR(?p)) AS ?name) } ORDER BY ?name ?v"""
# Quotes, references and cell lines are read from the entities graph, where each is described once:
# a nanopublication's provenance repeats them, and the union of all graphs would multiply the rows.
QUOTES = PREFIXES + f"""SELECT ?this ?text ?section ?location WHERE {{ ?this exo:supportingQuote ?q .
    GRAPH <{ENTITIES_GRAPH}> {{ ?q exo:text ?text ; exo:section ?section ; exo:location ?location }} }}
    ORDER BY ?location ?text"""
MEASURE_NAMES = {"http://purl.obolibrary.org/obo/STATO_0000233": "sensitivity",
                 "http://purl.obolibrary.org/obo/STATO_0000134": "specificity",
                 "http://purl.obolibrary.org/obo/STATO_0000209": "AUC"}
"""What a biomarker paper calls the STATO measures (whose labels are the statistician's)."""
MEASUREMENTS = PREFIXES + """SELECT DISTINCT ?this ?t ?measure ?value WHERE { ?this exo:hasMeasurement ?m .
    ?m exo:value ?value ; exo:measures ?t . OPTIONAL { ?t rdfs:label ?l }
    BIND(COALESCE(STR(?l), STR(?t)) AS ?measure) } ORDER BY ?measure"""
REFERENCES = PREFIXES + f"""SELECT ?this ?n ?title ?status ?doi ?pmid ?retraction ?r WHERE {{
    ?this exo:citesReference ?r .
    GRAPH <{ENTITIES_GRAPH}> {{ ?r exo:referenceNumber ?n ; exo:verificationStatus ?status .
      OPTIONAL {{ ?r exo:title ?t }} OPTIONAL {{ ?r exo:doi ?d }} OPTIONAL {{ ?r exo:pmid ?pm }}
      OPTIONAL {{ ?r exo:retractionNotice ?x }} }}
    BIND(COALESCE(?t, "") AS ?title) BIND(COALESCE(?d, "") AS ?doi) BIND(COALESCE(?pm, "") AS ?pmid)
    BIND(COALESCE(?x, "") AS ?retraction) }} ORDER BY ?n"""
ISSUES = PREFIXES + """SELECT ?this ?issue ?kind ?comment WHERE { ?this exo:hasIssue ?issue .
    ?issue exo:issueKind ?kind ; rdfs:comment ?comment } ORDER BY ?issue"""
FLAGS = PREFIXES + """SELECT ?this ?retracted ?hedging WHERE { ?this exo:restsOnRetractedStudy ?retracted
    OPTIONAL { ?this exo:hedgingLevel ?level FILTER(?level != exo:AssertedLevel) ?level rdfs:label ?hedging } }"""
PROBLEMATIC_LINES = PREFIXES + f"""SELECT ?this ?name ?caution WHERE {{ ?this exo:restsOnProblematicCellLine ?line .
    GRAPH <{ENTITIES_GRAPH}> {{ ?line rdfs:label ?name ; exo:cellLineCaution ?caution }} }} ORDER BY ?name"""
ENTITY_FACTS = PREFIXES + """SELECT ?this ?p ?name ?v ?vl WHERE { ?this ?p ?v FILTER(?p != rdfs:label)
    OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?v rdfs:label ?vl }
    BIND(COALESCE(STR(?pl), STR(?p)) AS ?name) } ORDER BY ?name ?v LIMIT 1000"""
ENTITY_CLAIMS = PREFIXES + """SELECT DISTINCT ?this ?claim ?type ?label ?about WHERE {
    { ?claim ?p ?this BIND("this" AS ?about) }
    UNION { ?claim exo:mirna ?m . ?m exo:hasMatureProduct ?this BIND("precursor" AS ?about) }
    UNION { ?claim exo:mirna ?m . ?this exo:hasMatureProduct ?m BIND("arm" AS ?about) }
    ?claim a ?t ; rdfs:label ?label . ?t rdfs:subClassOf exo:Claim ; rdfs:label ?tl . BIND(STR(?tl) AS ?type) }
    ORDER BY ?claim LIMIT 1000"""
MIRNA_RELATIVES = PREFIXES + """SELECT DISTINCT ?this ?kind ?other ?name WHERE {
    { ?this exo:hasMatureProduct ?other BIND("arm" AS ?kind) } UNION { ?other exo:hasMatureProduct ?this BIND("precursor" AS ?kind) }
    OPTIONAL { ?other rdfs:label ?l } BIND(COALESCE(STR(?l), STR(?other)) AS ?name) } ORDER BY ?name"""
GRAPH_TRIPLES = PREFIXES + """SELECT ?this ?s ?p ?o ?sl ?pl ?ol WHERE { GRAPH ?this { ?s ?p ?o }
    OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?o rdfs:label ?ol } }
    LIMIT 1001"""
CLAIM_COUNTS = PREFIXES + f"""PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?type ?n WHERE {{ GRAPH <{STATISTICS_GRAPH}> {{ <{DATASET_IRI}> void:classPartition ?part .
    ?part void:class ?t ; void:entities ?n }}
    ?t rdfs:subClassOf exo:Claim ; rdfs:label ?l . BIND(STR(?l) AS ?type) }} ORDER BY DESC(?n) ?type"""
# The KG's build-time statistics (graph/statistics): counts read, never 30 million quads counted.
STATISTICS = PREFIXES + f"""PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?part ?which ?term ?n ?claimClass WHERE {{ GRAPH <{STATISTICS_GRAPH}> {{
  {{ <{DATASET_IRI}> void:triples ?n BIND("dataset" AS ?which) }}
  UNION {{ <{DATASET_IRI}> void:classPartition ?part . ?part void:class ?term ; void:entities ?n BIND("class" AS ?which) }}
  UNION {{ <{DATASET_IRI}> void:propertyPartition ?part . ?part void:property ?term ; void:triples ?n
           BIND("property" AS ?which) }} }}
  OPTIONAL {{ ?term rdfs:subClassOf exo:Claim BIND(true AS ?claimClass) }} }}"""


class PageQueryFailed(ExomirError):
    """A page's query did not answer (timeout, busy workers, memory): the page answers its status."""

    def __init__(self, answer: Answer):
        self.answer = answer
        super().__init__(answer.body.decode("utf-8", "replace").strip())


class NotAnIRI(ExomirError):
    """A request named something that is not an absolute IRI."""


def checked_iri(value: str) -> str:
    """``value`` if pyoxigraph parses it as an absolute IRI, else :class:`NotAnIRI`."""
    try:
        return ox.NamedNode(value).value
    except (ValueError, TypeError) as error:
        raise NotAnIRI(f"not an IRI: {error}") from error


def rows(run: Runner, text: str, literals: dict[str, str] | None = None, **bindings: str) -> QueryResult:
    """Run one page query with its bound IRIs (and ``literals``, bound strings); :class:`PageQueryFailed`
    when it does not answer."""
    answer = run(Job(text=text, rows=True, bindings=tuple((k, checked_iri(v)) for k, v in sorted(bindings.items())),
                     literals=tuple(sorted((literals or {}).items()))))
    if answer.status != 200 or answer.result is None:
        raise PageQueryFailed(answer)
    return answer.result


def column(result: QueryResult, *names: str) -> list[tuple[Term | None, ...]]:
    """The given columns of every row, by variable name."""
    indexes = [result.variables.index(name) for name in names]
    return [tuple(row[i] for i in indexes) for row in result.rows]


def text_of(term: Term | None) -> str:
    return "" if term is None else term.value


# ------------------------------------------------------------------------ what pages need
def known(run: Runner, iri: str) -> bool:
    """Whether the KG says anything of ``iri``, or holds a graph of that name."""
    return bool(rows(run, KNOWN, this=iri).boolean)


def label(run: Runner, iri: str) -> str:
    """The rdfs:label of an IRI, or '' when it has none."""
    found = column(rows(run, LABEL, this=iri), "label")
    return text_of(found[0][0]) if found else ""


def claim_id_of(iri: str) -> str | None:
    """The claim id (C131) of a claim IRI, or None for any other IRI."""
    rest = iri[len(str(CLAIM)):] if iri.startswith(str(CLAIM)) else ""
    return rest if rest and "/" not in rest else None


def nanopub_id_of(iri: str) -> tuple[str, str] | None:
    """(claim id, part) of a nanopublication IRI (part '' for the nanopublication itself), else None:
    ``np/C001`` and its ``np/C001/assertion`` (as built), ``np/C001/RA...`` (as released, trusty)."""
    if not iri.startswith(str(NANOPUB)):
        return None
    claim_id, _, part = iri[len(str(NANOPUB)):].partition("/")
    if part and ra_code_in(part) == part:
        part = ""
    if not claim_id or (part and part not in NANOPUB_PARTS):
        return None
    return claim_id, part


def graph_iris(claim_id: str) -> dict[str, str]:
    """The four graph IRIs of a claim's nanopublication as built (``np/C001/assertion``), by part."""
    return {part: f"{NANOPUB}{claim_id}/{part}" for part in NANOPUB_PARTS}


def current_nanopub(run: Runner, claim_id: str) -> str | None:
    """The IRI of the nanopublication that states the claim: its trusty one in a released KG
    (``exo:currentNanopublication``), ``np/C001`` in a built one; None when the KG has neither."""
    found = column(rows(run, CURRENT_NANOPUB, this=str(CLAIM) + claim_id, plain=str(NANOPUB) + claim_id), "np")
    return text_of(found[0][0]) if found else None


def nanopub_graphs(run: Runner, np_iri: str) -> dict[str, str]:
    """The four graph IRIs of the nanopublication ``np_iri``, by part, as its head names them ({}
    when the KG has no head of that name)."""
    found = column(rows(run, NANOPUB_GRAPHS, this=np_iri), "head", "assertion", "provenance", "pubinfo")
    return {part: text_of(term) for part, term in zip(NANOPUB_PARTS, found[0], strict=True)} if found else {}


def successor(run: Runner, np_iri: str) -> tuple[str, str] | None:
    """("superseded", the newer nanopublication) or ("retracted", the retraction) for a nanopublication
    the KG names but does not hold; None when it names none."""
    found = column(rows(run, SUCCESSOR, this=np_iri), "kind", "by")
    return (text_of(found[0][0]), text_of(found[0][1])) if found else None


def claim_graphs(run: Runner, claim_id: str) -> dict[str, str]:
    """The four graph IRIs of the claim's current nanopublication (as built when the KG has none)."""
    current = current_nanopub(run, claim_id)
    return (nanopub_graphs(run, current) if current else {}) or graph_iris(claim_id)


@dataclass
class ClaimView:
    """What the claim page shows."""

    claim_id: str
    label: str
    facts: list[tuple[str, Term, str]]          # (property, value, value label)
    provenance: list[tuple[str, Term, str]]
    quotes: list[tuple[str, ...]]
    references: list[tuple[str, ...]]
    issues: list[tuple[str, ...]]
    retracted: bool
    hedging: str                                # the hedging level's label; empty when asserted
    problematic_lines: list[tuple[str, ...]]    # (cell line, Cellosaurus's comment)
    nanopub: str | None = None                  # the IRI of its current nanopublication (trusty once released)
    figures: list[tuple[str, str]] = field(default_factory=list)   # (measure, value): sensitivity, AUC...


def _facts(result: QueryResult, skip: tuple[str, ...], names: dict[str, str]) -> list[tuple[str, Term, str]]:
    """(property name, value, value label) rows, one per fact (the first label of a value)."""
    seen: dict[tuple[str, Term], str] = {}
    for prop, name, value, value_label in column(result, "p", "name", "v", "vl"):
        if prop is None or value is None or prop.value in skip:
            continue
        key = (names.get(prop.value, text_of(name)), value)
        if key not in seen:
            seen[key] = text_of(value_label)
    return [(name, value, value_label) for (name, value), value_label in seen.items()]


def claim(run: Runner, iri: str) -> ClaimView:
    """Everything the claim page of ``iri`` shows."""
    claim_id = claim_id_of(iri) or ""
    nanopub = current_nanopub(run, claim_id)
    graphs = (nanopub_graphs(run, nanopub) if nanopub else {}) or graph_iris(claim_id)
    facts = _facts(rows(run, FACTS_IN_GRAPH, this=iri, graph=graphs["assertion"]),
                   (RDFS_LABEL, "https://w3id.org/exomir-kg/ontology/hasMeasurement"), {RDF_TYPE: "claim type"})
    figures = [(f"{MEASURE_NAMES[text_of(t)]} ({text_of(m)})" if text_of(t) in MEASURE_NAMES else text_of(m), text_of(v))
               for t, m, v in column(rows(run, MEASUREMENTS, this=iri), "t", "measure", "value")]
    provenance = _facts(rows(run, FACTS_IN_GRAPH, this=iri, graph=graphs["provenance"]),
                        ("https://w3id.org/exomir-kg/ontology/supportingQuote", "https://w3id.org/exomir-kg/ontology/citesReference"),
                        {"http://www.w3.org/ns/prov#wasDerivedFrom": "derived from"})
    quotes = [tuple(text_of(t) for t in row) for row in column(rows(run, QUOTES, this=iri), "text", "section", "location")]
    references = [tuple(text_of(t) for t in row) for row in column(
        rows(run, REFERENCES, this=iri), "n", "title", "status", "doi", "pmid", "retraction", "r")]
    issues = [tuple(text_of(t) for t in row) for row in column(rows(run, ISSUES, this=iri), "issue", "kind", "comment")]
    flags = column(rows(run, FLAGS, this=iri), "retracted", "hedging")
    retracted, hedging = (text_of(flags[0][0]) == "true", text_of(flags[0][1])) if flags else (False, "")
    lines = [tuple(text_of(t) for t in row) for row in column(rows(run, PROBLEMATIC_LINES, this=iri), "name", "caution")]
    return ClaimView(claim_id, label(run, iri) or claim_id, facts, provenance, quotes, references, issues,
                     retracted, hedging, lines, nanopub, figures)


PREDICATE_NAMES = {
    "http://www.w3.org/2004/02/skos/core#exactMatch": "the same entity elsewhere",
    "http://www.w3.org/2004/02/skos/core#notation": "local identifier",
    "http://purl.org/dc/terms/identifier": "identifier",
    RDF_TYPE: "type",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": "a kind of",
    "http://purl.org/dc/terms/source": "source",
}
"""Names of the predicates the KG uses from other vocabularies (its own carry labels)."""


@dataclass
class EntityView:
    """What the page of any other IRI shows."""

    label: str
    facts: list[tuple[str, Term, str]]
    claims: list[tuple[Term, str, str, str]]     # (claim, claim type, claim label, what it names: this/precursor/arm)
    relatives: list[tuple[str, Term, str]] = field(default_factory=list)   # miRNAs: (arm|precursor, IRI, name)


def entity(run: Runner, iri: str) -> EntityView:
    """The facts about ``iri`` (one row per fact, whichever graphs hold it) and the claims that use it;
    for a miRNA also its precursor or arms."""
    facts = [f for f in _facts(rows(run, ENTITY_FACTS, this=iri), (), PREDICATE_NAMES)
             if f[1].value != "http://www.w3.org/2002/07/owl#NamedIndividual"]
    found = column(rows(run, ENTITY_CLAIMS, this=iri), "claim", "type", "label", "about")
    claims = [(c, text_of(t), text_of(lab), text_of(about)) for c, t, lab, about in found if c is not None]
    relatives = [(text_of(k), o, text_of(n)) for k, o, n in column(rows(run, MIRNA_RELATIVES, this=iri), "kind", "other", "name")
                 if o is not None] if "mirbase" in iri else []
    return EntityView(label(run, iri) or iri, facts, claims, relatives)


@dataclass
class GraphView:
    """The triples of one named graph (at most ``limit``), labels included."""

    triples: list[tuple[Term, str, Term, str, Term, str]]
    more: bool


def graph(run: Runner, iri: str, limit: int = 1000) -> GraphView:
    """The first ``limit`` triples of the named graph ``iri``, with labels."""
    found = column(rows(run, GRAPH_TRIPLES, this=iri), "s", "sl", "p", "pl", "o", "ol")
    seen: dict[tuple, tuple] = {}
    for s, sl, p, pl, o, ol in found:
        if s is not None and p is not None and o is not None and (s, p, o) not in seen:
            seen[(s, p, o)] = (s, text_of(sl), p, text_of(pl), o, text_of(ol))
    triples = list(seen.values())
    return GraphView(triples[:limit], len(found) > limit)


def landing_counts(run: Runner) -> list[tuple[str, str]]:
    """(claim type, number of claims), the most frequent first."""
    return [(text_of(t), text_of(n)) for t, n in column(rows(run, CLAIM_COUNTS), "type", "n")]


@dataclass(frozen=True)
class DatasetStatistics:
    """The served KG's build-time statistics: quads, and (partition IRI, class or property, count) rows."""

    quads: int
    claims: int
    classes: tuple[tuple[str, str, int], ...]
    properties: tuple[tuple[str, str, int], ...]


def dataset_statistics(run: Runner) -> DatasetStatistics:
    """What ``graph/statistics`` says of the served KG (zero and nothing when it holds none)."""
    quads, claims = 0, 0
    classes: list[tuple[str, str, int]] = []
    properties: list[tuple[str, str, int]] = []
    for part, which, term, n, claim_class in column(rows(run, STATISTICS), "part", "which", "term", "n", "claimClass"):
        if which is not None and which.value == "dataset":
            quads = int(text_of(n))
        elif which is not None:
            (classes if which.value == "class" else properties).append((text_of(part), text_of(term), int(text_of(n))))
            claims += int(text_of(n)) if claim_class is not None else 0
    return DatasetStatistics(quads, claims, tuple(sorted(classes)), tuple(sorted(properties)))


__all__ = [
    "ClaimView",
    "DatasetStatistics",
    "EntityView",
    "GraphView",
    "NotAnIRI",
    "PageQueryFailed",
    "checked_iri",
    "claim",
    "claim_graphs",
    "claim_id_of",
    "current_nanopub",
    "dataset_statistics",
    "entity",
    "graph",
    "graph_iris",
    "known",
    "label",
    "landing_counts",
    "nanopub_graphs",
    "nanopub_id_of",
    "rows",
    "successor",
]
