"""``exomirkg imports``: the term extracts in ontology/imports/, from the reference tables."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import project_at, root_option


@click.command(short_help="Regenerate ontology/imports/ from the reference tables.",
               epilog=epilog(OK="extracts written", UNUSABLE="a reference table missing or unreadable, or not a checkout"))
@root_option
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Copy the reference tables from this folder first (e.g. ../shared/reference).")
@reports_errors()
def imports(root: Path | None, source: Path | None) -> None:
    """Regenerate the term extracts in ontology/imports/ from the reference tables."""
    from ..rdf.imports import copy_reference, write_imports
    project = project_at(root)
    if source is not None:
        copied = copy_reference(source, project.reference_dir)
        click.echo(f"copied {len(copied)} reference files from {source}")
    for path, count in write_imports(project).items():
        click.echo(f"  {path.relative_to(project.root)}: {count} terms")
