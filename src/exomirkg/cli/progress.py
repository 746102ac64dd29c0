"""Progress for the verbs' long steps: a tqdm bar over named steps on standard error, whose elapsed
time keeps ticking while a step runs (a thread refreshes it), shown only on a terminal."""
from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Step(Protocol):
    def __call__(self, name: str) -> None: ...


@contextmanager
def steps(total: int, what: str, unit: str = "step", show: bool | None = None) -> Iterator[Step]:
    """``with steps(3, "release") as step: step("kg"); ...``: each call finishes the step before and
    names the one that starts. ``show``: None shows it on a terminal only."""
    from tqdm import tqdm
    bar = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, disable=None if show is None else not show, leave=True,
               bar_format="{desc}: {n_fmt}/{total_fmt} {unit}s [{elapsed}] {postfix}")
    started = [False]
    done = threading.Event()

    def tick() -> None:
        while not done.wait(0.5):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    if not bar.disable:
        ticker.start()

    def step(name: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(name)

    try:
        yield step
        if started[0]:
            bar.update(1)
    finally:
        done.set()
        bar.close()


__all__ = ["Step", "steps"]
