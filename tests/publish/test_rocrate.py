"""The release's RO-Crate (``ro-crate-metadata.json``) passes the RO-Crate validator (roc-validator)
at its RO-Crate 1.1 profile with no REQUIRED and no RECOMMENDED issue, offline (issue 18).

Before this test the crate had 1 REQUIRED issue (244 uses of ``sha256``, a key the RO-Crate 1.1
context does not define) and 4 RECOMMENDED ones (no ``author``, no ``publisher`` Organization,
``creator`` a singleton array, an Organization without ``url``)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from crate_validation import CONTEXT_URL, validate_crate

from exomirkg.publish.products.metadata import ro_crate
from exomirkg.publish.release import release

ORCID = "https://orcid.org/0000-0002-1825-0097"        # ORCID's own example iD (Josiah Carberry)


@pytest.fixture(scope="module")
def folder(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    release(project, "0.1.0", out)
    return out / "0.1.0"


def edited(folder: Path, tmp_path: Path, edit) -> Path:
    """A copy of the release whose crate ``edit`` (a function of the crate's JSON) changed."""
    copy = tmp_path / "crate"
    shutil.copytree(folder, copy)
    crate = json.loads((copy / "ro-crate-metadata.json").read_text())
    edit(crate)
    (copy / "ro-crate-metadata.json").write_text(json.dumps(crate, indent=1))
    return copy


def root(crate: dict) -> dict:
    return next(node for node in crate["@graph"] if node["@id"] == "./")


def test_the_release_crate_has_no_required_or_recommended_issue(folder, tmp_path):
    report = validate_crate(folder, tmp_path)
    assert report.issues == [] and report.passed
    assert report.network == []                  # everything came from the cache: nothing was fetched


def without(key: str, entity: str = "./"):
    def edit(crate: dict) -> None:
        del next(node for node in crate["@graph"] if node["@id"] == entity)[key]
    return edit


def singleton_creator(crate: dict) -> None:
    root(crate)["creator"] = [root(crate)["creator"]]


def plain_context(crate: dict) -> None:
    crate["@context"] = CONTEXT_URL


@pytest.mark.parametrize(("edit", "severity", "words"), [
    (plain_context, "REQUIRED", 'key "sha256" are not allowed'),
    (singleton_creator, "RECOMMENDED", 'property "creator" SHOULD be represented as a single value'),
    (without("author"), "RECOMMENDED", "`author` of the RO-Crate"),
    (without("publisher"), "RECOMMENDED", "`publisher` property of a `Root Data Entity` SHOULD be an `Organization`"),
    (without("url", "#curators"), "RECOMMENDED", "organization SHOULD have a URL"),
], ids=["context-without-sha256", "singleton-creator", "no-author", "no-publisher", "organization-without-url"])
def test_the_validator_finds_each_fault_the_crate_had(folder, tmp_path, edit, severity, words):
    """The offline validation is not blind: each fault of the old crate, put back, is one issue."""
    report = validate_crate(edited(folder, tmp_path, edit), tmp_path)
    assert not report.passed and report.network == []
    assert [(s, message) for s, _, message in report.issues if words in message] != [], report.issues
    assert {s for s, _, message in report.issues if words in message} == {severity}
    assert len(report.issues) == 1, report.issues


def test_creators_with_an_orcid_are_people_and_the_crate_still_passes(folder, tmp_path):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["creators"] = ["Josiah Carberry", "exomir-kg curators"]
    copy = tmp_path / "crate"
    shutil.copytree(folder, copy)
    (copy / "ro-crate-metadata.json").write_text(ro_crate(manifest, {"Josiah Carberry": ORCID}))
    crate = {node["@id"]: node for node in json.loads((copy / "ro-crate-metadata.json").read_text())["@graph"]}
    assert crate[ORCID] == {"@id": ORCID, "@type": "Person", "name": "Josiah Carberry",
                            "affiliation": {"@id": "https://w3id.org/exomir-kg"}}
    assert crate["./"]["author"] == crate["./"]["creator"] == [{"@id": ORCID}, {"@id": "#curators"}]
    assert crate["#curators"]["name"] == "exomir-kg curators"
    report = validate_crate(copy, tmp_path)
    assert report.issues == [] and report.passed and report.network == []
