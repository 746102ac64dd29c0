"""Where the Nanopublication Test Suite is, and its cases, for the tests of ``exomirkg.nanopub``.

The suite is third-party material kept unmodified in the steering repo's ``shared/external/``:
``$EXOMIRKG_SHARED/external/nanopub-testsuite`` when that variable is set, else
``shared/external/nanopub-testsuite`` beside the checkout or one of its parents (CI clones the repo
with a copy of ``shared/`` beside it). Not found: a failure when ``CI`` is set, else a skip.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from servers import find_shared, require_shared

ROOT = Path(__file__).resolve().parents[2]
SIGNER = "https://orcid.org/0000-0000-0000-0000"     # the signer the suite's transform cases were made with


SUITE = "external/nanopub-testsuite"


def find_suite() -> Path | None:
    """The suite's folder, or None when it is not found."""
    return find_shared(SUITE, ROOT)


def require_suite() -> Path:
    """The suite's folder; when missing, fail under CI and skip elsewhere, saying where it looked."""
    return require_shared(SUITE, ROOT)


def require_module(name: str, install: str) -> ModuleType:
    """An optional oracle package; missing: a failure under CI, else a skip with the install command."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"the Python package {name} is not installed ({install})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class Case:
    """One file of the suite: ``valid`` or ``invalid``, ``plain``, ``trusty`` or ``signed``."""

    kind: str
    level: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.level}/{self.path.name}"


@dataclass(frozen=True)
class Transform:
    """A transform case: a plain input, a key, and the artifact code the suite expects."""

    key_dir: Path
    plain: Path
    code: str
    signed: Path

    @property
    def id(self) -> str:
        return f"{self.key_dir.name}/{self.plain.name.removesuffix('.in.trig')}"


def cases(suite: Path | None = None) -> list[Case]:
    """Every file of ``valid/`` and ``invalid/`` (TriG, N-Quads and TriX)."""
    suite = suite or find_suite()
    if suite is None:
        return []
    return [Case(kind, level, path) for kind in ("valid", "invalid") for level in ("plain", "trusty", "signed")
            for path in sorted((suite / kind / level).glob("*")) if path.is_file()]


def transforms(suite: Path | None = None) -> list[Transform]:
    """Every plain input with every key of ``transform/signed/``."""
    suite = suite or find_suite()
    if suite is None:
        return []
    found = []
    for key_dir in sorted(p for p in (suite / "transform" / "signed").iterdir() if p.is_dir()):
        for plain in sorted((suite / "transform" / "plain").glob("*.in.trig")):
            name = plain.name.removesuffix(".in.trig")
            code = (key_dir / f"{name}.out.code").read_text(encoding="utf-8").strip()
            found.append(Transform(key_dir, plain, code, key_dir / f"{name}.out.trig"))
    return found


def read(path: Path) -> str:
    """A file's text with its line ends as they are (CR LF inside a literal is part of the hash)."""
    return path.read_bytes().decode("utf-8")
