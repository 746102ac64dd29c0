"""The SPARQL engine behind ``exomirkg serve``: an on-disk pyoxigraph store and the query worker.

A worker process (:func:`worker_main`) opens the store read-only under a memory limit and runs
:class:`Job` after :class:`Job` with :func:`evaluate`; which worker runs a job, and for how long, is
the pool's business (:mod:`exomirkg.web.pool`). Answers are written by pyoxigraph's serialisers; a
SELECT with more rows than the cap, or a CONSTRUCT with more triples, is an error (HTTP 413), never
a silently truncated answer.

A page's query takes request-derived values only as bound terms (:attr:`Job.bindings`, passed to
pyoxigraph as ``substitutions``), never as query text.
"""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import ExomirError
from ..ids.namespaces import PREFIXES
from ..project import Project
from ..query.store import ONTOLOGY_GRAPH, QueryResult, solutions_result, store_files
from .jobs import Answer, Job, Limits, QueryDataset

SELECT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/ld+json": "json-ld", "application/n-triples": "nt", "text/plain": "nt",
}
CONTENT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
                 "turtle": "text/turtle; charset=utf-8", "json-ld": "application/ld+json", "nt": "application/n-triples"}


RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}




def ensure_store(project: Project, folder: Path, release: Path | None = None) -> Path:
    """An on-disk store of the KG and the ontology, (re)built when they changed: the built KG of the
    checkout, or the KG and ontology of the ``release`` folder (nanopublications by trusty IRI)."""
    kg, ontology = release_files(release) if release is not None else store_files(project)
    extra = release_nanopub_files(release) if release is not None else []
    digest = hashlib.sha256()
    for path in (kg, *ontology, *extra):
        digest.update(path.read_bytes())
    stamp = folder / "exomirkg-source.sha256"
    if stamp.exists() and stamp.read_text().strip() == digest.hexdigest():
        return folder
    return build_store(folder, kg, ontology, stamp=digest.hexdigest(), extra=extra)


def release_files(release: Path) -> tuple[Path, list[Path]]:
    """The KG (N-Quads) and ontology of a release folder; ExomirError when it is not one."""
    kg, ontology = release / "data" / "exomir-kg.nq", release / "ontology" / "exomir-full.ttl"
    if not (kg.is_file() and ontology.is_file()):
        raise ExomirError(f"{release} is not a release folder (no data/exomir-kg.nq and ontology/exomir-full.ttl)")
    return kg, [ontology]


def release_nanopub_files(release: Path) -> list[Path]:
    """The nanopublications of a release that its KG files leave out: the index (and its parts) and
    the retractions, so that their trusty IRIs resolve on the release's endpoint."""
    folder = release / "nanopubs"
    return sorted([*folder.glob("index*.trig"), *folder.glob("retract-*.trig")]) if folder.is_dir() else []


