"""What a benchmark run says of itself on stderr as it goes (``stage NAME S``, ``query NAME
MEDIAN P95``, ``figure NAME VALUE``), and how the runner reads it back when the run is stopped or
fails: nothing measured before the stop is lost."""
from __future__ import annotations

import sys
from typing import Any


def stages_said(stderr: str | bytes | None) -> dict[str, float]:
    """The ``stage NAME S`` lines of a run's stderr, as seconds by stage."""
    return _said(stderr, "stage", 1)


def _said(stderr: str | bytes | None, kind: str, values: int) -> dict[str, Any]:
    """The ``KIND NAME VALUE...`` lines of a run's stderr: NAME -> its number (or numbers, when
    ``values`` is more than one); a line that does not parse is not a figure."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr or ""
    found: dict[str, Any] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 + values and parts[0] == kind:
            try:
                numbers = [float(value) for value in parts[2:]]
            except ValueError:
                continue
            found[parts[1]] = numbers[0] if values == 1 else numbers
    return found


def figures_said(stderr: str | bytes | None) -> dict[str, Any]:
    """What a run that did not finish had said of itself on stderr: its stages' seconds (``stage NAME
    S``), its queries' medians and p95 (``query NAME MEDIAN P95``) and its single figures (``figure
    NAME VALUE``: quads, peak memory), in the shape of a finished run's figures."""
    said: dict[str, Any] = {"seconds": stages_said(stderr)}
    queries = _said(stderr, "query", 2)
    if queries:
        said["queries"] = {name: {"median_ms": median, "p95_ms": p95} for name, (median, p95) in queries.items()}
    return said | _said(stderr, "figure", 1)


def failure_said(stderr: str | None, returncode: int) -> str:
    """Why a run ended with ``returncode``: the last line of its stderr that is not one of its
    figures, with the exit status (a run killed by a signal says which)."""
    status = f"killed by signal {-returncode}" if returncode < 0 else f"exit {returncode}"
    lines = [line for line in (stderr or "").strip().splitlines()
             if line.strip() and line.split()[0] not in ("stage", "query", "figure")]
    return f"{lines[-1]} ({status})" if lines else status


def say(kind: str, name: str, *values: float) -> None:
    """Tell stderr a figure as soon as it is known (read back by :func:`figures_said`)."""
    print(kind, name, *values, file=sys.stderr, flush=True)


__all__ = ["failure_said", "figures_said", "say", "stages_said"]
