"""``exomirkg validate``: the shapes are the contract. The KG conforms; each constraint fires on its
own negative fixture (a mutation of real claims), and pyshacl and rudof agree on every one."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH, XSD
from servers import require_engine, require_jena

from exomirkg.ids.namespaces import CLAIM, EXO, NANOPUB, NP, OBO, REFERENCE
from exomirkg.validate.engines import load_data, validate
from exomirkg.validate.structure import STRUCTURE

FIXTURE = (Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml").read_text(encoding="utf-8")
HGNC = "https://identifiers.org/hgnc:"
ENGINES = ("pyshacl", "rudof", "jena")      # jena: Debian libapache-jena-java, installed by .ci/run


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    """The fixture's 15 claims, built and valid."""
    from conftest import MiniProject
    mini = MiniProject(tmp_path_factory.mktemp("validate") / "checkout")
    mini.write("01.yaml", FIXTURE)
    return mini.build().dataset


@pytest.fixture(scope="module")
def identifiers(project):
    """The project's prefix registry and reference tables."""
    from exomirkg.ids.known import IdentifierCheck
    return IdentifierCheck.for_project(project)


def _copy(dataset: Dataset) -> Dataset:
    copy = Dataset(default_union=True)
    for quad in dataset.quads((None, None, None, None)):
        copy.add(quad)
    return copy


def _graph_of(ds: Dataset, claim: str, part: str) -> Graph:
    return ds.graph(URIRef(f"{NANOPUB[claim]}/{part}"))


def _entities(ds: Dataset) -> Graph:
    return ds.graph(URIRef("https://w3id.org/exomir-kg/graph/entities"))


def _replace(ds: Dataset, claim: str, prop: URIRef, value) -> None:
    graph = _graph_of(ds, claim, "assertion")
    graph.remove((CLAIM[claim], prop, None))
    graph.add((CLAIM[claim], prop, value))


def _remove(ds: Dataset, subject, prop, value=None) -> None:
    for s, p, o, g in list(ds.quads((subject, prop, value, None))):
        ds.graph(g).remove((s, p, o))


C = lambda claim_id: str(CLAIM[claim_id])
SHC = lambda name: str(SH[name + "ConstraintComponent"])
BAD_MIRNA = URIRef("https://identifiers.org/mirbase.mature:MIMAT00004")
KNOWN_IDENTIFIER = "https://w3id.org/exomir-kg/shapes/KnownIdentifier"

