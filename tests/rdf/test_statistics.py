"""The KG's build-time statistics (graph/statistics) equal live counts, on the real KG and on
synthetic multi-source KGs; the stored aggregate queries that read them give the live answers."""
from __future__ import annotations

import io
from collections import Counter

import pytest

from exomirkg.bench.synthetic import synthetic_curation
from exomirkg.build import claim_graph_builder
from exomirkg.ids.namespaces import STATISTICS_GRAPH
from exomirkg.query.store import ONTOLOGY_GRAPH, EmbeddedStore

KG_GRAPHS = f"FILTER(?g NOT IN (<{STATISTICS_GRAPH}>, <{ONTOLOGY_GRAPH}>))"     # the KG's own graphs
LIVE_PROPERTIES = f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {KG_GRAPHS} }} GROUP BY ?p"""
LIVE_CLASSES = f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {KG_GRAPHS} }} GROUP BY ?c"""
LIVE_CLAIMS = """PREFIX exo: <https://w3id.org/exomir-kg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?type (COUNT(DISTINCT ?claim) AS ?claims) (SUM(IF(?retracted, 1, 0)) AS ?onRetractedStudies) WHERE {
  ?claim a ?claimType ; exo:restsOnRetractedStudy ?retracted .
  ?claimType rdfs:subClassOf exo:Claim ; rdfs:label ?typeName . BIND(STR(?typeName) AS ?type) } GROUP BY ?type"""
LIVE_SOURCES = """PREFIX exo: <https://w3id.org/exomir-kg/ontology/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?source (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?claim exo:restsOnRetractedStudy ?flag ; prov:wasDerivedFrom ?source } GROUP BY ?source"""
STATED = """PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?kind ?term ?n WHERE {
  { <https://w3id.org/exomir-kg/dataset> void:propertyPartition ?part . ?part void:property ?term ; void:triples ?n
    BIND("property" AS ?kind) }
  UNION { <https://w3id.org/exomir-kg/dataset> void:classPartition ?part . ?part void:class ?term ; void:entities ?n
    BIND("class" AS ?kind) }
  UNION { <https://w3id.org/exomir-kg/dataset> void:triples ?n BIND("quads" AS ?kind) BIND("" AS ?term) } }"""


def _pairs(store, query: str) -> Counter:
    return Counter({row[0]: int(row[1]) for row in store.query(query).values()})


def _store_of(project, curation, tmp_path) -> EmbeddedStore:
    path = tmp_path / "kg.nq"
    with open(path, "w", encoding="utf-8") as quads:
        claim_graph_builder(project).write_nquads(curation, quads)
    return EmbeddedStore(path, [project.ontology_path], quads_format="nquads")


@pytest.fixture(scope="module")
def real_store(project):
    return EmbeddedStore(project.kg_dir / "exomir-kg.nq", [project.ontology_path], quads_format="nquads")


@pytest.fixture(scope="module")
def synthetic_store(project, tmp_path_factory):
    curation = synthetic_curation(project, 450, seed=11, faulty_every=30, claims_per_source=100)
    return _store_of(project, curation, tmp_path_factory.mktemp("synthetic"))


@pytest.mark.parametrize("which", ["real_store", "synthetic_store"])
def test_statistics_equal_live_counts(which, request):
    store = request.getfixturevalue(which)
    stated = {(kind, term): int(n) for kind, term, n in store.query(STATED).values()}
    properties = _pairs(store, LIVE_PROPERTIES)
    classes = _pairs(store, LIVE_CLASSES)
    assert {t: n for (k, t), n in stated.items() if k == "property"} == properties
    assert {t: n for (k, t), n in stated.items() if k == "class"} == classes
    assert stated[("quads", "")] == sum(properties.values()) > 1000
    from exomirkg.ids.namespaces import EXO
    assert classes[str(EXO.Quote)] > 10 and classes[str(EXO.Reference)] > 10     # repeated in provenance, counted once


@pytest.mark.parametrize("which", ["real_store", "synthetic_store"])
def test_claim_counts_and_sources_read_statistics_that_equal_a_live_count(which, request, queries, registry):
    store = request.getfixturevalue(which)
    live = {row[0]: (int(row[1]), int(row[2])) for row in store.query(LIVE_CLAIMS).values()}
    stored = {row[0]: (int(row[1]), int(row[2])) for row in store.query(queries["claim-counts"].bind({}, registry)).values()}
    assert stored == live and sum(n for n, _ in live.values()) >= 178
    assert any(r for _, r in live.values())                       # some rest on retracted studies
    live_sources = _pairs(store, LIVE_SOURCES)
    stored_sources = {row[0]: int(row[3]) for row in store.query(queries["sources"].bind({"page_size": "*"}, registry)).values()}
    assert stored_sources == live_sources and len(live_sources) == (1 if which == "real_store" else 5)


def test_statistics_count_the_streamed_quads(project, built):
    """The statistics' quads are the builder's own count (the statistics graph aside)."""
    builder = claim_graph_builder(project)
    out = io.StringIO()
    written = builder.write_nquads(built.curation, out)
    statistics = [line for line in out.getvalue().splitlines() if f"<{STATISTICS_GRAPH}>" in line]
    assert builder.sink.statistics.quads == written - len(statistics)
