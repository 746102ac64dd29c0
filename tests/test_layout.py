"""The package's layout keeps what its docstrings promise: each stage imports only what its
``__init__`` says it may import, and no module grows past ~400 lines without saying why."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exomirkg"
ALWAYS = {"errors", "project", "dataset"}      # the top-level modules every stage may import
STAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() and p.name != "cli")
MAX_LINES = 400


def may_import(stage: str) -> set[str] | None:
    """The stages named in the ``May import:`` paragraph of a stage's docstring; None for "every"."""
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))) or ""
    match = re.search(r"May import:(.*?)(?:\n\n|$)", doc, re.S)
    assert match, f"{stage}/__init__.py: its docstring has no 'May import:' paragraph"
    if "every other stage" in match.group(1):
        return None
    return {name.removeprefix("exomirkg.") for name in re.findall(r"``([\w.]+)``", match.group(1))}


def imported_stages(module: Path) -> set[str]:
    """The top-level names under ``exomirkg`` that a module of a stage imports (relative imports)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level >= 2:
            first = (node.module or "").split(".")[0]
            names.update({first} if first else {alias.name for alias in node.names})
    return names


def test_every_stage_has_a_docstring_saying_what_it_owns():
    assert {"ids", "curation", "rdf", "validate", "query", "web", "federation", "publish", "bench"} <= set(STAGES)
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 10, f"{stage}/__init__.py says too little about what it owns"


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_what_its_docstring_allows(stage):
    allowed = may_import(stage)
    if allowed is None:
        return
    wrong = {f"{module.relative_to(PACKAGE)} imports {name}"
             for module in (PACKAGE / stage).rglob("*.py")
             for name in imported_stages(module) - allowed - ALWAYS - {stage}}
    assert not wrong, sorted(wrong)


def test_the_rule_catches_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from ..web.server import KnowledgeGraphServer\nfrom ..ids import namespaces\n")
    assert imported_stages(module) == {"web", "ids"}
    assert "web" not in (may_import("rdf") or set())


def test_no_module_over_400_lines_without_a_reason():
    long = []
    for module in PACKAGE.rglob("*.py"):
        lines = len(module.read_text(encoding="utf-8").splitlines())
        doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or ""
        if lines > MAX_LINES and "lines because" not in doc:
            long.append(f"{module.relative_to(PACKAGE)}: {lines} lines")
    assert not long, long


def test_py_typed_ships_with_the_package():
    assert (PACKAGE / "py.typed").is_file()
