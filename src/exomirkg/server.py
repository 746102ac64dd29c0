"""``exomirkg serve``: the KG over HTTP, for machines (SPARQL 1.1 Protocol) and for people (HTML).

Routes:

- ``/sparql``: SPARQL 1.1 Protocol query (GET, POST form, POST ``application/sparql-query``);
  results by content negotiation; without a query, the SPARQL service description. Updates are
  refused (403): the endpoint is read-only.
- ``/.well-known/void``: the VoID description; ``/.well-known/sparql-examples``: the stored queries.
- ``/``: the landing page; ``/query?name=..`` or ``/query?q=..``: a query's results as HTML.
- ``/claim/C001``, ``/np/C001``, ``/reference/117``, ``/quote/..``, ``/issue/I01``, ``/ontology/Term``,
  ``/mirna/MIMAT0000254``, ``/entity?iri=..``: every IRI of the KG, dereferenced with content
  negotiation (HTML, Turtle, JSON-LD, N-Triples; ``?format=`` overrides the Accept header).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .federation import ServiceAllowlist, ServiceRefused
from .endpoint import CONTENT_TYPES, GRAPH_TYPES, SELECT_TYPES, Answer, QueryWorkers, ensure_store
from .namespaces import BASE, CLAIM, EXO, NANOPUB
from .pages import claim_page, entity_page, landing, next_page_link, not_found, query_page, result_table
from .project import Project
from .queries import BadParameter, StoredQuery, catalogue
from .store import EmbeddedStore, QueryResult, _json_term

RDF_FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json", "nt": "application/n-triples",
               "trig": "application/trig"}
HTML = "text/html"


def negotiate(accept: str | None, offers: list[str], default: str) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured), or None if none fits."""
    if not accept:
        return default
    choices = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media, q = pieces[0].lower(), 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        choices.append((q, -index, media))
    best = None
    for q, order, media in sorted(choices, reverse=True):
        if q <= 0:
            continue
        for offer in offers:
            if media in (offer, "*/*") or (media.endswith("/*") and offer.startswith(media[:-1])):
                candidate = default if media == "*/*" and default in offers else offer
                if best is None:
                    best = candidate
                break
        if best:
            return best
    return None


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    allowlist: ServiceAllowlist = field(default_factory=ServiceAllowlist)


