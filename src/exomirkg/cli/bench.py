"""``exomirkg bench``: build, validation, loading, queries and release on synthetic KGs."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import in_checkout, project_at, root_option


def _sizes(value: str) -> tuple[int, ...]:
    """``--sizes`` as whole numbers of claims, each at least 1; a usage error otherwise."""
    try:
        sizes = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of whole numbers", param_hint="--sizes") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("give at least one size, each 1 claim or more", param_hint="--sizes")
    return sizes


@click.command(short_help="Benchmark build, validation, store, queries and endpoint.",
               epilog=epilog(OK="figures written", UNUSABLE="a tool missing (Java, Jena, Virtuoso), or not a checkout"))
@root_option
@click.option("--sizes", default="1000,10000,100000", show_default=True, callback=lambda ctx, param, value: _sizes(value),
              help="Comma-separated numbers of claims.")
@click.option("--runs", "repeats", default=3, show_default=True, type=click.IntRange(1, 20),
              help="Runs per size, each in a fresh process; the table gives their minimum and median.")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the synthetic claims.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench/results.json"),
              show_default=True, help="Where the figures go (JSON; relative to the checkout).")
@click.option("--reference-up-to", default=100000, show_default=True, type=int,
              help="Run the pyshacl reference validation only up to this size (it is slow).")
@click.option("--parts", default=None, type=click.IntRange(1, 10000),
              help="Validate in this many independent parts, one Jena SHACL process each  [default: one per core, "
                   "more for large KGs: at most 3 million triples a part]")
@click.option("--no-endpoint", is_flag=True,
              help="Skip the load comparison of 'exomirkg serve' with the raw Oxigraph server and Virtuoso.")
@click.option("--no-virtuoso", is_flag=True, help="Skip Virtuoso in the endpoint comparison.")
@click.option("--timeout", "run_timeout", default=None, type=click.FloatRange(1),
              help="Seconds a run may take; a run stopped keeps the figures it said (stages, queries, peak)  "
                   "[default: an hour for every 250,000 claims]")
@click.option("--release-up-to", default=10000, show_default=True, type=int,
              help="Time the full 'exomirkg release' of the synthetic claims only up to this size.")
@click.option("--one", type=int, default=None, hidden=True)
@click.option("--release", "full_release", is_flag=True, hidden=True)
@click.option("--no-reference", is_flag=True, hidden=True)
@reports_errors()
def bench(root: Path | None, sizes: tuple[int, ...], repeats: int, seed: int, out: Path, reference_up_to: int,
          parts: int | None, no_endpoint: bool, no_virtuoso: bool, run_timeout: float | None, release_up_to: int,
          one: int | None, full_release: bool, no_reference: bool) -> None:
    """Benchmark build, validation (Jena SHACL in parallel parts; pyshacl on the whole graph as the
    reference), loading, every stored query, the endpoint under load (beside the raw Oxigraph server
    and Virtuoso), the release's data files and (up to --release-up-to) the full release, on synthetic
    multi-source KGs with injected faults;
    print a table and write the figures as JSON. Nothing here asserts a time."""
    import json as json_module

    from ..bench.runs import run, run_size, table
    project = project_at(root)
    if one is not None:
        click.echo(json_module.dumps(run_size(project, one, seed, reference_validation=not no_reference, parts=parts,
                                              endpoint_load=not no_endpoint, virtuoso=not no_virtuoso,
                                              full_release=full_release)))
        return
    from .progress import steps
    with steps(len(sizes) * repeats, "bench", unit="run") as step:
        results = run(project, list(sizes), in_checkout(out, project), seed, reference_up_to, run_timeout, parts=parts,
                      endpoint=not no_endpoint, repeats=repeats, virtuoso=not no_virtuoso, progress=step,
                      release_up_to=release_up_to)
    click.echo(table(results))
