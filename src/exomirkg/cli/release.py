"""``exomirkg release``: a FAIR, versioned release, written whole or not at all."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import in_checkout, project_at, root_option


@click.command(short_help="Cut a FAIR, versioned release into OUT/VERSION.",
               epilog=epilog(OK="released",
                             FAILED="curation problems, or the built graph breaks shapes/ (nothing released)",
                             UNUSABLE="a bad VERSION, VERSION exists without --force, Graphviz or pyLODE missing "
                                      "or failing, a curation file unusable, or not a checkout",
                             CONFLICT="another release of VERSION is under way in OUT; retry when it has finished"))
@root_option
@click.argument("version")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Folder that holds the versions (relative to the checkout).")
@click.option("--force", is_flag=True, help="Replace an existing version folder.")
@click.option("--date", default=None, help="Release date (YYYY-MM-DD); default: the curation's dataset date.")
@reports_errors(prefix="release failed")
def release(root: Path | None, version: str, out: Path, force: bool, date: str | None) -> None:
    """Cut release VERSION into OUT/VERSION: data in five RDF formats, TSV and KGX, ontology, shapes,
    queries, mappings, docs, a figure, metadata (HCLS, DCAT, VoID, Bioschemas, RO-Crate, CITATION.cff),
    reports and a claim-level changelog.

    It is written into a hidden folder and swapped into place: a failed or interrupted release
    leaves the previous one as it was. One release of a version runs at a time: a second one exits
    3 at once (conflict). Hidden folders of killed releases in OUT are removed (or reported while
    their release is under way).
    """
    from ..publish.release import release as run_release
    project = project_at(root)
    result = run_release(project, version, in_checkout(out, project), force, date)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"released {version} into {result.folder} ({len(result.files)} files); "
               f"claims added {len(result.changes['added'])}, removed {len(result.changes['removed'])}, "
               f"changed {len(result.changes['changed'])}")
