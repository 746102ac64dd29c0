"""Every prefix of ontology/prefixes.tsv checked against Bioregistry (the ``bioregistry`` package,
whose data ships inside it: no network): the same prefix, ID pattern and URI forms, or a reviewed
reason in ontology/prefixes-bioregistry.tsv. An undocumented difference fails, and so does a
documented one that no longer exists (the reason is then stale: remove the row)."""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from importlib.metadata import version

import pytest

from exomirkg.ids.prefixes import Prefix, PrefixRegistry

NONE = "(none)"
ASPECTS = ("resource", "prefix", "pattern", "uri_format")
COLUMNS = ["prefix", "aspect", "ours", "bioregistry", "reason"]


@dataclass(frozen=True, order=True)
class Difference:
    """One way a prefix of ours differs from Bioregistry's record of it. ``ours`` and ``bioregistry``
    are the two values (a URI form as ``...$1``; ``(none)`` where Bioregistry has nothing)."""

    prefix: str
    aspect: str
    ours: str
    bioregistry: str

    def __str__(self) -> str:
        return f"{self.prefix}\t{self.aspect}\t{self.ours}\t{self.bioregistry}"


def bioregistry_module():
    """The bioregistry package (a test dependency): missing, a failure under CI, else a skip."""
    try:
        import bioregistry
    except ImportError:
        message = "bioregistry is not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return bioregistry


def our_forms(prefix: Prefix) -> list[str]:
    """Our URI forms of the prefix, canonical first, as URI formats (``$1`` for the local ID)."""
    return [uri_prefix + "$1" for uri_prefix in (prefix.uri_prefix, *prefix.other_uri_prefixes)]


def differences(prefix: Prefix, bioregistry) -> list[Difference]:
    """How ``prefix`` differs from Bioregistry's record of the same name.

    * resource: Bioregistry has no such prefix, or its record is another resource (none of our URI
      forms gives, for our example, an IRI that Bioregistry gives for it); nothing else is compared.
    * prefix: our prefix is not Bioregistry's preferred spelling (``GO``, ``NCBITaxon``, ``hgnc``).
    * pattern: our pattern is not Bioregistry's pattern of the local ID, character for character.
    * uri_format: one of our URI forms, filled with our example, is not one of the IRIs that
      Bioregistry's URI formats give for that identifier (its banana, such as Cellosaurus's ``CVCL_``,
      taken off first, as Bioregistry does).
    """
    resource = bioregistry.get_resource(prefix.prefix)
    if resource is None:
        return [Difference(prefix.prefix, "resource", prefix.uri_prefix + "$1", NONE)]
    local = bioregistry.standardize_identifier(resource.prefix, prefix.example)
    theirs = {uri_format.replace("$1", local) for uri_format in resource.get_uri_formats()}
    unknown = [form for form in our_forms(prefix) if form.replace("$1", prefix.example) not in theirs]
    if len(unknown) == len(our_forms(prefix)):
        return [Difference(prefix.prefix, "resource", prefix.uri_prefix + "$1", resource.get_uri_format() or NONE)]
    found = [Difference(prefix.prefix, "uri_format", form, NONE) for form in unknown]
    preferred = resource.get_preferred_prefix() or resource.prefix
    if prefix.prefix != preferred:
        found.append(Difference(prefix.prefix, "prefix", prefix.prefix, preferred))
    if prefix.pattern != (resource.get_pattern() or NONE):
        found.append(Difference(prefix.prefix, "pattern", prefix.pattern, resource.get_pattern() or NONE))
    return sorted(found)


