"""``exomirkg serve`` under attack, through real HTTP on 127.0.0.1 (bounded request counts): query
injection through page routes, request sizes and encodings, per-worker memory, starvation by slow
queries, FROM / FROM NAMED, protocol details (conneg, 405, CORS, security headers, 502 for a failed
remote) and HTML for every IRI the KG mints."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from exomirkg.federation.services import ServiceAllowlist
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig

NANOPUB = "https://w3id.org/exomir-kg/np/"
CROSS_PRODUCT = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY ?s"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start(project, folder, **config) -> KnowledgeGraphServer:
    kg = KnowledgeGraphServer(project, folder, ServerConfig(port=0, **config))
    kg.start_in_thread()
    return kg


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("hardening") / "store"


@pytest.fixture(scope="module")
def server(project, store_dir):
    kg = start(project, store_dir, timeout=5.0, max_rows=5000, workers=2, max_body=4096)
    yield kg
    kg.close()


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sparql(server, query: str, accept: str | None = None, **params: str):
    return fetch(f"{server.base_url}/sparql?{urllib.parse.urlencode({'query': query, **params})}",
                 {"Accept": accept} if accept else None)


def raw(server, request: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes, bool]:
    """Send raw bytes; return the first answer's status, headers, body, and whether the server then
    closed the connection."""
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        reader = sock.makefile("rb")
        status = int(reader.readline().split()[1])
        headers = {}
        while (line := reader.readline().decode("latin-1").strip()):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = reader.read(int(headers.get("content-length", "0")))
        sock.settimeout(5)
        try:
            closed = reader.read(1) == b""
        except (socket.timeout, ConnectionResetError):
            closed = False
        return status, headers, body, closed


class Listener:
    """A loopback socket that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]

    def contacted(self) -> bool:
        try:
            connection, _ = self.sock.accept()
            connection.close()
            return True
        except socket.timeout:
            return False

    def close(self) -> None:
        self.sock.close()


# ------------------------------------------------------------------------------------ injection
@pytest.mark.parametrize("route", ["entity", "claim", "np", "mirna"])
def test_page_routes_do_not_paste_request_iris_into_queries(server, route):
    """The attack of the issue: an IRI that closes the pattern and calls SERVICE on a loopback listener."""
    listener = Listener()
    try:
        payload = f"http://a> ?p ?o }} UNION {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?x ?y ?z }} }} }} #"
        if route == "entity":
            status, _, _ = fetch(f"{server.base_url}/entity?{urllib.parse.urlencode({'iri': payload})}")
        else:
            path = f"/{route}/C001>{{SERVICE<http://127.0.0.1:{listener.port}/x>{{?x?y?z}}}}#"
            status, _, _, _ = raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n".encode())
        assert status in (400, 404)
        assert not listener.contacted(), "the server called the injected SERVICE"
    finally:
        listener.close()


def test_a_filter_on_an_injected_iri_cannot_read_the_store_bit_by_bit(server):
    """Two injected FILTERs that would answer differently if the text reached the query get the same 400."""
    answers = set()
    for guess in ("true", "false"):
        payload = f'https://w3id.org/exomir-kg/claim/C131> ?p ?o FILTER({guess}) }} #'
        status, _, body = fetch(f"{server.base_url}/entity?{urllib.parse.urlencode({'iri': payload})}")
        answers.add((status, body.replace(guess.encode(), b"")))
    assert len(answers) == 1 and next(iter(answers))[0] == 400


def test_an_iri_with_escaped_characters_is_a_term_not_text(server):
    assert fetch(f"{server.base_url}/entity?iri=http%3A%2F%2Fa%2F%253E%20")[0] == 400      # a space: not an IRI
    assert fetch(f"{server.base_url}/entity?iri=http%3A%2F%2Fa%2F%253E")[0] == 404         # an IRI nobody uses


def test_page_queries_run_under_the_row_cap(project, store_dir):
    """The landing page lists every claim type: with a cap of 3 rows its query is refused, as /sparql's would be."""
    kg = start(project, store_dir, timeout=5.0, max_rows=3, workers=1)
    try:
        status, headers, body = fetch(f"{kg.base_url}/", {"Accept": "text/html"})
        assert status == 413 and b"more than 3 rows" in body and headers["Content-Type"].startswith("text/html")
    finally:
        kg.close()


