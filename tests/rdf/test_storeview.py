"""A pyoxigraph store read as an rdflib graph (:class:`UnionView`): every read method gives what
rdflib's union graph of the same quads gives, each triple once however many graphs hold it."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from exomirkg.ids.namespaces import EXO
from exomirkg.rdf.claimgraph import union_graph
from exomirkg.rdf.storeview import UnionView, to_oxigraph, to_rdflib

EXTRA = """<https://example.org/s> <https://example.org/p> "plain" <https://example.org/g1> .
<https://example.org/s> <https://example.org/p> "plain" <https://example.org/g2> .
<https://example.org/s> <https://example.org/p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> <https://example.org/g1> .
<https://example.org/s> <https://example.org/p> "hallo"@de <https://example.org/g1> .
<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/g2> .
"""


@pytest.fixture(scope="module")
def both(project):
    text = (project.kg_dir / "exomir-kg.nq").read_text(encoding="utf-8") + EXTRA
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return union_graph(dataset), UnionView(store)


def test_every_read_method_gives_what_rdflibs_union_graph_gives(both):
    graph, view = both
    claims = sorted(graph.subjects(RDF.type, EXO.ExpressionClaim))
    assert len(claims) > 10 and sorted(view.subjects(RDF.type, EXO.ExpressionClaim)) == claims
    for claim in claims:
        assert sorted(view.objects(claim, None)) == sorted(graph.objects(claim, None))
        assert sorted(view.predicate_objects(claim)) == sorted(graph.predicate_objects(claim))
        assert view.value(claim, EXO.direction) == graph.value(claim, EXO.direction)
        assert (claim, RDF.type, EXO.ExpressionClaim) in view and (claim, RDF.type, EXO.TargetClaim) not in view
    assert sorted(view.subject_objects(RDFS.label)) == sorted(graph.subject_objects(RDFS.label))
    assert view.value(URIRef("https://example.org/nothing"), RDFS.label) is None


def test_a_triple_in_two_graphs_is_given_once_and_literals_keep_their_kind(both):
    graph, view = both
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    found = list(view.objects(s, p))
    assert len(found) == 4 and sorted(found) == sorted(graph.objects(s, p))
    assert Literal("plain") in found and Literal("5", datatype=XSD.integer) in found and Literal("hallo", lang="de") in found
    for term in found:
        assert to_rdflib(to_oxigraph(term)) == term
