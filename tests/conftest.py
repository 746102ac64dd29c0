"""Shared fixtures: the real checkout, its KG built once, and small throwaway projects."""
from __future__ import annotations

import shutil
from collections import Counter
import textwrap
from pathlib import Path

import pytest
from rdflib import Dataset

from exomirkg.build import BuildResult, build
from exomirkg.project import Project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.at(ROOT)


@pytest.fixture(scope="session")
def built(project: Project, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The whole review, built into a temporary folder (kg/ is left alone)."""
    return build(project, tmp_path_factory.mktemp("kg"))


@pytest.fixture(scope="session")
def kg(built: BuildResult) -> Dataset:
    return built.dataset


@pytest.fixture(scope="session")
def queries(project: Project):
    from exomirkg.query.catalogue import catalogue
    return catalogue(project.queries_dir)


@pytest.fixture(scope="session")
def registry(project: Project):
    from exomirkg.ids.prefixes import PrefixRegistry
    return PrefixRegistry.load(project.prefixes_path)


def multiset(result) -> Counter:
    """Query rows as a multiset; GROUP_CONCAT values as sets (their order is engine-dependent)."""
    return Counter(tuple(frozenset(v.split("; ")) if "; " in v else v for v in row) for row in result.values())


class MiniProject:
    """A throwaway checkout with the real ontology, tables and review, and given curation files."""

    def __init__(self, root: Path):
        self.root = root
        for folder in ("ontology", "shapes"):
            shutil.copytree(ROOT / folder, root / folder)
        (root / "kg" / "curation" / "claims").mkdir(parents=True)
        shutil.copy(ROOT / "kg" / "curation" / "schema.yaml", root / "kg" / "curation" / "schema.yaml")
        shutil.copy(ROOT / "kg" / "curation" / "dataset.yaml", root / "kg" / "curation" / "dataset.yaml")
        shutil.copytree(ROOT / "kg" / "review", root / "kg" / "review")
        self.project = Project.at(root)

    def write(self, name: str, text: str) -> Path:
        """Write a claim file (dedented) and return its path."""
        path = self.root / "kg" / "curation" / "claims" / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_issues(self, text: str) -> Path:
        path = self.root / "kg" / "curation" / "review-issues.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def build(self) -> BuildResult:
        return build(self.project, self.root / "kg")


@pytest.fixture
def mini(tmp_path: Path) -> MiniProject:
    return MiniProject(tmp_path / "checkout")
