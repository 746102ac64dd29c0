"""The build pipeline (`exomirkg build`): curation -> claim graph -> validation -> kg/ files, SSSOM
mappings and the stored queries' metadata. The one module that runs several stages in order."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS

from .curation.review import ReviewText
from .curation.schema import CurationSchema
from .curation.sources import Curation, load_curation
from .dataset import DEFAULT_CREATED
from .federation.services import write_sssom
from .ids.namespaces import EXO, PREFIXES
from .ids.prefixes import PrefixRegistry
from .ids.reference import ReferenceTables
from .project import Project
from .query.catalogue import write_examples
from .rdf.claimgraph import ClaimGraphBuilder, ValidationParts
from .rdf.serialize import write_all
from .validate.report import ValidationFailed, ValidationReport

KG_STEM = "exomir-kg"
KG_PREFIXES: dict[str, str] = {**{name: str(iri) for name, iri in Dataset().namespaces()},
                               **{name: str(iri) for name, iri in PREFIXES.items()}}
"""The prefixes of the KG's Turtle and TriG (those they use): the KG's own and rdflib's defaults."""


@dataclass
class BuildResult:
    curation: Curation
    files: dict[str, Path]
    report: ValidationReport | None = None      # the shapes' verdict on the KG (none when not validated)
    quads: int = 0                              # in the KG, each once

    @property
    def counts(self) -> Counter[str]:
        """Number of claims per claim type."""
        return Counter(c.type.name for c in self.curation.claims)

    @cached_property
    def dataset(self) -> Dataset:
        """The KG as an rdflib Dataset (default graph = union of the named graphs), read from its
        N-Quads file on first use: the build itself never holds it."""
        dataset = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, override=True)
        dataset.parse(self.files["nq"], format="nquads")
        return dataset


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


def curation_context(project: Project) -> tuple[CurationSchema, PrefixRegistry, ReferenceTables]:
    """What curation is read and built with: the schema, the prefixes and the reference tables."""
    return (CurationSchema.load(project.schema_path, project.root), PrefixRegistry.load(project.prefixes_path),
            ReferenceTables(project.reference_dir))


def read_curation(project: Project) -> tuple[Curation, CurationSchema, PrefixRegistry, ReferenceTables]:
    """Load and check every curation source; raises CurationError with every problem found."""
    schema, prefixes, tables = curation_context(project)
    review = ReviewText(project.review_path)
    curation = load_curation(project.root, project.curation_dir, schema, prefixes, tables, review,
                             ontology_local_terms(project.ontology_path))
    return curation, schema, prefixes, tables


def claim_locations(curation: Curation) -> dict[str, str]:
    """Claim id -> ``file:line`` of its curation record."""
    return {claim.id: f"{claim.file}:{claim.line}" for claim in curation.claims}


PARTS_FROM_CLAIMS = 2000
"""From this many claims, the shapes check the KG in one part per core, side by side (:func:`shape_engine`)."""


def shape_engine(claims: int) -> str:
    """The SHACL engine of a build of ``claims`` claims: pyshacl, the reference engine, below
    :data:`PARTS_FROM_CLAIMS`; from there Jena SHACL when Java and Debian's Jena are installed (in
    parts, the same violations as pyshacl's, tested; ten times faster), else pyshacl."""
    if claims < PARTS_FROM_CLAIMS:
        return "pyshacl"
    from .validate.jena import JenaUnavailable, classpath
    try:
        classpath()
    except JenaUnavailable:
        return "pyshacl"
    return "jena"


def build(project: Project, out_dir: Path | None = None, validate: bool = True,
          curation: Curation | None = None) -> BuildResult:
    """Build the KG; nothing is written unless every claim passes its checks and the shapes.

    The builder streams the KG as N-Quads, and the same triples as independent validation parts
    (:class:`exomirkg.rdf.claimgraph.ValidationParts`); the shapes check the parts (one per core,
    side by side, from :data:`PARTS_FROM_CLAIMS` claims, by :func:`shape_engine`), the
    nanopublication structure is checked on a pyoxigraph store of the quads, and the four formats
    are written from that store. No rdflib graph of the whole KG is made (:attr:`BuildResult.dataset`
    reads one when asked).

    ``curation``: build these claims instead of the project's curation files (the benchmark's
    synthetic ones), with the project's schema, prefixes and tables.

    Raises CurationError (bad curation input) or ValidationFailed (the built graph breaks a shape).
    """
    import pyoxigraph as ox

    from .validate.engines import validate_parts
    from .validate.structure import structure_violations
    if curation is None:
        curation, schema, prefixes, tables = read_curation(project)
    else:
        schema, prefixes, tables = curation_context(project)
    builder = ClaimGraphBuilder(prefixes, tables, schema.fields, ontology_term_labels(project.ontology_path))
    cores = os.cpu_count() or 1
    parts = cores if len(curation.claims) >= PARTS_FROM_CLAIMS else 1
    report = None
    with tempfile.TemporaryDirectory(prefix="exomirkg-build-") as scratch:
        part_paths = [Path(scratch) / f"part-{index + 1}.nt" for index in range(parts)]
        with open(Path(scratch) / "kg.nq", "w", encoding="utf-8") as quads, contextlib.ExitStack() as stack:
            handles = [stack.enter_context(open(path, "w", encoding="utf-8")) for path in part_paths]
            builder.write_nquads(curation, quads, ValidationParts(handles) if validate else None)
        store = ox.Store()
        store.bulk_load(path=str(Path(scratch) / "kg.nq"), format=ox.RdfFormat.N_QUADS)
        if validate:
            engine = shape_engine(len(curation.claims))
            violations = validate_parts(part_paths, project.shapes_path, engine, min(parts, cores))
            violations.extend(structure_violations(store))
            report = ValidationReport(engine, sorted(set(violations)), store)
            if not report.conforms:
                raise ValidationFailed(report, claim_locations(curation))
        kg = list(store)
    files = write_all(kg, out_dir or project.kg_dir, KG_STEM, KG_PREFIXES)
    files["sssom"] = write_sssom(project, (out_dir or project.kg_dir) / f"{KG_STEM}.sssom.tsv",
                                 str(curation.metadata.get("created", DEFAULT_CREATED)))
    if project.queries_dir.is_dir() and out_dir is None:
        files["sparql-examples"] = write_examples(project.queries_dir)
    return BuildResult(curation, files, report, len(kg))
