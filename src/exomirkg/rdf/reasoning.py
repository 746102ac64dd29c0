"""OWL consistency of the ontology, its imports and the KG, with HermiT (through owlready2).

owlready2 cannot read Turtle, so the graphs are merged with rdflib and handed over as N-Triples.
HermiT needs Java (17 works; the Pellet bundled with owlready2 does not). owlready2 writes its own
temporary copy for HermiT and leaves it behind when HermiT finds the ontology inconsistent (1.5 MB
in the system's temporary folder each time); that copy is made in this module's temporary folder.
"""
from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import ExomirError
from ..project import Project


class ReasonerUnavailable(ExomirError):
    """HermiT could not run (no Java, or owlready2 failed to start it)."""


@dataclass(frozen=True)
class ConsistencyReport:
    consistent: bool
    triples: int
    message: str


def ontology_graph(project: Project, with_kg: bool = True) -> Graph:
    """The ontology, every extract in ontology/imports/ and, optionally, the built KG (kg/*.nt)."""
    graph = Graph()
    graph.parse(project.ontology_path, format="turtle")
    for path in sorted(project.imports_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    if with_kg:
        kg = project.kg_dir / "exomir-kg.nt"
        if not kg.exists():
            raise ExomirError(f"{kg} does not exist: run 'exomirkg build' first")
        graph.parse(kg, format="nt")
    return graph


_TEMPORARY_FOLDER = threading.Lock()


@contextmanager
def _temporary_files_in(folder: str) -> Iterator[None]:
    """Within the block, files made by :mod:`tempfile` without a folder go into ``folder`` (one block
    at a time: ``tempfile.tempdir`` is the process's)."""
    with _TEMPORARY_FOLDER:
        before, tempfile.tempdir = tempfile.tempdir, folder
        try:
            yield
        finally:
            tempfile.tempdir = before


def check_consistency(graph: Graph) -> ConsistencyReport:
    """Run HermiT on ``graph``; inconsistency is reported, not raised."""
    import owlready2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "merged.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with ontology, _temporary_files_in(folder):
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            return ConsistencyReport(False, len(graph), f"inconsistent: {error}")
        except (OSError, owlready2.OwlReadyJavaError) as error:
            raise ReasonerUnavailable(f"HermiT could not run: {error}") from error
        unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes())
        if unsatisfiable:
            return ConsistencyReport(False, len(graph), "unsatisfiable classes: " + ", ".join(unsatisfiable))
        world.close()
    return ConsistencyReport(True, len(graph), "consistent")
