"""The ``exomirkg`` command: one entry point, one verb per job.

Each verb lives in its own module and imports what it needs only when it runs, so that
``exomirkg --help`` stays fast. The options several verbs share are in :mod:`.options`; the exit
codes and the one map from errors to them in :mod:`.exits`, applied to every verb by
:func:`.exits.reports_errors`.
"""
from __future__ import annotations

import click

from .. import __version__
from ..dataset import REVIEW_CITATION, REVIEW_TITLE
from . import bench, build, fair, imports, nanopub, push, query, reason, release, serve, slice, validate
from .exits import group_epilog
from .options import CONTEXT_SETTINGS

HELP = f"""exomir-kg: the claims of the review "{REVIEW_TITLE}"
({REVIEW_CITATION}) as a knowledge graph.

\b
Typical run:
  exomirkg build          curation files -> nanopublications in kg/ (validated)
  exomirkg validate       SHACL shapes + nanopublication structure
  exomirkg query --list   the stored questions; exomirkg query NAME runs one
  exomirkg serve          SPARQL endpoint and HTML pages on 127.0.0.1:8080
  exomirkg push           load the KG into another SPARQL store
  exomirkg release 1.0.0  a FAIR, versioned release in dist/1.0.0
  exomirkg reason         HermiT consistency of ontology + imports + KG
  exomirkg imports        refresh ontology/imports/ from the reference tables

'exomirkg VERB --help' describes a verb, its options and its exit codes.
"""


@click.group(help=HELP, epilog=group_epilog(), context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="exomirkg")
def main() -> None:
    pass


for command in (build.build, validate.validate, query.query, serve.serve, push.push, release.release, fair.fair,
                reason.reason, imports.imports, slice.slice, bench.bench, nanopub.nanopub):
    main.add_command(command)
