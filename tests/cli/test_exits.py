"""The exit codes of ``exomirkg``: one map from errors to codes, the same for every verb, and a
help that says them."""
from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import exomirkg
from exomirkg.cli import main
from exomirkg.cli.exits import BY_CLICK, MEANINGS, RULES, Exit, report, resolve, rule_for
from exomirkg.dataset import REVIEW_CITATION
from exomirkg.errors import CurationError, CurationProblem, ExomirError, UnusableCuration

README = Path(__file__).resolve().parents[2] / "README.md"
QUOTE = "Exo-miR-451a, as a tumor suppressor, was also found to induce apoptosis"
CLAIMS = f"section: Test\nstatements:\n  - quote: {QUOTE}\n    refs: [78]\n    claims:\n      - {{claim}}\n"
GOOD = "{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}"
UNKNOWN_MIRNA = "{id: C001, type: role, mirna: miR-0, role: tumour_suppressor}"
VERBS = ("build", "validate", "query", "serve", "push", "release", "fair", "reason", "imports", "slice", "bench")
# errors of the web server that become HTTP answers inside `serve` and never reach the command line
ANSWERED_INSIDE_SERVE = {"PageQueryFailed", "NotAnIRI", "RequestRefused"}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def claims(mini, claim: str) -> None:
    mini.write("01.yaml", CLAIMS.format(claim=claim))


# --------------------------------------------------------------------------- the table itself
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_class_of_the_table_is_a_project_error_or_a_click_one(rule):
    cls = resolve(rule, load=True)
    assert cls is not None, f"{rule.error} names no exception class"
    if rule.shown == BY_CLICK:
        assert issubclass(cls, click.ClickException)
    else:
        assert issubclass(cls, ExomirError)
        assert cls.__module__ == rule.error.partition(":")[0], \
            f"{rule.error}: name the module that defines it ({cls.__module__}); rules resolve from loaded modules"
    assert rule.code in MEANINGS and rule.meaning


def test_each_class_has_one_rule_and_every_code_is_used():
    assert len({rule.error for rule in RULES}) == len(RULES)
    assert {rule.code for rule in RULES} == set(Exit) - {Exit.OK}
    assert [int(code) for code in Exit] == [0, 1, 2, 3]


@pytest.mark.parametrize("rule", [r for r in RULES if r.shown != BY_CLICK], ids=lambda rule: rule.name)
def test_an_error_of_each_class_gets_its_rule(rule):
    cls = resolve(rule, load=True)
    assert cls is not None
    assert rule_for(cls.__new__(cls)) is rule


def _project_errors() -> list[type[ExomirError]]:
    for module in pkgutil.walk_packages(exomirkg.__path__, "exomirkg."):
        if not module.name.endswith(".__main__"):       # that one runs the command
            importlib.import_module(module.name)
    found, todo = [], [ExomirError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("exomirkg.")]


def test_every_error_of_the_project_has_a_considered_exit_code():
    """A new error class gets a row, inherits one from a base class with a row, or is one of the
    server's answers: it never falls to the catch-all row unnoticed."""
    catch_all = next(rule for rule in RULES if rule.error == "exomirkg.errors:ExomirError")
    unconsidered = sorted(f"{cls.__module__}:{cls.__name__}" for cls in _project_errors()
                          if cls is not ExomirError and rule_for(cls.__new__(cls)) is catch_all
                          and cls.__name__ not in ANSWERED_INSIDE_SERVE)
    assert not unconsidered, f"add these to cli/exits.py RULES (and the README): {unconsidered}"


def test_inherited_codes():
    from exomirkg.errors import UnknownPrefix
    from exomirkg.publish.atomic import VersionLocked
    from exomirkg.validate.jena import JenaOutOfMemory
    assert rule_for(VersionLocked("x")).code == Exit.CONFLICT
    assert rule_for(JenaOutOfMemory("x")).code == Exit.UNUSABLE
    assert rule_for(UnknownPrefix("x")).code == Exit.UNUSABLE
    assert rule_for(UnusableCuration([])).code == Exit.UNUSABLE
    assert rule_for(CurationError([])).code == Exit.FAILED


def test_how_errors_are_printed(capsys):
    from exomirkg.publish.push import PushError
    problems = [CurationProblem("kg/curation/claims/02.yaml", 3, "b"), CurationProblem("kg/curation/claims/01.yaml", 9, "a")]
    assert report(CurationError(problems), "release") == Exit.FAILED
    assert capsys.readouterr().err.splitlines() == [
        "kg/curation/claims/01.yaml:9: a", "kg/curation/claims/02.yaml:3: b",
        "release failed: 2 problem(s); nothing was written"]
    assert report(PushError("the target was left as it was"), "push") == Exit.FAILED
    assert capsys.readouterr().err == "push failed: the target was left as it was\n"
    assert report(ExomirError("no checkout"), "slice") == Exit.UNUSABLE
    assert capsys.readouterr().err == "error: no checkout\n"
    assert report(ExomirError("no checkout"), "release", prefix="release failed") == Exit.UNUSABLE
    assert capsys.readouterr().err == "release failed: no checkout\n"


