"""``exomirkg serve`` through real HTTP on 127.0.0.1: the SPARQL protocol, content negotiation, the
read-only, timeout and cap rules, dereferenceable IRIs, and a bounded concurrent load."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import Namespace, Graph, URIRef
from rdflib.namespace import RDF

from exomirkg.ids.namespaces import CLAIM, EXO
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig, negotiate

SELECT_TARGETS = "SELECT ?c WHERE { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> } ORDER BY ?c"
CONSTRUCT = ("CONSTRUCT { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> } "
             "WHERE { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> }")


@pytest.fixture(scope="module")
def server(project, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("serve") / "store",
                              ServerConfig(port=0, timeout=3.0, max_rows=5000, workers=2))
    kg.start_in_thread()
    yield kg
    kg.close()


def fetch(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None,
          method: str | None = None):
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def sparql_get(server, query: str, accept: str | None = None):
    return fetch(f"{server.base_url}/sparql?{urllib.parse.urlencode({'query': query})}", accept)


def test_negotiate_honours_q_values():
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate("application/ld+json;q=0.5, text/turtle", offers, "text/html") == "text/turtle"
    assert negotiate("*/*", offers, "text/html") == "text/html"
    assert negotiate("image/png", offers, "text/html") is None
    assert negotiate(None, offers, "text/html") == "text/html"


@pytest.mark.parametrize("accept, content_type", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_results_by_content_negotiation(server, accept, content_type):
    status, ctype, body = sparql_get(server, SELECT_TARGETS, accept)
    assert status == 200 and ctype.startswith(content_type)
    text = body.decode()
    assert "https://w3id.org/exomir-kg/claim/C095" in text and "C096" in text
    if accept.endswith("json"):
        assert len(json.loads(text)["results"]["bindings"]) == 10      # the review names 10 miRNA-target pairs


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
def test_construct_by_content_negotiation(server, accept, fmt):
    status, ctype, body = sparql_get(server, CONSTRUCT, accept)
    assert status == 200 and ctype.startswith(accept)
    graph = Graph().parse(data=body.decode(), format=fmt)
    assert len(set(graph.subjects(RDF.type, EXO.TargetClaim))) == 10


def test_post_form_and_post_query_body(server):
    form = urllib.parse.urlencode({"query": SELECT_TARGETS}).encode()
    status, _, body = fetch(f"{server.base_url}/sparql", "text/csv", form, "application/x-www-form-urlencoded")
    assert status == 200 and body.decode().count("claim/C") == 10
    status, _, body = fetch(f"{server.base_url}/sparql", "text/csv", SELECT_TARGETS.encode(), "application/sparql-query")
    assert status == 200 and body.decode().count("claim/C") == 10
    status, _, body = sparql_get(server, "ASK { ?c a <https://w3id.org/exomir-kg/ontology/TumourRoleClaim> }")
    assert json.loads(body)["boolean"] is True


def test_malformed_query_is_400_with_the_parser_message_and_the_server_keeps_serving(server):
    status, _, body = sparql_get(server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and b"query error" in body
    assert sparql_get(server, SELECT_TARGETS)[0] == 200


def test_updates_are_refused(server):
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert fetch(f"{server.base_url}/sparql", data=form, content_type="application/x-www-form-urlencoded")[0] == 403
    assert fetch(f"{server.base_url}/sparql", data=b"DROP ALL", content_type="application/sparql-update")[0] == 403
    assert fetch(f"{server.base_url}/update", data=b"DROP ALL", content_type="application/sparql-update")[0] == 403
    assert fetch(f"{server.base_url}/sparql", data=b"x", method="PUT")[0] == 405
    assert sparql_get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0] == 200


def test_result_cap_is_an_explicit_error_not_a_truncation(server):
    status, _, body = sparql_get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"more than 5000 rows" in body
    assert sparql_get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 5000")[0] == 200


def test_timeout_stops_the_query_and_the_server_keeps_serving(server):
    start = time.monotonic()
    status, _, body = sparql_get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and b"timeout of 3 s" in body
    assert time.monotonic() - start < 15
    for _ in range(3):       # the killed worker was replaced
        assert sparql_get(server, SELECT_TARGETS)[0] == 200


def test_service_description_void_and_stored_queries(server):
    status, ctype, body = fetch(f"{server.base_url}/sparql", "text/turtle")
    sd = Graph().parse(data=body.decode(), format="turtle")
    assert status == 200 and (URIRef(f"{server.base_url}/sparql"), RDF.type,
                              URIRef("http://www.w3.org/ns/sparql-service-description#Service")) in sd
    status, _, body = fetch(f"{server.base_url}/.well-known/void", "application/n-triples")
    void = Graph().parse(data=body.decode(), format="nt")
    assert (URIRef("https://w3id.org/exomir-kg/dataset"), URIRef("http://rdfs.org/ns/void#sparqlEndpoint"),
            URIRef(f"{server.base_url}/sparql")) in void
    # the build-time statistics: class and property partitions, claims, quads (equal to live counts: test_statistics)
    VOID = Namespace("http://rdfs.org/ns/void#")
    dataset = URIRef("https://w3id.org/exomir-kg/dataset")
    partitions = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities)) for p in void.objects(dataset, VOID.classPartition)}
    assert partitions[EXO.ExpressionClaim] == 36 and partitions[EXO.BiomarkerClaim] == 24
    assert int(void.value(dataset, VOID.entities)) == 178 and int(void.value(dataset, VOID.triples)) > 10000
    properties = {void.value(p, VOID.property) for p in void.objects(dataset, VOID.propertyPartition)}
    assert URIRef("https://w3id.org/exomir-kg/ontology/supportingQuote") in properties
    status, _, body = fetch(f"{server.base_url}/.well-known/sparql-examples", "text/turtle")
    examples = Graph().parse(data=body.decode(), format="turtle")
    assert len(set(examples.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#SPARQLExecutable")))) >= 20


def test_claims_dereference_with_content_negotiation(server):
    status, ctype, body = fetch(f"{server.base_url}/claim/C131", "text/html")
    html = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert "91.1 % sensitivity" in html and 'href="https://doi.org/10.3390/jcm9010281"' in html
    status, ctype, body = fetch(f"{server.base_url}/claim/C131", "text/turtle")
    graph = Graph().parse(data=body.decode(), format="turtle")
    assert (CLAIM["C131"], RDF.type, EXO.BiomarkerClaim) in graph
    status, ctype, body = fetch(f"{server.base_url}/claim/C131", "application/ld+json")
    assert ctype.startswith("application/ld+json") and (CLAIM["C131"], RDF.type, EXO.BiomarkerClaim) in Graph().parse(data=body.decode(), format="json-ld")
    status, ctype, body = fetch(f"{server.base_url}/claim/C131", "application/n-triples")
    assert status == 200 and ctype.startswith("application/n-triples")
    status, ctype, body = fetch(f"{server.base_url}/np/C131", "application/trig")
    assert status == 200 and "https://w3id.org/exomir-kg/np/C131/provenance" in graph_names(body)


def test_retracted_claim_page_shows_the_flag_and_notice(server):
    html = fetch(f"{server.base_url}/claim/C016", "text/html")[2].decode()
    assert "rests on a retracted study" in html and "retracted 2023-07-19" in html


def test_a_claim_on_a_problematic_cell_line_says_so_with_cellosaurus_comment(server):
    html = fetch(f"{server.base_url}/claim/C106", "text/html")[2].decode()
    assert "rests on a problematic cell line: Hep-G2" in html
    assert "Problematic cell line: Misidentified" in html and "hepatoblastoma" in html
    assert "problematic cell line" not in fetch(f"{server.base_url}/claim/C131", "text/html")[2].decode()


def test_a_suggested_claim_page_says_how_firmly_it_is_stated(server):
    assert "hedged: suggested" in fetch(f"{server.base_url}/claim/C132", "text/html")[2].decode()
    assert "hedged: association only" in fetch(f"{server.base_url}/claim/C087", "text/html")[2].decode()
    assert "hedged:" not in fetch(f"{server.base_url}/claim/C131", "text/html")[2].decode()


def test_mirna_reference_and_ontology_pages(server):
    html = fetch(f"{server.base_url}/mirna/MIMAT0000254", "text/html")[2].decode()
    assert "hsa-miR-10b-5p" in html and "/claim/C131" in html and "/claim/C132" in html
    precursor = fetch(f"{server.base_url}/mirna/MI0000077", "text/html")[2].decode()
    assert "hsa-mir-21" in precursor and "/claim/C001" in precursor
    assert fetch(f"{server.base_url}/reference/117", "text/turtle")[0] == 200
    status, _, body = fetch(f"{server.base_url}/ontology/ExpressionClaim", "text/turtle")
    assert status == 200 and b"expression claim" in body
    assert fetch(f"{server.base_url}/claim/C999", "text/html")[0] == 404


def test_landing_page_and_stored_query_page(server):
    html = fetch(f"{server.base_url}/", "text/html")[2].decode()
    assert "Questions you can ask" in html and "/query?name=table-1" in html and "<textarea" in html
    page = fetch(f"{server.base_url}/query?name=targets-of-mirna&mirna=miR-744", "text/html")[2].decode()
    assert "PAX2" in page and "/claim/C145" in page
    bad = fetch(f"{server.base_url}/query?name=targets-of-mirna&colour=red", "text/html")
    assert bad[0] == 400 and "its parameters" in bad[2].decode()


def test_a_full_page_links_to_the_next_one(server):
    page = fetch(f"{server.base_url}/query?name=pathways&page_size=2", "text/html")[2].decode()
    assert "2 row(s)" in page and 'href="/query?name=pathways&amp;page_size=2&amp;offset=2"' in page
    last = fetch(f"{server.base_url}/query?name=pathways", "text/html")[2].decode()
    assert "row(s)" in last and "Next page" not in last


def test_keep_alive_connection_answers_request_after_request(server):
    """Clients that keep their connection open (browsers, requests sessions) get every answer whole."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=30)
    try:
        for accept in ("text/csv", "application/sparql-results+json", "text/csv"):
            connection.request("GET", f"/sparql?{urllib.parse.urlencode({'query': SELECT_TARGETS})}",
                               headers={"Accept": accept})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200 and not response.will_close
            assert body.decode().count("claim/C") == 10
    finally:
        connection.close()


def test_bounded_concurrent_load_has_no_errors(server):
    urls = [f"{server.base_url}/sparql?{urllib.parse.urlencode({'query': SELECT_TARGETS})}",
            f"{server.base_url}/claim/C131", f"{server.base_url}/mirna/MIMAT0000254"]

    def one(index: int) -> int:
        return fetch(urls[index % len(urls)], "text/html" if index % 3 else "text/csv")[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(240)))
    assert statuses.count(200) == 240


def graph_names(trig: bytes) -> set[str]:
    """The names of the graphs of a TriG document (prefixed names expanded)."""
    from rdflib import Dataset
    data = Dataset()
    data.parse(data=trig.decode(), format="trig")
    return {str(g.identifier) for g in data.graphs() if len(g)}
