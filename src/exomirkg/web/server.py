"""``exomirkg serve``: the KG over HTTP, for machines (SPARQL 1.1 Protocol) and for people (HTML).

Routes (:data:`ROUTES`, one small handler each):

- ``/sparql``: SPARQL 1.1 Protocol query (GET, POST form, POST ``application/sparql-query``);
  results by content negotiation; ``FROM``/``FROM NAMED`` and ``default-graph-uri``/``named-graph-uri``
  are honoured (else the default graph is the union of all graphs); without a query, the SPARQL
  service description. Updates are refused (403): the endpoint is read-only.
- ``/.well-known/void``: the VoID description; ``/.well-known/sparql-examples``: the stored queries.
- ``/``: the landing page; ``/query?name=..`` or ``/query?q=..``: a query's results as HTML.
- ``/release/0.1.0/``, ``/release/0.1.0/data/exomir-kg.ttl``: with ``--release``, that release's landing
  page (or DCAT description, RO-Crate, by content negotiation) and files (:mod:`.release_site`).
- ``/claim/C001``, ``/claim/C001/edge/1``, ``/panel/C010``, ``/np/C001``, ``/np/C001/assertion``, ``/graph/entities``, ``/reference/117``,
  ``/quote/..``, ``/issue/I01``, ``/ontology/Term``, ``/dataset``, ``/mirna/MIMAT0000254``,
  ``/entity?iri=..``: every IRI of the KG, dereferenced with content negotiation (HTML for a
  browser; Turtle, JSON-LD, N-Triples, and TriG for nanopublications and graphs; ``?format=``
  overrides the Accept header).

Every query, the pages' included, runs in the query workers under the same limits (timeout, row
cap, memory, queue; see :mod:`exomirkg.web.pool`); request-derived IRIs reach page queries only as
bound terms (:mod:`exomirkg.web.page_queries`). Requests are bounded too: a body over ``max_body``
bytes is refused with 413 before it is read, bad lengths and encodings get 400, chunked bodies
are read within the same bound, and a client that stalls mid-request is dropped after ``socket_timeout``.

It runs a little over 400 lines because the route table and its handlers read best side by side;
the HTTP plumbing is in :mod:`.http`, the pages in :mod:`.pages`, the self-description in :mod:`.documents`.
"""
from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from ..errors import ExomirError
from ..federation.services import ServiceAllowlist, ServiceRefused
from ..ids.namespaces import BASE, sparql_prologue
from ..nanopub import check as check_nanopub
from ..project import Project
from ..query.catalogue import BadParameter, StoredQuery, catalogue
from ..query.sparql_syntax import dataset_clauses
from ..query.store import QueryResult
from . import browse, page_queries
from .documents import service_description, void_description
from .http import HTML, BodyReader, Request, RequestRefused, Responder, parse_params, utf8
from .jobs import Answer, Job, Limits, QueryDataset
from .linkouts import Linker
from .negotiation import negotiate
from .page_queries import NotAnIRI, PageQueryFailed, checked_iri
from .pages import (
    claim_page,
    claims_page,
    entity_page,
    error_page,
    graph_page,
    index_page,
    landing,
    local_link,
    nanopub_page,
    next_page_link,
    not_found,
    not_in_release,
    problems_page,
    query_form,
    query_page,
    result_table,
    search_page,
)
from .pool import QueryWorkers
from .release_site import INDEX, ReleaseSite
from .workers import CONTENT_TYPES, GRAPH_TYPES, SELECT_TYPES, ensure_store

RDF_FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json", "nt": "application/n-triples",
               "trig": "application/trig"}
__all__ = ["ROUTES", "KnowledgeGraphServer", "ServerConfig", "negotiate"]