# name -> (mutation, expected {(focus, path, component, value)})
MUTATIONS: dict[str, tuple[Callable[[Dataset], None], set[tuple[str, str, str, str]]]] = {
    "a second, non-claim type": (
        lambda ds: _graph_of(ds, "C001", "assertion").add((CLAIM["C001"], RDF.type, PROV.Entity)),
        {(C("C001"), str(RDF.type), SHC("In"), str(PROV.Entity)), (C("C001"), str(RDF.type), SHC("MaxCount"), "")}),
    "claim without label": (
        lambda ds: _remove(ds, CLAIM["C002"], RDFS.label),
        {(C("C002"), str(RDFS.label), SHC("MinCount"), "")}),
    "claim without miRNA or exosome source": (
        lambda ds: _remove(ds, CLAIM["C011"], EXO.mirna),
        {(C("C011"), "", SHC("Or"), C("C011")), (C("C011"), str(EXO.mirna), SHC("MinCount"), "")}),
    "retracted reference but flag false": (
        lambda ds: (_remove(ds, CLAIM["C006"], EXO.restsOnRetractedStudy),
                    _graph_of(ds, "C006", "provenance").add((CLAIM["C006"], EXO.restsOnRetractedStudy, Literal(False)))),
        {(C("C006"), "", SHC("Or"), C("C006"))}),
    "no condition": (
        lambda ds: _remove(ds, CLAIM["C012"], EXO.condition),
        {(C("C012"), str(EXO.condition), SHC("MinCount"), "")}),
    "not derived from a source document": (
        lambda ds: _remove(ds, CLAIM["C012"], PROV.wasDerivedFrom),
        {(C("C012"), str(PROV.wasDerivedFrom), SHC("MinCount"), "")}),
    "derived from the review and from a document the KG does not know": (
        lambda ds: _graph_of(ds, "C013", "provenance").add((CLAIM["C013"], PROV.wasDerivedFrom, URIRef("https://doi.org/10.1000/unknown"))),
        {(C("C013"), str(PROV.wasDerivedFrom), SHC("MaxCount"), ""),
         (C("C013"), str(PROV.wasDerivedFrom), SHC("Class"), "https://doi.org/10.1000/unknown")}),
    "no quote": (
        lambda ds: _remove(ds, CLAIM["C004"], EXO.supportingQuote),
        {(C("C004"), str(EXO.supportingQuote), SHC("MinCount"), "")}),
    "no reference": (
        lambda ds: _remove(ds, CLAIM["C005"], EXO.citesReference),
        {(C("C005"), str(EXO.citesReference), SHC("MinCount"), "")}),
    "two evidence terms": (
        lambda ds: _graph_of(ds, "C004", "provenance").add((CLAIM["C004"], EXO.evidence, OBO["ECO_0001567"])),
        {(C("C004"), str(EXO.evidence), SHC("MaxCount"), "")}),
    "retraction flag not a boolean": (
        lambda ds: (_remove(ds, CLAIM["C002"], EXO.restsOnRetractedStudy),
                    _graph_of(ds, "C002", "provenance").add((CLAIM["C002"], EXO.restsOnRetractedStudy, Literal("no")))),
        {(C("C002"), str(EXO.restsOnRetractedStudy), SHC("Datatype"), "no")}),
    "direction outside the value set": (
        lambda ds: _replace(ds, "C001", EXO.direction, EXO.Sideways),
        {(C("C001"), str(EXO.direction), SHC("In"), str(EXO.Sideways))}),
    "no effect": (
        lambda ds: _remove(ds, CLAIM["C004"], EXO.effect),
        {(C("C004"), str(EXO.effect), SHC("MinCount"), "")}),
    "target claim without gene": (
        lambda ds: _remove(ds, CLAIM["C002"], EXO.gene),
        {(C("C002"), str(EXO.gene), SHC("MinCount"), "")}),
    "pathway that is not a GO process": (
        lambda ds: _replace(ds, "C006", EXO.process, EXO.Metastasis),
        {(C("C006"), str(EXO.process), SHC("Pattern"), str(EXO.Metastasis))}),
    "immune claim with neither process nor gene": (
        lambda ds: _remove(ds, CLAIM["C007"], EXO.gene),
        {(C("C007"), "", SHC("Or"), C("C007"))}),
    "transfer with neither donor nor recipient": (
        lambda ds: (_remove(ds, CLAIM["C003"], EXO.donorCell), _remove(ds, CLAIM["C003"], EXO.recipientCell)),
        {(C("C003"), "", SHC("Or"), C("C003"))}),
    "drug response kind outside the value set": (
        lambda ds: _replace(ds, "C008", EXO.drugResponse, EXO.Upregulated),
        {(C("C008"), str(EXO.drugResponse), SHC("In"), str(EXO.Upregulated))}),
    "biomarker without use": (
        lambda ds: _remove(ds, CLAIM["C009"], EXO.biomarkerUse),
        {(C("C009"), str(EXO.biomarkerUse), SHC("MinCount"), "")}),
    "AUC 1.7": (
        lambda ds: (_remove(ds, URIRef(C("C009") + "/auc"), EXO.value),
                    _graph_of(ds, "C009", "assertion").add((URIRef(C("C009") + "/auc"), EXO.value,
                                                            Literal("1.7", datatype=XSD.decimal)))),
        {(C("C009") + "/auc", str(EXO.value), SHC("MaxInclusive"), "1.7")}),
    "prognosis outcome outside the value set": (
        lambda ds: _replace(ds, "C010", EXO.outcome, EXO.Metastasis),
        {(C("C010"), str(EXO.outcome), SHC("In"), str(EXO.Metastasis))}),
    "tumour role outside the value set": (
        lambda ds: _replace(ds, "C012", EXO.tumourRole, EXO.PositiveEffect),
        {(C("C012"), str(EXO.tumourRole), SHC("In"), str(EXO.PositiveEffect))}),
    "quote text too short": (
        lambda ds: _set_quote(ds, EXO.text, Literal("x")),
        {("QUOTE", str(EXO.text), SHC("MinLength"), "x")}),
    "quote location not text or a table row": (
        lambda ds: _set_quote(ds, EXO.location, Literal("page 3")),
        {("QUOTE", str(EXO.location), SHC("Pattern"), "page 3")}),
    "verified reference without DOI or PMID": (
        lambda ds: _remove(ds, REFERENCE["113"], EXO.doi),
        {(str(REFERENCE["113"]), "", SHC("Xone"), str(REFERENCE["113"]))}),
    "malformed DOI": (
        lambda ds: (_remove(ds, REFERENCE["113"], EXO.doi),
                    _entities(ds).add((REFERENCE["113"], EXO.doi, Literal("11.1042/BSR")))),
        {(str(REFERENCE["113"]), str(EXO.doi), SHC("Pattern"), "11.1042/BSR")}),
    "unresolved reference with a DOI": (
        lambda ds: _entities(ds).add((REFERENCE["57"], EXO.doi, Literal("10.1000/made-up"))),
        {(str(REFERENCE["57"]), "", SHC("Xone"), str(REFERENCE["57"]))}),
    "corrupted MIMAT accession": (
        lambda ds: _replace(ds, "C005", EXO.mirna, BAD_MIRNA),
        {(str(BAD_MIRNA), "", SHC("Pattern"), str(BAD_MIRNA)), (str(BAD_MIRNA), str(RDFS.label), SHC("MinCount"), ""),
         (str(BAD_MIRNA), "", KNOWN_IDENTIFIER, "")}),
    "gene without its symbol": (
        lambda ds: _remove(ds, URIRef(HGNC + "6770"), RDFS.label),
        {(HGNC + "6770", str(RDFS.label), SHC("MinCount"), "")}),
    "process that is an unlabelled GO term": (
        lambda ds: _remove(ds, OBO["GO_0001525"], RDFS.label),
        {(str(OBO["GO_0001525"]), "", SHC("Or"), str(OBO["GO_0001525"]))}),
    "cell that is neither CL nor Cellosaurus": (
        lambda ds: _replace(ds, "C007", EXO.inCell, URIRef("http://example.org/cell")),
        {("http://example.org/cell", "", SHC("Pattern"), "http://example.org/cell"),
         ("http://example.org/cell", str(RDFS.label), SHC("MinCount"), "")}),
    "condition that is not MONDO": (
        lambda ds: (_replace(ds, "C001", EXO.condition, OBO["DOID_684"]),
                    _entities(ds).add((OBO["DOID_684"], RDFS.label, Literal("hepatocellular carcinoma")))),
        {(str(OBO["DOID_684"]), "", SHC("Pattern"), str(OBO["DOID_684"]))}),
    "evidence that is not ECO": (
        lambda ds: (_remove(ds, CLAIM["C004"], EXO.evidence),
                    _graph_of(ds, "C004", "provenance").add((CLAIM["C004"], EXO.evidence, OBO["GO_0001525"]))),
        {(str(OBO["GO_0001525"]), "", SHC("Pattern"), str(OBO["GO_0001525"]))}),
    "drug that is not ChEBI": (
        lambda ds: _replace(ds, "C008", EXO.drug, URIRef(HGNC + "317")),
        {(HGNC + "317", "", SHC("Pattern"), HGNC + "317")}),
    "comparison group outside MONDO and the exo groups": (
        lambda ds: _replace(ds, "C001", EXO.comparedWith, EXO.Upregulated),
        {(str(EXO.Upregulated), "", SHC("Or"), str(EXO.Upregulated))}),
    "nanopublication without provenance graph": (
        lambda ds: _remove(ds, NANOPUB["C002"], NP.hasProvenance),
        {(str(NANOPUB["C002"]), str(NP.hasProvenance), SHC("MinCount"), ""),
         (str(NANOPUB["C002"]), "", str(STRUCTURE), "")}),
    "provenance graph that does not describe the assertion": (
        lambda ds: _remove(ds, URIRef(f"{NANOPUB['C003']}/assertion"), None),
        {(str(NANOPUB["C003"]), str(NP.hasAssertion), SHC("Node"), f"{NANOPUB['C003']}/assertion"),
         (str(NANOPUB["C003"]), "", str(STRUCTURE), "")}),
    "blank node in a claim": (
        lambda ds: _graph_of(ds, "C004", "assertion").add((CLAIM["C004"], RDFS.seeAlso, BNode())),
        {(C("C004"), "", str(STRUCTURE), "")}),
}


