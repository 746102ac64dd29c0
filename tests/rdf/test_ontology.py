"""The OWL ontology: metadata, coverage of the curation schema, and HermiT consistency."""
from __future__ import annotations

import re
import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.namespaces import CLAIM, EXO, VANN
from exomirkg.rdf.reasoning import check_consistency, ontology_graph

ONTOLOGY = URIRef("https://w3id.org/exomir-kg/ontology")


@pytest.fixture(scope="module")
def ontology(project) -> Graph:
    return Graph().parse(project.ontology_path)


def test_metadata(ontology):
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert ontology.value(ONTOLOGY, prop), prop
    version = ontology.value(ONTOLOGY, OWL.versionIRI)
    assert re.fullmatch(r"https://w3id.org/exomir-kg/ontology/\d{4}-\d{2}-\d{2}", str(version))
    assert ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("exo")
    assert str(ontology.value(ONTOLOGY, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"


def test_every_schema_class_property_and_value_is_declared(ontology, project):
    schema = CurationSchema.load(project.schema_path)
    declared = set(ontology.subjects(RDF.type, None))
    for ctype in schema.claim_types.values():
        assert (EXO[ctype.class_name], RDF.type, OWL.Class) in ontology, ctype.class_name
        for edge in ctype.edges:
            assert (EXO[edge.predicate], RDF.type, OWL.ObjectProperty) in ontology, edge.predicate
    for spec in schema.fields.values():
        if spec.predicate:
            assert EXO[spec.predicate] in declared, spec.predicate
        for value in spec.values.values():
            assert EXO[value] in declared, value


def test_every_exo_term_in_the_kg_is_declared(ontology, kg):
    declared = set(ontology.subjects(RDF.type, None))
    used = {t for q in kg.quads((None, None, None, None)) for t in q[1:3]
            if isinstance(t, URIRef) and str(t).startswith(str(EXO))}
    assert used and used <= declared, used - declared


def test_imports_are_generated_with_sources(project):
    for path in sorted(project.imports_dir.glob("*.ttl")):
        graph = Graph().parse(path)
        terms = [s for s in graph.subjects(RDF.type, None) if (s, DCTERMS.identifier, None) in graph]
        assert terms, path
        for term in terms:
            assert graph.value(term, DCTERMS.source), (path.name, term)


def test_ontology_imports_and_kg_are_consistent_under_hermit(project):
    if shutil.which("java") is None:
        pytest.fail("Java is required for HermiT (install a JRE; .ci/run does)")
    report = check_consistency(ontology_graph(project, with_kg=True))
    assert report.consistent, report.message


def test_hermit_detects_a_claim_of_two_disjoint_types(project):
    graph = ontology_graph(project, with_kg=False)
    graph.add((CLAIM["C999"], RDF.type, EXO.ExpressionClaim))
    graph.add((CLAIM["C999"], RDF.type, EXO.TargetClaim))
    report = check_consistency(graph)
    assert not report.consistent