def test_the_readme_documents_every_code_and_every_row():
    text = README.read_text(encoding="utf-8")
    commands = text[text.index("## Commands"):]
    commands = commands[:commands.index("\n## ", 1)]
    for code in Exit:
        assert re.search(rf"^\| {int(code)} \|", commands, re.MULTILINE), f"exit code {int(code)} is not in the README table"
    for rule in RULES:
        assert f"`{rule.name}`" in commands, f"{rule.name} is not in the README's exit-code table"


# --------------------------------------------------------------------------- the verbs keep to it
def test_build_with_a_curation_problem_exits_1(mini):
    claims(mini, UNKNOWN_MIRNA)
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == Exit.FAILED, result.output
    assert result.stderr.startswith("kg/curation/claims/01.yaml:6: C001: ")
    assert result.stderr.endswith("build failed: 1 problem(s); nothing was written\n")


def test_build_with_an_unusable_curation_file_exits_2(mini):
    claims(mini, GOOD)
    (mini.root / "kg" / "curation" / "claims" / "02.yaml").write_text("section: A\nsection: B\n", encoding="utf-8")
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == Exit.UNUSABLE, result.output
    assert "kg/curation/claims/02.yaml:2: duplicate key 'section' (first at line 1)" in result.stderr
    assert "build failed: 1 problem(s); nothing was written" in result.stderr
    assert not (mini.root / "kg" / "exomir-kg.ttl").exists()


def test_a_folder_that_is_no_checkout_exits_2(tmp_path):
    for verb in ("build", "validate", "query", "slice out.ttl", "imports", "reason", "push --endpoint http://127.0.0.1:9/q",
                 "release 1.0.0"):
        result = run(*verb.split(), "--root", str(tmp_path))
        assert result.exit_code == Exit.UNUSABLE, (verb, result.output)
        assert "is not an exomir-kg checkout" in result.stderr, verb
        assert "Traceback" not in result.output


def test_validate_an_empty_file_exits_2(mini, tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    result = run("validate", "--root", str(mini.root), str(empty))
    assert result.exit_code == Exit.UNUSABLE, result.output
    assert result.stderr.startswith(f"error: {empty}: no triples")


def test_release_with_a_curation_problem_exits_1_and_a_bad_version_2(mini, tmp_path):
    claims(mini, UNKNOWN_MIRNA)
    result = run("release", "1.0.0", "--root", str(mini.root), "--out", str(tmp_path / "dist"))
    assert result.exit_code == Exit.FAILED, result.output
    assert result.stderr.startswith("kg/curation/claims/01.yaml:6: C001: ")
    assert result.stderr.endswith("release failed: 1 problem(s); nothing was written\n")
    assert not (tmp_path / "dist" / "1.0.0").exists()
    result = run("release", "one", "--root", str(mini.root), "--out", str(tmp_path / "dist"))
    assert result.exit_code == Exit.UNUSABLE, result.output
    assert result.stderr == "release failed: version 'one' must look like 1.2.3\n"


def test_release_while_another_release_of_the_version_holds_its_lock_exits_3(mini, tmp_path):
    from exomirkg.publish.atomic import version_lock
    out = tmp_path / "dist"
    out.mkdir()
    with version_lock(out, "1.0.0"):
        result = run("release", "1.0.0", "--root", str(mini.root), "--out", str(out))
    assert result.exit_code == Exit.CONFLICT, result.output
    assert result.stderr.startswith("release failed: another release of 1.0.0 is under way")


@pytest.mark.parametrize("args", [["nope"], ["build", "--no-such-option"], ["release"], ["query", "targets-of-mirna", "--param", "x"],
                                  ["validate", "--engine", "nope"], ["fair", "/no/such/folder"]],
                         ids=lambda args: " ".join(args))
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == Exit.UNUSABLE, result.output
    assert "Error:" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- help
def test_the_group_help_names_the_review_the_verbs_and_the_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    assert REVIEW_CITATION in " ".join(result.output.split())
    listing = result.output[result.output.index("Commands:"):result.output.index("Exit codes")]
    for verb in VERBS:
        assert re.search(rf"^  {verb} +\S.*\.$", listing, re.MULTILINE), f"{verb} has no one-line summary"
    codes = " ".join(result.output[result.output.index("Exit codes"):].split())
    for code, meaning in MEANINGS.items():
        assert f"{int(code)} {meaning}" in codes


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_help_says_what_it_does_and_its_exit_codes(verb):
    result = run(verb, "--help")
    assert result.exit_code == 0, result.output
    assert main.commands[verb].short_help and main.commands[verb].short_help.endswith(".")
    block = result.output[result.output.index("Exit codes:"):]
    codes = re.findall(r"^ +(\d)  \S", block, re.MULTILINE)
    assert codes[0] == "0" and "2" in codes, block
    assert ("3" in codes) == (verb == "release")        # only a release can meet another run


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom exomirkg.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl', 'owlready2', 'tqdm', 'yaml') if m in sys.modules))")
    run_help = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert run_help.stdout.strip().endswith("[]"), run_help.stdout[-300:]


def test_bad_input_to_fair_and_bench_is_a_usage_error_not_a_traceback(tmp_path, project):
    result = CliRunner().invoke(main, ["fair", str(tmp_path)])
    assert result.exit_code == 2 and "is not a release folder" in result.output and "Traceback" not in result.output
    for sizes in ("abc", "0", ""):
        result = CliRunner().invoke(main, ["bench", "--root", str(project.root), "--sizes", sizes])
        assert result.exit_code == 2 and "--sizes" in result.output and "Traceback" not in result.output
