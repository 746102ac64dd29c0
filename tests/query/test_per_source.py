"""Questions about one source (its tables, issues and references) take the source as a parameter,
default to this review, and answer from that source's claims only: tested on a two-source KG
(this review and one synthetic study or review, each with its own tables, issues and references)."""
from __future__ import annotations

import pytest

from exomirkg.bench.synthetic import synthetic_curation
from exomirkg.build import claim_graph_builder
from exomirkg.dataset import REVIEW_DOI_IRI
from exomirkg.ids.namespaces import CLAIM
from exomirkg.query.store import EmbeddedStore

PER_SOURCE = ("table-1", "table-2", "table-1-claims", "table-2-claims", "review-issues", "claims-of-reference",
              "unverified-references", "block-citations", "arm-unspecified")


@pytest.fixture(scope="module")
def two_sources(project, tmp_path_factory):
    curation = synthetic_curation(project, 160, seed=4, claims_per_source=80)
    path = tmp_path_factory.mktemp("two") / "kg.nq"
    with open(path, "w", encoding="utf-8") as quads:
        claim_graph_builder(project).write_nquads(curation, quads)
    return curation, EmbeddedStore(path, [project.ontology_path], quads_format="nquads")


@pytest.fixture(scope="module")
def other(two_sources):
    curation, _ = two_sources
    sources = {c.source for c in curation.claims}
    assert len(sources) == 2 and None in sources
    return next(s for s in sources if s is not None)


def _answers(store, queries, registry, name, **params):
    result = store.query(queries[name].bind({k: str(v) for k, v in params.items()}, registry))
    return [dict(zip(result.variables, row)) for row in result.values()]


def _claims_of(curation, source):
    return {str(CLAIM[c.id]) for c in curation.claims if c.source == source}


def test_every_per_source_query_takes_a_source_that_defaults_to_this_review(queries, registry):
    for name in PER_SOURCE:
        param = next((p for p in queries[name].parameters if p.name == "source"), None)
        assert param is not None and param.kind == "iri", name
        assert queries[name].shown_default(param, registry) == "doi:10.1186/s12935-021-01941-9", name


@pytest.mark.parametrize("name", ["table-1", "table-2"])
def test_a_sources_printed_table_is_its_own(two_sources, other, queries, registry, name):
    curation, store = two_sources
    number = int(name[-1])
    for source, params in ((None, {}), (other, {"source": other.iri})):
        used = {q.table[1] for c in curation.claims if c.source == source for q in c.quotes if q.table and q.table[0] == number}
        used |= {q.table[1] for i in curation.issues if i.source == source for q in i.quotes if q.table and q.table[0] == number}
        rows = [int(a["row"]) for a in _answers(store, queries, registry, name, **params)]
        assert sorted(rows) == sorted(used) and rows, (name, source)


@pytest.mark.parametrize("name", ["table-1-claims", "table-2-claims"])
def test_a_table_from_its_claims_lists_only_the_sources_claims(two_sources, other, queries, registry, name):
    curation, store = two_sources
    number = int(name.split("-")[1])
    for source, params in ((None, {}), (other, {"source": other.iri})):
        expected = {q.table[1] for c in curation.claims if c.source == source for q in c.quotes if q.table and q.table[0] == number}
        rows = {int(a["row"]) for a in _answers(store, queries, registry, name, **params)}
        assert rows == expected and rows, (name, source)


def test_a_sources_issues_are_its_own(two_sources, other, queries, registry):
    curation, store = two_sources
    for source, params in ((None, {}), (other, {"source": other.iri})):
        answers = _answers(store, queries, registry, "review-issues", **params)
        expected = [i for i in curation.issues if i.source == source]
        assert len(answers) == len(expected) >= 1
        for answer in answers:
            claims = set(str(answer["claims"]).split("; "))
            assert {str(CLAIM[c]) for c in claims} <= _claims_of(curation, source)
            assert ("/issue/S" in str(answer["issue"])) == (source is not None)


def test_a_reference_number_is_read_in_its_source(two_sources, other, queries, registry):
    curation, store = two_sources
    for source, params in ((None, {}), (other, {"source": other.iri})):
        numbers = sorted({r.number for c in curation.claims if c.source == source for r in c.references})
        for number in numbers[:3]:
            expected = {str(CLAIM[c.id]) for c in curation.claims if c.source == source and number in {r.number for r in c.references}}
            answers = _answers(store, queries, registry, "claims-of-reference", reference=number, **params)
            assert {str(a["claim"]) for a in answers} == expected, (source, number)


def test_unverified_references_and_block_citations_of_a_source(two_sources, other, queries, registry):
    curation, store = two_sources
    for source, params in ((None, {}), (other, {"source": other.iri})):
        claims = _claims_of(curation, source)
        unverified = {str(CLAIM[c.id]) for c in curation.claims if c.source == source and any(not r.verified for r in c.references)}
        answers = _answers(store, queries, registry, "unverified-references", page_size="*", **params)
        assert {str(a["claim"]) for a in answers} == unverified
        blocks = {str(CLAIM[c.id]) for c in curation.claims if c.source == source and c.block_citation}
        answers = _answers(store, queries, registry, "block-citations", **params)
        assert {str(a["claim"]) for a in answers} == blocks and blocks <= claims and blocks


def test_the_miRNAs_a_source_names_without_their_arm_are_its_own(two_sources, other, queries, registry):
    curation, store = two_sources
    for source, params in ((None, {}), (other, {"source": other.iri})):
        expected: dict[str, int] = {}
        for claim in curation.claims:
            if claim.source == source and not claim.mirnas[0].arm_specified:
                key = str(claim.mirnas[0].entities[0].curie.local_id)
                expected[key] = expected.get(key, 0) + 1
        answers = _answers(store, queries, registry, "arm-unspecified", **params)
        found = {str(a["precursor"]).rsplit("/", 1)[1].removeprefix("mirbase:"): int(str(a["claims"])) for a in answers}
        assert found == expected and expected, source


def test_the_source_may_be_named_by_its_title_or_doi(two_sources, other, queries, registry, project):
    """The parameter takes a DOI CURIE, an IRI or the source's title (a label of the KG)."""
    _, store = two_sources
    lookup = store.query
    by_title = queries["review-issues"].bind({"source": other.label}, registry, lookup)
    assert f"<{other.iri}>" in by_title
    by_doi = queries["review-issues"].bind({"source": "doi:10.1186/s12935-021-01941-9"}, registry, lookup)
    assert f"<{REVIEW_DOI_IRI}>" in by_doi
