"""The KGX export of the KG's direct edges: ``data/kgx_nodes.tsv`` and ``data/kgx_edges.tsv``, with
Biolink categories and predicates and the claims and publications behind each edge, and the prefix
map their CURIEs expand with, ``data/kgx_prefixes.jsonld`` (a JSON-LD context, as KGX reads one).

Every identifier is written in the prefixes of the project's registry (``ontology/prefixes.tsv``,
:class:`exomirkg.ids.prefixes.PrefixRegistry`); :data:`KGX_PREFIXES` adds the few that KGX needs
and the registry does not hold. The prefix map lists the prefixes the two files use.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rdflib.namespace import RDFS
from rdflib.term import Node

from ...ids.namespaces import BASE, CLAIM, EXO
from ...ids.prefixes import PrefixRegistry
from ...rdf.claimgraph import union_graph
from .context import ProductError

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

KGX_PREFIXES = {
    # The prefixes KGX needs that ontology/prefixes.tsv (the registry of identifier prefixes) does not
    # hold: Biolink's vocabulary (categories, predicates), its registry of information resources
    # (knowledge sources), and the ids of this export's edges. Every other prefix comes from the registry.
    "biolink": "https://w3id.org/biolink/vocab/",
    "infores": "https://w3id.org/biolink/infores/",
    "exomir-kg": f"{BASE}kgx/",
}
KNOWLEDGE_SOURCE = "infores:exomir-kg"

BIOLINK_CATEGORY = {"mirbase": "biolink:MicroRNA", "mirbase.mature": "biolink:MicroRNA", "hgnc": "biolink:Gene",
                    "GO": "biolink:BiologicalProcess", "CL": "biolink:Cell", "MONDO": "biolink:Disease",
                    "UBERON": "biolink:AnatomicalEntity", "CHEBI": "biolink:ChemicalEntity", "cellosaurus": "biolink:CellLine"}
"""Registry prefix -> Biolink category of its entities; any other (``exo``) is ``biolink:NamedThing``."""
BIOLINK_PREDICATE = {"targets": "biolink:regulates", "increasesExpressionOf": "biolink:affects",
                     "decreasesExpressionOf": "biolink:affects", "positivelyAffects": "biolink:affects",
                     "negativelyAffects": "biolink:affects", "associatedWith": "biolink:associated_with",
                     "upregulatedIn": "biolink:associated_with", "downregulatedIn": "biolink:associated_with",
                     "biomarkerFor": "biolink:biomarker_for", "prognosticFor": "biolink:biomarker_for",
                     "therapeuticTargetFor": "biolink:target_for", "affectsResponseTo": "biolink:affects",
                     "transferredFrom": "biolink:located_in", "transferredTo": "biolink:located_in",
                     "hasTumourRole": "biolink:has_attribute"}
"""exo direct-edge property -> Biolink predicate."""

NODE_COLUMNS = ("id", "category", "name", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "original_predicate", "claims", "publications",
                "primary_knowledge_source", "knowledge_level", "agent_type")
CURIE_COLUMNS = {"id", "category", "provided_by", "subject", "predicate", "object", "original_predicate",
                 "publications", "primary_knowledge_source"}
"""The columns whose values are CURIEs (``|``-separated in ``publications``)."""


def prefix_map(registry: PrefixRegistry, prefixes: set[str]) -> dict[str, str]:
    """Prefix -> URI prefix of each of ``prefixes``: the registry's, else :data:`KGX_PREFIXES`."""
    unknown = sorted(p for p in prefixes if p not in registry.prefixes and p not in KGX_PREFIXES)
    if unknown:
        raise ProductError(f"KGX: no URI prefix for {', '.join(unknown)} (add it to ontology/prefixes.tsv)")
    return {p: registry.prefixes[p].uri_prefix if p in registry.prefixes else KGX_PREFIXES[p] for p in sorted(prefixes)}


def kgx_files(ctx: ReleaseContext) -> Files:
    """The nodes, the edges (one per distinct direct edge), and the prefix map of the CURIEs they use."""
    registry = ctx.registry
    graph = union_graph(ctx.dataset)

    def compact(node: Node) -> str:
        found = registry.compress(str(node))
        if found is None:
            raise ProductError(f"KGX: {node} has no prefix in ontology/prefixes.tsv")
        return str(found)

    def publication(reference: Node) -> str | None:
        pmid, doi = graph.value(reference, EXO.pmid), graph.value(reference, EXO.doi)
        return str(registry.parse(f"PMID:{pmid}")) if pmid else str(registry.parse(f"doi:{doi}")) if doi else None

    def category(node: Node) -> str:
        found = registry.compress(str(node))
        return BIOLINK_CATEGORY.get(found.prefix if found else "", "biolink:NamedThing")

    edges = set()
    nodes = {}
    for name, predicate in BIOLINK_PREDICATE.items():
        for s, o in graph.subject_objects(EXO[name]):
            # the claims that assert this edge: same miRNA, the edge's object in one of their fields
            claims = sorted(str(c).rsplit("/", 1)[1] for c in graph.subjects(EXO.mirna, s) if o in set(graph.objects(c, None)))
            pubs = sorted({found for c in claims for r in graph.objects(CLAIM[c], EXO.citesReference)
                           if (found := publication(r)) is not None})
            edges.add((compact(s), predicate, compact(o), compact(EXO[name]), "|".join(claims), "|".join(pubs)))
            for node in (s, o):
                nodes[compact(node)] = (category(node), str(graph.value(node, RDFS.label) or ""))
    node_rows = [(n, c, label, KNOWLEDGE_SOURCE) for n, (c, label) in sorted(nodes.items())]
    edge_rows = [(f"exomir-kg:edge{index:04d}", *edge, KNOWLEDGE_SOURCE, "knowledge_assertion", "manual_agent")
                 for index, edge in enumerate(sorted(edges), 1)]
    used = {curie.split(":", 1)[0]
            for columns, rows in ((NODE_COLUMNS, node_rows), (EDGE_COLUMNS, edge_rows)) for row in rows
            for column, value in zip(columns, row, strict=True) if column in CURIE_COLUMNS
            for curie in value.split("|") if curie}
    context = {"@context": prefix_map(registry, used)}
    return {"data/kgx_nodes.tsv": _tsv(NODE_COLUMNS, node_rows), "data/kgx_edges.tsv": _tsv(EDGE_COLUMNS, edge_rows),
            "data/kgx_prefixes.jsonld": json.dumps(context, indent=1, sort_keys=True) + "\n"}


def _tsv(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    return "".join("\t".join(row) + "\n" for row in [columns, *rows])