@dataclass
class ServerConfig:
    """How the server listens and what it allows; every field is a ``serve`` option."""

    host: str = "127.0.0.1"
    port: int = 8080
    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    allowlist: ServiceAllowlist = field(default_factory=ServiceAllowlist)
    max_body: int = 1_048_576            # bytes of a request body
    memory_mb: int = 2048                # address space of one query worker; 0: no limit
    slow_after: float = 1.0              # seconds after which a query counts as long
    queue: int = 64                      # requests that may wait for a worker
    socket_timeout: float = 60.0         # seconds a client may stall mid-request or stay idle
    cache_mb: int = 64                   # answers kept for repeated queries; 0: none

    def limits(self) -> Limits:
        return Limits(timeout=self.timeout, max_rows=self.max_rows, workers=self.workers, memory_mb=self.memory_mb,
                      slow_after=self.slow_after, queue=self.queue, cache_mb=self.cache_mb)


@dataclass
class KnowledgeGraphServer:
    """Everything a request handler needs; one instance per running server."""

    project: Project
    store_dir: Path
    config: ServerConfig
    prepared: bool = False          # True: serve store_dir as it is (built elsewhere), never rebuild it
    release: Path | None = None     # serve this release folder's KG instead of the checkout's build
    workers: QueryWorkers = field(init=False)
    _svg: str | None = field(default=None, init=False, repr=False)
    problems_html: bytes | None = field(default=None, init=False, repr=False)   # /problems, made once

    def __post_init__(self) -> None:
        from ..ids.prefixes import PrefixRegistry
        if self.config.max_body < 0:
            raise ExomirError("--max-body must be 0 or more bytes")
        limits = self.config.limits()
        if not self.prepared:
            ensure_store(self.project, self.store_dir, self.release)
        elif not (self.store_dir / "CURRENT").exists():
            raise ExomirError(f"{self.store_dir} is not an Oxigraph store folder")
        self.workers = QueryWorkers(self.store_dir, limits)
        self.queries = catalogue(self.project.queries_dir)
        self.registry = PrefixRegistry.load(self.project.prefixes_path)
        self.links = Linker(self.registry)
        self.site = ReleaseSite.of(self.release) if self.release is not None else None
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        if self.httpd is None:
            return f"http://{self.config.host}:{self.config.port}"
        host, port = self.httpd.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"

    def network_svg(self) -> str:
        """The network figure as inline SVG whose nodes link to their pages here: the release's
        ``figure/network.svg``, or drawn from the checkout's KG (Graphviz); "" when neither can be had."""
        if self._svg is None:
            self._svg = _linked_svg(_network_svg(self.project, self.release))
        return self._svg

    def run(self, job: Job) -> Answer:
        """Run a job in the query workers, under the server's limits."""
        return self.workers.run(job)

    def serve_forever(self) -> None:
        self.httpd = ThreadingHTTPServer((self.config.host, self.config.port), _handler(self))
        self.httpd.daemon_threads = True
        try:
            self.httpd.serve_forever()
        finally:
            self.close()

    def start_in_thread(self) -> threading.Thread:
        """Start serving in a background thread (for tests); the port may be 0 for any free port."""
        self.httpd = ThreadingHTTPServer((self.config.host, self.config.port), _handler(self))
        self.httpd.daemon_threads = True
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
        self.workers.close()


# ---------------------------------------------------------------------------- route handlers
Handler = Callable[["KnowledgeGraphServer", "Responder", Request], None]


def query_job(kg: KnowledgeGraphServer, text: str, request: Request, select_format: str | None,
              graph_format: str | None) -> Job:
    """A job for a query from a request: its SERVICE calls checked against the allowlist (403) and
    its dataset (protocol parameters, else its own FROM clauses, else the union of all graphs)."""
    try:
        services = tuple(kg.config.allowlist.check(text))
    except ServiceRefused as error:
        raise RequestRefused(403, str(error)) from error
    defaults, named = request.params.get("default-graph-uri"), request.params.get("named-graph-uri")
    if defaults is not None or named is not None:
        try:
            dataset = QueryDataset(False, tuple(checked_iri(g) for g in defaults or ()),
                                   tuple(checked_iri(g) for g in named or ()))
        except NotAnIRI as error:
            raise RequestRefused(400, f"default-graph-uri / named-graph-uri: {error}") from error
    else:
        dataset = QueryDataset(union=not dataset_clauses(text))
    return Job(text=text, select_format=select_format, graph_format=graph_format, dataset=dataset, services=services)


