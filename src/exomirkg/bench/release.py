"""The full release in the benchmark: ``exomirkg release`` of the synthetic claims of one size,
its seconds, the seconds of each of its steps and its peak memory."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from ..project import Project
from .memory import PeakMemory
from .said import say


def release_figures(project: Project, size: int, seed: int, claims_per_source: int) -> dict:
    """``exomirkg release`` of ``size`` synthetic claims (without faults: a release refuses a KG that
    breaks a shape): its seconds, the seconds of each step (the build, then each product) and the
    peak memory of this process and its children meanwhile."""
    from ..publish.release import release
    from .synthetic import synthetic_curation
    curation = synthetic_curation(project, size, seed, 0, claims_per_source)
    steps: dict[str, float] = {}
    last: list = [None, time.perf_counter()]

    def progress(name: str | None) -> None:
        now = time.perf_counter()
        if last[0] is not None:
            steps[last[0]] = round(now - last[1], 3)
        last[:] = [name, now]
    peak = PeakMemory().start()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=os.environ.get("EXOMIRKG_BENCH_TMP")) as out:
        release(project, "0.1.0", Path(out), progress=progress, curation=curation)
        progress(None)
    seconds = round(time.perf_counter() - start, 3)
    peak.stop()
    say("figure", "release", seconds)
    return {"seconds": seconds, "steps": steps, "peak_mb": peak.mb}
