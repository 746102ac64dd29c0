"""The SPARQL engine behind ``exomirkg serve``: an on-disk pyoxigraph store and query workers.

Queries run in worker processes that open the store read-only, so a query that runs past the
timeout is stopped for real (its worker is killed and replaced) and the server keeps serving.
Results are capped: a SELECT with more rows than the cap, or a CONSTRUCT with more triples, is an
error (HTTP 413 with a clear message), never a silently truncated answer.
"""
from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing as mp
import queue
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .project import Project
from .store import ONTOLOGY_GRAPH, store_files

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


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def ensure_store(project: Project, folder: Path) -> Path:
    """An on-disk store of the KG and the ontology, (re)built when the KG changed."""
    kg, ontology = store_files(project)
    digest = hashlib.sha256()
    for path in (kg, *ontology):
        digest.update(path.read_bytes())
    stamp = folder / "exomirkg-source.sha256"
    if stamp.exists() and stamp.read_text().strip() == digest.hexdigest():
        return folder
    return build_store(folder, kg, ontology, stamp=digest.hexdigest())


def build_store(folder: Path, kg: Path, ontology: list[Path], stamp: str = "") -> Path:
    """An on-disk store in ``folder`` of a KG file (TriG or N-Quads, by suffix) and the ontology
    files (in the ontology graph), built next to it and moved into place when complete."""
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(building))
    store.bulk_load(path=str(kg), format=ox.RdfFormat.N_QUADS if kg.suffix == ".nq" else ox.RdfFormat.TRIG)
    for path in ontology:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.flush()
    store.optimize()
    del store
    (building / "exomirkg-source.sha256").write_text(stamp + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return folder


# --------------------------------------------------------------------------- worker process
def _worker(store_path: str, connection) -> None:   # pragma: no cover - runs in a child process
    store = ox.Store.read_only(store_path)
    while True:
        request = connection.recv()
        if request is None:
            return
        text, select_format, graph_format, max_rows = request
        try:
            connection.send(_evaluate(store, text, select_format, graph_format, max_rows))
        except Exception as error:          # a syntax or evaluation error: 400 with the parser's message
            connection.send(Answer(400, "text/plain; charset=utf-8", f"query error: {error}\n".encode()))


class _AnswerTooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """A byte buffer that refuses to grow past ``limit`` (a result far beyond the row cap is cut
    short instead of filling the worker's memory)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise _AnswerTooLarge()
        return super().write(data)


def _count_rows(body: bytes, fmt: str) -> int:
    """The number of solutions in a serialised SELECT answer."""
    if fmt == "tsv":                 # one line per row: TSV escapes line breaks inside terms
        return body.count(b"\n") - 1
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1
    return sum(1 for _ in ox.parse_query_results(body, format=RESULT_FORMATS[fmt]))


def _evaluate(store, text: str, select_format: str, graph_format: str, max_rows: int) -> Answer:
    """Run a query; answers are written by pyoxigraph's own serialisers (no Python row objects)."""
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        fmt = select_format if select_format in ("json", "xml") else "json"
        return Answer(200, CONTENT_TYPES[fmt], result.serialize(format=RESULT_FORMATS[fmt]))
    if isinstance(result, ox.QuerySolutions):
        buffer = _CappedBuffer(max(max_rows, 1) * 4096)
        try:
            result.serialize(buffer, format=RESULT_FORMATS[select_format])
        except _AnswerTooLarge:
            return _too_many(max_rows, "rows")
        body = buffer.getvalue()
        # every row takes at least one byte: only a body longer than the cap can break it
        if len(body) > max_rows and _count_rows(body, select_format) > max_rows:
            return _too_many(max_rows, "rows")
        return Answer(200, CONTENT_TYPES[select_format], body)
    triples = []
    for triple in result:
        if len(triples) == max_rows:
            return _too_many(max_rows, "triples")
        triples.append(triple)
    fmt = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}[graph_format]
    body = ox.serialize(triples, format=fmt)
    return Answer(200, CONTENT_TYPES[graph_format], body or b"")


def _too_many(cap: int, what: str) -> Answer:
    return Answer(413, "text/plain; charset=utf-8",
                  f"the answer has more than {cap} {what}, the server's cap: add a LIMIT, or start the server "
                  f"with a larger --max-rows\n".encode())


class QueryWorkers:
    """A fixed pool of worker processes; a query past its timeout kills its worker."""

    def __init__(self, store_path: Path, workers: int = 2, timeout: float = 10.0, max_rows: int = 10000):
        self.store_path = str(store_path)
        self.timeout = timeout
        self.max_rows = max_rows
        self._context = mp.get_context("spawn")
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._all: list = []
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(self.store_path, child), daemon=True)
        process.start()
        with self._lock:
            self._all.append((process, parent))
        return process, parent

    def run(self, text: str, select_format: str = "json", graph_format: str = "turtle") -> Answer:
        try:
            process, connection = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer(503, "text/plain; charset=utf-8", b"all query workers are busy; try again\n")
        try:
            connection.send((text, select_format, graph_format, self.max_rows))
            if connection.poll(self.timeout):
                answer = connection.recv()
                self._idle.put((process, connection))
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass
        process.kill()
        process.join()
        with self._lock:
            self._all = [(p, c) for p, c in self._all if p is not process]
        self._idle.put(self._start())
        return Answer(503, "text/plain; charset=utf-8",
                      f"the query ran longer than the server's timeout of {self.timeout:g} s and was stopped\n".encode())

    def close(self) -> None:
        with self._lock:
            for process, connection in self._all:
                try:
                    connection.send(None)
                except (OSError, BrokenPipeError):
                    pass
                process.join(timeout=2)
                if process.is_alive():
                    process.kill()
            self._all = []


__all__ = ["Answer", "QueryWorkers", "build_store", "ensure_store", "SELECT_TYPES", "GRAPH_TYPES", "CONTENT_TYPES"]
