"""``exomirkg build``: curation files -> checked, validated KG files."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import project_at, root_option


@click.command(short_help="Check the curation files and build the KG into kg/.",
               epilog=epilog(OK="built and written",
                             FAILED="curation problems, or the built graph breaks shapes/ (nothing written)",
                             UNUSABLE="a curation file cannot be used at all, or not a checkout"))
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the RDF files here instead of kg/.")
@reports_errors()
def build(root: Path | None, out: Path | None) -> None:
    """Check the curation files and build the KG (Turtle, N-Triples, TriG, N-Quads).

    Every problem is reported as file:line: reason, and nothing is written when there is one.
    """
    from ..build import build as run_build
    from ..ids.namespaces import EXO
    result = run_build(project_at(root), out)
    claims = result.curation.claims
    click.echo(f"built {len(claims)} claims as nanopublications "
               f"({result.quads} quads)")
    for name, count in sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {name:<16} {count:>4}")
    retracted = sum(1 for c in claims if c.retracted_references)
    problematic = len(set(result.dataset.subjects(EXO.restsOnProblematicCellLine, None)))
    click.echo(f"  review issues recorded: {len(result.curation.issues)}; "
               f"claims resting on retracted studies: {retracted}; on problematic cell lines: {problematic}")
    for path in result.files.values():
        click.echo(f"  wrote {path}")
