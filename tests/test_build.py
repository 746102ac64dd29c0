"""``exomirkg build``: one fixture per claim type with its expected triples, and the whole review."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from exomirkg.namespaces import CLAIM, EXO, NANOPUB, NP, OBO, REFERENCE

MI = "https://identifiers.org/mirbase:"
MIMAT = "https://identifiers.org/mirbase.mature:"
HGNC = "https://identifiers.org/hgnc:"
CVCL = "https://identifiers.org/cellosaurus:"

FIXTURE = """
section: Fixture section
statements:
  - quote: the expression level of exo-miR-21 in patients with HCC was significantly higher than that in patients with chronic hepatitis B
    refs: [40]
    evidence: ECO:0001567
    claims:
      - {id: C001, type: expression, mirna: miR-21, as_written: exo-miR-21, direction: up, comparison: MONDO:0005366, biofluid: UBERON:0001977}
  - quote: The exo-miR-210 secreted by HCC cells can be transferred to endothelial cells to promote tumor angiogenesis by targeting SMAD4 and STAT6
    refs: [42]
    claims:
      - {id: C002, type: target, mirna: miR-210, gene: HGNC:6770}
      - {id: C003, type: transfer, mirna: miR-210, donor: CL:0001064, recipient: CL:0000115}
      - {id: C004, type: process, mirna: miR-210, effect: positive, verb: promote, process: GO:0001525, cell: CL:0000115}
  - quote: overexpression of exo-miR-9-3p reduces the viability and proliferation of HCC cells, as well as the expression of ERK1/2
    refs: [69]
    claims:
      - {id: C005, type: gene_regulation, mirna: miR-9-3p, effect: negative, gene: HGNC:6877}
  - quote: mast cells can inhibit the ERK1/2 pathway by transferring the exo-miR-490 into HCC cells
    refs: [71]
    claims:
      - {id: C006, type: pathway, mirna: miR-490, effect: negative, process: GO:0070371}
  - quote: NK92 cells with miR-92b overexpressed by transfection with Hep3B-derived exosomes that overexpressed miR-92b significantly inhibited the expression of CD69 in NK92 cells
    refs: [116]
    claims:
      - {id: C007, type: immune, mirna: miR-92b, effect: negative, gene: HGNC:1694, cell: CVCL_2142, donor: CVCL_0326}
  - quote: exo-miR-199a-3p can restore the cisplatin-sensitivity in HCC
    refs: [113]
    claims:
      - {id: C008, type: drug_response, mirna: miR-199a-3p, effect: positive, response: sensitivity, drug: CHEBI:27899}
  - quote: serum exo-miR-10b-5p showed up to 91.1 % sensitivity and 75 % specificity, and the area under the curve reached 0.932
    refs: [117]
    claims:
      - {id: C009, type: biomarker, mirna: miR-10b-5p, use: early_detection, biofluid: UBERON:0001977, sensitivity: 0.911, specificity: 0.75, auc: 0.932}
  - quote: patients with serum exo-miR-215-5p overexpression had significantly reduced disease-free survival
    refs: [117]
    claims:
      - {id: C010, type: prognosis, mirna: miR-215-5p, effect: negative, outcome: exo:DiseaseFreeSurvival}
  - quote: Increasing the release of stromal cell-derived exo-miR-320a may be a potential therapeutic option for HCC
    refs: [68]
    claims:
      - {id: C011, type: therapeutic, mirna: miR-320a, hedged: true}
  - quote: Exo-miR-451a, as a tumor suppressor
    refs: [78]
    claims:
      - {id: C012, type: role, mirna: miR-451a, role: tumour_suppressor}
  - quote: miR-122, miR-148a and AFP Serum Distinguish early HCC from liver cirrhosis
    location: Table 2 row 4
    refs: [41]
    claims:
      - {id: C013, type: biomarker, mirna: [miR-122, miR-148a], panel_markers: [HGNC:317], use: early_detection, comparison: MONDO:0005155}
  - quote: exosomes from cancer stem cells in HCC can upregulate Bax
    refs: [76]
    claims:
      - {id: C014, type: gene_regulation, exosome_source: exosomes from cancer stem cells in HCC, effect: positive, gene: HGNC:959}
  - quote: Previous reports have shown that exo-miR-21, exo-miR-26a, exo-miR-122
    refs: [57, 97]
    block_citation: true
    claims:
      - {id: C015, type: process, mirna: miR-26a, effect: unspecified, process: GO:0001525}
"""


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
    assert (CLAIM["C011"], EXO.hedged, Literal(True)) in _assertion(ds, "C011")
    assert (URIRef(MIMAT + "MIMAT0001631"), EXO.hasTumourRole, EXO.TumourSuppressorRole) in _assertion(ds, "C012")
    panel = URIRef(f"{CLAIM['C013']}/panel")
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
