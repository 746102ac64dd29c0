"""The build pipeline (`exomirkg build`): curation -> claim graph -> validation -> kg/ files, SSSOM
mappings and the stored queries' metadata. The one module that runs several stages in order."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS

from .curation.review import ReviewText
from .curation.schema import CurationSchema
from .curation.sources import Curation, load_curation
from .dataset import DEFAULT_CREATED
from .federation.services import write_sssom
from .ids.namespaces import EXO
from .ids.prefixes import PrefixRegistry
from .ids.reference import ReferenceTables
from .project import Project
from .query.catalogue import write_examples
from .rdf.claimgraph import ClaimGraphBuilder
from .rdf.serialize import write_all
from .validate.engines import validate as validate_dataset
from .validate.report import ValidationFailed, ValidationReport

KG_STEM = "exomir-kg"


@dataclass
class BuildResult:
    curation: Curation
    dataset: Dataset
    files: dict[str, Path]
    report: ValidationReport | None = None      # the shapes' verdict on ``dataset`` (none when not validated)

    @property
    def counts(self) -> Counter[str]:
        """Number of claims per claim type."""
        return Counter(c.type.name for c in self.curation.claims)


def ontology_local_terms(path: Path) -> set[str]:
    """Local names of every exo: term the ontology declares."""
    graph = Graph().parse(path, format="turtle")
    return {str(s)[len(str(EXO)):] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(EXO))}


def ontology_term_labels(path: Path) -> dict[str, str]:
    """IRI -> English (or plain) label of every exo: term the ontology labels."""
    graph = Graph().parse(path, format="turtle")
    labels: dict[str, str] = {}
    for s, label in graph.subject_objects(RDFS.label):
        language = getattr(label, "language", None)
        if str(s).startswith(str(EXO)) and language in (None, "en"):
            labels[str(s)] = str(label)
    return labels


def claim_graph_builder(project: Project, schema: CurationSchema | None = None) -> ClaimGraphBuilder:
    """The builder of the project's KG: its prefixes, reference tables, schema and ontology labels."""
    return ClaimGraphBuilder(PrefixRegistry.load(project.prefixes_path), ReferenceTables(project.reference_dir),
                             (schema or CurationSchema.load(project.schema_path)).fields,
                             ontology_term_labels(project.ontology_path))


def read_curation(project: Project) -> tuple[Curation, CurationSchema, PrefixRegistry, ReferenceTables]:
    """Load and check every curation source; raises CurationError with every problem found."""
    schema = CurationSchema.load(project.schema_path, project.root)
    prefixes = PrefixRegistry.load(project.prefixes_path)
    tables = ReferenceTables(project.reference_dir)
    review = ReviewText(project.review_path)
    curation = load_curation(project.root, project.curation_dir, schema, prefixes, tables, review,
                             ontology_local_terms(project.ontology_path))
    return curation, schema, prefixes, tables


def claim_locations(curation: Curation) -> dict[str, str]:
    """Claim id -> ``file:line`` of its curation record."""
    return {claim.id: f"{claim.file}:{claim.line}" for claim in curation.claims}


def build(project: Project, out_dir: Path | None = None, validate: bool = True) -> BuildResult:
    """Build the KG; nothing is written unless every claim passes its checks and the shapes.

    Raises CurationError (bad curation input) or ValidationFailed (the built graph breaks a shape).
    """
    curation, schema, prefixes, tables = read_curation(project)
    dataset = ClaimGraphBuilder(prefixes, tables, schema.fields, ontology_term_labels(project.ontology_path)).build(curation)
    report = None
    if validate:
        report = validate_dataset(dataset, project.shapes_path)
        if not report.conforms:
            raise ValidationFailed(report, claim_locations(curation))
    files = write_all(dataset, out_dir or project.kg_dir, KG_STEM)
    files["sssom"] = write_sssom(project, (out_dir or project.kg_dir) / f"{KG_STEM}.sssom.tsv",
                                 str(curation.metadata.get("created", DEFAULT_CREATED)))
    if project.queries_dir.is_dir() and out_dir is None:
        files["sparql-examples"] = write_examples(project.queries_dir)
    return BuildResult(curation, dataset, files, report)
