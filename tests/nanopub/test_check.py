"""The checker on cases the test suite does not have: a second np:Nanopublication declaration,
heads written last, triples in the default graph, unreadable files, and the XSD lexical checks."""
from __future__ import annotations

import pytest

from exomirkg.nanopub import check, check_path
from exomirkg.nanopub.literals import is_well_typed

PREFIXES = """@prefix np: <http://www.nanopub.org/nschema#> .
@prefix ex: <http://example.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def nanopub(n: int, head_last: bool = False, pubinfo_extra: str = "") -> str:
    """A small plain nanopublication ``ex:np{n}`` with graphs ``ex:np{n}/…``."""
    b = f"http://example.org/np{n}"
    head = (f"<{b}/head> {{ <{b}> a np:Nanopublication ; np:hasAssertion <{b}/assertion> ; "
            f"np:hasProvenance <{b}/provenance> ; np:hasPublicationInfo <{b}/pubinfo> . }}\n")
    rest = (f"<{b}/assertion> {{ ex:a{n} ex:p ex:b . }}\n"
            f"<{b}/provenance> {{ <{b}/assertion> prov:wasDerivedFrom ex:source . }}\n"
            f"<{b}/pubinfo> {{ <{b}> ex:note \"n\" . {pubinfo_extra} }}\n")
    return rest + head if head_last else head + rest


def codes(text: str) -> list[set[str]]:
    return [{f.code for f in report.findings} for report in check(text)]


def test_a_plain_nanopub_passes_without_findings():
    [report] = check(PREFIXES + nanopub(1))
    assert report.valid and report.status == "plain" and report.findings == []


def test_a_second_declaration_in_the_pubinfo_is_reported_once():
    text = PREFIXES + nanopub(1, pubinfo_extra="<http://example.org/np1> a np:Nanopublication .")
    assert codes(text) == [{"nanopublication-declared-again"}]


def test_nanopubs_written_head_last_are_told_apart():
    reports = check(PREFIXES + nanopub(1, head_last=True) + nanopub(2, head_last=True))
    assert [r.uri for r in reports] == ["http://example.org/np1", "http://example.org/np2"]
    assert all(r.valid for r in reports), [str(r) for r in reports]


def test_triples_in_the_default_graph_are_reported():
    assert codes(PREFIXES + "ex:x ex:y ex:z .\n" + nanopub(1)) == [{"triples-outside-graphs"}]


def test_a_text_without_a_nanopublication_says_so():
    assert codes(PREFIXES + "<http://example.org/g> { ex:x ex:y ex:z . }") == [{"no-nanopublication"}]
    assert codes("") == [{"no-nanopublication"}]


def test_an_unreadable_file_in_a_folder_is_a_finding(tmp_path):
    (tmp_path / "good.trig").write_text(PREFIXES + nanopub(1), encoding="utf-8")
    (tmp_path / "latin1.trig").write_bytes(b"\xe9t\xe9")
    (tmp_path / "notes.txt").write_text("not a nanopublication file")
    results = check_path(tmp_path)
    assert sorted(p.name for p in results) == ["good.trig", "latin1.trig"]
    [unreadable] = results[tmp_path / "latin1.trig"]
    assert unreadable.uri is None and [f.code for f in unreadable.errors] == ["unreadable"]


@pytest.mark.parametrize(("lexical", "datatype", "ok"), [
    ("42", "integer", True), ("two", "integer", False), ("256", "unsignedByte", False), ("-1", "nonNegativeInteger", False),
    (" 7 ", "int", True), ("3.5", "double", True), ("3,5", "double", False), ("-INF", "double", True),
    ("true", "boolean", True), ("yes", "boolean", False),
    ("2024-02-29", "date", True), ("2023-02-29", "date", False), ("1757-02-31", "date", False),
    ("2014-07-24T18:05:11+01:00", "dateTime", True), ("2019-02-26", "dateTime", False),
    ("2014-07-24T24:00:00Z", "dateTime", True), ("2014-07-24T24:00:01Z", "dateTime", False),
    ("25:61:00", "time", False), ("P1Y2M3DT4H5M6.5S", "duration", True), ("P", "duration", False),
    ("--02-29", "gMonthDay", True), ("2020-13", "gYearMonth", False), ("0aF3", "hexBinary", True),
    ("abc", "hexBinary", False), ("aGVsbG8=", "base64Binary", True), ("en-GB", "language", True),
    ("anything", "string", True),
])
def test_xsd_lexical_forms(lexical: str, datatype: str, ok: bool):
    assert is_well_typed(lexical, "http://www.w3.org/2001/XMLSchema#" + datatype) is ok


def test_a_datatype_outside_xsd_is_never_ill_typed():
    assert is_well_typed("whatever", "http://example.org/myType")


def test_blank_nodes_in_a_trusty_or_signed_nanopub_are_findings_not_crashes():
    code = "RA" + "A" * 43
    text = PREFIXES + nanopub(1).replace(
        "http://example.org/np1", f"http://example.org/np1/{code}").replace("ex:a1 ex:p ex:b", "ex:a1 ex:p [ ex:q 1 ]")
    text = text.replace('ex:note "n" .', 'ex:note "n" . ex:sig <http://purl.org/nanopub/x/hasSignatureTarget> '
                        f'<http://example.org/np1/{code}> ; <http://purl.org/nanopub/x/hasSignature> "AA==" ; '
                        '<http://purl.org/nanopub/x/hasAlgorithm> "RSA" ; <http://purl.org/nanopub/x/hasPublicKey> "AA==" .')
    [report] = check(text)
    assert {"trusty-blank-node", "signature-malformed"} <= {f.code for f in report.errors}, str(report)
