"""miRNA resolution rules and reference lookups, checked against the review's names."""
from __future__ import annotations

import pytest

from exomirkg.errors import UnknownIdentifier, UnknownMiRNA
from exomirkg.ids.prefixes import Curie
from exomirkg.ids.reference import ReferenceTables


@pytest.fixture(scope="module")
def tables(project) -> ReferenceTables:
    return ReferenceTables(project.reference_dir)


def test_arm_stated_maps_to_mature(tables):
    resolved = tables.resolve_mirna("miR-23a-3p")
    assert resolved.arm_specified
    assert [e.curie for e in resolved.entities] == [Curie("mirbase.mature", "MIMAT0000078")]


def test_no_arm_maps_to_precursor_with_all_products(tables):
    resolved = tables.resolve_mirna("miR-21")
    assert not resolved.arm_specified
    assert [e.curie for e in resolved.entities] == [Curie("mirbase", "MI0000077")]
    products = {m.name for p in resolved.precursors for m in p.mature}
    assert products == {"hsa-miR-21-5p", "hsa-miR-21-3p"}
    assert resolved.precursors[0].gene == Curie("hgnc", "31586")


def test_single_product_precursor_maps_to_mature(tables):
    resolved = tables.resolve_mirna("miR-638")
    assert resolved.arm_specified
    assert resolved.entities[0].name == "hsa-miR-638"


def test_two_precursors_without_arm_keep_both(tables):
    resolved = tables.resolve_mirna("miR-101")
    assert {e.name for e in resolved.entities} == {"hsa-mir-101-1", "hsa-mir-101-2"}


def test_one_mature_from_three_loci(tables):
    resolved = tables.resolve_mirna("miR-9-3p")
    assert [e.name for e in resolved.entities] == ["hsa-miR-9-3p"]
    assert len(resolved.precursors) == 3


def test_unknown_mirna_lists_the_known_names(tables):
    with pytest.raises(UnknownMiRNA, match="miR-21"):
        tables.resolve_mirna("miR-99999")


def test_labels_and_unknown_ids(tables):
    assert tables.label(Curie("GO", "0006915")) == "apoptotic process"
    assert tables.label(Curie("hgnc", "18437")) == "HAVCR2"
    assert tables.label(Curie("cellosaurus", "CVCL_0326")) == "Hep 3B2.1-7"
    with pytest.raises(UnknownIdentifier):
        tables.label(Curie("GO", "0007050"))   # cell cycle arrest: absent from the project's GO


def test_references_carry_verification_and_retraction(tables):
    refs = tables.references
    assert refs[117].verified and refs[117].doi == "10.3390/jcm9010281"
    assert not refs[43].verified and refs[43].doi == ""
    assert {n for n, r in refs.items() if r.retracted} == {58, 71, 77}