def _quote_of(ds: Dataset) -> URIRef:
    return next(ds.objects(CLAIM["C012"], EXO.supportingQuote))


def _set_quote(ds: Dataset, prop: URIRef, value: Literal) -> None:
    quote = _quote_of(ds)
    _remove(ds, quote, prop)
    _entities(ds).add((quote, prop, value))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_built_kg_conforms(project, identifiers, engine):
    """Every shape holds, and every identifier IRI, in each of its IRI forms, is in the reference tables."""
    require_engine(engine)
    report = validate(load_data([project.kg_dir / "exomir-kg.trig"]), project.shapes_path, engine,
                      identifiers=identifiers)
    assert report.conforms, report.as_text()
    from exomirkg.ids.known import CHECKED_PREFIXES
    checked = identifiers.iris_in(load_data([project.kg_dir / "exomir-kg.trig"]))
    for prefix in CHECKED_PREFIXES:           # every registry, in every IRI form, was looked up
        record = identifiers.registry.prefixes[prefix]
        for form in (record.uri_prefix, *record.other_uri_prefixes):
            assert any(iri.startswith(form) for iri in checked), form


@pytest.mark.parametrize("engine", ENGINES)
def test_the_fixture_conforms(base, project, identifiers, engine):
    require_engine(engine)
    assert validate(base, project.shapes_path, engine, identifiers=identifiers).conforms


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_constraint_fires_alone_and_pyshacl_and_rudof_agree(base, project, identifiers, name):
    mutate, expected = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    quote = str(_quote_of(data))
    expected = {tuple(quote if part == "QUOTE" else part for part in key) for key in expected}
    found = {engine: {v.key for v in validate(data, project.shapes_path, engine, identifiers=identifiers).violations}
             for engine in ("pyshacl", "rudof")}
    assert found["pyshacl"] == expected, name
    assert found["rudof"] == found["pyshacl"], name


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_jena_finds_what_pyshacl_finds_on_each_constraint(base, project, name):
    require_jena()
    mutate, _ = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    assert {v.key for v in validate(data, project.shapes_path, "jena").violations} == \
        {v.key for v in validate(data, project.shapes_path, "pyshacl").violations}, name


