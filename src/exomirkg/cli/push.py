"""``exomirkg push``: the KG into a named graph of another SPARQL store."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import project_at, root_option


@click.command(short_help="Load the KG into a named graph of any SPARQL 1.1 store.",
               epilog=epilog(OK="pushed (or proven complete although the answer to the MOVE was lost: a warning)",
                             FAILED="the push failed; the message says what the target graph holds now",
                             UNUSABLE="the KG not built, or not a checkout"))
@root_option
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the store (e.g. http://127.0.0.1:7878/query).")
@click.option("--update", "update_endpoint", default=None, help="SPARQL Update endpoint (default: the query endpoint).")
@click.option("--gsp", default=None, help="Graph Store Protocol endpoint (e.g. http://127.0.0.1:7878/store); "
              "without it the data goes in with INSERT DATA.")
@click.option("--gsp-graph-param", default="graph", show_default=True, help="Name of the GSP graph parameter (Virtuoso: graph-uri).")
@click.option("--graph", default="https://w3id.org/exomir-kg/graph/kg", show_default=True, help="Target named graph.")
@click.option("--user", default=None, help="User for HTTP authentication.")
@click.option("--password", default=None, help="Password for HTTP authentication.")
@click.option("--auth", type=click.Choice(["digest", "basic"]), default="digest", show_default=True,
              help="HTTP authentication scheme.")
@click.option("--batch", default=5000, show_default=True, type=int, help="Triples per request.")
@reports_errors()
def push(root: Path | None, endpoint: str, update_endpoint: str | None, gsp: str | None, gsp_graph_param: str,
         graph: str, user: str | None, password: str | None, auth: str, batch: int) -> None:
    """Load the KG (claims, ontology, imports) into a named graph of any SPARQL 1.1 store.

    The data goes to the staging graph <GRAPH>.staging first and replaces the target graph with one
    MOVE only when complete and counted. After a failure the store is read back and the message says
    what the target holds. Pushing the same KG twice leaves the same triples (blank nodes become
    deterministic .well-known/genid/ IRIs).
    """
    from tqdm import tqdm

    from ..publish.push import Target, kg_ntriples
    from ..publish.push import push as run_push
    project = project_at(root)
    lines = kg_ntriples(project)
    target = Target(endpoint, update_endpoint or endpoint, gsp, gsp_graph_param, user, password, auth)
    with tqdm(total=len(lines), unit="triples", desc="push", disable=None) as bar:
        result = run_push(project, target, graph, batch, bar.update, lines)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"pushed {result.triples} triples into <{graph}> at {endpoint}")
