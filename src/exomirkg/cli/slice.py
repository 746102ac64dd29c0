"""``exomirkg slice``: the miRBase-HGNC knowledge graph, a second KG for federation."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import project_at, root_option


@click.command(short_help="Write the miRBase-HGNC KG (for federation) as Turtle to OUT.",
               epilog=epilog(OK="written", UNUSABLE="a reference table missing or unreadable, or not a checkout"))
@root_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors()
def slice(root: Path | None, out: Path) -> None:
    """Write the miRBase-HGNC knowledge graph (a second KG for federation) as Turtle to OUT.

    \b
    exomirkg slice /tmp/mirbase-hgnc.ttl
    oxigraph load --location /tmp/other --file /tmp/mirbase-hgnc.ttl
    oxigraph serve --location /tmp/other --bind 127.0.0.1:7878
    exomirkg query federated-mirna-gene-names
    """
    from ..federation.services import mirbase_hgnc_slice
    graph = mirbase_hgnc_slice(project_at(root))
    out.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    click.echo(f"wrote {len(graph)} triples to {out}")