def test_shapes_pass_shacl_for_shacl(project):
    import pyshacl
    shapes = Graph().parse(project.shapes_path)
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_shapes_read_well_in_docs(project):
    shapes = Graph().parse(project.shapes_path)
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 20
    for shape in node_shapes:
        assert shapes.value(shape, RDFS.label) and shapes.value(shape, RDFS.comment), shape
    # a property shape of a named shape (or a named property shape) is documented by its sh:name; a
    # property shape inside an anonymous constraint (sh:or / sh:xone branches, inline sh:node) is a part
    # of that constraint, which its named owner documents with sh:message
    documented = {p for shape in node_shapes for p in shapes.objects(shape, SH.property)}
    documented |= {p for p in shapes.subjects(SH.path, None) if isinstance(p, URIRef)}
    assert len(documented) >= 60
    unnamed = [f"{shapes.value(p, SH.path)} of {shapes.value(None, SH.property, p)}"
               for p in documented if shapes.value(p, SH.name) is None]
    assert not unnamed, unnamed
    parts = set(shapes.subjects(SH.path, None)) - documented
    assert len(parts) >= 10
    undocumented = [str(shapes.value(part, SH.path)) for part in parts if not _message_above(shapes, part)]
    assert not undocumented, f"constraint parts without an sh:message on any shape above them: {undocumented}"


def _message_above(shapes: Graph, node) -> bool:
    """Whether a shape above an anonymous constraint part (through lists, sh:node, sh:property,
    sh:or...) up to its named shape carries an sh:message."""
    seen = set()
    while node is not None and node not in seen:
        seen.add(node)
        if shapes.value(node, SH.message) is not None:
            return True
        if isinstance(node, URIRef):
            return False
        node = next(iter(shapes.subjects(None, node)), None)
    return False


def test_shape_patterns_accept_the_registry_examples(project):
    import re

    from exomirkg.ids.prefixes import PrefixRegistry
    registry = PrefixRegistry.load(project.prefixes_path)
    shapes = Graph().parse(project.shapes_path)
    patterns = {str(p) for p in shapes.objects(None, SH.pattern)}
    for prefix in ("mirbase", "mirbase.mature", "hgnc", "GO", "CL", "cellosaurus", "MONDO", "UBERON", "ECO", "CHEBI"):
        record = registry.prefixes[prefix]
        example_iri = record.uri_prefix + record.example
        assert any(re.search(p, example_iri) for p in patterns), prefix


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_validating_in_independent_parts_gives_the_same_violations(base, project, name):
    mutate, _ = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    whole = {v.key for v in validate(data, project.shapes_path, "pyshacl").violations}
    parts = {v.key for v in validate(data, project.shapes_path, "pyshacl", parts=3).violations}
    assert parts == whole, name