@dataclass
class KnowledgeGraphServer:
    """Everything a request handler needs; one instance per running server."""

    project: Project
    store_dir: Path
    config: ServerConfig
    prepared: bool = False          # True: serve store_dir as it is (built elsewhere), never rebuild it
    workers: QueryWorkers = field(init=False)

    def __post_init__(self) -> None:
        import pyoxigraph as ox
        from .identifiers import PrefixRegistry
        if not self.prepared:
            ensure_store(self.project, self.store_dir)
        elif not (self.store_dir / "CURRENT").exists():
            from .errors import ExomirError
            raise ExomirError(f"{self.store_dir} is not an Oxigraph store folder")
        self.workers = QueryWorkers(self.store_dir, self.config.workers, self.config.timeout, self.config.max_rows)
        self.store = ox.Store.read_only(str(self.store_dir))
        self.embedded = EmbeddedStore.wrapping(self.store)
        self.queries = catalogue(self.project.queries_dir)
        self.registry = PrefixRegistry.load(self.project.prefixes_path)
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2] if self.httpd else (self.config.host, self.config.port)
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ store helpers (trusted queries)
    def select(self, text: str) -> QueryResult:
        return self.embedded.query(text)

    def label(self, iri: str) -> str:
        """The rdfs:label of an IRI, or '' when it has none."""
        found = self.select(f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} LIMIT 1").values()
        return found[0][0] if found else ""

    def describe(self, iri: str, fmt: str) -> bytes:
        """An RDF description: a claim's nanopublication graphs, else the IRI's triples and its objects' labels."""
        import pyoxigraph as ox
        if iri.startswith(str(CLAIM)) or iri.startswith(str(NANOPUB)):
            claim_id = iri.rstrip("/").split("/")[-1]
            query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                        FILTER(STRSTARTS(STR(?g), "{NANOPUB}{claim_id}/")) }}"""
            if fmt == "trig":
                quads = [q for part in ("head", "assertion", "provenance", "pubinfo")
                         for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(f"{NANOPUB}{claim_id}/{part}"))]
                return ox.serialize(quads, format=ox.RdfFormat.TRIG) or b""
        else:
            query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                        CONSTRUCT {{ <{iri}> ?p ?o . ?o rdfs:label ?l }}
                        WHERE {{ <{iri}> ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} }}"""
        triples = list(self.store.query(query, use_default_graph_as_union=True))
        formats = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
                   "trig": ox.RdfFormat.TURTLE}
        return ox.serialize(triples, format=formats[fmt]) or b""

    def known(self, iri: str) -> bool:
        return bool(self.select(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}").boolean)

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


def _handler(kg: KnowledgeGraphServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "exomir-kg"
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle's algorithm on, a keep-alive client
        # waits for its delayed ACK (about 40 ms) before each answer's body
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args) -> None:     # quiet by default
            pass

        # -------------------------------------------------------------- plumbing
        def send(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Vary", "Accept")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def text(self, status: int, message: str) -> None:
            self.send(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())

        def answer(self, answer: Answer) -> None:
            self.send(answer.status, answer.content_type, answer.body)

        # -------------------------------------------------------------- verbs
        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            try:
                self.route(urlparse(self.path), None)
            except BrokenPipeError:
                pass
            except Exception as error:   # a bug must not take the server down
                self.text(500, f"internal error: {type(error).__name__}: {error}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                self.route(urlparse(self.path), body)
            except Exception as error:
                self.text(500, f"internal error: {type(error).__name__}: {error}")

        def refuse(self) -> None:
            self.text(405, "this server is read-only: only GET, HEAD and POST of queries are allowed")

        do_PUT = do_DELETE = do_PATCH = refuse

        # -------------------------------------------------------------- routing
        def route(self, url, body: bytes | None) -> None:
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            path = url.path.rstrip("/") or "/"
            if path == "/sparql":
                return self.sparql(params, body)
            if path in ("/update", "/store"):
                return self.text(403, "this endpoint is read-only: updates are refused")
            if body is not None:
                return self.text(405, f"POST is only accepted at /sparql, not {path}")
            if path == "/":
                return self.landing()
            if path == "/.well-known/void":
                return self.rdf_document(void_description(kg), params)
            if path in ("/.well-known/sparql-examples", "/queries"):
                return self.rdf_document((kg.project.queries_dir / "sparql-examples.ttl").read_bytes(), params)
            if path == "/query":
                return self.query_page(params)
            if path.startswith("/mirna/"):
                accession = path.split("/")[2]
                prefix = "mirbase.mature" if accession.startswith("MIMAT") else "mirbase"
                return self.resource(f"https://identifiers.org/{prefix}:{accession}", params)
            if path == "/entity":
                return self.resource(params.get("iri", ""), params)
            if path.startswith(("/claim/", "/np/", "/reference/", "/quote/", "/issue/", "/ontology/", "/graph/")):
                return self.resource(BASE + path.lstrip("/"), params)
            return self.send(404, "text/html; charset=utf-8", not_found(path))

        # -------------------------------------------------------------- SPARQL protocol
        def sparql(self, params: dict[str, str], body: bytes | None) -> None:
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            text = params.get("query")
            if body is not None:
                if content_type == "application/sparql-update":
                    return self.text(403, "this endpoint is read-only: SPARQL updates are refused")
                if content_type == "application/sparql-query":
                    text = body.decode("utf-8")
                elif content_type == "application/x-www-form-urlencoded":
                    form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
                    if "update" in form:
                        return self.text(403, "this endpoint is read-only: SPARQL updates are refused")
                    params.update(form)
                    text = form.get("query")
                else:
                    return self.text(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
            if "update" in params:
                return self.text(403, "this endpoint is read-only: SPARQL updates are refused")
            if "default-graph-uri" in params or "named-graph-uri" in params:
                return self.text(400, "default-graph-uri and named-graph-uri are not supported here: the default graph "
                                      "is the union of all graphs; use GRAPH to address one graph")
            if text is None:
                return self.rdf_document(service_description(kg), params)
            if not text.strip():
                return self.text(400, "the query is empty")
            try:
                kg.config.allowlist.check(text)
            except ServiceRefused as error:
                return self.text(403, str(error))
            accept = self.headers.get("Accept")
            select_type = negotiate(accept, list(SELECT_TYPES), "application/sparql-results+json")
            graph_type = negotiate(accept, list(GRAPH_TYPES), "text/turtle")
            if select_type is None and graph_type is None:
                return self.text(406, "acceptable result types: " + ", ".join([*SELECT_TYPES, *GRAPH_TYPES]))
            self.answer(kg.workers.run(text, SELECT_TYPES.get(select_type or "", "json"),
                                       GRAPH_TYPES.get(graph_type or "", "turtle")))

        # -------------------------------------------------------------- documents and pages
        def rdf_document(self, turtle: bytes, params: dict[str, str]) -> None:
            import pyoxigraph as ox
            wanted = params.get("format") or negotiate(self.headers.get("Accept"), list(RDF_FORMATS.values()),
                                                       "text/turtle")
            fmt = {v: k for k, v in RDF_FORMATS.items()}.get(wanted, wanted)
            if fmt not in ("turtle", "json-ld", "nt"):
                return self.send(200, CONTENT_TYPES["turtle"], turtle)
            if fmt == "turtle":
                return self.send(200, CONTENT_TYPES["turtle"], turtle)
            triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
            target = {"json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
            self.send(200, CONTENT_TYPES[fmt], ox.serialize(triples, format=target) or b"")

        def landing(self) -> None:
            counts = kg.select("""PREFIX exo: <https://w3id.org/exomir-kg/ontology/>
                PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                SELECT ?type (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?t . ?t rdfs:subClassOf exo:Claim ; rdfs:label ?l .
                BIND(STR(?l) AS ?type) } GROUP BY ?type ORDER BY DESC(?n) ?type""").values()
            total = sum(int(n) for _, n in counts)
            example = ("PREFIX exo: <https://w3id.org/exomir-kg/ontology/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                       "SELECT ?claim ?label WHERE {\n  ?claim a exo:TargetClaim ; rdfs:label ?label .\n} ORDER BY ?claim")
            self.send(200, "text/html; charset=utf-8", landing(counts, total, list(kg.queries.values()), example))

        def query_page(self, params: dict[str, str]) -> None:
            stored: StoredQuery | None = kg.queries.get(params.get("name", ""))
            values = {k: v for k, v in params.items() if k != "name"}
            if stored is not None:
                try:
                    text = stored.bind(values, kg.registry)
                except BadParameter as error:
                    return self.send(400, "text/html; charset=utf-8", query_page(stored.title, stored.question, stored.text, "", str(error)))
                title, question = stored.title, stored.question
            elif "q" in params:
                text, title, question = params["q"], "Your query", ""
            else:
                return self.send(404, "text/html; charset=utf-8", not_found("/query?name=" + params.get("name", "")))
            try:
                kg.config.allowlist.check(text)
            except ServiceRefused as error:
                return self.send(403, "text/html; charset=utf-8", query_page(title, question, text, "", str(error)))
            answer = kg.workers.run(text, "json", "turtle")
            if answer.status != 200 or not answer.content_type.startswith("application/sparql-results+json"):
                error = answer.body.decode("utf-8", "replace") if answer.status != 200 else "only SELECT queries are shown as tables"
                return self.send(answer.status if answer.status != 200 else 400, "text/html; charset=utf-8",
                                 query_page(title, question, text, "", error))
            data = json.loads(answer.body)
            if "boolean" in data:
                table = f"<p class=\"boolean\">{str(data['boolean']).lower()}</p>"
            else:
                variables = data["head"]["vars"]
                rows = [tuple(_json_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
                table = result_table(variables, rows)
                following = stored.next_page(values, len(rows)) if stored is not None else None
                if following is not None:
                    table += next_page_link(stored.name, following, len(rows))
            self.send(200, "text/html; charset=utf-8", query_page(title, question, text, table))

        def resource(self, iri: str, params: dict[str, str]) -> None:
            if not iri or not kg.known(iri):
                return self.send(404, "text/html; charset=utf-8", not_found(iri or self.path))
            offers = [HTML, *RDF_FORMATS.values()]
            wanted = params.get("format") or negotiate(self.headers.get("Accept"), offers, HTML)
            fmt = {v: k for k, v in RDF_FORMATS.items()}.get(wanted, wanted)
            if iri.startswith(str(NANOPUB)) and fmt in (HTML, None):
                fmt = "trig"
            if fmt == "trig":
                return self.send(200, "application/trig", kg.describe(iri, "trig"))
            if fmt in RDF_FORMATS:
                return self.send(200, CONTENT_TYPES[fmt], kg.describe(iri, fmt))
            if fmt != HTML:
                return self.text(406, "available: text/html, " + ", ".join(RDF_FORMATS.values()))
            if iri.startswith(str(CLAIM)) and "/" not in iri[len(str(CLAIM)):]:
                return self.send(200, "text/html; charset=utf-8", render_claim(kg, iri))
            self.send(200, "text/html; charset=utf-8", render_entity(kg, iri))

    return Handler


PREFIXES = """PREFIX exo: <https://w3id.org/exomir-kg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def render_claim(kg: KnowledgeGraphServer, iri: str) -> bytes:
    claim_id = iri.rsplit("/", 1)[1]
    label = kg.select(f"{PREFIXES} SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}").values()[0][0]
    facts = kg.select(f"""{PREFIXES} SELECT ?name ?v WHERE {{ GRAPH <{NANOPUB}{claim_id}/assertion> {{ <{iri}> ?p ?v }}
        OPTIONAL {{ ?p rdfs:label ?pl }} BIND(COALESCE(STR(?pl), STR(?p)) AS ?name) }} ORDER BY ?name""")
    fact_rows = [(row[0].value, row[1]) for row in facts.rows]
    names = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "claim type"}
    display = [(names.get(name, name), v, kg.label(v.value) if v.kind == "iri" else "")
               for name, v in fact_rows if name != "http://www.w3.org/2000/01/rdf-schema#label"]
    quotes = kg.select(f"""{PREFIXES} SELECT ?t ?s ?l WHERE {{ <{iri}> exo:supportingQuote ?q .
        ?q exo:text ?t ; exo:section ?s ; exo:location ?l }} ORDER BY ?l ?t""").values()
    references = kg.select(f"""{PREFIXES} SELECT ?n ?title ?status ?doi ?pmid ?retraction WHERE {{
        <{iri}> exo:citesReference ?r . ?r exo:referenceNumber ?n ; exo:verificationStatus ?status .
        OPTIONAL {{ ?r exo:title ?t }} OPTIONAL {{ ?r exo:doi ?d }} OPTIONAL {{ ?r exo:pmid ?p }}
        OPTIONAL {{ ?r exo:retractionNotice ?x }}
        BIND(COALESCE(?t, "") AS ?title) BIND(COALESCE(?d, "") AS ?doi) BIND(COALESCE(?p, "") AS ?pmid)
        BIND(COALESCE(?x, "") AS ?retraction) }} ORDER BY ?n""").values()
    provenance = kg.select(f"""{PREFIXES} SELECT ?name ?v WHERE {{ GRAPH <{NANOPUB}{claim_id}/provenance> {{ <{iri}> ?p ?v }}
        FILTER(?p NOT IN (exo:supportingQuote, exo:citesReference))
        OPTIONAL {{ ?p rdfs:label ?pl }} BIND(COALESCE(STR(?pl), STR(?p)) AS ?name) }} ORDER BY ?name""")
    prov_rows = []
    for name, value in provenance.rows:
        label_text = kg.label(value.value) if value is not None and value.kind == "iri" else ""
        pretty = {"http://www.w3.org/ns/prov#wasDerivedFrom": "derived from"}.get(name.value, name.value)
        prov_rows.append((pretty, value, label_text))
    issues = kg.select(f"""{PREFIXES} SELECT ?i ?k ?c WHERE {{ <{iri}> exo:hasIssue ?i . ?i exo:issueKind ?k ; rdfs:comment ?c }}""").values()
    flags = kg.select(f"""{PREFIXES} SELECT ?r ?h WHERE {{ <{iri}> exo:restsOnRetractedStudy ?r OPTIONAL {{ <{iri}> exo:hedged ?h }} }}""").values()
    retracted, hedged = (flags[0][0] == "true", flags[0][1] == "true") if flags else (False, False)
    return claim_page(claim_id, display, prov_rows, quotes, references, issues, label, retracted, hedged)


def render_entity(kg: KnowledgeGraphServer, iri: str) -> bytes:
    label = kg.label(iri) or iri
    facts = kg.select(f"""{PREFIXES} SELECT ?name ?v WHERE {{ <{iri}> ?p ?v FILTER(?p != rdfs:label)
        OPTIONAL {{ ?p rdfs:label ?pl }} BIND(COALESCE(STR(?pl), STR(?p)) AS ?name) }} ORDER BY ?name ?v""")
    claims = kg.select(f"""{PREFIXES} SELECT DISTINCT ?c ?type ?label WHERE {{
        {{ ?c ?p <{iri}> }} UNION {{ ?c exo:mirna ?m . ?m exo:hasMatureProduct <{iri}> }}
        UNION {{ ?c exo:mirna ?m . <{iri}> exo:hasMatureProduct ?m }}
        ?c a ?t ; rdfs:label ?label . ?t rdfs:subClassOf exo:Claim ; rdfs:label ?tl . BIND(STR(?tl) AS ?type) }}
        ORDER BY ?c""")
    prefix = "miRNA " if "mirbase" in iri else ""
    return entity_page(iri, label, [(r[0].value, r[1]) for r in facts.rows],
                       [(r[0], r[1].value, r[2].value) for r in claims.rows], prefix)


def void_description(kg: KnowledgeGraphServer) -> bytes:
    """VoID for the served dataset, with statistics read from the store."""
    stats = kg.select("""SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } }""").values()[0][0]
    claims = kg.select("""PREFIX exo: <https://w3id.org/exomir-kg/ontology/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?t . ?t rdfs:subClassOf exo:Claim }""").values()[0][0]
    base = kg.base_url
    return f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}dataset> a void:Dataset ;
    dcterms:title "exomir-kg: claims of the review 'Exosomal microRNAs in hepatocellular carcinoma'" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:source <https://doi.org/10.1186/s12935-021-01941-9> ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "{BASE}" ;
    void:exampleResource <{CLAIM}C131> ;
    void:vocabulary <{EXO}> , <http://www.nanopub.org/nschema#> , <http://www.w3.org/ns/prov#> ;
    void:triples "{stats}"^^xsd:integer ;
    void:entities "{claims}"^^xsd:integer .
""".encode()


def service_description(kg: KnowledgeGraphServer) -> bytes:
    base = kg.base_url
    formats = " , ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in
                         ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                          "Turtle", "JSON-LD", "N-Triples"))
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:inDataset <{BASE}dataset> ] ] .
""".encode()
