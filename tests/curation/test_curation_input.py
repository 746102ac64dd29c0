"""Curation input that cannot be trusted (issue 13): duplicate keys, YAML anchors and aliases
(the "billion laughs"), non-finite numbers, non-UTF-8 bytes, folders named ``*.yaml``, broken
or empty ``dataset.yaml`` / ``schema.yaml``. Each stops the build with ``file:line: reason``,
leaves the output folder as it was, and makes ``exomirkg build`` exit cleanly (no traceback)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from exomirkg.cli import main
from exomirkg.errors import CurationError, UnusableCuration

GOOD_QUOTE = "Exo-miR-451a, as a tumor suppressor, was also found to induce apoptosis"
ROLE = "{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}"
ALIAS_REASON = "YAML aliases/anchors are not allowed in curation files"
BILLION_LAUGHS = "\n".join([
    "a: &a [x,x,x,x,x,x,x,x,x]",
    *(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
]) + "\n"


def _claims(*claims: str) -> str:
    """A claim file with one statement holding ``claims`` (each one line, at line 6 onwards)."""
    lines = "".join(f"      - {c}\n" for c in claims)
    return f"section: Test\nstatements:\n  - quote: {GOOD_QUOTE}\n    refs: [78]\n    claims:\n{lines}"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(mini, error: type[CurationError] = UnusableCuration) -> list[str]:
    """Build ``mini``, expecting ``error``; check the output folder is left exactly as it was."""
    kg = mini.root / "kg"
    (kg / "exomir-kg.ttl").write_text("# the previous build\n", encoding="utf-8")
    before = _tree(kg)
    with pytest.raises(error) as caught:
        mini.build()
    assert _tree(kg) == before
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- the bad inputs
def _duplicate_auc(mini) -> None:
    mini.write("01.yaml", f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    refs: [78]
    claims:
      - id: C001
        type: biomarker
        mirna: miR-451a
        use: diagnostic
        auc: 0.932
        auc: 0.5
""")


def _duplicate_mirna(mini) -> None:
    mini.write("01.yaml", _claims("{id: C001, type: role, mirna: miR-451a, mirna: miR-21, role: tumour_suppressor}"))


def _anchor_and_alias(mini) -> None:
    mini.write("01.yaml", _claims(ROLE) + "  - quote: &q " + GOOD_QUOTE + "\n    refs: [78]\n    supports: [C001]\n")


def _alias_only(mini) -> None:
    mini.write("01.yaml", _claims(ROLE) + "  - quote: *q\n")


def _billion_laughs(mini) -> None:
    mini.write("01.yaml", BILLION_LAUGHS)


def _deep_nesting(mini) -> None:
    mini.write("01.yaml", _claims(ROLE) + "  - quote: " + "[" * 5000 + "]" * 5000 + "\n")


def _nan_auc(mini) -> None:
    mini.write("01.yaml", _claims("{id: C001, type: biomarker, mirna: miR-451a, use: diagnostic, auc: .nan}"))


def _latin1_byte(mini) -> None:
    mini.write("01.yaml", _claims(ROLE))
    (mini.root / "kg" / "curation" / "claims" / "02.yaml").write_bytes(
        b"section: Test\nstatements:\n  - quote: caf\xe9\n    refs: [78]\n")


def _folder_named_yaml(mini) -> None:
    mini.write("01.yaml", _claims(ROLE))
    (mini.root / "kg" / "curation" / "claims" / "old.yaml").mkdir()


def _dataset(text: str):
    def write(mini) -> None:
        mini.write("01.yaml", _claims(ROLE))
        (mini.root / "kg" / "curation" / "dataset.yaml").write_text(text, encoding="utf-8")
    return write


def _schema(text: str):
    def write(mini) -> None:
        mini.write("01.yaml", _claims(ROLE))
        (mini.root / "kg" / "curation" / "schema.yaml").write_text(text, encoding="utf-8")
    return write


# name -> (make the input, the exact problem); every one is unusable input (exit 2)
UNUSABLE = {
    "duplicate auc": (_duplicate_auc, "kg/curation/claims/01.yaml:11: duplicate key 'auc' (first at line 10)"),
    "duplicate mirna": (_duplicate_mirna, "kg/curation/claims/01.yaml:6: duplicate key 'mirna' (first at line 6)"),
    "anchor": (_anchor_and_alias, f"kg/curation/claims/01.yaml:7: {ALIAS_REASON}"),
    "alias": (_alias_only, f"kg/curation/claims/01.yaml:7: {ALIAS_REASON}"),
    "billion laughs": (_billion_laughs, f"kg/curation/claims/01.yaml:1: {ALIAS_REASON}"),
    "deep nesting": (_deep_nesting, "kg/curation/claims/01.yaml:7: YAML nested more than 50 levels deep"),
    "latin-1 byte": (_latin1_byte, "kg/curation/claims/02.yaml:3: not UTF-8 text: byte 0xe9 cannot be decoded"),
    "folder named .yaml": (_folder_named_yaml, "kg/curation/claims/old.yaml:0: is a folder, not a YAML file"),
    "broken dataset.yaml": (_dataset("title: [unclosed\n"), "kg/curation/dataset.yaml:2: not valid YAML: "),
    "empty dataset.yaml": (_dataset("# nothing yet\n"),
                           "kg/curation/dataset.yaml:1: dataset.yaml must be a mapping with 'created' (a date)"),
    "dataset.yaml without a date": (_dataset("title: x\ncreated: yesterday\n"),
                                    "kg/curation/dataset.yaml:2: created must be a date (YYYY-MM-DD), not 'yesterday'"),
    "dataset.yaml alias": (_dataset("title: &t x\ncreated: 2026-11-28\n"),
                           f"kg/curation/dataset.yaml:1: {ALIAS_REASON}"),
    "creator with a wrong ORCID check character": (
        _dataset("created: 2026-11-28\ncreators:\n  - {name: J. Carberry, orcid: 0000-0002-1825-0098}\n"),
        "kg/curation/dataset.yaml:3: '0000-0002-1825-0098' is not an ORCID iD: its check character should be 7"),
    "creator that is neither a name nor {name, orcid}": (
        _dataset("created: 2026-11-28\ncreators:\n  - {name: J. Carberry, email: j@example.org}\n"),
        "kg/curation/dataset.yaml:3: a creator is a name or {name: ..., orcid: ...}"),
    "broken schema.yaml": (_schema("claim_types: [unclosed\n"), "kg/curation/schema.yaml:2: not valid YAML: "),
    "empty schema.yaml": (_schema(""), ("kg/curation/schema.yaml:1: schema.yaml must be a mapping with "
                                        "claim_types, fields and statement_fields")),
    "schema.yaml duplicate key": (_schema("fields: {}\nfields: {}\n"),
                                  "kg/curation/schema.yaml:2: duplicate key 'fields' (first at line 1)"),
}


