"""The OWL ontology: metadata, coverage of the curation schema, definitions, and HermiT consistency."""
from __future__ import annotations

import re
import shutil
import tempfile

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.namespaces import CLAIM, EXO, OBO, VANN
from exomirkg.rdf.imports import ancestor_closure
from exomirkg.rdf.reasoning import check_consistency, ontology_graph

ONTOLOGY = URIRef("https://w3id.org/exomir-kg/ontology")
IAO_DEFINITION = OBO["IAO_0000115"]      # the OBO definition property: not this ontology's convention


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


def definition_problems(graph: Graph) -> dict[str, str]:
    """Each exo term the graph declares (any rdf:type) whose definition breaks the ontology's convention
    (exactly one non-empty skos:definition in English, no IAO:0000115), by CURIE, with the reason."""
    problems: dict[str, str] = {}
    terms = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(EXO))}
    for term in sorted(terms):
        curie = "exo:" + term[len(str(EXO)):]
        english = [d for d in graph.objects(term, SKOS.definition)
                   if isinstance(d, Literal) and d.language == "en" and str(d).strip()]
        if (term, IAO_DEFINITION, None) in graph:
            problems[curie] = "defined with IAO:0000115; this ontology uses skos:definition"
        elif not english:
            problems[curie] = "no skos:definition in English"
        elif len(english) > 1:
            problems[curie] = f"{len(english)} English skos:definitions, not one"
    return problems


def test_every_exo_term_has_one_definition(ontology):
    declared = [s for s in set(ontology.subjects(RDF.type, None)) if str(s).startswith(str(EXO))]
    assert len(declared) > 100                       # classes, properties and individuals: not a vacuous pass
    problems = definition_problems(ontology)
    assert not problems, f"{len(problems)} exo terms lack a proper definition in ontology/exomir.ttl:\n" + \
        "\n".join(f"  {curie}: {why}" for curie, why in problems.items())


def test_the_definition_check_names_each_offending_term():
    graph = Graph()
    for term, kind in ((EXO.Defined, OWL.Class), (EXO.Metastasis, OWL.Class), (EXO.notDefined, OWL.ObjectProperty),
                       (EXO.Upregulated, OWL.NamedIndividual), (EXO.CellLine, OWL.Class),
                       (EXO.Downregulated, OWL.NamedIndividual), (OBO.GO_0008150, OWL.Class)):
        graph.add((term, RDF.type, kind))
    graph.add((EXO.Defined, SKOS.definition, Literal("Defined once.", lang="en")))
    graph.add((EXO.Metastasis, SKOS.definition, Literal(" ", lang="en")))
    graph.add((EXO.Upregulated, SKOS.definition, Literal("Higher.", lang="en")))
    graph.add((EXO.Upregulated, SKOS.definition, Literal("Higher, once more.", lang="en")))
    graph.add((EXO.CellLine, IAO_DEFINITION, Literal("A line of cells.", lang="en")))
    graph.add((EXO.Downregulated, SKOS.definition, Literal("Plus bas.", lang="fr")))
    assert definition_problems(graph) == {          # not exo:Defined, not the GO term (not ours to define)
        "exo:CellLine": "defined with IAO:0000115; this ontology uses skos:definition",
        "exo:Downregulated": "no skos:definition in English",
        "exo:Metastasis": "no skos:definition in English",
        "exo:Upregulated": "2 English skos:definitions, not one",
        "exo:notDefined": "no skos:definition in English"}


def test_imports_are_generated_with_sources(project):
    for path in sorted(project.imports_dir.glob("*.ttl")):
        graph = Graph().parse(path)
        terms = [s for s in graph.subjects(RDF.type, None) if (s, DCTERMS.identifier, None) in graph]
        assert terms, path
        for term in terms:
            assert graph.value(term, DCTERMS.source), (path.name, term)


def test_imports_state_the_is_a_closure_as_has_ancestor(project):
    """exo:hasAncestor in the extracts is exactly rdfs:subClassOf+ between named classes (rdflib's
    property paths: an engine independent of the generator's own closure)."""
    graph = Graph()
    for path in sorted(project.imports_dir.glob("*.ttl")):
        graph.parse(path)
    stated = set(graph.subject_objects(EXO.hasAncestor))
    derived = {(row[0], row[1]) for row in graph.query(
        "SELECT DISTINCT ?c ?a WHERE { ?c rdfs:subClassOf+ ?a FILTER(isIRI(?c) && isIRI(?a)) }")}
    assert stated == derived and len(stated) > 4000
    # two steps up: NK cell mediated cytotoxicity against a tumour cell -> NK cell mediated immune
    # response to a tumour cell -> immune response to tumour cell; never the term itself
    assert (OBO["GO_0002420"], OBO["GO_0002418"]) in stated
    assert not any(child == ancestor for child, ancestor in stated)


def test_ancestor_closure_is_transitive_not_reflexive_and_survives_a_cycle():
    a, b, c, d = (URIRef(f"urn:x:{n}") for n in "abcd")
    assert ancestor_closure({a: {b}, b: {c, d}, c: {d}}) == {a: {b, c, d}, b: {c, d}, c: {d}}
    assert ancestor_closure({a: {b}, b: {a}}) == {a: {b}, b: {a}}      # a cycle: each other's, not its own


def test_ontology_imports_and_kg_are_consistent_under_hermit(project):
    if shutil.which("java") is None:
        pytest.fail("Java is required for HermiT (install a JRE; .ci/run does)")
    report = check_consistency(ontology_graph(project, with_kg=True))
    assert report.consistent, report.message


def test_hermit_detects_a_claim_of_two_disjoint_types_and_leaves_no_file_behind(project, tmp_path, monkeypatch):
    graph = ontology_graph(project, with_kg=False)
    graph.add((CLAIM["C999"], RDF.type, EXO.ExpressionClaim))
    graph.add((CLAIM["C999"], RDF.type, EXO.TargetClaim))
    system_temporary = tmp_path / "tmp"
    system_temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temporary))
    report = check_consistency(graph)
    assert not report.consistent
    # owlready2 leaves its copy for HermiT when HermiT raises; it must go with our folder
    assert list(system_temporary.iterdir()) == []
    assert tempfile.tempdir == str(system_temporary)