# ------------------------------------------------------------------------------------ request size and encoding
def test_an_oversized_body_is_refused_before_it_is_read(server):
    status, headers, body, closed = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Type: application/sparql-query\r\nContent-Length: 99999999999\r\n\r\n")
    assert status == 413 and b"limit of 4096 bytes" in body and closed
    status, _, body, closed = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                          b"Content-Length: 5000\r\n\r\n" + b"#" * 100)     # the rest never comes
    assert status == 413 and closed


@pytest.mark.parametrize("length", ["-1", "12abc", "1e3", ""])
def test_a_bad_content_length_is_400(server, length):
    status, _, body, closed = raw(server, f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                          f"Content-Length: {length}\r\n\r\nASK {{}}".encode())
    assert status == 400 and b"Content-Length" in body and closed


def test_invalid_utf8_is_400_not_500(server):
    query = b"ASK {\xff\xfe}"
    status, _, body, _ = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                     b"Content-Length: %d\r\n\r\n%s" % (len(query), query))
    assert status == 400 and b"not valid UTF-8" in body
    assert fetch(f"{server.base_url}/sparql?query=ASK%7B%FF%7D")[0] == 400
    form = b"query=ASK%7B%FF%7D"
    assert fetch(f"{server.base_url}/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, form)[0] == 400


def test_chunked_bodies_are_read_within_the_limit(server):
    query = b"ASK { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> }"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (query[:10], query[10:])) + b"0\r\n\r\n"
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, _, body, closed = raw(server, head + chunks)
    assert status == 200 and json.loads(body)["boolean"] is True and not closed
    big = b"".join(b"400\r\n" + b"#" * 1024 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"     # 5 KB > 4096
    assert raw(server, head + big)[0] == 413
    assert raw(server, head + b"zz\r\nASK {}\r\n0\r\n\r\n")[0] == 400
    both = head.replace(b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\n")
    assert raw(server, both + chunks)[0] == 400
    assert raw(server, head.replace(b"chunked", b"gzip") + chunks)[0] == 501


def test_a_body_on_a_get_keeps_the_connection_in_step(server):
    """A GET with a body: the body is read (not taken for the next request), the next answer is right."""
    port = server.httpd.server_address[1]
    query = urllib.parse.urlencode({"query": "ASK {}"})
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 22\r\n\r\nGET /evil HTTP/1.1\r\n\r\n"
                     f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        reader = sock.makefile("rb")
        statuses = []
        for _ in range(2):
            statuses.append(int(reader.readline().split()[1]))
            length = 0
            while (line := reader.readline().strip()):
                if line.lower().startswith(b"content-length"):
                    length = int(line.split(b":")[1])
            reader.read(length)
    assert statuses == [200, 200]


# ------------------------------------------------------------------------------------ memory
def test_a_query_past_the_memory_limit_ends_its_worker_not_the_server(project, store_dir):
    kg = start(project, store_dir, timeout=120.0, slow_after=60.0, workers=1, memory_mb=1024)
    try:
        status, _, body = sparql(kg, CROSS_PRODUCT)
        assert status == 503 and b"more memory than a query worker's limit of 1024 MB" in body
        status, _, body = sparql(kg, "ASK { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> }")
        assert status == 200 and json.loads(body)["boolean"] is True        # a new worker took over
    finally:
        kg.close()


# ------------------------------------------------------------------------------------ starvation
def test_short_queries_are_not_starved_by_long_ones(project, store_dir):
    """Three clients send long queries back to back while another sends 60 short ones: every short
    one is answered (at least one worker is kept for short queries); long ones end in 503."""
    kg = start(project, store_dir, timeout=4.0, slow_after=0.5, workers=2)
    stop = threading.Event()
    slow_statuses: list[int] = []

    def slow_client() -> None:
        while not stop.is_set() and len(slow_statuses) < 40:
            status, headers, _ = sparql(kg, SLOW)
            slow_statuses.append(status)
            if status == 503 and "Retry-After" not in headers and b"timeout" not in _:
                slow_statuses.append(-1)

    try:
        threads = [threading.Thread(target=slow_client) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)                 # the long queries are running
        short = []
        with ThreadPoolExecutor(max_workers=4) as pool:
            short = list(pool.map(lambda _: sparql(kg, "ASK {}")[0], range(60)))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert short.count(200) == 60, short
        assert slow_statuses and set(slow_statuses) <= {503}, slow_statuses
    finally:
        stop.set()
        kg.close()


def test_a_refused_long_query_says_when_to_retry(project, store_dir):
    kg = start(project, store_dir, timeout=4.0, slow_after=0.3, workers=2)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda _: sparql(kg, SLOW), range(2)))
        refused = [(h, b) for s, h, b in answers if s == 503 and b"long query" in b]
        assert refused and refused[0][0]["Retry-After"] == "1"
    finally:
        kg.close()


