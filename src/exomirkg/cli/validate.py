"""``exomirkg validate``: SHACL shapes, nanopublication structure and identifiers."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExomirError
from .exits import Exit, epilog, leave, reports_errors
from .options import project_at, root_option


@click.command(short_help="Validate the KG, or RDF FILES, against the SHACL shapes.",
               epilog=epilog(OK="conforms", FAILED="violations (listed by claim, with file:line)",
                             UNUSABLE="a file without triples or unreadable, Jena missing, failing or out of memory "
                                      "(EXOMIRKG_JENA_HEAP=4g sets its heap), or not a checkout"))
@root_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "turtle"]), default="text",
              show_default=True, help="text: violations grouped by claim; turtle: the sh:ValidationReport.")
@click.option("--engine", type=click.Choice(["pyshacl", "rudof", "jena"]), default="pyshacl", show_default=True,
              help="SHACL engine: pyshacl (reference), rudof (PyPI) or jena (Debian libapache-jena-java, for large graphs).")
@click.option("--shapes", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Shapes file (default: shapes/exomir-shapes.ttl).")
@click.option("--parts", type=int, default=None,
              help="Validate in this many independent parts (the same violations; for large graphs). "
                   "A single .nq file is then read by pyoxigraph, never by rdflib.")
@click.option("--processes", type=int, default=1, show_default=True, help="With --parts: parts validated in parallel.")
@reports_errors()
def validate(root: Path | None, files: tuple[Path, ...], output_format: str, engine: str, shapes: Path | None,
             parts: int | None, processes: int) -> None:
    """Validate the built KG (kg/exomir-kg.trig), or the RDF FILES given, against the SHACL shapes.

    Besides the shapes and the nanopublication structure, every miRBase, HGNC, GO, CL, UBERON,
    MONDO, ECO, ChEBI and Cellosaurus IRI must name an identifier of the reference tables.
    Violations of the project's own claims point at the curation file and line they come from.
    """
    from ..build import claim_locations, read_curation
    from ..ids.known import IdentifierCheck
    from ..validate.engines import load_data, validate_nquads
    from ..validate.engines import validate as run_validate
    project = project_at(root)
    paths = list(files) or [project.kg_dir / "exomir-kg.trig"]
    identifiers = IdentifierCheck.for_project(project)
    if parts and len(paths) == 1 and paths[0].suffix == ".nq":
        report = validate_nquads(paths[0], shapes or project.shapes_path, engine, parts, processes,
                                 identifiers=identifiers)
    else:
        report = run_validate(load_data(paths), shapes or project.shapes_path, engine, parts, processes,
                              identifiers=identifiers)
    try:
        locations = claim_locations(read_curation(project)[0])
    except ExomirError:             # the curation files do not read: violations without file:line
        locations = {}
    if output_format == "turtle":
        click.echo(report.as_turtle())
    else:
        click.echo(report.as_text(locations))
    leave(Exit.OK if report.conforms else Exit.FAILED)
