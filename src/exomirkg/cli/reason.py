"""``exomirkg reason``: HermiT consistency of the ontology, its imports and the KG."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import Exit, epilog, leave, reports_errors
from .options import project_at, root_option


@click.command(short_help="Check with HermiT that ontology, imports and KG are consistent.",
               epilog=epilog(OK="consistent", FAILED="inconsistent",
                             UNUSABLE="HermiT cannot run (no Java), the KG is not built, or not a checkout"))
@root_option
@click.option("--ontology-only", is_flag=True, help="Check the ontology and its imports without the KG.")
@reports_errors()
def reason(root: Path | None, ontology_only: bool) -> None:
    """Check with HermiT that the ontology, its imports and the built KG are consistent (needs Java)."""
    from ..rdf.reasoning import check_consistency, ontology_graph
    from .progress import steps
    with steps(2, "reason") as step:
        step("reading the ontology, its imports" + ("" if ontology_only else " and the KG"))
        graph = ontology_graph(project_at(root), with_kg=not ontology_only)
        step("HermiT (about 20 s)")
        report = check_consistency(graph)
    click.echo(f"HermiT: {report.message} ({report.triples} triples)")
    leave(Exit.OK if report.consistent else Exit.FAILED)
