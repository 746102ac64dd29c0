"""``exomirkg nanopub check|sign`` on the Nanopublication Test Suite: the verb's answers and exit codes."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from suite_cases import SIGNER, cases, require_suite, transforms

from exomirkg.cli import main

INVALID = [case for case in cases() if case.kind == "invalid"]


def run(*args: str):
    return CliRunner().invoke(main, ["nanopub", *args])


def test_every_valid_case_passes_the_check_and_exits_0():
    suite = require_suite()
    result = run("check", "--quiet", str(suite / "valid"))
    assert result.exit_code == 0, result.output
    assert "invalid" not in result.output and "signed" in result.output and "trusty" in result.output


@pytest.mark.parametrize("case", INVALID, ids=[f"{c.level}/{c.path.name}" for c in INVALID])
def test_each_invalid_case_is_reported_and_exits_1(case):
    result = run("check", str(case.path))
    assert result.exit_code == 1, result.output
    assert ": invalid" in result.output and "error:" in result.output


def test_sign_reproduces_the_suites_artifact_code(tmp_path):
    require_suite()
    transform = transforms()[0]
    out = tmp_path / "signed.trig"
    result = run("sign", str(transform.plain), "--key", str(transform.key_dir / "key" / "id_rsa"),
                 "--signer", SIGNER, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert transform.code in out.read_text(encoding="utf-8")
    checked = run("check", str(out))
    assert checked.exit_code == 0 and ": signed" in checked.output, checked.output


def test_a_tampered_signed_nanopub_fails(tmp_path):
    require_suite()
    transform = transforms()[0]
    signed = tmp_path / "signed.trig"
    assert run("sign", str(transform.plain), "--key", str(transform.key_dir / "key" / "id_rsa"),
               "--signer", SIGNER, "--out", str(signed)).exit_code == 0
    text = signed.read_text(encoding="utf-8")
    tampered = tmp_path / "tampered.trig"
    tampered.write_text(text.replace(transform.code, transform.code[:-1] + ("A" if transform.code[-1] != "A" else "B")),
                        encoding="utf-8")
    result = run("check", str(tampered))
    assert result.exit_code == 1 and ": invalid" in result.output, result.output


def test_an_unusable_key_exits_2(tmp_path):
    require_suite()
    transform = transforms()[0]
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    result = run("sign", str(transform.plain), "--key", str(key))
    assert result.exit_code == 2, result.output
