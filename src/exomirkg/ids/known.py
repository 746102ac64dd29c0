"""Identifiers that must exist: every miRBase (precursor and mature), HGNC, GO, CL, UBERON, MONDO,
ECO, ChEBI and Cellosaurus IRI in a graph, in any of the IRI forms of ``ontology/prefixes.tsv``, is
looked up in the project's reference tables (the tables the build resolves curation against; which
table lists which registry: :data:`exomirkg.ids.reference.IDENTIFIER_COLUMNS`). The shapes check an
identifier's form; a well-formed identifier that the tables do not hold is a violation too: a wrong
ID is worse than a missing one.

The IRIs are collected in one pass over the quads: over an rdflib dataset, over a pyoxigraph store,
or (the large-file path, :func:`exomirkg.validate.engines.validate_nquads`) while the quads stream past on
their way into the validation parts (:meth:`IdentifierCheck.watch`), so no second pass is made.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .prefixes import Curie, PrefixRegistry
from .reference import ReferenceTables, tables_of

if TYPE_CHECKING:
    from ..project import Project

# the registries whose every identifier the validation looks up in the reference tables
CHECKED_PREFIXES = ("mirbase", "mirbase.mature", "hgnc", "GO", "CL", "UBERON", "MONDO", "ECO", "CHEBI", "cellosaurus")
KNOWN_IDENTIFIER = "https://w3id.org/exomir-kg/shapes/KnownIdentifier"


@dataclass(frozen=True)
class UnknownIdentifierUse:
    """An IRI of a checked registry whose identifier the reference tables do not hold."""

    iri: str
    curie: str
    message: str


@dataclass(frozen=True)
class IdentifierCheck:
    """The prefix registry and reference tables that identifier IRIs are checked against."""

    registry: PrefixRegistry
    tables: ReferenceTables

    @classmethod
    def for_project(cls, project: Project) -> IdentifierCheck:
        """The check with a checkout's prefix registry and reference tables."""
        return cls(PrefixRegistry.load(project.prefixes_path), ReferenceTables(project.reference_dir))

    @property
    def iri_prefixes(self) -> tuple[str, ...]:
        """Every IRI prefix (canonical and alternative) of the checked registries."""
        found = {uri for name in CHECKED_PREFIXES
                 for uri in (self.registry.prefixes[name].uri_prefix, *self.registry.prefixes[name].other_uri_prefixes)}
        return tuple(sorted(found))

    # ------------------------------------------------------------------ collecting IRIs
    def iris_in(self, data: Any) -> set[str]:
        """The IRIs with a checked IRI prefix in subject or object position of ``data``: an rdflib
        Dataset or Graph, or a pyoxigraph Store."""
        import pyoxigraph as ox
        from rdflib import URIRef
        prefixes = self.iri_prefixes
        if isinstance(data, ox.Store):
            found: set[str] = set()
            for _ in self.watch(data.quads_for_pattern(None, None, None), found):
                pass
            return found
        triples = data.quads((None, None, None, None)) if hasattr(data, "quads") else data.triples((None, None, None))
        return {str(term) for triple in triples for term in (triple[0], triple[2])
                if isinstance(term, URIRef) and str(term).startswith(prefixes)}

    def watch(self, quads: Iterable[Any], found: set[str]) -> Iterator[Any]:
        """Pass pyoxigraph quads through unchanged, adding to ``found`` every IRI with a checked IRI
        prefix in subject or object position (on the large-file path the quads are read once)."""
        import pyoxigraph as ox
        named, prefixes = ox.NamedNode, self.iri_prefixes
        last_subject = None
        for quad in quads:
            subject, obj = quad.subject, quad.object
            if type(obj) is named and obj.value.startswith(prefixes):
                found.add(obj.value)
            if subject != last_subject:            # a subject's quads mostly come together
                last_subject = subject
                if type(subject) is named and subject.value.startswith(prefixes):
                    found.add(subject.value)
            yield quad

    # ------------------------------------------------------------------ judging them
    def problem(self, iri: str) -> UnknownIdentifierUse | None:
        """Why ``iri`` names no identifier of the reference tables, or None when it names one (or
        is outside the checked registries)."""
        curie = self.registry.compress(iri)
        if curie is None or curie.prefix not in CHECKED_PREFIXES:
            return None
        record = self.registry.prefixes[curie.prefix]
        if not record.matches(curie.local_id):
            return UnknownIdentifierUse(iri, str(curie), f"{curie} is not a well-formed {record.name} identifier "
                                                         f"(pattern {record.pattern}): no such identifier")
        if self.tables.knows(curie):
            return None
        tables = ", ".join(tables_of(curie.prefix))
        return UnknownIdentifierUse(iri, str(curie), f"{curie} is not in the project's reference tables "
                                                     f"(ontology/imports/reference/{tables}): no such identifier")

    def unknown_among(self, iris: Iterable[str]) -> list[UnknownIdentifierUse]:
        """The unknown identifiers among ``iris``, one per identifier (on its canonical IRI when
        that is among them, else on the first of its other forms), sorted by IRI."""
        unknown: dict[str, UnknownIdentifierUse] = {}
        for iri in sorted(iris):
            use = self.problem(iri)
            if use is None:
                continue
            if use.curie not in unknown or iri == self._canonical(use.curie):
                unknown[use.curie] = use
        return sorted(unknown.values(), key=lambda use: use.iri)

    def unknown(self, data: Any) -> list[UnknownIdentifierUse]:
        """The unknown identifiers of an rdflib Dataset or Graph, or a pyoxigraph Store."""
        return self.unknown_among(self.iris_in(data))

    def _canonical(self, curie_text: str) -> str:
        prefix, local = curie_text.split(":", 1)
        return self.registry.iri(Curie(prefix, local))


__all__ = ["CHECKED_PREFIXES", "KNOWN_IDENTIFIER", "IdentifierCheck", "UnknownIdentifierUse"]
