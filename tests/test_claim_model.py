"""One claim model: ``kg/curation/schema.yaml`` is its source (the curation checker and the build read
it); the ontology declares it (tests/rdf/test_ontology.py) and the shapes enforce it. These tests fail
when the shapes drift from the schema: a claim type, a required field, a value set or a qualifier
that one of them has and the other does not."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.namespaces import EXO


@pytest.fixture(scope="module")
def schema(project) -> CurationSchema:
    return CurationSchema.load(project.schema_path)


@pytest.fixture(scope="module")
def shapes(project) -> Graph:
    return Graph().parse(project.root / "shapes" / "exomir-shapes.ttl")


def _list(graph: Graph, node) -> set:
    return set(Collection(graph, node)) if node is not None else set()


def _property_shapes(shapes: Graph, node_shape) -> list:
    return list(shapes.objects(node_shape, SH.property))


def _type_shape(shapes: Graph, class_name: str):
    found = [s for s in shapes.subjects(SH.targetClass, EXO[class_name]) if (s, SH.property, None) in shapes
             and len(list(shapes.objects(s, SH.targetClass))) == 1]
    assert len(found) == 1, f"one shape targets exo:{class_name} alone: {found}"
    return found[0]


def test_the_claim_shape_targets_every_claim_type_and_no_other(schema, shapes):
    classes = {EXO[t.class_name] for t in schema.claim_types.values()}
    claim_shape = URIRef("https://w3id.org/exomir-kg/shapes/ClaimShape")
    assert set(shapes.objects(claim_shape, SH.targetClass)) == classes
    type_shape = URIRef("https://w3id.org/exomir-kg/shapes/claim-type")
    assert _list(shapes, shapes.value(type_shape, SH["in"])) == classes


def test_every_required_field_is_required_by_its_type_shape(schema, shapes):
    for ctype in schema.claim_types.values():
        node_shape = _type_shape(shapes, ctype.class_name)
        required = {shapes.value(p, SH.path) for p in _property_shapes(shapes, node_shape)
                    if (shapes.value(p, SH.minCount) or 0) and int(shapes.value(p, SH.minCount)) >= 1}
        for name in ctype.required:
            assert EXO[schema.fields[name].predicate] in required, (ctype.name, name)
        for group in ctype.one_of:
            alternatives = [{shapes.value(m, SH.path) for m in Collection(shapes, o)}
                            for o in shapes.objects(node_shape, SH["or"])]
            assert {EXO[schema.fields[n].predicate] for n in group} in alternatives, (ctype.name, group)


def test_every_value_set_is_the_shapes(schema, shapes):
    """Each enum field's values are exactly the sh:in of every shape on its property, and there is one."""
    for field in schema.fields.values():
        if field.kind != "enum":
            continue
        expected = {EXO[v] for v in field.values.values()}
        lists = [_list(shapes, shapes.value(p, SH["in"])) for p in shapes.subjects(SH.path, EXO[field.predicate])
                 if shapes.value(p, SH["in"]) is not None]
        assert lists, f"no shape restricts exo:{field.predicate} to the values of {field.name}"
        assert all(found == expected for found in lists), (field.name, lists, expected)


def test_every_qualifier_field_is_a_declared_property_of_qualified_edges(schema, shapes, project):
    ontology = Graph().parse(project.root / "ontology" / "exomir.ttl")
    qualifiers = [f for f in schema.fields.values() if f.qualifier]
    assert {"comparison", "biofluid", "cell", "system", "hedging", "framing"} <= {f.name for f in qualifiers}
    for field in qualifiers:
        assert (EXO[field.predicate], RDF.type, None) in ontology, field.name
    edge_shape = URIRef("https://w3id.org/exomir-kg/shapes/QualifiedEdgeShape")
    paths = {shapes.value(p, SH.path) for p in _property_shapes(shapes, edge_shape)}
    assert EXO.hedgingLevel in paths                      # every edge says how firmly it is stated


def test_the_shapes_know_every_exo_phenotype_of_the_ontology(shapes, project):
    ontology = Graph().parse(project.root / "ontology" / "exomir.ttl")
    phenotypes = set(ontology.subjects(URIRef(str(RDFS.subClassOf)), EXO.TumourPhenotype))
    shape = URIRef("https://w3id.org/exomir-kg/shapes/PhenotypeShape")
    assert _list(shapes, shapes.value(shape, SH["in"])) == phenotypes


def test_the_shapes_know_every_kind_of_review_issue(shapes):
    from exomirkg.curation.sources import ISSUE_KINDS
    lists = [_list(shapes, shapes.value(p, SH["in"])) for p in shapes.subjects(SH.path, EXO.issueKind)
             if shapes.value(p, SH["in"]) is not None]
    assert lists == [{Literal(kind) for kind in ISSUE_KINDS}]
