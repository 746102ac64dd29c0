"""The options and helpers several verbs share, defined once."""
from __future__ import annotations

from pathlib import Path

import click

from ..project import Project

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The exomir-kg checkout (default: found from the working directory, or $EXOMIRKG_ROOT).")


def project_at(root: Path | None) -> Project:
    """The checkout given by ``--root``, else the one found from the working directory."""
    return Project.at(root) if root else Project.locate()


def in_checkout(path: Path, project: Project) -> Path:
    """``path`` as given when absolute, else relative to the checkout (``--out dist``)."""
    return path if path.is_absolute() else project.root / path
