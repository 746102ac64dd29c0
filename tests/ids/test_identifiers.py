"""The prefix registry (ontology/prefixes.tsv) is data: check its integrity like bioregistry does."""
from __future__ import annotations

import re

import pytest

from exomirkg.errors import MalformedIdentifier, UnknownPrefix
from exomirkg.ids.prefixes import Curie, PrefixRegistry


@pytest.fixture(scope="module")
def registry(project) -> PrefixRegistry:
    return PrefixRegistry.load(project.prefixes_path)


def top_level_alternation(pattern: str) -> bool:
    """True when ``pattern`` has a ``|`` outside every group and character class: ``^a|b$`` anchors
    each branch, not the whole (Bioregistry's NCBITaxon pattern ``^(\\d+)|([a-zA-Z_]+)$`` does this)."""
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def test_every_pattern_is_anchored_as_a_whole_and_compiles(registry):
    """As Bioregistry's data-integrity tests ask (tests/test_data.py: test_patterns), and stricter:
    ^ and $ anchor the whole pattern, and the pattern is of a local ID, not of a CURIE."""
    for prefix in registry.prefixes.values():
        assert prefix.pattern.startswith("^") and prefix.pattern.endswith("$"), prefix.prefix
        assert not top_level_alternation(prefix.pattern), prefix.prefix
        assert not prefix.pattern.casefold().startswith(f"^{prefix.prefix.casefold()}:"), prefix.prefix
        re.compile(prefix.pattern)


def test_the_anchoring_check_catches_a_branch_anchored_pattern():
    assert top_level_alternation(r"^(\d+)|([a-zA-Z_]+)$")
    assert not top_level_alternation(r"^((\d+)|([a-zA-Z_]+))$")
    assert not top_level_alternation(r"^[|a]\|b$")


def test_every_example_matches_its_pattern(registry):
    """As Bioregistry's test_examples and test_curie_patterns: the example matches the whole pattern
    (re.search with the raw pattern, and fullmatch), and its CURIE parses back to it."""
    for prefix in registry.prefixes.values():
        assert prefix.matches(prefix.example), (prefix.prefix, prefix.example)
        assert re.search(prefix.pattern, prefix.example), (prefix.prefix, prefix.example)
        assert registry.parse(f"{prefix.prefix}:{prefix.example}") == Curie(prefix.prefix, prefix.example)


def test_canonical_iris_are_obo_purls_identifiers_org_and_doi(registry):
    assert registry.iri(registry.parse("GO:0006915")) == "http://purl.obolibrary.org/obo/GO_0006915"
    assert registry.iri(registry.parse("HGNC:9588")) == "https://identifiers.org/hgnc:9588"
    assert registry.iri(registry.parse("CVCL_0027")) == "https://identifiers.org/cellosaurus:CVCL_0027"
    assert registry.iri(Curie("mirbase.mature", "MIMAT0000076")) == "https://identifiers.org/mirbase.mature:MIMAT0000076"
    assert registry.iri(registry.parse("doi:10.1186/s12935-021-01941-9")) == "https://doi.org/10.1186/s12935-021-01941-9"


def test_other_forms_compress_back_to_the_same_curie(registry):
    curie = registry.parse("HGNC:9588")
    others = registry.other_iris(curie)
    assert "http://purl.uniprot.org/hgnc/9588" in others
    for iri in others:
        assert registry.compress(iri) == curie


@pytest.mark.parametrize("text, error", [
    ("FOO:123", UnknownPrefix),
    ("GO:123", MalformedIdentifier),
    ("HGNC:PTEN", MalformedIdentifier),
    ("CVCL_00277", MalformedIdentifier),
    ("apoptosis", MalformedIdentifier),
])
def test_bad_identifiers_raise_precise_errors(registry, text, error):
    with pytest.raises(error):
        registry.parse(text)
