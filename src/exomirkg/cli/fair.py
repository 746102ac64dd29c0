"""``exomirkg fair``: the offline FAIR self-check of a release folder."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import Exit, epilog, leave, reports_errors


@click.command(short_help="Offline FAIR self-check of a release FOLDER.",
               epilog=epilog(OK="every metric passes", FAILED="a metric fails",
                             UNUSABLE="FOLDER does not exist or is not a release (no manifest.json)"))
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--server", default=None, metavar="URL",
              help="A running `exomirkg serve --release FOLDER` (e.g. http://127.0.0.1:8080): the persistent-identifier "
                   "metric then requests there what the release's w3id.org rules redirect to, instead of checking it "
                   "against the server's routes.")
@reports_errors()
def fair(folder: Path, server: str | None) -> None:
    """Offline FAIR self-check of a release FOLDER: pass/fail per F-UJI metric, with the evidence.

    FsF-F1-02D (persistent identifier) tests the release's w3id.org rules (w3id/exomir-kg/.htaccess):
    a claim, a nanopublication, the ontology, a release and its files, the dataset and the endpoint,
    asked for as HTML and as Turtle, must be redirected to URLs that the project's server answers.
    """
    from ..publish.fair import fair_check
    if not (folder / "manifest.json").is_file():
        raise click.BadParameter(f"{folder} is not a release folder (it has no manifest.json); "
                                 "give the folder 'exomirkg release' wrote, e.g. dist/0.1.0", param_hint="FOLDER")
    results = fair_check(folder, server)
    for r in results:
        click.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.metric:<14} {r.name}\n      {r.evidence}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    leave(Exit.FAILED if failed else Exit.OK)
