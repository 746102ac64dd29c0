"""``exomirkg validate``: the shapes are the contract. The KG conforms; each constraint fires on its
own negative fixture (a mutation of real claims), and pyshacl and rudof agree on every one."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH, XSD

from exomirkg.namespaces import CLAIM, EXO, NANOPUB, NP, OBO, REFERENCE
from exomirkg.validate import STRUCTURE, load_data, validate

FIXTURE = (Path(__file__).parent / "fixtures" / "every-claim-type.yaml").read_text(encoding="utf-8")
HGNC = "https://identifiers.org/hgnc:"
ENGINES = ("pyshacl", "rudof", "jena")      # jena: Debian libapache-jena-java, installed by .ci/run


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    """The fixture's 15 claims, built and valid."""
    from conftest import MiniProject
    mini = MiniProject(tmp_path_factory.mktemp("validate") / "checkout")
    mini.write("01.yaml", FIXTURE)
    return mini.build().dataset


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


C = lambda claim_id: str(CLAIM[claim_id])  # noqa: E731
SHC = lambda name: str(SH[name + "ConstraintComponent"])  # noqa: E731
BAD_MIRNA = URIRef("https://identifiers.org/mirbase.mature:MIMAT00004")

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
    "not derived from the review": (
        lambda ds: _remove(ds, CLAIM["C012"], PROV.wasDerivedFrom),
        {(C("C012"), str(PROV.wasDerivedFrom), SHC("HasValue"), "")}),
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
        {(str(BAD_MIRNA), "", SHC("Pattern"), str(BAD_MIRNA)), (str(BAD_MIRNA), str(RDFS.label), SHC("MinCount"), "")}),
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


@pytest.fixture(scope="module", autouse=True)
def jena_available():
    from servers import require
    require("java", "a JRE")
    from exomirkg.jena import JenaUnavailable, classpath
    try:
        classpath()
    except JenaUnavailable as error:
        require("jena-shacl-missing", str(error))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_built_kg_conforms(project, engine):
    report = validate(load_data([project.kg_dir / "exomir-kg.trig"]), project.shapes_path, engine)
    assert report.conforms, report.as_text()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_fixture_conforms(base, project, engine):
    assert validate(base, project.shapes_path, engine).conforms


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_constraint_fires_alone_and_both_engines_agree(base, project, name):
    mutate, expected = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    quote = str(_quote_of(data))
    expected = {tuple(quote if part == "QUOTE" else part for part in key) for key in expected}
    found = {}
    for engine in ENGINES:
        report = validate(data, project.shapes_path, engine)
        found[engine] = {v.key for v in report.violations}
    assert found["pyshacl"] == expected, name
    assert found["rudof"] == found["pyshacl"], name
    assert found["jena"] == found["pyshacl"], name


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
    for prop_shape in set(shapes.subjects(SH.path, None)):
        if (None, SH["or"], None) in shapes and isinstance(prop_shape, BNode) and shapes.value(prop_shape, SH.name) is None:
            continue            # anonymous branches of sh:or / sh:xone
        assert shapes.value(prop_shape, SH.name), prop_shape


def test_shape_patterns_accept_the_registry_examples(project):
    from exomirkg.identifiers import PrefixRegistry
    import re
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
    from exomirkg.serialize import nquads
    from exomirkg.validate import validate_nquads
    mutate, expected = MUTATIONS[name]
    data = _copy(base)
    mutate(data)
    path = tmp_path / "kg.nq"
    path.write_text(nquads(data), encoding="utf-8")
    large = validate_nquads(path, project.shapes_path, "jena", parts=2, processes=2)
    assert {v.key for v in large.violations} == {v.key for v in validate(data, project.shapes_path, "pyshacl").violations}
    assert large.by_claim()                      # grouped by claim through the store


def test_structure_checks_find_every_broken_nanopublication_part(base):
    """The SPARQL structure checks, one mutation per check, each naming the nanopublication."""
    from exomirkg.validate import structure_violations
    broken = _copy(base)
    broken.remove((None, None, None, URIRef(f"{NANOPUB['C001']}/head")))
    _graph_of(broken, "C002", "assertion").add((CLAIM["C999"], RDF.type, EXO.TargetClaim))
    broken.remove((None, None, None, URIRef(f"{NANOPUB['C003']}/pubinfo")))
    found = {(v.focus, v.message.split("(")[-1].rstrip(")")) for v in structure_violations(broken)}
    assert (str(NANOPUB["C001"]), "head check") in found
    assert (str(NANOPUB["C002"]), "assertion check") in found
    assert (str(NANOPUB["C003"]), "pubinfo check") in found
    assert not structure_violations(base)
