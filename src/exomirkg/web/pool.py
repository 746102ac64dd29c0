"""The pool of query workers behind ``exomirkg serve``: which worker runs a job, and for how long.

Every query the server runs, from ``/sparql`` and from its HTML pages alike, is a
:class:`~exomirkg.web.jobs.Job` run by a worker process (:func:`exomirkg.web.workers.worker_main`)
under the server's :class:`~exomirkg.web.jobs.Limits`:

- **timeout**: a query that runs past it is stopped for real (its worker is killed and replaced);
- **rows**: a SELECT with more rows than the cap, or a CONSTRUCT with more triples, is an error
  (HTTP 413), never a silently truncated answer;
- **memory**: each worker's address space is limited (``RLIMIT_AS``); a query that needs more
  ends its worker, answers 503, and the worker is replaced;
- **no starvation**: a query still running after ``slow_after`` seconds is *long*; at most
  ``workers - 1`` long queries run at once (a further one is stopped with 503 and Retry-After),
  so at least one worker always serves short queries; at most ``queue`` requests wait for a
  worker (a further one gets 503 and Retry-After at once);
- **known long queries**: a query that ran long once is remembered (the last
  :data:`REMEMBERED_LONG` of them); while the long slots are full it is refused at once, without
  taking a worker, and when a slot is free it holds one from its start. A client that sends the same
  expensive query again and again therefore never stands in the queue before a short query;
- **repeated queries**: an answer is kept (:mod:`.answers`, ``cache_mb``) and a repeated query is
  answered from it without a worker: the store is read-only, so the answer cannot change;
- **a warm spare**: one worker more than ``workers`` is started and kept ready, so a worker killed
  for a timeout or a refused long query is replaced at once instead of after its start-up (about
  half a second: Python, pyoxigraph and the store).
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExomirError
from .answers import AnswerCache
from .jobs import Answer, Job, Limits
from .workers import worker_main

REMEMBERED_LONG = 512
"""How many distinct queries that ran long the pool remembers (least recently seen forgotten first)."""

SPARES = 1
"""Workers kept started and idle beyond ``workers``, to replace a killed worker at once."""


@dataclass
class _Worker:
    process: Any
    connection: Any


class WorkerStartFailed(ExomirError):
    """A query worker could not open the store."""


class QueryWorkers:
    """A fixed pool of worker processes that runs every query under the server's :class:`Limits`."""

    def __init__(self, store_path: Path, limits: Limits | None = None):
        self.store_path = str(store_path)
        self.limits = limits or Limits()
        self._context = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._waiting = 0
        self._long = threading.BoundedSemaphore(self.limits.long_queries)
        self._known_long: OrderedDict[Job, None] = OrderedDict()
        self._spares: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self.replaced = 0                       # workers killed and replaced so far (timeouts, refusals, deaths)
        self.answers = AnswerCache(self.limits.cache_mb * 2**20)
        for _ in range(self.limits.workers):
            self._idle.put(self._start())
        for _ in range(SPARES):
            self._start_in_background(self._spares)

    # ----------------------------------------------------------------- workers
    def _start(self) -> _Worker:
        """A new worker, once it has opened the store (a query sent earlier would count its start-up)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=worker_main, args=(self.store_path, child, self.limits.memory_mb),
                                        daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        try:
            if parent.poll(120) and parent.recv() == "ready":
                return worker
        except (EOFError, OSError):
            pass
        self._stop(worker)
        raise WorkerStartFailed(f"a query worker could not open the store {self.store_path} "
                                f"(exit code {process.exitcode})")

    def _stop(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        with self._lock:
            self._all = [w for w in self._all if w is not worker]

    def _start_in_background(self, into: queue.Queue[_Worker]) -> None:
        """Start a worker in a thread; it joins ``into`` (the idle workers or the spares) when ready."""
        def start() -> None:
            if self._closed:
                return
            try:
                worker = self._start()
            except WorkerStartFailed:
                return
            if self._closed:                   # the pool closed while this one started
                self._stop(worker)
            else:
                into.put(worker)
        threading.Thread(target=start, daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker; a warm spare takes its place at once (a new spare starts in the background),
        or, with no spare ready, a new worker joins the idle ones when it has started."""
        self._stop(worker)
        with self._lock:
            self.replaced += 1
        try:
            self._idle.put(self._spares.get_nowait())
            self._start_in_background(self._spares)
        except queue.Empty:
            self._start_in_background(self._idle)

    def _remember_long(self, job: Job) -> None:
        with self._lock:
            self._known_long[job] = None
            self._known_long.move_to_end(job)
            while len(self._known_long) > REMEMBERED_LONG:
                self._known_long.popitem(last=False)

    def _is_known_long(self, job: Job) -> bool:
        with self._lock:
            return job in self._known_long

    def _refused_long(self) -> Answer:
        limits = self.limits
        return Answer.text(503, f"the server is already running {limits.long_queries} long "
                                f"quer{'y' if limits.long_queries == 1 else 'ies'} (over {limits.slow_after:g} s) "
                                "and keeps its other workers for short ones: this query was stopped; "
                                "try again shortly", retry_after=max(1, round(limits.slow_after)))

    # ----------------------------------------------------------------- running
    def run(self, job: Job) -> Answer:
        """The kept answer of a repeated job, else run it on the next free worker, within the limits;
        never raises for a bad query."""
        kept = self.answers.get(job)
        if kept is not None:
            return kept
        answer = self._run(job)
        self.answers.put(job, answer)
        return answer

    def _run(self, job: Job) -> Answer:
        holds_long = False
        if self.limits.timeout > self.limits.slow_after and self._is_known_long(job):
            if not self._long.acquire(blocking=False):
                return self._refused_long()        # at once: it would take a worker only to be stopped
            holds_long = True
        try:
            with self._lock:
                if self._waiting >= self.limits.queue and self._idle.empty():
                    return Answer.text(503, f"{self._waiting} requests are already waiting for a query worker; "
                                            "try again shortly", retry_after=1)
                self._waiting += 1
            try:
                worker = self._idle.get(timeout=self.limits.timeout)
            except queue.Empty:
                return Answer.text(503, f"no query worker became free within {self.limits.timeout:g} s; "
                                        "try again shortly", retry_after=max(1, round(self.limits.timeout)))
            finally:
                with self._lock:
                    self._waiting -= 1
            answer, holds_long = self._run_on(worker, job, holds_long)
            return answer
        finally:
            if holds_long:
                self._long.release()

    def _run_on(self, worker: _Worker, job: Job, holds_long: bool) -> tuple[Answer, bool]:
        """The answer of a worker to a job, and whether the job now holds a long-query slot."""
        limits = self.limits
        try:
            worker.connection.send((job, limits.max_rows))
            if not holds_long:
                if worker.connection.poll(min(limits.slow_after, limits.timeout)):
                    return self._receive(worker), False
                if limits.timeout <= limits.slow_after:
                    self._replace(worker)
                    return self._timed_out(), False
                self._remember_long(job)
                if not self._long.acquire(blocking=False):
                    self._replace(worker)
                    return self._refused_long(), False
                holds_long = True
                remaining = limits.timeout - limits.slow_after
            else:
                remaining = limits.timeout
            if worker.connection.poll(remaining):
                return self._receive(worker), holds_long
        except (EOFError, OSError):
            return self._died(worker), holds_long
        self._replace(worker)
        return self._timed_out(), holds_long

    def _timed_out(self) -> Answer:
        return Answer.text(503, f"the query ran longer than the server's timeout of {self.limits.timeout:g} s "
                                "and was stopped")

    def _receive(self, worker: _Worker) -> Answer:
        try:
            answer = worker.connection.recv()
        except (EOFError, OSError):
            return self._died(worker)
        self._idle.put(worker)
        return answer

    def _died(self, worker: _Worker) -> Answer:
        """The worker ended during the query: out of memory (Rust aborts, the kernel kills) or a crash."""
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        self._replace(worker)
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV) and self.limits.memory_mb:
            return Answer.text(503, f"the query needed more memory than a query worker's limit of "
                                    f"{self.limits.memory_mb} MB and was stopped (raise it with --max-memory)")
        return Answer.text(503, f"the query worker ended during the query (exit code {code}); it was replaced")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()


__all__ = ["QueryWorkers", "WorkerStartFailed"]
