"""The review's claims, exactly: what the read of the review against the KG found missing or partly
captured, the cell lines as Cellosaurus states them, and the review's own problems; each expected
value is read from the review or from cell_line_facts.tsv."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from exomirkg.ids.namespaces import CLAIM, EXO, ISSUE, NANOPUB, OBO

CELLOSAURUS = "https://identifiers.org/cellosaurus:"
HGNC = "https://identifiers.org/hgnc:"


def _assertion(kg, claim_id):
    return kg.graph(URIRef(f"{NANOPUB[claim_id]}/assertion"))


def _provenance(kg, claim_id):
    return kg.graph(URIRef(f"{NANOPUB[claim_id]}/provenance"))


def _value(kg, claim_id, prop):
    return _assertion(kg, claim_id).value(CLAIM[claim_id], prop)


def test_the_missed_claim_is_captured(kg):
    """[115]: "thereby promoting immune escape and anti-PD1 immunotherapy resistance in HCC"."""
    assert _value(kg, "C174", EXO.process) == EXO.AntiPD1Resistance
    assert _value(kg, "C174", EXO.framing) == EXO.LossOfFunctionFraming
    assert "circUHRF1" in str(_value(kg, "C174", EXO.agentAsWritten))


def test_partly_captured_claims_are_completed(kg):
    # miR-210 rises "in serum of HCC patients" [42], not in HCC cells
    assert _value(kg, "C144", EXO.biofluid) == OBO["UBERON_0001977"] and _value(kg, "C144", EXO.inCell) is None
    for claim_id in ("C157", "C164"):                    # Table 1 gives no cells for these rows
        assert _value(kg, claim_id, EXO.inCell) is None, claim_id
    # HCC cell-derived exo-miR-665 [70]
    assert (_value(kg, "C175", RDF.type), _value(kg, "C175", EXO.donorCell)) == (EXO.TransferClaim, OBO["CL_0001064"])
    # "verified in primary NK cells and mouse lymphoma YAC-1 cells" [116]
    assert _value(kg, "C176", EXO.inCell) == OBO["CL_0000623"] and _value(kg, "C176", EXO.studySystem) == EXO.PrimaryCellsSystem
    # YAC-1: the review does not say which result it verified; recorded as derived, the line without a role
    assert _value(kg, "C177", EXO.process) == OBO["GO_0002420"] and _value(kg, "C177", EXO.derivedByCurator) == Literal(True)
    assert _value(kg, "C177", EXO.inCell) is None and "YAC-1" in str(_value(kg, "C177", EXO.curatorNote))
    # Table 1's parental cells: miR-744 from HepG2; miR-21 and miR-10b from HCC cells in an acidic microenvironment
    assert _value(kg, "C178", EXO.donorCell) == URIRef(CELLOSAURUS + "CVCL_0027")
    for claim_id in ("C179", "C180"):
        assert _value(kg, claim_id, EXO.underCondition) == OBO["GO_0010447"], claim_id
    # "High-metastatic HCC cells"
    assert _value(kg, "C146", EXO.donorQualifier) == Literal("high-metastatic")


def test_claims_are_not_stated_more_strongly_or_narrowly_than_the_review(kg):
    for n in range(87, 93):           # "associated with HCC angiogenesis and prognosis": not prognostic biomarkers
        claim_id = f"C{n:03d}"
        assert _value(kg, claim_id, RDF.type) == EXO.ProcessClaim
        assert _value(kg, claim_id, EXO.process) == EXO.Prognosis
        assert _value(kg, claim_id, EXO.hedgingLevel) == EXO.AssociationLevel
    assert _value(kg, "C018", EXO.process) == EXO.MultidrugResistance and _value(kg, "C018", EXO.drug) is None
    assert _value(kg, "C113", EXO.process) == OBO["GO_0002420"]   # the GO table's term for the cytotoxic effect


def test_cell_lines_as_cellosaurus_states_them(kg, project):
    hepg2, bel, bel5fu, nk92 = (URIRef(CELLOSAURUS + c) for c in ("CVCL_0027", "CVCL_5492", "CVCL_5493", "CVCL_2142"))
    assert kg.value(hepg2, EXO.cellLineDisease) == OBO["MONDO_0018666"]          # hepatoblastoma
    assert kg.value(hepg2, EXO.fromSpecies) == OBO["NCBITaxon_9606"]
    assert (hepg2, RDF.type, EXO.ProblematicCellLine) in kg and "Misidentified" in str(kg.value(hepg2, EXO.cellLineCaution))
    assert kg.value(nk92, EXO.cellType) == OBO["CL_0000623"]                     # by its CL label, natural killer cell
    assert kg.value(bel5fu, EXO.parentCellLine) == bel
    assert kg.value(bel, EXO.parentCellLine) is None            # HeLa (CVCL_0030) is not in the tables: left out
    from exomirkg.ids.reference import ReferenceTables
    yac1 = ReferenceTables(project.reference_dir).cell_line_facts["CVCL_2244"]
    assert (yac1.species, yac1.disease, yac1.cell_type, yac1.caution) == (None, None, None, "")   # empty cells stay unknown
    assert (nk92, RDF.type, EXO.ProblematicCellLine) not in kg


def test_a_claim_on_a_problematic_line_carries_the_caution_in_its_own_provenance(kg):
    provenance = _provenance(kg, "C106")
    hepg2 = URIRef(CELLOSAURUS + "CVCL_0027")
    assert (CLAIM["C106"], EXO.restsOnProblematicCellLine, hepg2) in provenance
    assert "hepatoblastoma" in str(provenance.value(hepg2, EXO.cellLineCaution))
    assert not list(_provenance(kg, "C112").objects(CLAIM["C112"], EXO.restsOnProblematicCellLine))    # NK-92 is fine


def test_claims_of_a_pathway_section_say_so(kg):
    assert _provenance(kg, "C017").value(CLAIM["C017"], EXO.discussedUnderPathway) == OBO["GO_0043491"]
    assert _provenance(kg, "C038").value(CLAIM["C038"], EXO.discussedUnderPathway) == OBO["GO_0000165"]
    assert _provenance(kg, "C001").value(CLAIM["C001"], EXO.discussedUnderPathway) is None


def test_the_reviews_own_problems_are_recorded(kg):
    kinds = {issue: str(kg.value(ISSUE[issue], EXO.issueKind)) for issue in
             ("I09", "I10", "I11", "I12", "I13", "I14", "I15")}
    assert kinds == {"I09": "cross_study_conflict", "I10": "cargo_conflict", "I11": "text_slip", "I12": "arm_from_table",
                     "I13": "text_vs_source", "I14": "table_text_conflict", "I15": "text_slip"}
    assert set(kg.objects(ISSUE["I09"], EXO.concernsClaim)) == {CLAIM["C004"], CLAIM["C121"], CLAIM["C138"]}
    assert set(kg.objects(ISSUE["I11"], EXO.concernsClaim)) == {CLAIM["C130"]}          # "miR195 (Table 2)"
    assert "mesenchymal" in str(kg.value(ISSUE["I02"], URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert (CLAIM["C010"], EXO.hasIssue, ISSUE["I14"]) in _provenance(kg, "C010")