def read_reviewed(path) -> dict[Difference, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        assert reader.fieldnames == COLUMNS, f"{path.name}: the columns are {COLUMNS}"
        rows = list(reader)
    reviewed = {}
    for row in rows:
        key = Difference(row["prefix"], row["aspect"], row["ours"], row["bioregistry"])
        assert row["aspect"] in ASPECTS, f"{path.name}: {key}: the aspect is one of {ASPECTS}"
        assert len(row["reason"].split()) >= 8, f"{path.name}: {key}: the reason says why, in a sentence"
        assert key not in reviewed, f"{path.name}: {key} twice"
        reviewed[key] = row["reason"]
    return reviewed


@pytest.fixture(scope="module")
def registry(project) -> PrefixRegistry:
    return PrefixRegistry.load(project.prefixes_path)


@pytest.fixture(scope="module")
def reviewed(project) -> dict[Difference, str]:
    return read_reviewed(project.prefixes_path.with_name("prefixes-bioregistry.tsv"))


def test_every_difference_from_bioregistry_is_documented_and_every_documented_one_exists(registry, reviewed):
    bioregistry = bioregistry_module()
    found = {d for prefix in registry.prefixes.values() for d in differences(prefix, bioregistry)}
    undocumented = sorted(found - set(reviewed))
    stale = sorted(set(reviewed) - found)
    assert not undocumented, (f"differences from bioregistry {version('bioregistry')}"
                              + " without a reason in ontology/prefixes-bioregistry.tsv:\n"
                              + "\n".join(map(str, undocumented)))
    assert not stale, ("documented differences that no longer exist (remove them from "
                       "ontology/prefixes-bioregistry.tsv):\n" + "\n".join(map(str, stale)))
    assert {d.prefix for d in reviewed} <= set(registry.prefixes)


def test_the_reviewed_table_is_sorted_and_names_our_prefixes(project, registry):
    path = project.prefixes_path.with_name("prefixes-bioregistry.tsv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [(r["prefix"], r["aspect"], r["ours"]) for r in csv.DictReader(handle, delimiter="\t")]
    order = list(registry.prefixes)
    assert rows == sorted(rows, key=lambda r: (order.index(r[0]), ASPECTS.index(r[1]), r[2]))


def test_examples_cross_check_with_bioregistry(registry, reviewed):
    """Our example is a valid identifier for Bioregistry, and Bioregistry's example (written as we write
    identifiers: with the banana where ours carry it) matches our pattern; not for another resource."""
    bioregistry = bioregistry_module()
    other = {d.prefix for d in reviewed if d.aspect == "resource"}
    checked = 0
    for prefix in registry.prefixes.values():
        if prefix.prefix in other:
            continue
        resource = bioregistry.get_resource(prefix.prefix)
        local = bioregistry.standardize_identifier(resource.prefix, prefix.example)
        assert resource.is_valid_identifier(local), (prefix.prefix, prefix.example, resource.get_pattern())
        theirs = resource.get_example()
        banana = f"{resource.get_banana()}{resource.get_banana_peel()}" if resource.get_banana() else ""
        if banana and prefix.example.startswith(banana):
            theirs = banana + theirs
        assert prefix.matches(theirs), (prefix.prefix, theirs, prefix.pattern)
        checked += 1
    assert checked == len(registry.prefixes) - len(other) >= 20


# ----------------------------------------------------------------------------- the check itself
def _prefix(**changes) -> Prefix:
    base = dict(prefix="GO", curation_prefixes=("GO",), uri_prefix="http://purl.obolibrary.org/obo/GO_",
                pattern=r"^\d{7}$", example="0006915", other_uri_prefixes=("https://identifiers.org/GO:",),
                name="Gene Ontology")
    return Prefix(**{**base, **changes})


def test_the_comparison_finds_each_kind_of_difference():
    bioregistry = bioregistry_module()
    assert differences(_prefix(), bioregistry) == []
    assert differences(_prefix(pattern=r"^\d+$"), bioregistry) == [Difference("GO", "pattern", r"^\d+$", r"^\d{7}$")]
    assert differences(_prefix(prefix="go"), bioregistry) == [Difference("go", "prefix", "go", "GO")]
    assert differences(_prefix(other_uri_prefixes=("https://example.org/go/",)), bioregistry) == [
        Difference("GO", "uri_format", "https://example.org/go/$1", NONE)]
    assert differences(_prefix(uri_prefix="https://example.org/go/", other_uri_prefixes=()), bioregistry) == [
        Difference("GO", "resource", "https://example.org/go/$1", "http://purl.obolibrary.org/obo/GO_$1")]
    assert differences(_prefix(prefix="no-such-prefix-anywhere"), bioregistry) == [
        Difference("no-such-prefix-anywhere", "resource", "http://purl.obolibrary.org/obo/GO_$1", NONE)]
    # the banana: Cellosaurus's IRI carries CVCL_, Bioregistry's local ID does not
    cellosaurus = _prefix(prefix="cellosaurus", uri_prefix="https://www.cellosaurus.org/", other_uri_prefixes=(),
                          pattern=r"^CVCL_[A-Z0-9]{4}$", example="CVCL_0027")
    assert differences(cellosaurus, bioregistry) == [
        Difference("cellosaurus", "pattern", r"^CVCL_[A-Z0-9]{4}$", r"^[A-Z0-9]{4}$")]


def test_a_stale_or_missing_reason_fails(tmp_path, registry, reviewed):
    """The table's own checks: columns, known aspects, a reason that says something, no duplicates."""
    header = "\t".join(COLUMNS) + "\n"
    row = "hgnc\tpattern\t^\\d{1,6}$\t^\\d{1,5}$\t"
    for text, message in [(header + row + "\n", "the reason says why"),
                          (header + row.replace("pattern", "colour") + "because " * 8 + "\n", "the aspect is one of"),
                          ("prefix\taspect\tours\treason\n", "the columns are"),
                          (header + (row + "because " * 8 + "\n") * 2, "twice")]:
        path = tmp_path / "prefixes-bioregistry.tsv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(AssertionError, match=re.escape(message)):
            read_reviewed(path)
