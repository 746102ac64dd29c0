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
  worker (a further one gets 503 and Retry-After at once).
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExomirError
from .jobs import Answer, Job, Limits
from .workers import worker_main


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
        self._closed = False
        for _ in range(self.limits.workers):
            self._idle.put(self._start())

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

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background (it joins the pool when ready)."""
        self._stop(worker)

        def start() -> None:
            if self._closed:
                return
            try:
                self._idle.put(self._start())
            except WorkerStartFailed:
                pass
        threading.Thread(target=start, daemon=True).start()

    # ----------------------------------------------------------------- running
    def run(self, job: Job) -> Answer:
        """Run a job on the next free worker, within the limits; never raises for a bad query."""
        with self._lock:
            if self._waiting >= self.limits.queue and self._idle.empty():
                return Answer.text(503, f"{self._waiting} requests are already waiting for a query worker; "
                                        "try again shortly", retry_after=1)
            self._waiting += 1
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            return Answer.text(503, f"no query worker became free within {self.limits.timeout:g} s; try again shortly",
                               retry_after=max(1, round(self.limits.timeout)))
        finally:
            with self._lock:
                self._waiting -= 1
        return self._run_on(worker, job)

    def _run_on(self, worker: _Worker, job: Job) -> Answer:
        limits = self.limits
        holds_long = False
        try:
            worker.connection.send((job, limits.max_rows))
            if worker.connection.poll(min(limits.slow_after, limits.timeout)):
                return self._receive(worker)
            if limits.timeout > limits.slow_after:
                if not self._long.acquire(blocking=False):
                    self._replace(worker)
                    return Answer.text(503, f"the server is already running {limits.long_queries} long "
                                            f"quer{'y' if limits.long_queries == 1 else 'ies'} (over {limits.slow_after:g} s) "
                                            "and keeps its other workers for short ones: this query was stopped; "
                                            "try again shortly", retry_after=max(1, round(limits.slow_after)))
                holds_long = True
                if worker.connection.poll(limits.timeout - limits.slow_after):
                    return self._receive(worker)
        except (EOFError, OSError):
            return self._died(worker)
        finally:
            if holds_long:
                self._long.release()
        self._replace(worker)
        return Answer.text(503, f"the query ran longer than the server's timeout of {limits.timeout:g} s and was stopped")

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
