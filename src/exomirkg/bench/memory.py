"""The peak memory of a process and its descendants together, sampled from ``/proc``.

``ru_maxrss`` gives each process's own peak, not when the peaks happened: when the store loads
beside the Jena JVMs, their sum at one moment is what the machine must hold. A thread reads
the resident set of this process and of every descendant (``/proc/PID/stat``) a few times a
second and keeps the largest sum. Linux only; elsewhere it reports nothing (``None``).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _processes() -> dict[int, tuple[int, int]]:
    """Every process's (parent, resident pages), from ``/proc``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:          # ended while read
            continue
        fields = text[text.rindex(")") + 2:].split()     # after the command name, which may hold spaces
        found[int(entry.name)] = (int(fields[1]), int(fields[21]))
    return found


def tree_resident_mb(root: int) -> float:
    """The resident memory, in MB, of process ``root`` and all its descendants now."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += processes.get(pid, (0, 0))[1]
        todo.extend(children.get(pid, []))
    return total * PAGE / 2**20


class PeakMemory:
    """``with PeakMemory() as peak: ...`` then ``peak.mb``: the largest resident memory of this
    process and its descendants together, sampled every ``interval`` seconds (None off Linux)."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)

    def _sample(self) -> None:
        root = os.getpid()
        while True:
            now = tree_resident_mb(root)
            self.mb = max(self.mb or 0.0, now)
            if self._stop.wait(self.interval):
                return

    def start(self) -> Self:
        """Start sampling (not off Linux); return self."""
        if Path("/proc/self/stat").exists():
            self._thread.start()
        return self

    def stop(self) -> float | None:
        """Stop sampling; return the peak in MB (None when nothing was sampled)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self.mb is not None:
            self.mb = round(self.mb, 1)
        return self.mb

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stop()
