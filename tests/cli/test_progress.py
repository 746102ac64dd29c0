"""Progress of long steps (issue 18): named steps counted on standard error, on a terminal only."""
from __future__ import annotations

import time

from exomirkg.cli.progress import steps


def test_steps_name_each_step_and_count_them_all(capsys):
    with steps(3, "release 9.9.9", show=True) as step:
        for name in ("build and validate", "kg", "figure"):
            step(name)
            time.sleep(0.01)
    err = capsys.readouterr().err
    assert "release 9.9.9: 3/3 steps" in err and "figure" in err and "build and validate" in err


def test_no_bar_when_not_on_a_terminal(capsys):
    with steps(2, "reason") as step:             # pytest's stderr is not a terminal
        step("HermiT")
    assert capsys.readouterr().err == ""