def build_store(folder: Path, kg: Path, ontology: list[Path], stamp: str = "", extra: list[Path] | None = None) -> Path:
    """An on-disk store in ``folder`` of a KG file (TriG or N-Quads, by suffix), the ontology files
    (in the ontology graph) and ``extra`` TriG files, built next to it and moved into place when complete."""
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(building))
    store.bulk_load(path=str(kg), format=ox.RdfFormat.N_QUADS if kg.suffix == ".nq" else ox.RdfFormat.TRIG)
    for path in ontology:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    for path in extra or []:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    store.flush()
    store.optimize()
    del store
    (building / "exomirkg-source.sha256").write_text(stamp + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return folder



# --------------------------------------------------------------------------- worker process
def worker_main(store_path: str, connection: Any, memory_mb: int) -> None:   # pragma: no cover - a child process
    """The body of a query worker process: open the store read-only, limit memory, answer jobs until ``None``."""
    store = ox.Store.read_only(store_path)
    if memory_mb:
        import resource
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    connection.send("ready")
    while True:
        request = connection.recv()
        if request is None:
            return
        job, max_rows = request
        try:
            answer = evaluate(store, job, max_rows)
        except MemoryError:
            answer = Answer.text(503, f"the query needed more memory than a query worker's limit of {memory_mb} MB "
                                      "and was stopped")
        except SyntaxError as error:
            answer = Answer.text(400, f"query error: {error}")
        except OSError as error:          # pyoxigraph: a SERVICE call failed, or the store could not be read
            if job.services:
                answer = Answer.text(502, f"a remote endpoint failed ({', '.join(job.services)}): {error}")
            else:
                answer = Answer.text(500, f"the store could not be read: {error}")
        except Exception as error:        # noqa: BLE001 - any other evaluation error: 400 with the engine's message
            answer = Answer.text(400, f"query error: {error}")
        connection.send(answer)


class _AnswerTooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """A byte buffer that refuses to grow past ``limit`` (a result far beyond the row cap is cut
    short instead of filling the worker's memory)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            raise _AnswerTooLarge()
        return super().write(data)


def _count_rows(body: bytes, fmt: str) -> int:
    """The number of solutions in a serialised SELECT answer."""
    if fmt == "tsv":                 # one line per row: TSV escapes line breaks inside terms
        return body.count(b"\n") - 1
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1
    solutions = ox.parse_query_results(body, format=RESULT_FORMATS[fmt])
    return sum(1 for _ in solutions) if isinstance(solutions, ox.QuerySolutions) else 0


RDF_SERIALISATIONS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
                      "trig": ox.RdfFormat.TRIG}
PREFIX_MAP = {name: str(namespace) for name, namespace in PREFIXES.items() if "." not in name}
"""The KG's prefixes, declared in the Turtle and TriG it answers (a prefix with a dot is left out:
pyoxigraph writes names as the Turtle grammar allows, and ``mirbase.mature:`` reads badly)."""


def serialize(items: list[Any], fmt: str) -> bytes:
    """Triples or quads in ``fmt`` (a key of :data:`RDF_SERIALISATIONS`), with ``@prefix`` lines where
    the format has them."""
    rdf_format = RDF_SERIALISATIONS[fmt]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(items, format=rdf_format, prefixes=PREFIX_MAP) or b""
    return ox.serialize(items, format=rdf_format) or b""


def evaluate(store: Any, job: Job, max_rows: int) -> Answer:
    """Run a job on an open pyoxigraph store; answers are written by pyoxigraph's own serialisers."""
    if job.kind == "graphs":
        return _graphs(store, job, max_rows)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] = {
        ox.Variable(name): ox.NamedNode(iri) for name, iri in job.bindings}
    substitutions.update({ox.Variable(name): ox.Literal(text) for name, text in job.literals})
    result = store.query(job.text, substitutions=substitutions or None, **job.dataset.arguments())
    if isinstance(result, ox.QueryBoolean):
        if job.rows:
            return Answer(200, "", b"", QueryResult([], [], bool(result)))
        if job.select_format is None:
            return _not_acceptable("an ASK query", SELECT_TYPES)
        fmt = job.select_format if job.select_format in ("json", "xml") else "json"
        return Answer(200, CONTENT_TYPES[fmt], result.serialize(format=RESULT_FORMATS[fmt]) or b"")
    if isinstance(result, ox.QuerySolutions):
        if job.rows:
            answer = solutions_result(result)
            if len(answer.rows) > max_rows:
                return _too_many(max_rows, "rows")
            return Answer(200, "", b"", answer)
        if job.select_format is None:
            return _not_acceptable("a SELECT query", SELECT_TYPES)
        buffer = _CappedBuffer(max(max_rows, 1) * 4096)
        try:
            result.serialize(buffer, format=RESULT_FORMATS[job.select_format])
        except _AnswerTooLarge:
            return _too_many(max_rows, "rows")
        body = buffer.getvalue()
        # every row takes at least one byte: only a body longer than the cap can break it
        if len(body) > max_rows and _count_rows(body, job.select_format) > max_rows:
            return _too_many(max_rows, "rows")
        return Answer(200, CONTENT_TYPES[job.select_format], body)
    if job.graph_format is None or job.graph_format == "trig":
        return _not_acceptable("a CONSTRUCT or DESCRIBE query", GRAPH_TYPES)
    triples: list[Any] = []
    for triple in result:
        if len(triples) == max_rows:
            return _too_many(max_rows, "triples")
        triples.append(triple)
    return Answer(200, CONTENT_TYPES[job.graph_format], serialize(triples, job.graph_format))


def _graphs(store: Any, job: Job, max_rows: int) -> Answer:
    """The named graphs of a job: as TriG (graphs kept) or as the triples they hold."""
    fmt = job.graph_format or "trig"
    quads: list = []
    triples: dict = {}
    for name in job.graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            if len(quads) == max_rows:
                return _too_many(max_rows, "triples")
            quads.append(quad)
            triples.setdefault(quad.triple, None)
    if fmt == "trig":
        return Answer(200, "application/trig", serialize(quads, "trig"))
    return Answer(200, CONTENT_TYPES[fmt], serialize(list(triples), fmt))


def _not_acceptable(what: str, offers: dict[str, str]) -> Answer:
    return Answer.text(406, f"{what} answers in one of: {', '.join(offers)}; the Accept header allows none of them")


def _too_many(cap: int, what: str) -> Answer:
    return Answer.text(413, f"the answer has more than {cap} {what}, the server's cap: add a LIMIT, or start the "
                            "server with a larger --max-rows")


__all__ = [
    "CONTENT_TYPES",
    "GRAPH_TYPES",
    "SELECT_TYPES",
    "Answer",
    "Job",
    "Limits",
    "QueryDataset",
    "build_store",
    "ensure_store",
    "evaluate",
    "worker_main",
]
