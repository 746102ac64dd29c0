"""Build-time statistics of the KG, counted while the builder writes it and published in the KG's
``graph/statistics`` graph, as large public endpoints publish VoID: a stored query that would count
over every claim (claims per type, the size of a class or property) reads them instead.

What is counted (the statistics graph itself excluded):

- ``void:triples`` of the dataset and of each property partition: statements in the KG's named
  graphs (quads; a statement two graphs state counts twice, as in the N-Quads release);
- ``void:entities`` of each class partition: the distinct instances of the class (its ``rdf:type``
  statements outside the provenance graphs, which only repeat the types of quotes and references
  for the nanopublication's sake);
- ``exo:claimsOnRetractedStudies`` of each claim type's partition;
- ``exo:claimCount`` of each source document: the claims derived from it.

A test holds every figure equal to a live count on the real KG and on synthetic multi-source KGs.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from rdflib.namespace import RDF

from ..ids.namespaces import CONVERTER, DATASET_IRI, EXO, STATISTICS_GRAPH, VOID

RDF_TYPE = str(RDF.type)


def partition_iri(kind: str, iri: str) -> str:
    """``dataset#class-exo-ExpressionClaim``: a hash IRI of the dataset (it resolves to the VoID), readable
    where the IRI has a known prefix."""
    compact = CONVERTER.compress(iri, passthrough=True)
    if compact == iri or not re.fullmatch(r"[A-Za-z0-9._-]+:[A-Za-z0-9._-]+", compact):
        compact = "sha256:" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]
    return f"{DATASET_IRI}#{kind}-{compact.replace(':', '-')}"


@dataclass
class Statistics:
    """What the builder counted; :meth:`nquad_lines` publishes it."""

    properties: Counter[str] = field(default_factory=Counter)      # predicate IRI -> statements
    classes: Counter[str] = field(default_factory=Counter)         # class IRI -> distinct instances
    claims_on_retracted: Counter[str] = field(default_factory=Counter)   # claim class IRI -> claims
    claim_classes: set[str] = field(default_factory=set)
    claims_per_source: Counter[str] = field(default_factory=Counter)    # source document IRI -> claims

    @property
    def quads(self) -> int:
        return sum(self.properties.values())

    def nquad_lines(self) -> list[str]:
        """The statistics graph as N-Quads lines, sorted."""
        graph = f" <{STATISTICS_GRAPH}> .\n"
        integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
        dataset = f"<{DATASET_IRI}>"
        lines = [f"{dataset} <{RDF_TYPE}> <{VOID.Dataset}>{graph}",
                 f'{dataset} <{VOID.triples}> "{self.quads}"{integer}{graph}',
                 f'{dataset} <{VOID.classes}> "{len(self.classes)}"{integer}{graph}',
                 f'{dataset} <{VOID.properties}> "{len(self.properties)}"{integer}{graph}']
        for cls, count in self.classes.items():
            node = f"<{partition_iri('class', cls)}>"
            lines += [f"{dataset} <{VOID.classPartition}> {node}{graph}",
                      f"{node} <{VOID['class']}> <{cls}>{graph}",
                      f'{node} <{VOID.entities}> "{count}"{integer}{graph}']
            if cls in self.claim_classes:
                lines.append(f'{node} <{EXO.claimsOnRetractedStudies}> "{self.claims_on_retracted[cls]}"{integer}{graph}')
        for prop, count in self.properties.items():
            node = f"<{partition_iri('property', prop)}>"
            lines += [f"{dataset} <{VOID.propertyPartition}> {node}{graph}",
                      f"{node} <{VOID.property}> <{prop}>{graph}",
                      f'{node} <{VOID.triples}> "{count}"{integer}{graph}']
        for source, count in self.claims_per_source.items():
            lines.append(f'<{source}> <{EXO.claimCount}> "{count}"{integer}{graph}')
        return sorted(lines)


__all__ = ["Statistics", "partition_iri"]