def test_a_creator_with_an_orcid_is_the_nanopublications_creator_by_iri(mini):
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, RDFS
    mini.write("01.yaml", _claims(ROLE))
    (mini.root / "kg" / "curation" / "dataset.yaml").write_text(
        "created: 2026-11-28\ncreators:\n  - {name: Josiah Carberry, orcid: 0000-0002-1825-0097}\n  - exomir-kg curators\n")
    dataset = mini.build().dataset
    pubinfo = next(g for g in dataset.graphs() if str(g.identifier).endswith("/pubinfo"))
    orcid = URIRef("https://orcid.org/0000-0002-1825-0097")
    assert set(pubinfo.objects(None, DCTERMS.creator)) == {orcid, Literal("exomir-kg curators")}
    assert pubinfo.value(orcid, RDFS.label) == Literal("Josiah Carberry")


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_input_is_refused_and_nothing_is_written(mini, case):
    make, expected = UNUSABLE[case]
    make(mini)
    start = time.perf_counter()
    problems = _refused(mini)
    assert time.perf_counter() - start < 10
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_schema_field_spec_without_kind_names_the_line(mini):
    schema = (mini.root / "kg" / "curation" / "schema.yaml")
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("  auc: {kind: number, min: 0, max: 1,", "  auc: {min: 0, max: 1,"),
                      encoding="utf-8")
    line = text[:text.index("  auc: {kind")].count("\n") + 1
    mini.write("01.yaml", _claims(ROLE))
    assert _refused(mini) == [f"kg/curation/schema.yaml:{line}: field 'auc' needs 'kind'"]


@pytest.mark.parametrize("field, raw", [("auc", ".nan"), ("auc", ".inf"), ("sensitivity", "-.inf"),
                                        ("specificity", ".NaN")])
def test_non_finite_numbers_are_invalid_values(mini, field, raw):
    mini.write("01.yaml", _claims(f"{{id: C001, type: biomarker, mirna: miR-451a, use: diagnostic, {field}: {raw}}}"))
    problems = _refused(mini, CurationError)
    assert len(problems) == 1 and problems[0].startswith(
        f"kg/curation/claims/01.yaml:6: C001: {field} must be a finite number, not "), problems


def test_a_duplicate_key_in_one_file_does_not_hide_problems_of_another(mini):
    _duplicate_auc(mini)
    mini.write("02.yaml", _claims("{id: C002, type: role, mirna: miR-0, role: tumour_suppressor}"))
    problems = _refused(mini)
    assert problems[0] == "kg/curation/claims/01.yaml:11: duplicate key 'auc' (first at line 10)"
    assert len(problems) == 2 and problems[1].startswith("kg/curation/claims/02.yaml:6: C002: "), problems


def test_the_committed_curation_files_use_no_anchors_or_duplicate_keys(project):
    from exomirkg.curation.yaml_lines import load_yaml
    for path in sorted(project.curation_dir.rglob("*.yaml")):
        load_yaml(path, project.root)      # raises UnusableCuration


# --------------------------------------------------------------------------- the command
@pytest.mark.parametrize("case", UNUSABLE)
def test_build_command_exits_2_with_the_problem_on_stderr(mini, case):
    make, expected = UNUSABLE[case]
    make(mini)
    result = CliRunner().invoke(main, ["build", "--root", str(mini.root)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output


def test_build_command_on_nan_is_a_failed_check(mini):
    _nan_auc(mini)
    result = CliRunner().invoke(main, ["build", "--root", str(mini.root)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "kg/curation/claims/01.yaml:6: C001: auc must be a finite number, not nan" in result.stderr


def test_billion_laughs_through_the_installed_command_is_refused_fast(mini):
    _billion_laughs(mini)
    command = Path(sys.executable).with_name("exomirkg")
    start = time.perf_counter()
    run = subprocess.run([str(command), "build"], check=False, capture_output=True, text=True, timeout=30,
                         env={**os.environ, "EXOMIRKG_ROOT": str(mini.root)})
    assert time.perf_counter() - start < 30
    assert run.returncode == 2, run.stderr[-500:]
    assert f"kg/curation/claims/01.yaml:1: {ALIAS_REASON}" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (mini.root / "kg" / "exomir-kg.ttl").exists()
