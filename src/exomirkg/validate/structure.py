"""Nanopublication structure checks that need named graphs (SHACL on one graph cannot see them):
a table of SPARQL queries run on pyoxigraph over the union of the named graphs."""
from __future__ import annotations

from rdflib import Dataset, URIRef

from ..ids.namespaces import CLAIM, NANOPUB, NP
from ..query.store import ONTOLOGY_GRAPH
from .report import Violation

STRUCTURE = URIRef("https://w3id.org/exomir-kg/shapes/NanopublicationStructure")


StructureCheck = tuple[str, str, str]
_NP = f"PREFIX np: <{NP}>\n"

# (name, what a violation means, SPARQL SELECT ?focus): the nanopublication structure, which SHACL
# on one graph cannot see. They run on pyoxigraph, over the union of the named graphs.
STRUCTURE_CHECKS: tuple[StructureCheck, ...] = (
    ("head", "the head graph must state the nanopublication's assertion, provenance and publication info", _NP + f"""
SELECT DISTINCT ?focus WHERE {{
  {{ GRAPH ?g0 {{ ?focus a np:Nanopublication }} }}
  UNION   # a nanopublication whose head is gone is still known by the names of its other graphs
  {{ GRAPH ?part {{ }} FILTER(STRSTARTS(STR(?part), "{NANOPUB}"))
    BIND(IRI(REPLACE(STR(?part), "/(head|assertion|provenance|pubinfo)$", "")) AS ?focus) }}
  BIND(IRI(CONCAT(STR(?focus), "/head")) AS ?head)
  FILTER (NOT EXISTS {{ GRAPH ?head {{ ?s ?p ?o }} }}
          || EXISTS {{ VALUES ?link {{ np:hasAssertion np:hasProvenance np:hasPublicationInfo }}
                      GRAPH ?g1 {{ ?focus ?link ?v }} FILTER NOT EXISTS {{ GRAPH ?head {{ ?focus ?link ?v }} }} }})
}}"""),
    ("assertion", "the assertion graph must exist and hold exactly one typed claim", _NP + f"""
SELECT ?focus (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  GRAPH ?g0 {{ ?focus a np:Nanopublication }}
  OPTIONAL {{ GRAPH ?g1 {{ ?focus np:hasAssertion ?assertion }}
             GRAPH ?assertion {{ ?claim a ?type }}
             FILTER(STRSTARTS(STR(?claim), "{CLAIM}") && !CONTAINS(STRAFTER(STR(?claim), "{CLAIM}"), "/")) }}
}} GROUP BY ?focus HAVING (COUNT(DISTINCT ?claim) != 1)"""),
    ("provenance", "the provenance graph must describe the assertion graph", _NP + """
SELECT DISTINCT ?focus WHERE {
  GRAPH ?g0 { ?focus a np:Nanopublication }
  OPTIONAL { GRAPH ?g1 { ?focus np:hasProvenance ?provenance } }
  OPTIONAL { GRAPH ?g2 { ?focus np:hasAssertion ?assertion } }
  FILTER (!BOUND(?provenance) || !BOUND(?assertion) || NOT EXISTS { GRAPH ?provenance { ?assertion ?p ?o } })
}"""),
    ("pubinfo", "the publication info graph must describe the nanopublication", _NP + """
SELECT DISTINCT ?focus WHERE {
  GRAPH ?g0 { ?focus a np:Nanopublication }
  OPTIONAL { GRAPH ?g1 { ?focus np:hasPublicationInfo ?info } }
  FILTER (!BOUND(?info) || NOT EXISTS { GRAPH ?info { ?focus ?p ?o } })
}"""),
    ("blank nodes", "blank nodes are not allowed in published claims", f"""
SELECT DISTINCT ?focus WHERE {{
  {{ ?focus ?p ?o FILTER(isBlank(?o) && !isBlank(?focus)) }}
  UNION
  {{ SELECT ?focus WHERE {{ ?focus ?p ?o FILTER(isBlank(?focus) || isBlank(?o)) }} LIMIT 1 }}
  FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?focus ?p ?o }} }}
}}"""),
)


def structure_violations(store) -> list[Violation]:
    """Run every structure check on a pyoxigraph Store or an rdflib Dataset (copied into a
    pyoxigraph store first: rdflib's SPARQL is far too slow on many named graphs), over the union
    of its graphs. A blank node no IRI points to is reported once, on the structure shape itself."""
    import pyoxigraph as ox

    from ..query.store import EmbeddedStore
    if isinstance(store, Dataset):
        from ..rdf.serialize import nquads
        copy = ox.Store()
        copy.load(nquads(store).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store = copy
    engine = EmbeddedStore.wrapping(store)
    found: list[Violation] = []
    for name, message, query in STRUCTURE_CHECKS:
        focus_nodes = {row[0] for row in engine.query(query).values()}
        if name == "blank nodes":        # blank focus: only when no IRI owns a blank node
            focus_nodes = {f for f in focus_nodes if f.startswith("http")} or \
                ({str(STRUCTURE)} if focus_nodes else set())
        found.extend(_structure(focus, f"{message} ({name} check)") for focus in sorted(focus_nodes))
    return found


def _structure(focus: str, message: str) -> Violation:
    return Violation(focus, "", str(STRUCTURE), "", message, str(STRUCTURE))


def has_named_graphs(dataset: Dataset) -> bool:
    return any(len(g) and not str(g.identifier).startswith("file:") for g in dataset.graphs()
               if g.identifier != dataset.default_graph.identifier)
