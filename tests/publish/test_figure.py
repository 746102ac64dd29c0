"""The release's network figure (issue 18): colours Graphviz draws, a legend, marks on edges that
rest on retracted studies or problematic cell lines, and nodes that link to their IRIs."""
from __future__ import annotations

import re

import pytest
from rdflib import Dataset, Graph

from servers import require

from exomirkg.rdf.claimgraph import union_graph
from exomirkg.rdf.figure import COLOURS, network_dot, network_edges, render_dot


@pytest.fixture(scope="module")
def kg(project) -> Graph:
    dataset = Dataset()
    dataset.parse(project.kg_dir / "exomir-kg.trig", format="trig")
    return union_graph(dataset)


@pytest.fixture(scope="module")
def svg(kg) -> str:
    require("dot", "apt-get install graphviz")
    return render_dot(network_dot(kg), "svg").decode()


def test_every_colour_is_six_hex_digits_and_graphviz_draws_them(svg):
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in COLOURS.values())
    strokes = set(re.findall(r'stroke="(#[0-9a-f]{6})"', svg))
    assert set(COLOURS.values()) <= strokes


def test_the_figure_has_a_legend_that_names_each_kind_and_mark(svg):
    for text in ("Legend", "exosomal miRNA", "target gene", "promotes", "inhibits", "retracted study", "problematic cell line"):
        assert text in svg


def test_edges_on_retracted_studies_and_problematic_lines_are_marked(kg, svg):
    _, edges = network_edges(kg)
    retracted = [e for e in edges.values() if e.retracted]
    problematic = [e for e in edges.values() if e.problematic and not e.retracted]
    assert retracted and problematic
    assert all("C" in claim for e in retracted for claim in e.claims)
    dot = network_dot(kg)
    assert dot.count("style=dashed") == len(retracted)
    assert dot.count("style=dotted") == len(problematic)
    assert "†" in svg and 'stroke-dasharray="5,2"' in svg


def test_each_node_links_to_its_iri(kg, svg):
    nodes, _ = network_edges(kg)
    links = set(re.findall(r'<a xlink:href="([^"]+)"', svg))
    assert {str(iri) for iri in nodes} <= links
    assert any(link.startswith("https://identifiers.org/mirbase") for link in links)



def test_a_kg_of_two_sources_draws_the_claims_of_this_review_unless_told_another(project):
    """The figure is the review's Fig. 1: another source's claims stay out of it, however many
    there are, and drawing that source instead gives its claims only."""
    from rdflib import URIRef

    from exomirkg.bench.synthetic import synthetic_curation
    from exomirkg.build import claim_graph_builder
    curation = synthetic_curation(project, 160, seed=4, claims_per_source=80)
    [other] = {c.source for c in curation.claims} - {None}
    text = "".join(claim_graph_builder(project).nquad_lines(curation))
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    for document, source in ((None, None), (URIRef(other.iri), other)):
        union = union_graph(dataset)
        _, edges = network_edges(union) if document is None else network_edges(union, document)
        drawn = {claim for edge in edges.values() for claim in edge.claims}
        own = {c.id for c in curation.claims if c.source == source}
        assert drawn and drawn <= own, source