def test_parts_in_parallel_on_the_real_kg(project):
    dataset = load_data([project.kg_dir / "exomir-kg.trig"])
    report = validate(dataset, project.shapes_path, "rudof", parts=3, processes=2)
    assert report.conforms, report.as_text()


@pytest.mark.parametrize("name", ["evidence that is not ECO", "cell that is neither CL nor Cellosaurus",
                                  "nanopublication without provenance graph", "blank node in a claim",
                                  "process that is an unlabelled GO term"])
def test_a_large_nquads_file_in_jena_parts_gives_the_whole_graphs_violations(base, project, name, tmp_path):
    """The large-graph path (no rdflib: a pyoxigraph store, Jena SHACL on parts in parallel, the
    structure checks on the store) finds exactly what pyshacl finds on the whole graph."""
    from exomirkg.rdf.serialize import nquads
    from exomirkg.validate.engines import validate_nquads
    require_jena()
    mutate, _ = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    path = tmp_path / "kg.nq"
    path.write_text(nquads(data), encoding="utf-8")
    large = validate_nquads(path, project.shapes_path, "jena", parts=2, processes=2)
    assert {v.key for v in large.violations} == {v.key for v in validate(data, project.shapes_path, "pyshacl").violations}
    assert large.by_claim()                      # grouped by claim through the store


def test_structure_checks_find_every_broken_nanopublication_part(base):
    """The SPARQL structure checks, one mutation per check, each naming the nanopublication."""
    from exomirkg.validate.structure import structure_violations
    broken = _copy(base)
    broken.remove((None, None, None, URIRef(f"{NANOPUB['C001']}/head")))
    _graph_of(broken, "C002", "assertion").add((CLAIM["C999"], RDF.type, EXO.TargetClaim))
    broken.remove((None, None, None, URIRef(f"{NANOPUB['C003']}/pubinfo")))
    # a link of the head stated elsewhere and not in the head (C004); a graph named like a
    # nanopublication's but with no part's suffix, so a nanopublication with no head (C005/extra)
    _graph_of(broken, "C004", "pubinfo").add((NANOPUB["C004"], NP.hasAssertion, URIRef(f"{NANOPUB['C004']}/other")))
    _graph_of(broken, "C005", "extra").add((CLAIM["C005"], RDFS.comment, Literal("stray")))
    found = {(v.focus, v.message.split("(")[-1].rstrip(")")) for v in structure_violations(broken)}
    assert (str(NANOPUB["C001"]), "head check") in found
    assert (str(NANOPUB["C004"]), "head check") in found
    assert (f"{NANOPUB['C005']}/extra", "head check") in found
    assert {focus for focus, check in found if check == "head check"} == {
        str(NANOPUB["C001"]), str(NANOPUB["C004"]), f"{NANOPUB['C005']}/extra"}
    assert (str(NANOPUB["C002"]), "assertion check") in found
    assert (str(NANOPUB["C003"]), "pubinfo check") in found
    assert not structure_violations(base)


