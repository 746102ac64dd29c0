"""The ``exomirkg`` command: one entry point, one verb per job."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import CurationError, ExomirError, UnusableCuration
from .project import Project

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The exomir-kg checkout (default: found from the working directory, or $EXOMIRKG_ROOT).")


def _project(root: Path | None) -> Project:
    return Project.at(root) if root else Project.locate()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exomirkg")
def main() -> None:
    """exomir-kg: the claims of the review "Exosomal microRNAs in hepatocellular carcinoma"
    (Cancer Cell International 2021, doi:10.1186/s12935-021-01941-9) as a knowledge graph.

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
    """


@main.command()
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the RDF files here instead of kg/.")
def build(root: Path | None, out: Path | None) -> None:
    """Check the curation files and build the KG (Turtle, N-Triples, TriG, N-Quads).

    Every problem is reported as file:line: reason, and nothing is written when there is one.
    """
    from .build import build as run_build
    from .validate.engines import ValidationFailed
    try:
        project = _project(root)
        result = run_build(project, out)
    except CurationError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"build failed: {len(error.problems)} problem(s); nothing was written", err=True)
        sys.exit(2 if isinstance(error, UnusableCuration) else 1)     # 2: a file cannot be used at all
    except ValidationFailed as error:
        click.echo(str(error), err=True)
        click.echo("build failed: the built graph does not conform to shapes/; nothing was written", err=True)
        sys.exit(1)
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    claims = result.curation.claims
    click.echo(f"built {len(claims)} claims as nanopublications "
               f"({sum(1 for _ in result.dataset.quads((None, None, None, None)))} quads)")
    for name, count in sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {name:<16} {count:>4}")
    retracted = sum(1 for c in claims if c.retracted_references)
    click.echo(f"  review issues recorded: {len(result.curation.issues)}; "
               f"claims resting on retracted studies: {retracted}")
    for path in result.files.values():
        click.echo(f"  wrote {path}")


@main.command()
@root_option
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Copy the reference tables from this folder first (e.g. ../shared/reference).")
def imports(root: Path | None, source: Path | None) -> None:
    """Regenerate the term extracts in ontology/imports/ from the reference tables."""
    from .rdf.imports import copy_reference, write_imports
    try:
        project = _project(root)
        if source is not None:
            copied = copy_reference(source, project.reference_dir)
            click.echo(f"copied {len(copied)} reference files from {source}")
        for path, count in write_imports(project).items():
            click.echo(f"  {path.relative_to(project.root)}: {count} terms")
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@main.command()
@root_option
@click.option("--ontology-only", is_flag=True, help="Check the ontology and its imports without the KG.")
def reason(root: Path | None, ontology_only: bool) -> None:
    """Check with HermiT that the ontology, its imports and the built KG are consistent (needs Java)."""
    from .rdf.reasoning import check_consistency, ontology_graph
    try:
        report = check_consistency(ontology_graph(_project(root), with_kg=not ontology_only))
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"HermiT: {report.message} ({report.triples} triples)")
    sys.exit(0 if report.consistent else 1)


@main.command()
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
def validate(root: Path | None, files: tuple[Path, ...], output_format: str, engine: str, shapes: Path | None,
             parts: int | None, processes: int) -> None:
    """Validate the built KG (kg/exomir-kg.trig), or the RDF FILES given, against the SHACL shapes.

    Besides the shapes and the nanopublication structure, every miRBase, HGNC, GO, CL, UBERON,
    MONDO, ECO, ChEBI and Cellosaurus IRI must name an identifier of the reference tables.

    Exit 0 when it conforms, 1 on violations, 2 on unusable input (a file without triples, Jena
    failing or running out of memory: EXOMIRKG_JENA_HEAP=4g sets its heap). Violations of the
    project's own claims point at the curation file and line they come from.
    """
    from .build import claim_locations, read_curation
    from .ids.known import IdentifierCheck
    from .validate.engines import load_data, validate_nquads
    from .validate.engines import validate as run_validate
    try:
        project = _project(root)
        paths = list(files) or [project.kg_dir / "exomir-kg.trig"]
        identifiers = IdentifierCheck.for_project(project)
        if parts and len(paths) == 1 and paths[0].suffix == ".nq":
            report = validate_nquads(paths[0], shapes or project.shapes_path, engine, parts, processes,
                                     identifiers=identifiers)
        else:
            report = run_validate(load_data(paths), shapes or project.shapes_path, engine, parts, processes,
                                  identifiers=identifiers)
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    try:
        locations = claim_locations(read_curation(project)[0])
    except ExomirError:
        locations = {}
    if output_format == "turtle":
        click.echo(report.as_turtle())
    else:
        click.echo(report.as_text(locations))
    sys.exit(0 if report.conforms else 1)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        name, value = pair.split("=", 1)
        values[name.strip()] = value.strip()
    return values


@main.command()
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
    from .ids.prefixes import PrefixRegistry
    from .query.catalogue import ad_hoc, catalogue, find
    from .query.results import render
    from .query.store import EmbeddedStore, RemoteStore
    try:
        project = _project(root)
        folder = project.queries_dir
        if run_all:
            _run_all(project, engine)
            return
        if list_queries or not query:
            for stored in catalogue(folder).values():
                params_text = "".join(f"\n      --param {p.name}=...  {p.description}" for p in stored.parameters)
                click.echo(f"{stored.name}\n    {stored.question}{params_text}")
            if not list_queries:
                click.echo("\n(give a query NAME, a FILE.rq or - to run one)")
            return
        stored = ad_hoc(sys.stdin.read()) if query == "-" else find(folder, query)
        values = _parse_params(params)
        text = stored.bind(values, PrefixRegistry.load(project.prefixes_path))
        if show:
            click.echo(text)
            return
        store = RemoteStore(endpoint, graph) if endpoint else EmbeddedStore.for_project(project, engine)
        result = store.query(text)
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(render(result, output_format), nl=False)
    following = stored.next_page(values, len(result.rows))
    if following is not None:
        click.echo(f"(a full page of {len(result.rows)} answers: more may follow; the next page: "
                   + " ".join(f"--param {k}={v}" for k, v in following.items())
                   + "; every answer: --param page_size=*)", err=True)


def _run_all(project: Project, engine: str) -> None:
    import time

    from .ids.prefixes import PrefixRegistry
    from .query.catalogue import catalogue
    from .query.store import EmbeddedStore
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


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback unless you mean it).")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="On-disk store folder (default: .exomirkg/store in the checkout); built or refreshed when the KG changed.")
@click.option("--prepared", is_flag=True,
              help="Serve the --store folder as it is (an Oxigraph store built elsewhere, e.g. from a large release); never rebuild it.")
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=10000, show_default=True, type=int, help="Largest answer (rows or triples) served.")
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@click.option("--max-body", default=1_048_576, show_default=True, type=int,
              help="Largest request body in bytes; a larger one is refused (413) before it is read.")
@click.option("--max-memory", default=2048, show_default=True, type=int,
              help="Address space of one query worker in MB (store included); a query needing more is stopped (503). 0: no limit.")
@click.option("--slow-after", default=1.0, show_default=True, type=float,
              help="Seconds after which a query counts as long; at most workers-1 long queries run at once.")
@click.option("--queue", default=64, show_default=True, type=int,
              help="Requests that may wait for a free worker; more get 503 with Retry-After.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="Also allow SERVICE calls to this endpoint (repeatable); public biomedical endpoints are allowed by default.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="YAML file with 'allow_service: [URL, ...]'.")
def serve(root: Path | None, host: str, port: int, store_dir: Path | None, prepared: bool, timeout: float, max_rows: int,
          workers: int, max_body: int, max_memory: int, slow_after: float, queue: int, allow_service: tuple[str, ...],
          config_file: Path | None) -> None:
    """Serve the KG: SPARQL 1.1 endpoint at /sparql, HTML pages, dereferenceable IRIs (read-only).

    SERVICE calls go only to allowlisted endpoints; any other is refused (403) before anything is sent.
    """
    from .federation.services import ServiceAllowlist
    from .web.server import KnowledgeGraphServer, ServerConfig
    try:
        project = _project(root)
        allowlist = ServiceAllowlist.from_config(allow_service, config_file)
        if prepared and store_dir is None:
            raise ExomirError("--prepared needs --store FOLDER")
        server = KnowledgeGraphServer(project, store_dir or project.root / ".exomirkg" / "store",
                                      ServerConfig(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                                                   allowlist=allowlist, max_body=max_body, memory_mb=max_memory,
                                                   slow_after=slow_after, queue=queue), prepared)
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"serving exomir-kg on http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


@main.command()
@root_option
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the store (e.g. http://127.0.0.1:7878/query).")
@click.option("--update", "update_endpoint", default=None, help="SPARQL Update endpoint (default: the query endpoint).")
@click.option("--gsp", default=None, help="Graph Store Protocol endpoint (e.g. http://127.0.0.1:7878/store); "
              "without it the data goes in with INSERT DATA.")
@click.option("--gsp-graph-param", default="graph", show_default=True, help="Name of the GSP graph parameter (Virtuoso: graph-uri).")
@click.option("--graph", default="https://w3id.org/exomir-kg/graph/kg", show_default=True, help="Target named graph.")
@click.option("--user", default=None, help="User for HTTP authentication.")
@click.option("--password", default=None, help="Password for HTTP authentication.")
@click.option("--auth", type=click.Choice(["digest", "basic"]), default="digest", show_default=True)
@click.option("--batch", default=5000, show_default=True, type=int, help="Triples per request.")
def push(root: Path | None, endpoint: str, update_endpoint: str | None, gsp: str | None, gsp_graph_param: str,
         graph: str, user: str | None, password: str | None, auth: str, batch: int) -> None:
    """Load the KG (claims, ontology, imports) into a named graph of any SPARQL 1.1 store.

    The data goes to the staging graph <GRAPH>.staging first and replaces the target graph with one
    MOVE only when complete and counted. After a failure the store is read back and the message says
    what the target holds (exit 1). When the answer to the MOVE is lost but the read-back proves the
    target holds exactly what was sent: exit 0 with a warning. Pushing the same KG twice leaves the
    same triples (blank nodes become deterministic .well-known/genid/ IRIs).
    """
    from tqdm import tqdm

    from .publish.push import PushError, Target, kg_ntriples
    from .publish.push import push as run_push
    try:
        project = _project(root)
        lines = kg_ntriples(project)
        target = Target(endpoint, update_endpoint or endpoint, gsp, gsp_graph_param, user, password, auth)
        with tqdm(total=len(lines), unit="triples", desc="push", disable=None) as bar:
            result = run_push(project, target, graph, batch, bar.update, lines)
    except PushError as error:
        click.echo(f"push failed: {error}", err=True)
        sys.exit(1)
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"pushed {result.triples} triples into <{graph}> at {endpoint}")


@main.command()
@root_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def slice(root: Path | None, out: Path) -> None:
    """Write the miRBase-HGNC knowledge graph (a second KG for federation) as Turtle to OUT.

    \b
    exomirkg slice /tmp/mirbase-hgnc.ttl
    oxigraph load --location /tmp/other --file /tmp/mirbase-hgnc.ttl
    oxigraph serve --location /tmp/other --bind 127.0.0.1:7878
    exomirkg query federated-mirna-gene-names
    """
    from .federation.services import mirbase_hgnc_slice
    try:
        graph = mirbase_hgnc_slice(_project(root))
    except ExomirError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    out.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    click.echo(f"wrote {len(graph)} triples to {out}")


@main.command("release")
@root_option
@click.argument("version")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Folder that holds the versions.")
@click.option("--force", is_flag=True, help="Replace an existing version folder.")
@click.option("--date", default=None, help="Release date (YYYY-MM-DD); default: the curation's dataset date.")
def release_command(root: Path | None, version: str, out: Path, force: bool, date: str | None) -> None:
    """Cut release VERSION into OUT/VERSION: data in five RDF formats, TSV and KGX, ontology, shapes,
    queries, mappings, docs, a figure, metadata (HCLS, DCAT, VoID, Bioschemas, RO-Crate, CITATION.cff),
    reports and a claim-level changelog. It is written into a hidden folder and swapped into place:
    a failed or interrupted release leaves the previous one as it was. One release of a version runs
    at a time: a second one exits 3 at once (conflict). Hidden folders of killed releases in OUT
    are removed (or reported while their release is under way)."""
    from .errors import ConflictError
    from .publish.release import ReleaseError, release
    try:
        project = _project(root)
        result = release(project, version, out if out.is_absolute() else project.root / out, force, date)
    except ConflictError as error:
        click.echo(f"release failed: {error}", err=True)
        sys.exit(3)
    except (ReleaseError, ExomirError) as error:
        click.echo(f"release failed: {error}", err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"released {version} into {result.folder} ({len(result.files)} files); "
               f"claims added {len(result.changes['added'])}, removed {len(result.changes['removed'])}, "
               f"changed {len(result.changes['changed'])}")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
def fair(folder: Path) -> None:
    """Offline FAIR self-check of a release FOLDER: pass/fail per F-UJI metric, with the evidence."""
    from .publish.fair import fair_check
    results = fair_check(folder)
    for r in results:
        click.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.metric:<14} {r.name}\n      {r.evidence}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@main.command()
@root_option
@click.option("--sizes", default="1000,10000,100000", show_default=True, help="Comma-separated numbers of claims.")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the synthetic claims.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench/results.json"),
              show_default=True, help="Where the figures go (JSON).")
@click.option("--reference-up-to", default=10000, show_default=True, type=int,
              help="Run the pyshacl reference validation only up to this size (it is slow).")
@click.option("--parts", default=2, show_default=True, type=int,
              help="Validate in this many independent parts, one Jena SHACL process each (use the core count).")
@click.option("--no-endpoint", is_flag=True,
              help="Skip the load comparison of 'exomirkg serve' with the raw Oxigraph server.")
@click.option("--one", type=int, default=None, hidden=True)
@click.option("--no-reference", is_flag=True, hidden=True)
def bench(root: Path | None, sizes: str, seed: int, out: Path, reference_up_to: int, parts: int, no_endpoint: bool,
          one: int | None, no_reference: bool) -> None:
    """Benchmark build, validation (Jena SHACL in parallel parts; pyshacl on the whole graph as the
    reference), loading, every stored query and the release's data files on synthetic KGs with
    injected faults; print a table and write the figures as JSON. Nothing here asserts a time."""
    import json as json_module

    from .bench.runs import run, run_size, table
    project = _project(root)
    if one is not None:
        click.echo(json_module.dumps(run_size(project, one, seed, reference_validation=not no_reference, parts=parts,
                                              endpoint_load=not no_endpoint)))
        return
    size_list = [int(s) for s in sizes.split(",") if s.strip()]
    results = run(project, size_list, out if out.is_absolute() else project.root / out, seed, reference_up_to,
                  parts=parts, endpoint=not no_endpoint)
    click.echo(table(results))
