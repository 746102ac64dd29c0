"""The KGX export of the KG's direct edges: ``data/kgx_nodes.tsv`` and ``data/kgx_edges.tsv``, with
Biolink categories, predicates and qualifiers (direction and aspect of a change are qualifiers, never
folded into the predicate), the context of each edge (biofluid, comparison group, cells, study system,
framing), its knowledge level (from the claim's hedging level), the claims and publications behind it
(the review itself on every edge, the cited study's PMID or DOI where verified), and the prefix map
their CURIEs expand with, ``data/kgx_prefixes.jsonld`` (a JSON-LD context, as KGX reads one).

Edges are read from the KG's qualified edges (:class:`exo:QualifiedEdge`), so an edge never says more
than its claim: two claims that differ in a qualifier are two edges.

Every identifier is written in the prefixes of the project's registry (``ontology/prefixes.tsv``,
:class:`exomirkg.ids.prefixes.PrefixRegistry`); :data:`KGX_PREFIXES` adds the few that KGX needs
and the registry does not hold. The prefix map lists the prefixes the two files use.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ...dataset import REVIEW_DOI
from ...ids.namespaces import BASE, EXO, PANEL
from ...ids.prefixes import PrefixRegistry
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
    "exomir-kg.panel": str(PANEL),           # biomarker panels: one node per panel (its members in the KG)
}
KNOWLEDGE_SOURCE = "infores:exomir-kg"

BIOLINK_PREFIX = {"hgnc": "HGNC", "pubmed": "PMID"}
"""Registry prefix -> the name Biolink's prefix map gives the same identifiers (kgx validates CURIE
prefixes against that map); the URI prefix stays the registry's. The other registry prefixes the
export uses have the same name in Biolink (mirbase, GO, CL, MONDO, UBERON, CHEBI, doi) or none there
(mirbase.mature, cellosaurus, exo: see the README's KGX section)."""

BIOLINK_CATEGORY = {"mirbase": "biolink:MicroRNA", "mirbase.mature": "biolink:MicroRNA", "hgnc": "biolink:Gene",
                    "GO": "biolink:BiologicalProcess", "CL": "biolink:Cell", "MONDO": "biolink:Disease",
                    "UBERON": "biolink:AnatomicalEntity", "CHEBI": "biolink:ChemicalEntity", "cellosaurus": "biolink:CellLine"}
"""Registry prefix -> Biolink category of its entities; any other (``exo``) is ``biolink:NamedThing``."""
BIOLINK_EDGE = {
    # exo direct-edge property -> Biolink predicate and the qualifiers that say what it means; the
    # direction and aspect of a change stay in qualifiers, never collapsed into one predicate
    "upregulatedIn": ("biolink:associated_with", {"subject_aspect_qualifier": "expression", "subject_direction_qualifier": "increased"}),
    "downregulatedIn": ("biolink:associated_with", {"subject_aspect_qualifier": "expression", "subject_direction_qualifier": "decreased"}),
    "targets": ("biolink:regulates", {}),
    "increasesExpressionOf": ("biolink:affects", {"qualified_predicate": "biolink:causes", "object_aspect_qualifier": "expression",
                                                  "object_direction_qualifier": "increased"}),
    "decreasesExpressionOf": ("biolink:affects", {"qualified_predicate": "biolink:causes", "object_aspect_qualifier": "expression",
                                                  "object_direction_qualifier": "decreased"}),
    "positivelyAffects": ("biolink:affects", {"qualified_predicate": "biolink:causes", "object_direction_qualifier": "increased"}),
    "negativelyAffects": ("biolink:affects", {"qualified_predicate": "biolink:causes", "object_direction_qualifier": "decreased"}),
    "associatedWith": ("biolink:associated_with", {}),
    "biomarkerFor": ("biolink:biomarker_for", {}),
    "prognosticFor": ("biolink:biomarker_for", {}),
    "therapeuticTargetFor": ("biolink:target_for", {}),
    "affectsResponseTo": ("biolink:affects", {}),
    "transferredFrom": ("biolink:located_in", {}),
    "transferredTo": ("biolink:located_in", {}),
    "hasTumourRole": ("biolink:has_attribute", {}),
}
"""exo direct-edge property -> (Biolink predicate, Biolink qualifiers)."""

KNOWLEDGE_LEVEL = {"AssertedLevel": "knowledge_assertion", "SuggestedLevel": "prediction",
                   "AssociationLevel": "statistical_association"}
"""exo hedging level -> biolink:KnowledgeLevelEnum (the ontology's exo:biolinkKnowledgeLevel; a test keeps them equal)."""

CONTEXT_COLUMNS = {
    # qualifier property of a qualified edge -> its KGX column: Biolink's where one fits, else exomir_*
    "biofluid": "anatomical_context_qualifier", "anatomicalSite": "anatomical_context_qualifier",
    "comparedWith": "exomir_comparison", "inCell": "exomir_cell_context", "donorCell": "exomir_donor_cell",
    "recipientCell": "exomir_recipient_cell", "underCondition": "exomir_condition", "via": "exomir_via",
    "studySystem": "exomir_study_system", "donorQualifier": "exomir_donor_qualifier",
    "recipientQualifier": "exomir_recipient_qualifier", "framing": "exomir_framing",
    "derivedByCurator": "exomir_derived", "trend": "exomir_trend",
}
QUALIFIER_COLUMNS = ("qualified_predicate", "subject_aspect_qualifier", "subject_direction_qualifier",
                     "object_aspect_qualifier", "object_direction_qualifier", "anatomical_context_qualifier",
                     "exomir_comparison", "exomir_cell_context", "exomir_donor_cell", "exomir_recipient_cell",
                     "exomir_condition", "exomir_via", "exomir_study_system", "exomir_donor_qualifier",
                     "exomir_recipient_qualifier", "exomir_framing", "exomir_derived", "exomir_trend")

NODE_COLUMNS = ("id", "category", "name", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", *QUALIFIER_COLUMNS, "original_predicate", "claims",
                "publications", "primary_knowledge_source", "knowledge_level", "agent_type")
CURIE_COLUMNS = {"id", "category", "provided_by", "subject", "predicate", "object", "original_predicate",
                 "publications", "primary_knowledge_source", "qualified_predicate", "anatomical_context_qualifier",
                 "exomir_comparison", "exomir_cell_context", "exomir_donor_cell", "exomir_recipient_cell",
                 "exomir_condition", "exomir_via", "exomir_study_system", "exomir_framing", "exomir_trend"}
"""The columns whose values are CURIEs (``|``-separated in ``publications``)."""


def prefix_map(registry: PrefixRegistry, prefixes: set[str]) -> dict[str, str]:
    """Prefix -> URI prefix of each of ``prefixes``: the registry's (under its Biolink name where
    :data:`BIOLINK_PREFIX` renames it), else :data:`KGX_PREFIXES`."""
    registry_name = {kgx: ours for ours, kgx in BIOLINK_PREFIX.items()}
    def uri_prefix(prefix: str) -> str | None:
        ours = registry_name.get(prefix, prefix)
        if ours in registry.prefixes:
            return registry.prefixes[ours].uri_prefix
        return KGX_PREFIXES.get(prefix)
    unknown = sorted(p for p in prefixes if uri_prefix(p) is None)
    if unknown:
        raise ProductError(f"KGX: no URI prefix for {', '.join(unknown)} (add it to ontology/prefixes.tsv)")
    return {p: str(uri_prefix(p)) for p in sorted(prefixes)}


def kgx_curie(registry: PrefixRegistry, iri: str) -> str | None:
    """The KGX CURIE of an IRI: the registry's CURIE, its prefix renamed for Biolink; None if unknown."""
    if iri.startswith(str(PANEL)):
        return "exomir-kg.panel:" + iri.removeprefix(str(PANEL))
    found = registry.compress(iri)
    if found is None:
        return None
    return f"{BIOLINK_PREFIX.get(found.prefix, found.prefix)}:{found.local_id}"


def kgx_files(ctx: ReleaseContext) -> Files:
    """The nodes, the edges (one per distinct qualified edge: the same subject, predicate, object and
    qualifiers from several claims is one edge listing them all), and the prefix map of the CURIEs."""
    registry = ctx.registry
    graph = ctx.union

    def compact(node: Node) -> str:
        found = kgx_curie(registry, str(node))
        if found is None:
            raise ProductError(f"KGX: {node} has no prefix in ontology/prefixes.tsv")
        return found

    def publication(reference: Node) -> str | None:
        pmid, doi = graph.value(reference, EXO.pmid), graph.value(reference, EXO.doi)
        found = registry.parse(f"PMID:{pmid}") if pmid else registry.parse(f"doi:{doi}") if doi else None
        return compact(URIRef(registry.iri(found))) if found else None

    def category(node: Node) -> str:
        if (node, RDF.type, EXO.BiomarkerPanel) in graph:
            return "biolink:NamedThing"
        found = registry.compress(str(node))
        return BIOLINK_CATEGORY.get(found.prefix if found else "", "biolink:NamedThing")

    review = compact(URIRef(registry.iri(registry.parse(f"doi:{REVIEW_DOI}"))))
    merged: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
    nodes = {}
    for edge in graph.subjects(RDF.type, EXO.QualifiedEdge):
        s, p, o, claim = (graph.value(edge, prop) for prop in (RDF.subject, RDF.predicate, RDF.object, EXO.edgeOf))
        if s is None or p is None or o is None or claim is None:
            raise ProductError(f"KGX: the qualified edge {edge} lacks its subject, predicate, object or claim")
        name = str(p).removeprefix(str(EXO))
        predicate, qualifiers = BIOLINK_EDGE[name]
        columns = dict(qualifiers)
        for prop, value in graph.predicate_objects(edge):
            column = CONTEXT_COLUMNS.get(str(prop).removeprefix(str(EXO)))
            if column is not None:
                text = " ".join(str(value).split()) if isinstance(value, Literal) else compact(value)
                columns[column] = "|".join(sorted({*filter(None, columns.get(column, "").split("|")), text}))
        level = str(graph.value(edge, EXO.hedgingLevel) or EXO.AssertedLevel).removeprefix(str(EXO))
        key = (compact(s), predicate, compact(o), *(columns.get(c, "") for c in QUALIFIER_COLUMNS), compact(p),
               KNOWLEDGE_LEVEL[level])
        claims, pubs = merged.setdefault(key, (set(), {review}))
        claims.add(str(claim).rsplit("/", 1)[1])
        pubs.update(found for r in graph.objects(claim, EXO.citesReference) if (found := publication(r)) is not None)
        for node in (s, o):
            nodes[compact(node)] = (category(node), str(graph.value(node, RDFS.label) or ""))
    node_rows = [(n, c, label, KNOWLEDGE_SOURCE) for n, (c, label) in sorted(nodes.items())]
    edge_rows = [(f"exomir-kg:edge{index:04d}", *key[:-1], "|".join(sorted(claims)), "|".join(sorted(pubs)),
                  KNOWLEDGE_SOURCE, key[-1], "manual_agent")
                 for index, (key, (claims, pubs)) in enumerate(sorted(merged.items()), 1)]
    used = {curie.split(":", 1)[0]
            for columns, rows in ((NODE_COLUMNS, node_rows), (EDGE_COLUMNS, edge_rows)) for row in rows
            for column, value in zip(columns, row, strict=True) if column in CURIE_COLUMNS
            for curie in value.split("|") if curie}
    context = {"@context": prefix_map(registry, used)}
    return {"data/kgx_nodes.tsv": _tsv(NODE_COLUMNS, node_rows), "data/kgx_edges.tsv": _tsv(EDGE_COLUMNS, edge_rows),
            "data/kgx_prefixes.jsonld": json.dumps(context, indent=1, sort_keys=True) + "\n"}


def _tsv(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    return "".join("\t".join(row) + "\n" for row in [columns, *rows])
