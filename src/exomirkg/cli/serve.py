"""``exomirkg serve``: the read-only SPARQL endpoint and HTML pages."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExomirError
from .exits import epilog, reports_errors
from .options import project_at, root_option


@click.command(short_help="Serve the KG: SPARQL endpoint, HTML pages, dereferenceable IRIs.",
               epilog=epilog(OK="stopped with Ctrl-C",
                             UNUSABLE="a bad limit, --prepared without --store, a store that cannot be opened, "
                                      "the KG not built, or not a checkout"))
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback unless you mean it).")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="On-disk store folder (default: .exomirkg/store in the checkout); built or refreshed when the KG changed.")
@click.option("--prepared", is_flag=True,
              help="Serve the --store folder as it is (an Oxigraph store built elsewhere, e.g. from a large release); never rebuild it.")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Serve this release folder (e.g. dist/0.1.0): its nanopublications by their trusty IRIs.")
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
@click.option("--cache-mb", default=64, show_default=True, type=int,
              help="Memory for the answers of repeated queries, answered without a worker (the store is read-only). 0: none.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="Also allow SERVICE calls to this endpoint (repeatable); public biomedical endpoints are allowed by default.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="YAML file with 'allow_service: [URL, ...]'.")
@reports_errors()
def serve(root: Path | None, host: str, port: int, store_dir: Path | None, prepared: bool, release_dir: Path | None,
          timeout: float, max_rows: int,
          workers: int, max_body: int, max_memory: int, slow_after: float, queue: int, cache_mb: int, allow_service: tuple[str, ...],
          config_file: Path | None) -> None:
    """Serve the KG: SPARQL 1.1 endpoint at /sparql, HTML pages, dereferenceable IRIs (read-only).

    SERVICE calls go only to allowlisted endpoints; any other is refused (403) before anything is sent.
    """
    from ..federation.services import ServiceAllowlist
    from ..web.server import KnowledgeGraphServer, ServerConfig
    project = project_at(root)
    allowlist = ServiceAllowlist.from_config(allow_service, config_file)
    if prepared and store_dir is None:
        raise ExomirError("--prepared needs --store FOLDER")
    if prepared and release_dir is not None:
        raise ExomirError("--prepared serves a store as it is; --release builds one: give one of them")
    default_store = project.root / ".exomirkg" / (f"store-release-{release_dir.resolve().name}" if release_dir else "store")
    server = KnowledgeGraphServer(project, store_dir or default_store,
                                  ServerConfig(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                                               allowlist=allowlist, max_body=max_body, memory_mb=max_memory,
                                               slow_after=slow_after, queue=queue, cache_mb=cache_mb), prepared, release_dir)
    click.echo(f"serving exomir-kg on http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
