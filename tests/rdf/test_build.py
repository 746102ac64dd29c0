"""``exomirkg build``: one fixture per claim type with its expected triples, and the whole review."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from exomirkg.ids.namespaces import CLAIM, EXO, NANOPUB, NP, OBO, PANEL, REFERENCE

MI = "https://identifiers.org/mirbase:"
MIMAT = "https://identifiers.org/mirbase.mature:"
HGNC = "https://identifiers.org/hgnc:"
CVCL = "https://identifiers.org/cellosaurus:"

FIXTURE = (Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml").read_text(encoding="utf-8")



def _assertion(ds, claim_id):
    return ds.graph(URIRef(f"{NANOPUB[claim_id]}/assertion"))


def _provenance(ds, claim_id):
    return ds.graph(URIRef(f"{NANOPUB[claim_id]}/provenance"))


def test_fixture_builds_every_claim_type(mini):
    mini.write("01.yaml", FIXTURE)
    result = mini.build()
    assert set(result.counts) == {"expression", "target", "transfer", "process", "gene_regulation", "pathway",
                                  "immune", "drug_response", "biomarker", "prognosis", "therapeutic", "role"}


def test_expression_claim_triples(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    a = _assertion(ds, "C001")
    c = CLAIM["C001"]
    mir21 = URIRef(MI + "MI0000077")
    for triple in [(c, RDF.type, EXO.ExpressionClaim), (c, EXO.mirna, mir21),
                   (c, EXO.direction, EXO.Upregulated), (c, EXO.comparedWith, OBO["MONDO_0005366"]),
                   (c, EXO.biofluid, OBO["UBERON_0001977"]), (c, EXO.condition, OBO["MONDO_0007256"]),
                   (c, EXO.mirnaAsWritten, Literal("exo-miR-21")), (c, EXO.armUnspecified, Literal(True)),
                   (mir21, EXO.upregulatedIn, OBO["MONDO_0007256"])]:
        assert triple in a, triple
    p = _provenance(ds, "C001")
    assert (c, EXO.evidence, OBO["ECO_0001567"]) in p
    assert (c, EXO.citesReference, REFERENCE["40"]) in p
    assert (c, EXO.restsOnRetractedStudy, Literal(False)) in p
    # the arm-unspecified precursor is linked to both mature products
    products = set(ds.objects(mir21, EXO.hasMatureProduct))
    assert products == {URIRef(MIMAT + "MIMAT0000076"), URIRef(MIMAT + "MIMAT0004494")}
    # the nanopublication head names its three parts
    head = ds.graph(URIRef(f"{NANOPUB['C001']}/head"))
    assert (NANOPUB["C001"], NP.hasAssertion, a.identifier) in head


def test_target_transfer_and_process_triples(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    mir210 = URIRef(MI + "MI0000286")
    assert (mir210, EXO.targets, URIRef(HGNC + "6770")) in _assertion(ds, "C002")
    t = _assertion(ds, "C003")
    assert (CLAIM["C003"], EXO.donorCell, OBO["CL_0001064"]) in t
    assert (mir210, EXO.transferredTo, OBO["CL_0000115"]) in t
    p = _assertion(ds, "C004")
    assert (mir210, EXO.positivelyAffects, OBO["GO_0001525"]) in p
    assert (CLAIM["C004"], EXO.reviewVerb, Literal("promote")) in p


def test_gene_regulation_pathway_immune_drug_triples(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    mir93p = URIRef(MIMAT + "MIMAT0000442")
    assert (mir93p, EXO.decreasesExpressionOf, URIRef(HGNC + "6877")) in _assertion(ds, "C005")
    assert (URIRef(MI + "MI0003125"), EXO.negativelyAffects, OBO["GO_0070371"]) in _assertion(ds, "C006")
    immune = _assertion(ds, "C007")
    assert (CLAIM["C007"], EXO.inCell, URIRef(CVCL + "CVCL_2142")) in immune
    assert (URIRef(MI + "MI0003560"), EXO.decreasesExpressionOf, URIRef(HGNC + "1694")) in immune
    drug = _assertion(ds, "C008")
    assert (CLAIM["C008"], EXO.drugResponse, EXO.DrugSensitivity) in drug
    assert (URIRef(MIMAT + "MIMAT0000232"), EXO.affectsResponseTo, OBO["CHEBI_27899"]) in drug


def test_biomarker_measurements_are_typed_decimals(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    a = _assertion(ds, "C009")
    values = {}
    for m in a.objects(CLAIM["C009"], EXO.hasMeasurement):
        values[a.value(m, EXO.measures)] = a.value(m, EXO.value)
    assert values == {OBO["STATO_0000233"]: Literal("0.911", datatype=XSD.decimal),
                      OBO["STATO_0000134"]: Literal("0.75", datatype=XSD.decimal),
                      OBO["STATO_0000209"]: Literal("0.932", datatype=XSD.decimal)}


def test_prognosis_therapeutic_role_panel_exosome_and_block_citation(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    assert (CLAIM["C010"], EXO.outcome, EXO.DiseaseFreeSurvival) in _assertion(ds, "C010")
    assert (CLAIM["C011"], EXO.hedgingLevel, EXO.SuggestedLevel) in _assertion(ds, "C011")
    assert (URIRef(MIMAT + "MIMAT0001631"), EXO.hasTumourRole, EXO.TumourSuppressorRole) in _assertion(ds, "C012")
    panel = PANEL["C013"]
    members = set(_assertion(ds, "C013").objects(panel, EXO.panelMember))
    assert members == {URIRef(MI + "MI0000442"), URIRef(MI + "MI0000253"), URIRef(HGNC + "317")}
    exo_claim = _assertion(ds, "C014")
    assert (CLAIM["C014"], EXO.exosomeSource, Literal("exosomes from cancer stem cells in HCC")) in exo_claim
    assert not list(exo_claim.objects(CLAIM["C014"], EXO.mirna))
    block = _provenance(ds, "C015")
    assert (CLAIM["C015"], EXO.blockCitation, Literal(True)) in block
    assert set(block.objects(CLAIM["C015"], EXO.citesReference)) == {REFERENCE["57"], REFERENCE["97"]}


def test_table_quote_records_table_and_row(mini):
    mini.write("01.yaml", FIXTURE)
    ds = mini.build().dataset
    quote = next(_provenance(ds, "C013").objects(CLAIM["C013"], EXO.supportingQuote))
    assert ds.value(quote, EXO.tableNumber) == Literal(2)
    assert ds.value(quote, EXO.tableRow) == Literal(4)


def test_no_blank_nodes_in_the_kg(kg):
    from rdflib import BNode
    assert not [q for q in kg.quads((None, None, None, None)) if isinstance(q[0], BNode) or isinstance(q[2], BNode)]


# ----------------------------------------------------------------------------- the streamed writer
def _builder(project):
    from exomirkg.build import claim_graph_builder
    return claim_graph_builder(project)


def test_the_nquads_writer_gives_rdflibs_bytes(project, built):
    """The builder writes N-Quads itself (fast, streamed); sorted, they are byte for byte what
    rdflib serialises from the same claims: the committed kg/exomir-kg.nq."""
    lines = _builder(project).nquad_lines(built.curation)
    assert "".join(lines) == (project.kg_dir / "exomir-kg.nq").read_text(encoding="utf-8")


def test_streamed_quads_and_validation_parts_hold_the_whole_kg(project, built, tmp_path):
    import io
    import pyoxigraph as ox
    from exomirkg.validate.engines import nanopublication_of
    quads, parts = io.StringIO(), [io.StringIO(), io.StringIO(), io.StringIO()]
    from exomirkg.rdf.claimgraph import ValidationParts
    count = _builder(project).write_nquads(built.curation, quads, ValidationParts(parts))
    streamed = quads.getvalue().splitlines(keepends=True)
    assert count == len(streamed) and sorted(streamed) == _builder(project).nquad_lines(built.curation)
    whole = {q.triple for q in ox.parse(quads.getvalue().encode(), format=ox.RdfFormat.N_QUADS)}
    in_parts = [{q.triple for q in ox.parse(p.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES)} for p in parts]
    assert set().union(*in_parts) == whole
    shared = {q.triple for q in ox.parse(quads.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
              if nanopublication_of(q.graph_name.value) is None}
    assert all(shared <= part for part in in_parts)          # the entities go to every part
    owners = [{str(t.subject) for t in part - shared if "/claim/" in str(t.subject)} for part in in_parts]
    assert all(owners) and not (owners[0] & owners[1] or owners[1] & owners[2] or owners[0] & owners[2])


def test_validation_parts_write_a_line_once_per_part_within_a_source():
    """The reference facts and quotes that each claim's provenance repeats go to a part once per
    source; the next source writes them again (its part must hold them); shared lines go to every
    part as they are."""
    import io
    from exomirkg.rdf.claimgraph import ValidationParts
    handles = [io.StringIO(), io.StringIO()]
    parts = ValidationParts(handles)
    reference, quote, shared = "<r> <p> <x> .\n", "<q> <p> <x> .\n", "<g> <p> <x> .\n"
    parts.write("source a", [reference, "<c1> <p> <x> .\n", reference], "a")
    parts.write("source a", [reference, "<c2> <p> <x> .\n"], "a")
    parts.write(None, [reference, quote], "a")              # the source's own references and quotes
    parts.write("source b", [reference, "<c3> <p> <x> .\n"], "b")
    parts.write(None, [quote], "b")
    parts.write(None, [shared, shared])
    assert handles[0].getvalue() == reference + "<c1> <p> <x> .\n<c2> <p> <x> .\n" + quote + shared + shared
    assert handles[1].getvalue() == reference + "<c3> <p> <x> .\n" + quote + shared + shared


# ----------------------------------------------------------------------------- the build's shape check
def test_the_build_checks_the_shapes_in_parts_side_by_side_with_whole_graph_pyshacls_verdict(mini, monkeypatch):
    """From PARTS_FROM_CLAIMS claims the build checks one part per core, side by side: a shape every
    expression claim breaks fails the build with the violations pyshacl finds on the whole graph,
    in one part or in several, and nothing is written."""
    import exomirkg.build as build_module
    from exomirkg.validate.engines import validate
    from exomirkg.validate.report import ValidationFailed
    mini.write("01.yaml", FIXTURE)
    with open(mini.project.shapes_path, "a", encoding="utf-8") as shapes:
        shapes.write("\nexosh:NoMiRNAOnExpression a sh:NodeShape ; sh:targetClass exo:ExpressionClaim ;\n"
                     "    sh:property [ sh:path exo:mirna ; sh:maxCount 0 ] .\n")
    reference = validate(build_module.build(mini.project, mini.root / "unchecked", validate=False).dataset,
                         mini.project.shapes_path)
    expected = {v.key for v in reference.violations}
    assert expected and all(v.component.endswith("MaxCountConstraintComponent") for v in reference.violations)
    for threshold in (10**9, 1):               # one part, pyshacl; a part per core, Jena where installed
        monkeypatch.setattr(build_module, "PARTS_FROM_CLAIMS", threshold)
        with pytest.raises(ValidationFailed) as failed:
            build_module.build(mini.project, mini.root / "checked")
        assert {v.key for v in failed.value.report.violations} == expected
        engine = failed.value.report.engine
        assert engine == ("pyshacl" if threshold > 1 else build_module.shape_engine(1))
        assert engine == "jena" or threshold > 1 or not os.environ.get("CI")     # CI installs Jena: it is used
        assert not (mini.root / "checked").exists()


def test_without_java_or_jena_a_large_build_checks_its_shapes_with_pyshacl(monkeypatch):
    """Jena is optional: where Java or Debian's Jena is missing, a build from PARTS_FROM_CLAIMS
    claims falls back to pyshacl instead of failing."""
    import exomirkg.build as build_module
    from exomirkg.validate import jena
    def missing():
        raise jena.JenaUnavailable("no java")
    monkeypatch.setattr(jena, "_jena_core", missing)
    assert build_module.shape_engine(build_module.PARTS_FROM_CLAIMS) == "pyshacl"
    assert build_module.shape_engine(build_module.PARTS_FROM_CLAIMS - 1) == "pyshacl"
