"""The checkout's own LICENSE and CITATION.cff (issue 18): the code's licence as pyproject.toml says,
authors as kg/curation/dataset.yaml names the creators, the version of pyproject.toml."""
from __future__ import annotations

import tomllib

import yaml


def creators(project) -> list[str]:
    data = yaml.safe_load((project.root / "kg" / "curation" / "dataset.yaml").read_text())
    return [c["name"] if isinstance(c, dict) else str(c) for c in data["creators"]]


def test_citation_cff_names_the_datasets_creators_and_the_packages_version(project):
    citation = yaml.safe_load((project.root / "CITATION.cff").read_text())
    pyproject = tomllib.loads((project.root / "pyproject.toml").read_text())["project"]
    assert citation["cff-version"] == "1.2.0"
    assert [a["name"] for a in citation["authors"]] == creators(project) == [a["name"] for a in pyproject["authors"]]
    assert citation["version"] == pyproject["version"] and citation["license"] == pyproject["license"]
    assert {r["doi"] for r in citation["references"]} == {"10.1186/s12935-021-01941-9"}


def test_the_license_file_is_the_licence_pyproject_declares(project):
    text = (project.root / "LICENSE").read_text()
    assert tomllib.loads((project.root / "pyproject.toml").read_text())["project"]["license"] == "MIT"
    assert text.startswith("MIT License") and "exomir-kg curators" in text and "CC BY 4.0" in text