def test_blank_nodes_are_found_on_their_owner_or_once_on_the_shape(project, base):
    """An IRI pointing to a blank node is the focus; a blank node no IRI points to is reported
    once, on the structure shape; the ontology's own blank nodes (OWL lists) are never reported."""
    import pyoxigraph as ox

    from exomirkg.query.store import ONTOLOGY_GRAPH
    from exomirkg.rdf.serialize import nquads
    from exomirkg.validate.structure import structure_violations

    def blank_findings(extra: str) -> set[str]:
        store = ox.Store()
        store.load((nquads(base) + extra).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.load(path=str(project.ontology_path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
        return {v.focus for v in structure_violations(store) if "blank nodes check" in v.message}
    assert blank_findings("") == set()
    graph = f"<{NANOPUB['C004']}/assertion>"
    owned = f"<{CLAIM['C004']}> <{RDFS.seeAlso}> _:b1 {graph} .\n_:b1 <{RDFS.label}> \"x\" {graph} .\n"
    assert blank_findings(owned) == {str(CLAIM["C004"])}
    orphans = f"_:b2 <{RDFS.label}> \"x\" {graph} .\n_:b3 <{RDFS.seeAlso}> _:b2 {graph} .\n"
    assert blank_findings(orphans) == {str(STRUCTURE)}
    assert blank_findings(owned + orphans) == {str(CLAIM["C004"])}


# --------------------------------------------------------------------------- input that must not "conform"
def _validate_cli(project, *args: str, env: dict[str, str] | None = None):
    """Run ``exomirkg validate`` in a fresh process, as a user would."""
    return subprocess.run([sys.executable, "-m", "exomirkg", "validate", "--root", str(project.root), *args],
                          check=False, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)


@pytest.mark.parametrize("name, text", [("empty.ttl", ""), ("prefixes-only.ttl", "@prefix a: <http://a/> .\n"),
                                        ("empty.trig", ""), ("empty.nq", ""), ("empty.nt", "# nothing\n")])
def test_a_file_without_triples_is_unusable_input_not_conforming(project, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = _validate_cli(project, str(path))
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{path}: no triples" in run.stderr and "conforms" not in run.stdout


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_nquads_file_on_the_large_path_is_unusable_input(project, tmp_path, engine):
    require_engine(engine)
    path = tmp_path / "empty.nq"
    path.write_bytes(b"")
    run = _validate_cli(project, str(path), "--engine", engine, "--parts", "2")
    assert run.returncode == 2 and f"{path}: no triples" in run.stderr, run.stdout + run.stderr


def test_a_second_file_without_triples_is_named(project, tmp_path):
    empty = tmp_path / "second.ttl"
    empty.write_text("# only a comment\n", encoding="utf-8")
    run = _validate_cli(project, str(project.kg_dir / "exomir-kg.ttl"), str(empty))
    assert run.returncode == 2 and f"{empty}: no triples" in run.stderr, run.stdout + run.stderr


# --------------------------------------------------------------------------- identifiers that do not exist


def test_an_identifier_that_does_not_exist_is_a_violation(project, tmp_path):
    """MIMAT0000076 (hsa-miR-21-5p) replaced everywhere, label included, by the well-formed
    MIMAT9999999: one violation, in the text and in the sh:ValidationReport."""
    text = (project.kg_dir / "exomir-kg.trig").read_text(encoding="utf-8")
    assert "MIMAT0000076" in text
    path = tmp_path / "kg.trig"
    path.write_text(text.replace("MIMAT0000076", "MIMAT9999999"), encoding="utf-8")
    run = _validate_cli(project, str(path))
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("does not conform (pyshacl): 1 violation(s)\n"), run.stdout
    assert ("mirbase.mature:MIMAT9999999 is not in the project's reference tables "
            "(ontology/imports/reference/upstream_mirbase_human.tsv)") in run.stdout
    turtle = _validate_cli(project, str(path), "--format", "turtle")
    assert turtle.returncode == 1
    report = Graph().parse(data=turtle.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    results = list(report.objects(None, SH.result))
    assert len(results) == 1
    result = results[0]
    assert report.value(result, SH.focusNode) == URIRef("https://identifiers.org/mirbase.mature:MIMAT9999999")
    assert report.value(result, SH.resultSeverity) == SH.Violation
    assert report.value(result, SH.sourceConstraintComponent) == URIRef(KNOWN_IDENTIFIER)
    assert "MIMAT9999999 is not in the project's reference tables" in str(report.value(result, SH.resultMessage))


@pytest.mark.parametrize("iri, curie", [
    ("https://identifiers.org/mirbase:MI9999999", "mirbase:MI9999999"),
    ("https://www.mirbase.org/mature/MIMAT9999999", "mirbase.mature:MIMAT9999999"),
    ("https://identifiers.org/hgnc:999999", "hgnc:999999"),
    ("http://purl.uniprot.org/hgnc/HGNC:999999", "hgnc:999999"),
    ("http://purl.obolibrary.org/obo/GO_9999999", "GO:9999999"),
    ("http://purl.obolibrary.org/obo/CL_9999999", "CL:9999999"),
    ("http://purl.obolibrary.org/obo/UBERON_9999999", "UBERON:9999999"),
    ("https://identifiers.org/MONDO:9999999", "MONDO:9999999"),
    ("http://purl.obolibrary.org/obo/ECO_9999999", "ECO:9999999"),
    ("http://purl.obolibrary.org/obo/CHEBI_99999999", "CHEBI:99999999"),
    ("https://identifiers.org/cellosaurus:CVCL_ZZZZ", "cellosaurus:CVCL_ZZZZ"),
])
def test_each_checked_registry_reports_an_identifier_the_tables_lack(base, project, identifiers, iri, curie):
    from exomirkg.ids.prefixes import Curie
    prefix, local = curie.split(":", 1)
    assert not identifiers.tables.knows(Curie(prefix, local))         # made up on purpose: the tables lack it
    data = _copy(base)
    _entities(data).add((CLAIM["C001"], RDFS.seeAlso, URIRef(iri)))
    found = [v for v in validate(data, project.shapes_path, "pyshacl", identifiers=identifiers).violations
             if v.component == KNOWN_IDENTIFIER]
    assert [(v.focus, v.message.split(" ")[0]) for v in found] == [(iri, curie)]
    assert found[0].message.endswith("no such identifier") and "ontology/imports/reference/upstream_" in found[0].message
    assert validate(_copy(base), project.shapes_path, "pyshacl", identifiers=identifiers).conforms


def test_a_malformed_identifier_under_another_iri_form_is_reported(base, project, identifiers):
    """The shapes check the canonical IRIs' patterns; the other IRI forms only the identifier check sees."""
    data = _copy(base)
    _entities(data).add((URIRef("https://identifiers.org/hgnc:6770"), URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
                         URIRef("http://identifiers.org/hgnc/67x0")))
    found = [v for v in validate(data, project.shapes_path, "pyshacl", identifiers=identifiers).violations
             if v.component == KNOWN_IDENTIFIER]
    assert [(v.focus, "is not a well-formed" in v.message) for v in found] == [("http://identifiers.org/hgnc/67x0", True)]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unknown_identifier_is_found_on_the_large_nquads_path(project, tmp_path, engine):
    """The large-file path (pyoxigraph, no rdflib) checks identifiers too, with the claims that use them."""
    require_engine(engine)
    text = (project.kg_dir / "exomir-kg.nq").read_text(encoding="utf-8")
    assert "http://purl.obolibrary.org/obo/GO_0006915>" in text
    path = tmp_path / "kg.nq"
    path.write_text(text.replace("http://purl.obolibrary.org/obo/GO_0006915>", "http://purl.obolibrary.org/obo/GO_9999999>"),
                    encoding="utf-8")
    run = _validate_cli(project, str(path), "--engine", engine, "--parts", "2")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "GO:9999999 is not in the project's reference tables (ontology/imports/reference/upstream_go_labels.tsv)" \
        in run.stdout
    assert "/claims/" in run.stdout              # listed under the claims about it, with their file:line


def test_the_large_path_finds_the_same_unknown_identifiers_as_the_whole_graph(base, project, identifiers, tmp_path):
    from exomirkg.rdf.serialize import nquads
    from exomirkg.validate.engines import validate_nquads
    data = _copy(base)
    _entities(data).add((CLAIM["C001"], RDFS.seeAlso, URIRef("https://identifiers.org/hgnc:999999")))
    _entities(data).add((URIRef("http://purl.obolibrary.org/obo/CL_9999999"), RDFS.label, Literal("no such cell")))
    path = tmp_path / "kg.nq"
    path.write_text(nquads(data), encoding="utf-8")
    whole = {v.key for v in validate(data, project.shapes_path, "pyshacl", identifiers=identifiers).violations
             if v.component == KNOWN_IDENTIFIER}
    large = {v.key for v in validate_nquads(path, project.shapes_path, "pyshacl", parts=2, processes=1,
                                            identifiers=identifiers).violations if v.component == KNOWN_IDENTIFIER}
    assert large == whole == {("https://identifiers.org/hgnc:999999", "", KNOWN_IDENTIFIER, ""),
                              ("http://purl.obolibrary.org/obo/CL_9999999", "", KNOWN_IDENTIFIER, "")}


# --------------------------------------------------------------------------- the Jena helper jar and heap
PLANTED = Path(__file__).parents[1] / "fixtures" / "planted-jar"


def _plant(path: Path) -> None:
    """A jar whose ``shacl.shacl`` says "conforms" whatever the data (see fixtures/planted-jar)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as jar:
        jar.write(PLANTED / "shacl" / "shacl.class", "shacl/shacl.class")


def test_a_planted_helper_jar_is_never_run(project, tmp_path, monkeypatch):
    """A jar planted at the old fixed name in the shared temp folder, and one planted at the cache
    name itself, would make a graph with a violation "conform"; neither is run."""
    from exomirkg.validate import jena
    require_jena()
    shared_tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    _plant(shared_tmp / "exomirkg-jena-xerces-fix.jar")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    honest = Path(jena.classpath().split(":")[0])
    assert honest.parent == cache / "exomir-kg" and (honest.parent.stat().st_mode & 0o777) == 0o700
    _plant(honest)
    broken = tmp_path / "broken.nt"
    broken.write_text((project.kg_dir / "exomir-kg.nt").read_text(encoding="utf-8")
                      .replace("http://purl.obolibrary.org/obo/ECO_", "http://purl.obolibrary.org/obo/XCO_"), encoding="utf-8")
    run = _validate_cli(project, str(broken), "--engine", "jena",
                        env={"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(cache)})
    assert run.returncode == 1 and run.stdout.startswith("does not conform (jena)"), run.stdout + run.stderr
    with zipfile.ZipFile(honest) as jar:
        assert "shacl/shacl.class" not in jar.namelist() and any(n.startswith("xerces/") for n in jar.namelist())


def test_a_cache_folder_others_can_write_is_refused(tmp_path, monkeypatch):
    from exomirkg.validate import jena
    require_jena()
    cache = tmp_path / "cache"
    (cache / "exomir-kg").mkdir(parents=True)
    (cache / "exomir-kg").chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    with pytest.raises(jena.JenaFailed, match="not private"):
        jena.classpath()


def test_jena_running_out_of_heap_says_so_plainly(project):
    require_jena()
    run = _validate_cli(project, str(project.kg_dir / "exomir-kg.nq"), "--engine", "jena", "--parts", "2",
                        "--processes", "1", env={"EXOMIRKG_JENA_HEAP": "8m"})
    assert run.returncode == 2, run.stdout + run.stderr
    assert "error: Jena ran out of memory (heap -Xmx8m) validating part 1 of 2 (" in run.stderr, run.stderr
    assert " triples, " in run.stderr and "OutOfMemoryError" in run.stderr
    assert "raise it with EXOMIRKG_JENA_HEAP=" in run.stderr and "Traceback" not in run.stderr


def test_a_heap_setting_that_is_no_size_is_refused(project):
    require_jena()
    run = _validate_cli(project, str(project.kg_dir / "exomir-kg.ttl"), "--engine", "jena",
                        env={"EXOMIRKG_JENA_HEAP": "lots"})
    assert run.returncode == 2 and "EXOMIRKG_JENA_HEAP='lots' is not a JVM heap size" in run.stderr, run.stderr


def test_the_jena_heap_follows_the_triples_and_the_memory(tmp_path, monkeypatch):
    """A part of a million short triples (64 MB) ran out of the old 512 MB heap (sized by file size
    alone); the heap now follows the number of triples, within a share of the memory."""
    from exomirkg.validate import jena
    monkeypatch.delenv("EXOMIRKG_JENA_HEAP", raising=False)
    monkeypatch.setattr(jena, "_memory_mb", lambda: 16384)
    short = tmp_path / "short.nt"
    short.write_text("".join(f"<http://e.org/s{i}> <http://e.org/p> \"{i}\" .\n" for i in range(1_000_000)))
    assert jena.count_triples(short) == 1_000_000
    assert int(jena.heap_for(short)[:-1]) >= 1200                       # 1 KB a triple
    assert jena.heap_for(short, jvms=2) == jena.heap_for(short)         # 2 JVMs: both fit in 70 % of 16 GB
    assert jena.heap_for(short, jvms=16) == f"{int(0.7 * 16384 / 16)}m"  # capped at a JVM's share
    small = tmp_path / "small.nt"
    small.write_text("<http://e.org/s> <http://e.org/p> \"o\" .\n")
    assert jena.heap_for(small) == "512m"
    monkeypatch.setenv("EXOMIRKG_JENA_HEAP", "3g")
    assert jena.heap_for(short) == "3g"


# --------------------------------------------------------------------------- tests that tell the truth
def test_without_java_only_the_jena_cases_skip_and_under_ci_they_fail(tmp_path):
    """With no Java on PATH the pyshacl and rudof cases still run and pass; the Jena case skips,
    naming Java and its install command, and fails instead when CI is set."""
    no_java = tmp_path / "bin"
    no_java.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "CI"}
    env["PATH"] = str(no_java)
    args = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-k", "test_the_fixture_conforms",
            str(Path(__file__))]
    local = subprocess.run(args, check=False, env=env, capture_output=True, text=True, timeout=600)
    assert "2 passed, 1 skipped" in local.stdout, local.stdout + local.stderr
    assert "java is not installed (apt-get install default-jre-headless)" in local.stdout
    ci = subprocess.run(args, check=False, env={**env, "CI": "1"}, capture_output=True, text=True, timeout=600)
    assert "1 failed, 2 passed" in ci.stdout and "skipped" not in ci.stdout, ci.stdout + ci.stderr
