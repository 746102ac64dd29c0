"""What the query workers are given and give back: the server's :class:`Limits`, a query's
:class:`QueryDataset` (FROM / FROM NAMED), a :class:`Job` with its bound terms, and the :class:`Answer`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..errors import ExomirError
from ..query.store import QueryResult

TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Limits:
    """The protections of every query the server runs; each is a ``serve`` option."""

    timeout: float = 10.0        # seconds a query may run
    max_rows: int = 10000        # largest answer (rows or triples)
    workers: int = 2             # worker processes
    memory_mb: int = 2048        # address space of one worker, store included; 0: no limit
    slow_after: float = 1.0      # a query running longer is long: at most workers - 1 at once
    queue: int = 64              # requests that may wait for a free worker
    cache_mb: int = 64           # answers kept for repeated queries (the store is read-only); 0: none

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_rows < 1 or self.workers < 1 or self.queue < 0 or self.slow_after <= 0 \
                or self.cache_mb < 0:
            raise ExomirError("timeout and slow-after must be positive; max-rows and workers at least 1; "
                              "queue and cache-mb 0 or more")
        if self.memory_mb and self.memory_mb < 512:
            raise ExomirError(f"a worker needs more than {self.memory_mb} MB of address space to open the store "
                              "(about 700 MB); give --max-memory 512 or more, or 0 for no limit")

    @property
    def long_queries(self) -> int:
        """How many long queries may run at once: all workers but one (one when there is one)."""
        return max(self.workers - 1, 1)


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs on: the union of all graphs (the default), or the graphs its
    ``FROM``/``FROM NAMED`` clauses name (``union=False``: pyoxigraph then honours them), or the
    protocol's ``default-graph-uri``/``named-graph-uri``, which override the query's own."""

    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of pyoxigraph's ``Store.query`` for this dataset."""
        if self.default_graphs is None and self.named_graphs is None:
            return {"use_default_graph_as_union": self.union}
        arguments: dict[str, Any] = {}
        if self.default_graphs is not None:
            arguments["default_graph"] = [ox.NamedNode(g) for g in self.default_graphs]
        if self.named_graphs is not None:
            arguments["named_graphs"] = [ox.NamedNode(g) for g in self.named_graphs]
        return arguments


@dataclass(frozen=True)
class Job:
    """One thing for a worker to do.

    ``kind`` is ``query`` (run ``text``; answer serialised, or as rows for a page when ``rows``)
    or ``graphs`` (the named graphs in ``graphs``, serialised in ``graph_format``; ``trig`` keeps
    the graphs). ``bindings`` are (variable, IRI) pairs and ``literals`` (variable, string) pairs, both
    bound as terms (never spliced into the text); ``select_format`` /
    ``graph_format`` of None mean that the client accepts no format for that kind of answer (406).
    ``services`` are the endpoints the query's SERVICE clauses call (a failure there is a 502).
    """

    text: str = ""
    kind: str = "query"
    bindings: tuple[tuple[str, str], ...] = ()
    literals: tuple[tuple[str, str], ...] = ()
    select_format: str | None = "json"
    graph_format: str | None = "turtle"
    rows: bool = False
    dataset: QueryDataset = field(default_factory=QueryDataset)
    services: tuple[str, ...] = ()
    graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A worker's answer: an HTTP status, the body and its type; ``result`` for a page's rows;
    ``retry_after`` seconds when the client should try again later."""

    status: int
    content_type: str
    body: bytes
    result: QueryResult | None = None
    retry_after: int | None = None

    @classmethod
    def text(cls, status: int, message: str, retry_after: int | None = None) -> Answer:
        return cls(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"), retry_after=retry_after)
