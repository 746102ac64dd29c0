"""``exomirkg build``: curation sources -> validated claims -> nanopublications in kg/."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from .claimgraph import ClaimGraphBuilder
from .curation import Curation, CurationSchema, load_curation
from .identifiers import PrefixRegistry
from .namespaces import EXO
from .project import Project
from .reference import ReferenceTables
from .review import ReviewText
from .serialize import write_all

KG_STEM = "exomir-kg"


@dataclass
class BuildResult:
    curation: Curation
    dataset: Dataset
    files: dict[str, Path]

    @property
    def counts(self) -> Counter[str]:
        """Number of claims per claim type."""
        return Counter(c.type.name for c in self.curation.claims)


def ontology_local_terms(path: Path) -> set[str]:
    """Local names of every exo: term the ontology declares."""
    graph = Graph().parse(path, format="turtle")
    return {str(s)[len(str(EXO)):] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(EXO))}


def read_curation(project: Project) -> tuple[Curation, CurationSchema, PrefixRegistry, ReferenceTables]:
    """Load and check every curation source; raises CurationError with every problem found."""
    schema = CurationSchema.load(project.schema_path)
    prefixes = PrefixRegistry.load(project.prefixes_path)
    tables = ReferenceTables(project.reference_dir)
    review = ReviewText(project.review_path)
    curation = load_curation(project.root, project.curation_dir, schema, prefixes, tables, review,
                             ontology_local_terms(project.ontology_path))
    return curation, schema, prefixes, tables


def build(project: Project, out_dir: Path | None = None) -> BuildResult:
    """Build the KG; nothing is written unless every claim passes its checks."""
    curation, schema, prefixes, tables = read_curation(project)
    dataset = ClaimGraphBuilder(prefixes, tables, schema.fields).build(curation)
    files = write_all(dataset, out_dir or project.kg_dir, KG_STEM)
    return BuildResult(curation, dataset, files)
