"""Each claim's one-sentence statement (issue 18), generated from its curated fields and stored as its
label and in its nanopublication's label. The expected sentences were written from the claims' curation
records (kg/curation/claims/*.yaml), one or more per claim type."""
from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.namespaces import CLAIM, NANOPUB
from exomirkg.rdf.sentences import WRITERS

EXPECTED = {
    # expression: miR-21 up vs chronic hepatitis B (MONDO:0005366), serum (UBERON:0001977), [40]
    "C001": "Exosomal miR-21 in blood serum is higher in hepatocellular carcinoma than in chronic hepatitis B virus infection [40].",
    # expression with trend: increases_with_stage
    "C134": "Exosomal miR-215-5p in blood serum increases with the stage of hepatocellular carcinoma [117].",
    # biomarker with figures given as 'up to'
    "C131": "Exosomal miR-10b-5p in blood serum detects early hepatocellular carcinoma "
            "(at best sensitivity 0.911, specificity 0.75, AUC 0.932) [117].",
    # biomarker, a panel with AFP, against cirrhosis
    "C010": "The panel of exosomal miR-122 and miR-148a with other markers in blood serum detects early hepatocellular "
            "carcinoma against cirrhosis of liver [41].",
    # biomarker, hedging: suggested
    "C003": "Exosomal miR-21 in blood serum may diagnose hepatocellular carcinoma [40].",
    # target in a cell
    "C095": "Exosomal miR-210 targets SMAD4 in endothelial cell [42].",
    # gene regulation through a pathway; exosomes as subject (plural)
    "C031": "Exosomal miR-320a lowers the expression of CDK2 through MAPK cascade [68].",
    "C042": "Exosomes from cancer stem cells in HCC raise the expression of BAX [76].",
    # pathway; and an unspecified effect
    "C017": "Exosomal miR-32-5p activates phosphatidylinositol 3-kinase/protein kinase B signal transduction [58].",
    "C024": "Exosomal miR-23a-3p acts through phosphatidylinositol 3-kinase/protein kinase B signal transduction [59].",
    # process; association only; loss-of-function framing derived by the curator
    "C051": "Exosomal miR-638 promotes apoptotic process in malignant cell [77].",
    "C081": "Exosomal miR-21 is associated with angiogenesis [57, 97, 98, 99, 100, 101, 102].",
    "C100": "Loss of exosomal miR-200b-3p inhibits angiogenesis (derived by the curator) [103].",
    # immune: on a gene, on a process
    "C022": "Exosomal miR-23a-3p raises the expression of CD274 in macrophage [59].",
    "C023": "Exosomal miR-23a-3p inhibits T cell activation in T cell [59].",
    # transfer: donor under a condition, recipient
    "C021": "MiR-23a-3p is carried by exosomes from malignant cell under response to endoplasmic reticulum stress to macrophage [59].",
    # drug response
    "C107": "Exosomal miR-199a-3p raises sensitivity to cisplatin [113].",
    # prognosis
    "C143": "A higher level of exosomal miR-92b predicts more recurrence after surgery [116].",
    # therapeutic, suggested, with its donor cells
    "C103": "Exosomal miR-320a (from stromal cell) may be a therapeutic target or agent in hepatocellular carcinoma [68].",
    # role
    "C055": "The review calls exosomal miR-451a a tumour suppressor [78].",
}


def test_every_claim_type_has_a_sentence_writer(project):
    assert set(WRITERS) == set(CurationSchema.load(project.schema_path).claim_types)


def test_the_tested_claims_cover_every_claim_type(built):
    types = {c.id: c.type.name for c in built.curation.claims}
    assert {types[claim_id] for claim_id in EXPECTED} == set(WRITERS)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_a_claims_sentence_says_what_its_fields_say(built, claim_id):
    labels = {str(o) for _, _, o, _ in built.dataset.quads((CLAIM[claim_id], RDFS.label, None, None))}
    assert labels == {EXPECTED[claim_id]}
    pubinfo = {str(o) for _, _, o, _ in built.dataset.quads((URIRef(NANOPUB[claim_id]), RDFS.label, None, None))}
    assert pubinfo == {f"{claim_id}: {EXPECTED[claim_id]}"}


def test_every_claim_has_one_sentence_that_ends_with_its_references(built):
    for claim in built.curation.claims:
        [label] = [str(o) for _, _, o, _ in built.dataset.quads((CLAIM[claim.id], RDFS.label, None, None))]
        numbers = sorted({r.number for r in claim.references})
        assert label[0].isupper() and label.endswith(("]." if numbers else ".")), label
        if numbers:
            assert label.endswith(" [" + ", ".join(map(str, numbers)) + "]."), label
