"""Signing: a nanopublication signed here passes this project's check and nanopub-sign's (the Rust
toolkit, an independent oracle); once its assertion is changed it fails both. Plus the refusals."""
from __future__ import annotations

import contextlib
import io

import pytest
from suite_cases import SIGNER, Case, cases, find_suite, read, require_module, require_suite

from exomirkg.errors import ExomirError
from exomirkg.nanopub import (
    MalformedNanopub,
    UnreadableNanopub,
    UnusableKey,
    check,
    load_private_key,
    make_trusty,
    read_file,
    sign,
)
from exomirkg.nanopub.hashing import ra_code_in

TEMP = """@prefix this: <http://purl.org/nanopub/temp/np1/> .
@prefix np: <http://www.nanopub.org/nschema#> .
@prefix ex: <http://example.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
this:Head { this: a np:Nanopublication ; np:hasAssertion this:assertion ;
    np:hasProvenance this:provenance ; np:hasPublicationInfo this:pubinfo . }
this:assertion { ex:mosquito ex:transmits ex:malaria ; ex:note _:n1 . _:n1 ex:text "line one\\r\\nline two" . }
this:provenance { this:assertion prov:wasDerivedFrom <https://doi.org/10.3233/ISU-2010-0613> . }
this:pubinfo { this: dct:created "2026-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> . }
"""


@pytest.fixture(scope="module")
def key():
    suite = require_suite()
    return load_private_key(suite / "transform" / "signed" / "rsa-key2" / "key" / "id_rsa")


@pytest.fixture(scope="module")
def plain() -> str:
    return read(require_suite() / "transform" / "plain" / "simple1.in.trig")


def rust_check(text: str, signed: bool = True) -> bool:
    """nanopub-sign's verdict: True when ``Nanopub(text).check()`` passes, trusty (and signed)."""
    nanopub_sign = require_module("nanopub_sign", "pip install nanopub-sign")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            info = nanopub_sign.Nanopub(text).check().info()
    except Exception:         # noqa: BLE001 - the binding raises a bare Exception
        return False
    return bool(info["trusty_hash"]) and (bool(info["signature"]) or not signed)


def tamper(signed: str) -> str:
    assert "ex:malaria" in signed
    return signed.replace("ex:malaria", "ex:dengue")


def test_a_signed_nanopub_passes_our_check_and_nanopub_signs(key, plain):
    signed = sign(plain, key, signed_by=SIGNER)
    [report] = check(signed)
    assert report.valid and report.trusty and report.signed, str(report)
    assert report.findings == []
    assert rust_check(signed)


def test_a_tampered_assertion_fails_our_check_and_nanopub_signs(key, plain):
    tampered = tamper(sign(plain, key, signed_by=SIGNER))
    [report] = check(tampered)
    assert not report.valid and not report.signed and not report.trusty
    assert {f.code for f in report.errors} == {"trusty-mismatch", "signature-invalid"}
    assert "changed after" in str(report)
    assert not rust_check(tampered)


def test_a_temporary_iri_is_published_under_w3id_with_blank_nodes_skolemised(key):
    signed = sign(TEMP, key, signed_by=SIGNER)
    [report] = check(signed)
    assert report.uri is not None and report.uri.startswith("https://w3id.org/np/RA"), str(report)
    assert report.valid and report.signed and report.trusty, str(report)
    assert f"<{report.uri}/_1>" in signed or "sub:_1" in signed
    assert "purl.org/nanopub/temp" not in signed
    assert rust_check(signed)


def test_signing_is_deterministic(key, plain):
    assert sign(plain, key, signed_by=SIGNER) == sign(plain, key, signed_by=SIGNER)


def test_make_trusty_gives_a_trusty_unsigned_nanopub(plain):
    trusty = make_trusty(plain)
    [report] = check(trusty)
    assert report.valid and report.trusty and not report.signed, str(report)
    assert report.uri is not None and ra_code_in(report.uri)
    [changed] = check(tamper(trusty))
    assert [f.code for f in changed.errors] == ["trusty-mismatch"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.path.name) for c in cases(find_suite())
                                  if c.kind == "valid" and c.level == "plain"] or [pytest.param(None, id="testsuite-missing")])
def test_each_valid_plain_case_made_trusty_passes_our_check_and_nanopub_signs(case: Case | None):
    require_suite()
    assert case is not None
    trusty = make_trusty(*read_file(case.path))
    assert all(r.valid and r.trusty for r in check(trusty)), trusty
    assert rust_check(trusty, signed=False)


def test_a_signed_nanopub_is_not_signed_again(key, plain):
    with pytest.raises(MalformedNanopub, match="already signed"):
        sign(sign(plain, key), key)


def test_an_unsound_nanopub_is_not_signed_and_the_error_says_why(key):
    suite = require_suite()
    with pytest.raises(MalformedNanopub) as raised:
        sign(read(suite / "invalid" / "plain" / "illtyped_datatypes_in_assertion.trig"), key)
    assert [f.code for f in raised.value.findings][:1] == ["ill-typed-literal"]
    assert "1757-02-31" in str(raised.value)
    assert isinstance(raised.value, ExomirError)


def test_a_key_that_is_not_an_rsa_private_key_is_refused(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(UnusableKey, match="RSA"):
        load_private_key(ec_key)
    with pytest.raises(UnusableKey, match="not a readable"):
        load_private_key("not a key")


def test_text_that_is_not_trig_is_unreadable():
    with pytest.raises(UnreadableNanopub, match="not valid trig"):
        check("this is { not trig")


def test_line_ends_inside_a_literal_are_part_of_the_hash(key):
    signed = sign(TEMP, key)
    assert check(signed)[0].trusty
    lf_only = signed.replace("\\r\\n", "\\n")
    assert lf_only != signed and not check(lf_only)[0].valid
