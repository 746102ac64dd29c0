"""The checker and the signer against the Nanopublication Test Suite (third-party, unmodified): every
file of ``valid/`` is accepted at its level (plain, trusty, signed), every file of ``invalid/`` is
rejected for its own reason, and signing each plain input of ``transform/`` with each of the
suite's keys gives the suite's artifact code and the suite's signed nanopublication."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from suite_cases import SIGNER, Case, Transform, cases, find_suite, read, require_suite, transforms

from exomirkg.nanopub import check, check_path, load_private_key, sign
from exomirkg.nanopub.hashing import ra_code_in

SUITE = find_suite()
MISSING = [pytest.param(None, id="testsuite-missing")]

# Why each invalid case is invalid: the finding (code) the checker must report for it.
INVALID_BECAUSE = {
    "assertion_graph_uri_not_matching.trig": "graph-not-under-nanopub",
    "emptya.trig": "empty-assertion",
    "emptyinfo.trig": "empty-pubinfo",
    "emptyprov.trig": "empty-provenance",
    "extragraph.trig": "extra-graph",
    "graphs_uris_equal.trig": "graphs-not-distinct",
    "illtyped_datatypes_in_assertion.trig": "ill-typed-literal",
    "noinfolink.trig": "pubinfo-not-about-nanopub",
    "noprovlink.trig": "provenance-not-about-assertion",
    "provenance_graph_uri_not_matching.trig": "graph-not-under-nanopub",
    "pubinfo_graph_uri_not_matching.trig": "graph-not-under-nanopub",
    "valid_invalid1.trig": "no-hasAssertion",        # the third of its three nanopublications
    "trusty1.trig": "trusty-mismatch",
    "trusty2.trig": "graph-not-under-nanopub",       # its graphs are under another code than its IRI
    "RA6T-YLqLnYd5XfnqR9PaGUjCzudvHdYjcG4GvOc7fdpA-all-LF.trig": "trusty-mismatch",   # CR LF turned into LF
    "simple1-invalid-dsa.trig": "signature-invalid",
    "simple1-invalid-rsa.trig": "signature-invalid",
}


def _params(items: list[Case] | list[Transform]) -> list[object]:
    return [pytest.param(item, id=item.id) for item in items] or MISSING


def _reports(case: Case | None):
    require_suite()
    assert case is not None
    return check_path(case.path)[case.path]


@pytest.mark.parametrize("case", _params([c for c in cases(SUITE) if c.kind == "valid"]))
def test_a_valid_case_is_accepted_at_its_level(case: Case | None):
    reports = _reports(case)
    assert case is not None and reports
    summary = "\n".join(map(str, reports))
    assert all(r.valid for r in reports), summary
    if case.level in ("trusty", "signed"):
        assert all(r.trusty for r in reports), summary
    if case.level == "signed":
        assert all(r.signed for r in reports), summary


@pytest.mark.parametrize("case", _params([c for c in cases(SUITE) if c.kind == "invalid"]))
def test_an_invalid_case_is_rejected_for_its_reason(case: Case | None):
    reports = _reports(case)
    assert case is not None
    summary = "\n".join(map(str, reports))
    assert not all(r.valid for r in reports), summary
    codes = {f.code for r in reports for f in r.errors}
    assert INVALID_BECAUSE[case.path.name] in codes, summary
    assert all(f.message and not f.message.startswith(" ") for r in reports for f in r.findings)


def test_every_invalid_case_has_a_stated_reason():
    suite = require_suite()
    assert {c.path.name for c in cases(suite) if c.kind == "invalid"} == set(INVALID_BECAUSE)


def test_a_file_with_three_nanopublications_gets_three_reports():
    suite = require_suite()
    path = suite / "invalid" / "plain" / "valid_invalid1.trig"
    reports = check_path(path)[path]
    assert [r.valid for r in reports] == [True, True, False]
    assert [r.uri for r in reports] == [f"http://example.org/mynanopub{n}#" for n in (1, 2, 3)]


@pytest.mark.parametrize("transform", _params(transforms(SUITE)))
def test_signing_a_plain_input_gives_the_suites_code_and_nanopublication(transform: Transform | None):
    require_suite()
    assert transform is not None
    key = load_private_key(transform.key_dir / "key" / "id_rsa")
    signed = sign(read(transform.plain), key, signed_by=SIGNER)
    [report] = check(signed)
    assert report.uri is not None and ra_code_in(report.uri) == transform.code, str(report)
    assert report.valid and report.trusty and report.signed, str(report)
    ours = set(ox.parse(signed.encode("utf-8"), format=ox.RdfFormat.TRIG))
    theirs = set(ox.parse(transform.signed.read_bytes(), format=ox.RdfFormat.TRIG))
    assert ours == theirs


@pytest.mark.parametrize("transform", _params(transforms(SUITE)))
def test_the_suites_signed_output_is_accepted(transform: Transform | None):
    require_suite()
    assert transform is not None
    [report] = check(read(transform.signed))
    assert report.valid and report.trusty and report.signed, str(report)
    assert report.uri is not None and ra_code_in(report.uri) == transform.code
