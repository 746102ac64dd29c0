"""``exomirkg query``: the stored questions (or any SPARQL) on the embedded store or an endpoint."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..project import Project
from .exits import epilog, reports_errors
from .options import project_at, root_option


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        name, value = pair.split("=", 1)
        values[name.strip()] = value.strip()
    return values


@click.command(short_help="Run a stored query (NAME), a FILE.rq or - (standard input).",
               epilog=epilog(OK="answered (or listed)",
                             UNUSABLE="unknown query, bad --param, a query that does not parse or run, "
                                      "the KG not built, or not a checkout"))
@root_option
@click.argument("query", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the stored queries and their parameters.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a query parameter (repeatable); VALUE * means any value.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Embedded SPARQL engine.")
@click.option("--show", is_flag=True, help="Print the query text that would run, and do not run it.")
@click.option("--endpoint", default=None, help="Run on this SPARQL endpoint instead of the embedded store.")
@click.option("--graph", default=None, help="With --endpoint: the named graph holding the KG there (default-graph-uri).")
@click.option("--all", "run_all", is_flag=True, help="Run every stored query with its defaults; print rows and time.")
@reports_errors()
def query(root: Path | None, query: str | None, list_queries: bool, params: tuple[str, ...],
          output_format: str, engine: str, show: bool, run_all: bool, endpoint: str | None, graph: str | None) -> None:
    """Run a stored query by NAME, a FILE.rq, or - (a query on standard input) on the embedded store.

    \b
    exomirkg query --list
    exomirkg query --all
    exomirkg query targets-of-mirna --param mirna=miR-210
    exomirkg query mirnas-affecting-process --param process=GO:0006915 --format csv
    echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | exomirkg query -
    """
    from ..ids.prefixes import PrefixRegistry
    from ..query.catalogue import ad_hoc, catalogue, find
    from ..query.results import render
    from ..query.store import EmbeddedStore, QueryResult, RemoteStore
    project = project_at(root)
    folder = project.queries_dir
    if run_all:
        _run_all(project, engine)
        return
    if list_queries or not query:
        registry = PrefixRegistry.load(project.prefixes_path)
        for stored in catalogue(folder).values():
            params_text = "".join(f"\n      --param {p.name}=...  {p.description} (default: {stored.shown_default(p, registry) or 'none'})"
                                  for p in stored.parameters)
            click.echo(f"{stored.name}\n    {stored.question}{params_text}")
        if not list_queries:
            click.echo("\n(give a query NAME, a FILE.rq or - to run one)")
        return
    chosen = ad_hoc(sys.stdin.read()) if query == "-" else find(folder, query)
    values = _parse_params(params)
    registry = PrefixRegistry.load(project.prefixes_path)
    stores: list[EmbeddedStore | RemoteStore] = []

    def store() -> EmbeddedStore | RemoteStore:        # opened when a value needs the KG, or to run
        if not stores:
            stores.append(RemoteStore(endpoint, graph) if endpoint else EmbeddedStore.for_project(project, engine))
        return stores[0]

    def lookup(text: str) -> QueryResult:
        return store().query(text)
    text = chosen.bind(values, registry, lookup)
    if show:
        click.echo(text)
        return
    result = store().query(text)
    click.echo(render(result, output_format), nl=False)
    if not result.rows and result.boolean is None and values:
        from ..query.parameters import unmatched
        for name in unmatched(chosen.terms(values, registry, lookup), lookup):
            click.echo(f"warning: --param {name}={values[name]} matches nothing in the KG: no answer can have it",
                       err=True)
    following = chosen.next_page(values, len(result.rows))
    if following is not None:
        click.echo(f"(a full page of {len(result.rows)} answers: more may follow; the next page: "
                   + " ".join(f"--param {k}={v}" for k, v in following.items())
                   + "; every answer: --param page_size=*)", err=True)


def _run_all(project: Project, engine: str) -> None:
    import time

    from ..ids.prefixes import PrefixRegistry
    from ..query.catalogue import catalogue
    from ..query.store import EmbeddedStore
    store = EmbeddedStore.for_project(project, engine)
    registry = PrefixRegistry.load(project.prefixes_path)
    stored = catalogue(project.queries_dir)
    click.echo(f"{len(stored)} stored queries on the embedded store ({engine}):")
    for item in stored.values():
        if item.is_federated:
            click.echo(f"  {item.name:<55} {'skipped':>9}  (federated: {', '.join(item.federated)})")
            continue
        start = time.perf_counter()
        result = store.query(item.bind({}, registry))
        elapsed = (time.perf_counter() - start) * 1000
        answer = str(result.boolean).lower() if result.boolean is not None else f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}"
        click.echo(f"  {item.name:<55} {answer:>9}  {elapsed:7.1f} ms")
