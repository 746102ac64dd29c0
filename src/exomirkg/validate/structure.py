"""Nanopublication structure checks that need named graphs (SHACL on one graph cannot see them):
a table of checks, each a SPARQL query run on pyoxigraph over the union of the named graphs, or a
small function of the store where a query would be slow."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rdflib import Dataset, URIRef

from ..ids.namespaces import CLAIM, NANOPUB, NP
from ..query.store import ONTOLOGY_GRAPH, EmbeddedStore
from .report import Violation

STRUCTURE = URIRef("https://w3id.org/exomir-kg/shapes/NanopublicationStructure")
_NP = f"PREFIX np: <{NP}>\n"
PART_SUFFIX = re.compile(r"/(head|assertion|provenance|pubinfo)$")

# a link of the head (np:hasAssertion, np:hasProvenance, np:hasPublicationInfo) stated in a graph
# that is not the nanopublication's head, and missing from its head
LINKS_OUTSIDE_THE_HEAD = _NP + """
SELECT DISTINCT ?focus WHERE {
  VALUES ?link { np:hasAssertion np:hasProvenance np:hasPublicationInfo }
  GRAPH ?g { ?focus ?link ?v }
  BIND(IRI(CONCAT(STR(?focus), "/head")) AS ?head)
  FILTER(?g != ?head && NOT EXISTS { GRAPH ?head { ?focus ?link ?v } })
}"""
TYPED_NANOPUBLICATIONS = _NP + "SELECT DISTINCT ?focus WHERE { GRAPH ?g { ?focus a np:Nanopublication } }"


def _broken_heads(store: Any, engine: EmbeddedStore) -> set[str]:
    """Nanopublications whose head graph is empty or missing one of the links stated elsewhere. A
    nanopublication is known by its type, or by the name of any of its graphs (so one whose head is
    gone is still found). The graph names are read once and matched here, not in SPARQL: a regular
    expression per graph in a query cost seconds at 100,000 claims."""
    import pyoxigraph as ox
    known = {row[0] for row in engine.query(TYPED_NANOPUBLICATIONS).values()}
    for graph in store.named_graphs():
        name = graph.value if isinstance(graph, ox.NamedNode) else ""
        if name.startswith(str(NANOPUB)):
            known.add(PART_SUFFIX.sub("", name))
    broken = {focus for focus in known
              if next(store.quads_for_pattern(None, None, None, ox.NamedNode(f"{focus}/head")), None) is None}
    return broken | {row[0] for row in engine.query(LINKS_OUTSIDE_THE_HEAD).values()}


# (name, what a violation means, SPARQL SELECT ?focus, or a function of the store and its query
# engine giving the focus nodes): the nanopublication structure, which SHACL on one graph cannot
# see. They run on pyoxigraph, over the union of the named graphs.
StructureCheck = tuple[str, str, "str | Callable[[Any, EmbeddedStore], set[str]]"]
STRUCTURE_CHECKS: tuple[StructureCheck, ...] = (
    ("head", "the head graph must state the nanopublication's assertion, provenance and publication info",
     _broken_heads),
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
    # one scan of the KG's graphs (the ontology's own blank nodes left out): every node that is or
    # points to a blank node; two scans (a UNION with a LIMIT 1 branch) took twice as long
    ("blank nodes", "blank nodes are not allowed in published claims", f"""
SELECT DISTINCT ?focus WHERE {{
  GRAPH ?g {{ ?focus ?p ?o }}
  FILTER(?g != <{ONTOLOGY_GRAPH}> && (isBlank(?o) || isBlank(?focus)))
}}"""),
)


def structure_violations(store) -> list[Violation]:
    """Run every structure check on a pyoxigraph Store or an rdflib Dataset (copied into a
    pyoxigraph store first: rdflib's SPARQL is far too slow on many named graphs), over the union
    of its graphs. A blank node no IRI points to is reported once, on the structure shape itself."""
    import pyoxigraph as ox

    if isinstance(store, Dataset):
        from ..rdf.serialize import nquads
        copy = ox.Store()
        copy.load(nquads(store).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store = copy
    engine = EmbeddedStore.wrapping(store)
    found: list[Violation] = []
    for name, message, check in STRUCTURE_CHECKS:
        focus_nodes = check(store, engine) if callable(check) else {row[0] for row in engine.query(check).values()}
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