def sparql(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """The SPARQL 1.1 Protocol query operation."""
    content_type = (out.handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    text = request.param("query")
    if request.method == "POST":
        if content_type == "application/sparql-update":
            return out.text(403, "this endpoint is read-only: SPARQL updates are refused")
        if content_type == "application/sparql-query":
            text = utf8(request.body, "query")
        elif content_type == "application/x-www-form-urlencoded":
            form = parse_params(utf8(request.body, "form"))
            if "update" in form:
                return out.text(403, "this endpoint is read-only: SPARQL updates are refused")
            request.params.update(form)
            text = request.param("query")
        else:
            return out.text(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    if "update" in request.params:
        return out.text(403, "this endpoint is read-only: SPARQL updates are refused")
    if text is None:
        return rdf_document(out, request, service_description(kg.base_url))
    if not text.strip():
        return out.text(400, "the query is empty")
    accept = out.handler.headers.get("Accept")
    select_type = negotiate(accept, list(SELECT_TYPES), "application/sparql-results+json")
    graph_type = negotiate(accept, list(GRAPH_TYPES), "text/turtle")
    if select_type is None and graph_type is None:
        return out.text(406, "acceptable result types: " + ", ".join([*SELECT_TYPES, *GRAPH_TYPES]))
    job = query_job(kg, text, request, SELECT_TYPES.get(select_type or ""), GRAPH_TYPES.get(graph_type or ""))
    out.answer(kg.run(job))


def refuse_update(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    out.text(403, "this endpoint is read-only: updates are refused")


def rdf_document(out: Responder, request: Request, turtle: bytes) -> None:
    """A small RDF document (service description, VoID, examples) in the format asked for."""
    import pyoxigraph as ox
    wanted = request.param("format") or negotiate(out.handler.headers.get("Accept"), list(RDF_FORMATS.values())[:3],
                                                  "text/turtle")
    fmt = {v: k for k, v in RDF_FORMATS.items()}.get(wanted or "", wanted)
    if fmt not in ("json-ld", "nt"):
        return out.send(200, CONTENT_TYPES["turtle"], turtle)
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    target = {"json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
    out.send(200, CONTENT_TYPES[fmt], ox.serialize(triples, format=target) or b"")


def _network_svg(project: Project, release: Path | None) -> str:
    if release is not None:
        path = release / "figure" / "network.svg"
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    from rdflib import Dataset

    from ..query.store import store_files
    from ..rdf.claimgraph import union_graph
    from ..rdf.figure import FigureUnavailable, network_dot, render_dot
    try:
        kg_file, _ = store_files(project)
        dataset = Dataset()
        dataset.parse(kg_file, format="trig")
        return render_dot(network_dot(union_graph(dataset)), "svg").decode("utf-8")
    except (FigureUnavailable, ExomirError, OSError):
        return ""


def _linked_svg(svg: str) -> str:
    """``svg`` without its XML prologue, scaled to the page, each node's link made a link to its page here."""
    if "<svg" not in svg:
        return ""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg style="max-width:100%;height:auto"', svg, count=1)
    return re.sub(r'xlink:href="([^"]+)"', lambda m: f'xlink:href="{html.escape(local_link(html.unescape(m.group(1))))}"', svg)


def landing_page(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    counts = browse.claim_types(kg.run)
    total = sum(int(n) for _, _, n in counts)
    example = (sparql_prologue("exo", "rdfs")
               + "SELECT ?claim ?label WHERE {\n  ?claim a exo:TargetClaim ; rdfs:label ?label .\n} ORDER BY ?claim")
    out.html(200, landing(counts, total, list(kg.queries.values()), example, kg.network_svg()))


def search(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """``/search?q=``: the KG's terms and claims whose name contains the words (bound as a literal)."""
    text = (request.param("q", "") or "")[:200]
    out.html(200, search_page(text, browse.search(kg.run, text)))


def index_of(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """``/index/NAME``: the items of one index (miRNAs, genes...) and their claims; ``/index/claims``: every claim."""
    name = request.path.split("/")[2] if request.path.count("/") >= 2 else ""
    if name == "claims":
        return claims(kg, out, request)
    if name not in browse.INDEXES:
        return out.html(404, not_found(request.path))
    out.html(200, index_page(browse.INDEXES[name][0], browse.index(kg.run, name), kg.links))


def claims(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """``/claims`` (``?type=IRI`` for one claim type): the claims, each with its sentence."""
    wanted = request.param("type")
    if wanted:
        prefix, colon, local = wanted.partition(":")
        if colon and not local.startswith("//"):          # exo:TargetClaim
            try:
                wanted = kg.registry.uri_prefix(prefix) + local
            except ExomirError:
                pass
        try:
            wanted = checked_iri(wanted)
        except NotAnIRI as error:
            raise RequestRefused(400, f"type {wanted!r} is {error}", html=True) from error
    found = browse.claims_of_type(kg.run, wanted)
    title = f"Claims: {found[0][2]}" if wanted and found else "Claims" if not wanted else "No claims of that type"
    out.html(200 if found or not wanted else 404, claims_page(title, found))


def problems(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """``/problems``: what not to trust in this review (:mod:`exomirkg.query.trust`)."""
    from ..query.trust import gathered
    if kg.problems_html is None:                  # the same for as long as the store is served
        def run(text: str) -> QueryResult:
            return page_queries.rows(kg.run, text)
        kg.problems_html = problems_page(gathered(kg.queries, kg.registry, run), kg.links)
    out.html(200, kg.problems_html)


def dataset(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """``/dataset``, the IRI every nanopublication is part of: its page for a browser; for RDF, 303 to
    its description, the VoID."""
    fmt = request.param("format")
    wanted = fmt or negotiate(out.handler.headers.get("Accept"), [HTML, *RDF_FORMATS.values()], HTML)
    if wanted in (HTML, "html"):
        return minted(kg, out, request)
    location = "/.well-known/void" + ("?" + urlencode({"format": fmt}) if fmt else "")
    out.send(303, "text/plain; charset=utf-8", b"see /.well-known/void\n", {"Location": location})


def void(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    rdf_document(out, request, void_description(kg.workers.run, kg.base_url))


def examples(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    rdf_document(out, request, (kg.project.queries_dir / "sparql-examples.ttl").read_bytes())


def parameter_form(kg: KnowledgeGraphServer, stored: StoredQuery, values: dict[str, str]) -> str:
    """The form of a stored query: each parameter with its current value (default filled) and the
    values the KG's claims use for it, offered by label."""
    fields = []
    for param in stored.parameters:
        if param.variable == "SERVICE":
            continue
        offered = []
        for term, label in browse.choices(kg.run, param.name):
            curie = kg.registry.compress(term.value) if term.kind == "iri" else None
            offered.append((str(curie) if curie is not None else term.value, label))
        current = values.get(param.name) or stored.shown_default(param, kg.registry)
        fields.append((param.name, param.description, current, offered))
    return query_form(stored.name, fields)


def stored_query_page(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """A stored query (``?name=``, its parameters as further parameters, a form to change them) or the
    user's (``?q=``) as a table."""
    params = request.single_params()
    stored: StoredQuery | None = kg.queries.get(params.get("name", ""))
    values = {k: v for k, v in params.items() if k != "name" and v != ""}
    form = ""
    if stored is not None:
        form = parameter_form(kg, stored, values)
        def lookup(query_text: str) -> QueryResult:
            answer = kg.run(Job(text=query_text, rows=True))
            if answer.status != 200 or answer.result is None:
                raise BadParameter(f"the value could not be looked up in the KG: {answer.body.decode('utf-8', 'replace')}")
            return answer.result
        try:
            text = stored.bind(values, kg.registry, lookup)
        except BadParameter as error:
            return out.html(400, query_page(stored.title, stored.question, stored.text, "", str(error), form))
        title, question = stored.title, stored.question
    elif "q" in params:
        text, title, question = params["q"], "Your query", ""
    else:
        return out.html(404, not_found("/query?name=" + params.get("name", "")))
    try:
        job = query_job(kg, text, Request(request.method, request.path, {}, b""), "json", None)
    except RequestRefused as error:
        return out.html(error.status, query_page(title, question, text, "", str(error), form))
    answer = kg.run(Job(text=job.text, rows=True, dataset=job.dataset, services=job.services, graph_format=None))
    if answer.status != 200 or answer.result is None:
        message = answer.body.decode("utf-8", "replace") if answer.status != 200 else "only SELECT and ASK queries are shown as tables"
        return out.html(answer.status if answer.status != 200 else 400, query_page(title, question, text, "", message, form))
    result = answer.result
    if result.boolean is not None:
        table = f"<p class=\"boolean\">{str(result.boolean).lower()}</p>"
    else:
        table = result_table(result.variables, result.rows, kg.links)
        if stored is not None and not result.rows and values:      # never a silent empty answer
            from ..query.parameters import unmatched
            missing = unmatched(stored.terms(values, kg.registry, lookup), lookup)
            table = "".join(f'<p class="warning flag issue">{html.escape(name)}={html.escape(values[name])} matches '
                            "nothing in the KG: no answer can have it</p>" for name in missing) + table
        following = stored.next_page(values, len(result.rows)) if stored is not None else None
        if following is not None and stored is not None:
            table += next_page_link(stored.name, following, len(result.rows))
    out.html(200, query_page(title, question, text, table, "", form))


def release_file(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    """A file of the served release; ``/release/VERSION/`` by content negotiation."""
    _, _, version, *rest = request.path.split("/", 3)
    site = kg.site
    if site is None or version != site.version:
        served = f"this server serves release {site.version}" if site else "this server serves no release (serve --release DIR)"
        return out.html(404, error_page(404, f"{request.path} is not here: {served}"))
    fmt = request.param("format")
    if not rest:                              # the landing page's links are relative to /release/VERSION/
        query = "?" + urlencode({"format": fmt}) if fmt else ""
        return out.send(301, "text/plain; charset=utf-8", b"", {"Location": f"/release/{version}/{query}"})
    if rest == [""]:
        offers = [HTML, RDF_FORMATS["turtle"], RDF_FORMATS["json-ld"]]
        wanted = fmt or negotiate(out.handler.headers.get("Accept"), offers, HTML)
        name = {HTML: "html", **{v: k for k, v in RDF_FORMATS.items()}}.get(wanted or "", wanted)
        if name not in INDEX:
            return out.text(406, "available: " + ", ".join(offers))
        rel, media = INDEX[name or ""]
    else:
        rel = rest[0]
        media = site.media_type(rel)
    body = site.read(rel)
    if body is None:
        return out.html(404, not_found(request.path))
    out.send(200, media, body)


def mirna(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    accession = request.path.split("/")[2]
    prefix = "mirbase.mature" if accession.startswith("MIMAT") else "mirbase"
    resource(kg, out, request, f"https://identifiers.org/{prefix}:{accession}")


def entity(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    resource(kg, out, request, request.param("iri", "") or "")


def minted(kg: KnowledgeGraphServer, out: Responder, request: Request) -> None:
    resource(kg, out, request, BASE + request.path.lstrip("/"))


def resource(kg: KnowledgeGraphServer, out: Responder, request: Request, value: str) -> None:
    """Dereference an IRI: HTML for people, RDF by content negotiation (or ``?format=``)."""
    try:
        iri = checked_iri(value)
    except NotAnIRI as error:
        raise RequestRefused(400, f"{value!r} is {error}", html=True) from error
    nanopub = page_queries.nanopub_id_of(iri)
    if not page_queries.known(kg.run, iri):
        current = page_queries.current_nanopub(kg.run, nanopub[0]) if nanopub and not nanopub[1] else None
        if current and current != iri:       # np/C001 in a released KG: its current trusty nanopublication
            fmt = request.param("format")
            query = "?" + urlencode({"format": fmt}) if fmt else ""
            return out.send(303, "text/plain; charset=utf-8", f"see {current}\n".encode(),
                            {"Location": local_link(current) + query})
        return out.html(404, not_found(iri))
    claim_id = page_queries.claim_id_of(iri)
    is_graph = bool(page_queries.rows(kg.run, page_queries.GRAPH_EXISTS, this=iri).boolean)
    if is_graph:
        graphs = [iri]
    elif nanopub and not nanopub[1]:
        graphs = list(page_queries.nanopub_graphs(kg.run, iri).values())
        gone = None if graphs else page_queries.successor(kg.run, iri)
        if gone:                             # an older version that the KG names but no longer holds
            return out.html(404, not_in_release(iri, *gone))
    elif nanopub or claim_id:
        graphs = list(page_queries.claim_graphs(kg.run, nanopub[0] if nanopub else claim_id or "").values())
    else:
        graphs = []
    offers = [HTML, *RDF_FORMATS.values()] if graphs else [HTML, *list(RDF_FORMATS.values())[:3]]
    wanted = request.param("format") or negotiate(out.handler.headers.get("Accept"), offers, HTML)
    fmt = {v: k for k, v in RDF_FORMATS.items()}.get(wanted or "", wanted)
    if fmt in ("html", HTML):
        return out.html(200, html_of(kg, iri, claim_id, nanopub, is_graph))
    if fmt not in RDF_FORMATS or (fmt == "trig" and not graphs):
        return out.text(406, "available: " + ", ".join(offers))
    if graphs:
        return out.answer(kg.run(Job(kind="graphs", graphs=tuple(graphs), graph_format=fmt)))
    answer = kg.run(Job(text=DESCRIBE, bindings=(("this", iri),), graph_format=fmt, select_format=None))
    out.answer(answer)


DESCRIBE = sparql_prologue("rdfs") + """
CONSTRUCT { ?this ?p ?o . ?o rdfs:label ?l } WHERE { ?this ?p ?o OPTIONAL { ?o rdfs:label ?l } }"""


def html_of(kg: KnowledgeGraphServer, iri: str, claim_id: str | None, nanopub: tuple[str, str] | None,
            is_graph: bool) -> bytes:
    """The HTML page of a known IRI: a claim, a nanopublication, a graph, or any other entity."""
    run = kg.run
    if claim_id is not None:
        return claim_page(page_queries.claim(run, iri), kg.links)
    if nanopub is not None and not nanopub[1]:
        names = page_queries.nanopub_graphs(run, iri)
        parts = {part: (graph_iri, page_queries.graph(run, graph_iri).triples) for part, graph_iri in names.items()}
        answer = kg.run(Job(kind="graphs", graphs=tuple(names.values()), graph_format="trig"))
        reports = check_nanopub(answer.body.decode("utf-8")) if answer.status == 200 else []
        report = reports[0] if len(reports) == 1 else None
        return nanopub_page(iri, nanopub[0], parts, report)
    if is_graph:
        named_graph = page_queries.graph(run, iri)
        return graph_page(iri, named_graph.triples, named_graph.more)
    return entity_page(iri, page_queries.entity(run, iri), kg.links)


ROUTES: dict[str, tuple[Handler, tuple[str, ...]]] = {
    "/sparql": (sparql, ("GET", "HEAD", "POST")),
    "/update": (refuse_update, ("GET", "HEAD", "POST")),
    "/store": (refuse_update, ("GET", "HEAD", "POST")),
    "/": (landing_page, ("GET", "HEAD")),
    "/.well-known/void": (void, ("GET", "HEAD")),
    "/.well-known/sparql-examples": (examples, ("GET", "HEAD")),
    "/queries": (examples, ("GET", "HEAD")),
    "/query": (stored_query_page, ("GET", "HEAD")),
    "/search": (search, ("GET", "HEAD")),
    "/claims": (claims, ("GET", "HEAD")),
    "/problems": (problems, ("GET", "HEAD")),
    "/entity": (entity, ("GET", "HEAD")),
    "/dataset": (dataset, ("GET", "HEAD")),
    "/ontology": (minted, ("GET", "HEAD")),
}
PREFIX_ROUTES: list[tuple[str, tuple[Handler, tuple[str, ...]]]] = [
    ("/mirna/", (mirna, ("GET", "HEAD"))),
    ("/index/", (index_of, ("GET", "HEAD"))),
    ("/release/", (release_file, ("GET", "HEAD"))),
    *[(prefix, (minted, ("GET", "HEAD"))) for prefix in
      ("/claim/", "/panel/", "/np/", "/reference/", "/quote/", "/issue/", "/ontology/", "/graph/")],
]


def route(path: str) -> tuple[Handler, tuple[str, ...]] | None:
    """The handler of a path and the methods it takes, or None."""
    path = path.rstrip("/") or "/"
    found = ROUTES.get(path)
    if found is None:
        found = next((entry for prefix, entry in PREFIX_ROUTES if path.startswith(prefix)), None)
    return found


def _handler(kg: KnowledgeGraphServer) -> type[BaseHTTPRequestHandler]:
    class HTTPHandler(BaseHTTPRequestHandler):
        server_version = "exomir-kg"
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle's algorithm on, a keep-alive client
        # waits for its delayed ACK (about 40 ms) before each answer's body
        disable_nagle_algorithm = True
        # ... and with a buffered writer they go out together, in one send at the end of dispatch
        # (or as the buffer fills, for a large body): one system call and one hand-over of the GIL
        # an answer instead of two, which is a third of a cached answer's cost under load
        wbufsize = 1 << 16
        timeout = kg.config.socket_timeout

        def log_message(self, format: str, *args: object) -> None:     # quiet by default
            pass

        def do_GET(self) -> None:
            self.dispatch()

        do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

        def dispatch(self) -> None:
            self._answer()
            try:                         # the buffered answer goes out now, in one send
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                self.close_connection = True

        def _answer(self) -> None:
            out = Responder(self)
            try:
                body = BodyReader(self, kg.config.max_body).read()
                url = urlsplit(self.path)
                request = Request(self.command, url.path, parse_params(url.query), body)
                found = route(url.path)
                if found is None:
                    return out.html(404, not_found(url.path))
                handler, methods = found
                allow = ", ".join((*methods, "OPTIONS"))
                if self.command == "OPTIONS":
                    return out.send(204, "text/plain", b"", {
                        "Allow": allow, "Access-Control-Allow-Methods": allow,
                        "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400"})
                if self.command not in methods:
                    return out.text(405, f"{url.path} takes {allow}: this server is read-only", {"Allow": allow})
                handler(kg, out, request)
            except RequestRefused as error:
                if error.close:
                    self.close_connection = True
                if error.html:
                    return out.html(error.status, error_page(error.status, str(error)))
                out.text(error.status, str(error))
            except PageQueryFailed as error:
                out.failed_page(error.answer)
            except NotAnIRI as error:
                out.text(400, str(error))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except TimeoutError:
                self.close_connection = True
            except Exception as error:   # noqa: BLE001 - a bug must not take the server down
                self.close_connection = True
                out.text(500, f"internal error: {type(error).__name__}: {error}")

    return HTTPHandler


