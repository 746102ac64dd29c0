"""The KG's own nanopublications, one at a time, through the nanopub checker (issue 17 in progress:
what already holds is tested here; the entities graph that they still lean on is not part of them)."""
from __future__ import annotations

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from exomirkg.ids.namespaces import NP
from exomirkg.nanopub import check


def nanopub_trig(kg: Dataset, np_iri: URIRef) -> str:
    """One nanopublication of the KG (its four graphs) as TriG."""
    one = Dataset()
    for part in ("head", "assertion", "provenance", "pubinfo"):
        name = URIRef(f"{np_iri}/{part}")
        graph = one.graph(name)
        for triple in kg.graph(name):
            graph.add(triple)
    return one.serialize(format="trig")


def test_only_the_head_declares_a_nanopublication(kg):
    for np_iri in kg.graph(URIRef("https://w3id.org/exomir-kg/np/C131/head")).subjects(RDF.type, NP.Nanopublication):
        declared_in = {str(g.identifier) for g in kg.graphs() if (np_iri, RDF.type, NP.Nanopublication) in g}
        assert declared_in == {f"{np_iri}/head"}


def test_every_nanopublication_of_the_kg_passes_the_structure_check(kg):
    heads = [URIRef(str(g.identifier)[: -len("/head")]) for g in kg.graphs() if str(g.identifier).endswith("/head")]
    assert len(heads) >= 160
    for np_iri in heads:
        reports = check(nanopub_trig(kg, np_iri))
        assert len(reports) == 1 and reports[0].valid, str(reports[0])
