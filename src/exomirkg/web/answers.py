"""Answers kept by the job that asked for them: the server's store is read-only for its whole
life, so the same query (text, dataset, bindings, format) always has the same answer, and a repeated
one need not take a query worker. Least recently used answers go first when the byte budget is
spent; an answer larger than a share of it, an error, or one that called a remote endpoint (its
answer may change) is never kept."""
from __future__ import annotations

import threading
from collections import OrderedDict

from .jobs import Answer, Job

LARGEST_SHARE = 16
"""An answer is kept only when it takes at most 1/16 of the budget."""


def answer_size(answer: Answer) -> int:
    """Bytes an answer holds, roughly: its body, and its parsed rows (for a page's query) at 200 B a term."""
    rows = answer.result.rows if answer.result is not None else []
    return len(answer.body) + 256 + sum(200 * len(row) for row in rows)


class AnswerCache:
    """A bounded, thread-safe map of jobs to their answers (``budget`` bytes; 0 keeps nothing; none
    larger than ``largest``, by default 1/:data:`LARGEST_SHARE` of the budget)."""

    def __init__(self, budget: int, largest: int | None = None):
        self.budget = budget
        self.largest = budget // LARGEST_SHARE if largest is None else largest
        self.used = 0
        self.hits = 0
        self._answers: OrderedDict[Job, tuple[Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job: Job) -> Answer | None:
        """The kept answer of ``job``, now the most recently used; None when there is none."""
        if not self.budget:
            return None
        with self._lock:
            kept = self._answers.get(job)
            if kept is None:
                return None
            self._answers.move_to_end(job)
            self.hits += 1
            return kept[0]

    def put(self, job: Job, answer: Answer) -> None:
        """Keep ``answer`` of ``job`` if it may be kept and fits; forget the least recently used to make room."""
        if not self.budget or answer.status != 200 or job.services:
            return
        size = answer_size(answer)
        if size > self.largest:
            return
        with self._lock:
            if job in self._answers:
                return
            while self.used + size > self.budget and self._answers:
                _, (_, freed) = self._answers.popitem(last=False)
                self.used -= freed
            self._answers[job] = (answer, size)
            self.used += size

    def __len__(self) -> int:
        return len(self._answers)


__all__ = ["AnswerCache", "answer_size"]
