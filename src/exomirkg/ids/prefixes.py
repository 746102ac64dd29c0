"""Prefixes, identifier patterns and canonical IRIs, read from ``ontology/prefixes.tsv``.

The registry is data: one row per prefix with its canonical URI prefix, the anchored pattern of
its local identifiers (as in bioregistry), an example, and the other URI forms in common use.
The :class:`curies.Converter` built from it expands and compresses CURIEs.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import curies

from ..errors import MalformedIdentifier, UnknownPrefix
from .namespaces import CONVERTER


@dataclass(frozen=True)
class Prefix:
    """One row of the prefix registry."""

    prefix: str
    curation_prefixes: tuple[str, ...]
    uri_prefix: str
    pattern: str
    example: str
    other_uri_prefixes: tuple[str, ...]
    name: str

    def matches(self, local_id: str) -> bool:
        """True when ``local_id`` matches this prefix's anchored pattern."""
        return re.fullmatch(self.pattern.strip("^$"), local_id) is not None


@dataclass(frozen=True, order=True)
class Curie:
    """A parsed, validated compact identifier in the project's canonical prefix."""

    prefix: str
    local_id: str

    def __str__(self) -> str:
        return f"{self.prefix}:{self.local_id}"

    @property
    def bare_id(self) -> str:
        """The identifier as the source database writes it (``GO:0006915``, ``HGNC:6770``, ``MI0000077``)."""
        if self.prefix in {"mirbase", "mirbase.mature", "cellosaurus", "pubmed", "pmc", "doi"}:
            return self.local_id
        if self.prefix == "hgnc":
            return f"HGNC:{self.local_id}"
        return f"{self.prefix}:{self.local_id}"


class PrefixRegistry:
    """The project's prefixes, with parsing into :class:`Curie` and IRI expansion."""

    def __init__(self, prefixes: list[Prefix]):
        self.prefixes = {p.prefix: p for p in prefixes}
        self._by_curation = {cp: p for p in prefixes for cp in (p.prefix, *p.curation_prefixes)}

    @classmethod
    def load(cls, path: Path) -> PrefixRegistry:
        """Read the registry TSV."""
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        return cls([
            Prefix(
                prefix=row["prefix"],
                curation_prefixes=tuple(x for x in row["curation_prefixes"].split(",") if x),
                uri_prefix=row["uri_prefix"],
                pattern=row["pattern"],
                example=row["example"],
                other_uri_prefixes=tuple(x for x in (row["other_uri_prefixes"] or "").split("|") if x),
                name=row["name"],
            )
            for row in rows
        ])

    @cached_property
    def converter(self) -> curies.Converter:
        """A curies converter over the canonical and the other URI prefixes."""
        return curies.Converter([
            curies.Record(
                prefix=p.prefix,
                uri_prefix=p.uri_prefix,
                prefix_synonyms=sorted(set(p.curation_prefixes) - {p.prefix}),
                uri_prefix_synonyms=list(p.other_uri_prefixes),
                pattern=p.pattern,
            )
            for p in self.prefixes.values()
        ])

    def parse(self, text: str) -> Curie:
        """Parse a curator's identifier (``GO:0006915``, ``HGNC:6770``, ``CVCL_0027``, ``doi:10...``).

        Raises :class:`UnknownPrefix` or :class:`MalformedIdentifier`.
        """
        text = str(text).strip()
        if text.startswith("CVCL_"):
            prefix_text, local = "cellosaurus", text
        elif ":" in text:
            prefix_text, local = text.split(":", 1)
        else:
            raise MalformedIdentifier(f"{text!r} is not a CURIE (expected PREFIX:ID)")
        prefix = self._by_curation.get(prefix_text)
        if prefix is None:
            known = ", ".join(sorted(self.prefixes))
            raise UnknownPrefix(f"unknown prefix {prefix_text!r} in {text!r} (known: {known})")
        if not prefix.matches(local):
            raise MalformedIdentifier(
                f"{text!r}: {local!r} does not match the {prefix.prefix} pattern {prefix.pattern}")
        return Curie(prefix.prefix, local)

    def uri_prefix(self, prefix: str) -> str:
        """The URI prefix of a registry prefix or its curation synonym (``HGNC``), else of a project
        namespace or vocabulary (``exo``, ``skos``, ``semapv``); raises :class:`UnknownPrefix`."""
        record = self._by_curation.get(prefix)
        if record is not None:
            return record.uri_prefix
        uri_prefix = CONVERTER.expand(prefix + ":")
        if uri_prefix is None:
            raise UnknownPrefix(f"unknown prefix {prefix!r}")
        return uri_prefix

    def iri(self, curie: Curie) -> str:
        """The canonical IRI (OBO PURL, identifiers.org, doi.org or the project namespace)."""
        return self.prefixes[curie.prefix].uri_prefix + curie.local_id

    def other_iris(self, curie: Curie) -> list[str]:
        """The other IRI forms in common use, for ``skos:exactMatch``."""
        return [uri_prefix + curie.local_id for uri_prefix in self.prefixes[curie.prefix].other_uri_prefixes]

    def compress(self, iri: str) -> Curie | None:
        """The :class:`Curie` of a canonical or alternative IRI, or None."""
        compressed = self.converter.compress(iri)
        if compressed is None:
            return None
        prefix, local = compressed.split(":", 1)
        return Curie(prefix, local)