def test_a_query_known_to_run_long_is_refused_without_taking_a_worker(project, store_dir):
    """Once a query has run long, it is refused at once while the long slots are full: no worker
    is started, killed or replaced for it."""
    kg = start(project, store_dir, timeout=4.0, slow_after=0.3, workers=2)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(sparql, kg, SLOW)                 # runs long, holds the one long slot
            time.sleep(0.3)
            second = pool.submit(sparql, kg, SLOW)                # goes long: refused, its worker replaced
            assert second.result()[0] == 503
            replaced = kg.workers.replaced
            status, headers, body = sparql(kg, SLOW)              # known long, the slot still held
            assert status == 503 and b"long quer" in body and headers["Retry-After"] == "1"
            assert kg.workers.replaced == replaced
            assert sparql(kg, "ASK {}")[0] == 200
            assert first.result()[0] == 503                       # the timeout ends the first
    finally:
        kg.close()


# ------------------------------------------------------------------------------------ FROM / FROM NAMED
def _count(server, query: str, **params: str) -> int:
    status, _, body = sparql(server, query, "application/sparql-results+json", **params)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_from_and_from_named_are_honoured(server):
    assertion = f"{NANOPUB}C131/assertion"
    in_graph = _count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{assertion}> {{ ?s ?p ?o }} }}")
    everything = _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert 0 < in_graph < everything
    assert _count(server, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/exomir-kg/graph/nothing> WHERE { ?s ?p ?o }") == 0
    assert _count(server, f"SELECT (COUNT(*) AS ?n) FROM <{assertion}> WHERE {{ ?s ?p ?o }}") == in_graph
    assert _count(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{assertion}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == in_graph
    assert _count(server, f"# data from the review\nSELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}") == everything
    assert _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": assertion}) == in_graph
    assert _count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                  **{"named-graph-uri": "https://w3id.org/exomir-kg/graph/nothing"}) == 0
    assert sparql(server, "ASK {}", **{"default-graph-uri": "not an iri"})[0] == 400


# ------------------------------------------------------------------------------------ protocol details
def test_a_select_asked_for_as_turtle_is_406(server):
    status, _, body = sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/turtle")
    assert status == 406 and b"SELECT" in body
    status, _, _ = sparql(server, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json")
    assert status == 406


def test_q_values_and_specificity_are_honoured(server):
    status, headers, _ = fetch(f"{server.base_url}/claim/C131", {"Accept": "text/*, text/html;q=0"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, headers, _ = fetch(f"{server.base_url}/claim/C131", {"Accept": "text/html;q=0.5, application/ld+json"})
    assert headers["Content-Type"].startswith("application/ld+json")
    assert fetch(f"{server.base_url}/claim/C131", {"Accept": "image/png"})[0] == 406


def test_405_says_what_is_allowed_and_options_answers_a_cors_preflight(server):
    status, headers, _ = fetch(f"{server.base_url}/sparql", data=b"x", method="PUT")
    assert status == 405 and set(headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    status, headers, _ = fetch(f"{server.base_url}/claim/C131", data=b"x", method="DELETE")
    assert status == 405 and "POST" not in headers["Allow"]
    status, headers, _ = fetch(f"{server.base_url}/sparql", {"Origin": "https://example.org",
                                                            "Access-Control-Request-Method": "POST",
                                                            "Access-Control-Request-Headers": "content-type"},
                               method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]
    assert sparql(server, "ASK {}")[1]["Access-Control-Allow-Origin"] == "*"


def test_html_pages_carry_security_headers(server):
    for path in ("/", "/claim/C131", "/query?name=table-1", "/nowhere"):
        status, headers, _ = fetch(f"{server.base_url}{path}", {"Accept": "text/html"})
        assert headers["Content-Type"].startswith("text/html"), path
        assert "default-src 'none'" in headers["Content-Security-Policy"] and "script-src" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_a_failed_remote_is_502_naming_it(project, store_dir):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    remote = f"http://127.0.0.1:{closed.getsockname()[1]}/sparql"
    closed.close()                                  # nothing listens there now
    kg = start(project, store_dir, timeout=5.0, workers=1, allowlist=ServiceAllowlist.from_config((remote,)))
    try:
        status, _, body = sparql(kg, f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}")
        assert status == 502 and remote.encode() in body
    finally:
        kg.close()


# ------------------------------------------------------------------------------------ every minted IRI has a page
def test_every_kind_of_minted_iri_dereferences_to_html(server):
    status, _, body = sparql(server, """SELECT ?kind (SAMPLE(?iri) AS ?example) WHERE {
        { ?iri ?p ?o } UNION { ?s ?p ?iri } UNION { GRAPH ?iri { ?s ?p ?o } }
        FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), "https://w3id.org/exomir-kg/"))
        BIND(REPLACE(STR(?iri), "^https://w3id.org/exomir-kg/([^/]*)(/[^/]+)?.*$", "$1$2") AS ?kind)
        } GROUP BY ?kind""", "application/sparql-results+json")
    examples = {b["kind"]["value"]: b["example"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert {"claim/C131", "np/C131", "dataset", "ontology", "graph/entities", "graph/ontology", "ontology/imports"} <= set(examples)
    assert {"reference", "quote", "issue"} <= {kind.split("/")[0] for kind in examples}
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for kind, iri in examples.items():
        status, headers, page = fetch(server.base_url + "/" + iri[len("https://w3id.org/exomir-kg/"):], browser)
        assert status == 200 and headers["Content-Type"].startswith("text/html"), (kind, iri, status)
    for path, marker in (("/claim/C004/edge/1", b"qualified edge"), ("/panel/C010", b"panel of"),
                         ("/np/C051", b"assertion"), ("/np/C051/assertion", b"named graph"),
                         ("/graph/entities", b"named graph"), ("/dataset", b"dataset")):
        status, headers, page = fetch(server.base_url + path, browser)
        assert status == 200 and headers["Content-Type"].startswith("text/html") and marker in page, path
    status, headers, trig = fetch(f"{server.base_url}/np/C051", {"Accept": "application/trig"})
    from rdflib import Dataset
    graphs = Dataset()
    graphs.parse(data=trig.decode(), format="trig")
    assert headers["Content-Type"].startswith("application/trig")
    assert "https://w3id.org/exomir-kg/np/C051/provenance" in {str(g.identifier) for g in graphs.graphs() if len(g)}


def test_remembered_parsing_never_carries_one_request_into_the_next(server):
    """The server remembers how repeated query strings and query texts parse: what one request
    changes in its parameters never reaches the next, a refused SERVICE stays refused, a bad
    parameter stays a 400."""
    from exomirkg.web.http import parse_params
    first = parse_params("query=ASK%7B%7D&a=1")
    first["query"].append("changed")
    first["b"] = ["2"]
    assert parse_params("query=ASK%7B%7D&a=1") == {"query": ["ASK{}"], "a": ["1"]}
    refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert [sparql(server, refused)[0] for _ in range(3)] == [403, 403, 403]
    assert [fetch(f"{server.base_url}/sparql?query=ASK%7B%FF%7D")[0] for _ in range(2)] == [400, 400]
    # the same query string, then a form POST to it: the form's query is the one answered
    url = f"{server.base_url}/sparql?{urllib.parse.urlencode({'query': 'ASK { FILTER(false) }'})}"
    assert json.loads(fetch(url, {"Accept": "application/sparql-results+json"})[2])["boolean"] is False
    form = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    status, _, body = fetch(url, {"Accept": "application/sparql-results+json",
                                  "Content-Type": "application/x-www-form-urlencoded"}, form)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert json.loads(fetch(url, {"Accept": "application/sparql-results+json"})[2])["boolean"] is False


def test_pipelined_requests_get_their_answers_whole_and_in_order(server):
    """Answers are buffered and sent whole: three requests sent at once on one connection (a GET,
    a HEAD, a 404) get three complete answers in order, the HEAD without a body."""
    port = server.httpd.server_address[1]
    ask = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    requests = (f"GET {ask} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n"
                f"HEAD {ask} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n"
                "GET /no-such-page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(requests)
        reader = sock.makefile("rb")
        answers = []
        for method in ("GET", "HEAD", "GET"):
            status = int(reader.readline().split()[1])
            headers = {}
            while (line := reader.readline().decode("latin-1").strip()):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = reader.read(int(headers["content-length"])) if method == "GET" else b""
            answers.append((status, headers["content-length"], body))
        assert reader.read() == b""                   # closed after the third, as asked, nothing more
    assert answers[0][0] == 200 and json.loads(answers[0][2])["boolean"] is True
    assert answers[1][:2] == (200, answers[0][1]) and answers[1][2] == b""
    assert answers[2][0] == 404 and int(answers[2][1]) == len(answers[2][2]) > 0
