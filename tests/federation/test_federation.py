"""Federation: identifiers that join, SSSOM mappings, and SERVICE in both directions on loopback,
between this project's store or endpoint and an Oxigraph server holding another KG."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from exomirkg.federation.services import ServiceAllowlist, ServiceRefused, mirbase_hgnc_slice, service_iris
from exomirkg.query.catalogue import examples_graph
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig
from exomirkg.query.store import EmbeddedStore, RemoteStore
from servers import oxigraph_server

HGNC_MIR21 = URIRef("https://identifiers.org/hgnc:31586")


@pytest.fixture(scope="module")
def other_kg(project, tmp_path_factory):
    """An Oxigraph server holding the miRBase-HGNC slice (a second KG built from upstream tables)."""
    with oxigraph_server(tmp_path_factory.mktemp("other")) as base:
        data = mirbase_hgnc_slice(project).serialize(format="turtle").encode()
        request = urllib.request.Request(f"{base}/store?default", data=data, method="POST",
                                         headers={"Content-Type": "text/turtle"})
        urllib.request.urlopen(request, timeout=30).close()
        yield base


@pytest.fixture(scope="module")
def endpoint(project, other_kg, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("fedstore") / "store",
                              ServerConfig(port=0, timeout=4.0, allowlist=ServiceAllowlist.from_config((f"{other_kg}/query",))))
    kg.start_in_thread()
    yield kg
    kg.close()


def _rows(result) -> set[tuple[str, ...]]:
    return set(result.values())


def test_external_entities_carry_join_keys(kg):
    assert (HGNC_MIR21, DCTERMS.identifier, None) in kg
    matches = set(kg.objects(HGNC_MIR21, SKOS.exactMatch))
    assert {URIRef("http://purl.uniprot.org/hgnc/HGNC:31586"), URIRef("http://bio2rdf.org/hgnc:31586"),
            URIRef("https://bioregistry.io/hgnc:31586")} <= matches
    assert str(kg.value(HGNC_MIR21, SKOS.notation)) == "31586"               # Wikidata P354 stores the number
    mature = URIRef("https://identifiers.org/mirbase.mature:MIMAT0000254")
    assert str(kg.value(mature, DCTERMS.identifier)) == "MIMAT0000254"      # Wikidata P2871
    go = URIRef("http://purl.obolibrary.org/obo/GO_0006915")
    assert URIRef("https://identifiers.org/GO:0006915") in set(kg.objects(go, SKOS.exactMatch))


def test_sssom_mappings_validate_with_the_sssom_package(project, built, tmp_path):
    from sssom.constants import SchemaValidationType as Check
    from sssom.parsers import parse_sssom_table
    from sssom.validators import ValidationError, validate
    checks = [Check.JsonSchema, Check.PrefixMapCompleteness, Check.StrictCurieFormat]
    path = built.files["sssom"]
    mapping_set = parse_sssom_table(path)
    validate(mapping_set, checks, fail_on_error=True)
    frame = mapping_set.df
    pairs = set(zip(frame["subject_id"], frame["predicate_id"], frame["object_id"]))
    assert ("mirbase:MI0000077", "skos:relatedMatch", "HGNC:31586") in pairs      # hsa-mir-21 -> MIR21
    assert ("mirbase:MI0000077", "RO:0003000", "mirbase.mature:MIMAT0000076") in pairs
    assert ("exo:ImmuneEscape", "skos:closeMatch", "GO:0050777") in pairs
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(path.read_text().replace("exo:ImmuneEscape\timmune", "unknownprefix:X\timmune"))
    with pytest.raises(ValidationError):
        validate(parse_sssom_table(broken), checks, fail_on_error=True)


def test_embedded_store_joins_with_the_other_kg(project, other_kg, queries, registry):
    text = queries["federated-mirna-gene-names.rq".removesuffix(".rq")].bind({"remote": f"{other_kg}/query"}, registry)
    rows = _rows(EmbeddedStore.for_project(project).query(text))
    names = {(r[0], r[2], r[3], r[4]) for r in rows}
    assert ("miR-21", "MIR21", "microRNA 21", "406991") in names
    assert {r[2] for r in rows if r[0] == "miR-9-3p"} == {"MIR9-1", "MIR9-2", "MIR9-3"}
    assert {r[2] for r in rows if r[0] == "miR-101"} == {"MIR101-1", "MIR101-2"}
    assert len({r[0] for r in rows}) >= 30


def test_this_endpoint_calls_the_allowlisted_other_kg(endpoint, other_kg, queries, registry, project):
    text = queries["federated-mirna-gene-names"].bind({"remote": f"{other_kg}/query", "mirna": "miR-21"}, registry)
    rows = _rows(RemoteStore(f"{endpoint.base_url}/sparql").query(text))
    assert {(r[0], r[2]) for r in rows} == {("miR-21", "MIR21")}


def test_the_other_kg_calls_this_endpoint(endpoint, other_kg, queries, registry):
    text = queries["federated-claims-for-mir-gene"].bind({"remote": f"{endpoint.base_url}/sparql"}, registry)
    rows = _rows(RemoteStore(f"{other_kg}/query").query(text))
    # the review's claims about miR-210: transfer to endothelial cells, angiogenesis, SMAD4, STAT6, upregulated
    assert {r[2].rsplit("/", 1)[1] for r in rows} == {"C093", "C094", "C095", "C096", "C144"}
    text = queries["federated-claims-for-mir-gene"].bind({"remote": f"{endpoint.base_url}/sparql", "symbol": "MIR451A"}, registry)
    assert {r[2].rsplit("/", 1)[1] for r in _rows(RemoteStore(f"{other_kg}/query").query(text))} == {
        "C055", "C056", "C057", "C151", "C152"}


def test_service_outside_the_allowlist_is_refused_before_anything_is_sent(endpoint):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    try:
        urllib.request.urlopen(f"{endpoint.base_url}/sparql?{urllib.parse.urlencode({'query': query})}", timeout=10)
        status, body = 200, b""
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    assert status == 403 and b"not on this server's allowlist" in body
    with pytest.raises(socket.timeout):
        listener.accept()            # no request left for the refused endpoint
    listener.close()
    variable = "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }"
    with pytest.raises(ServiceRefused, match="variable endpoint"):
        ServiceAllowlist().check(variable)


def test_a_slow_remote_is_cut_off_by_the_timeout(project, tmp_path):
    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(20)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    slow = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    slow.daemon_threads = True
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{slow.server_address[1]}/sparql"
    kg = KnowledgeGraphServer(project, tmp_path / "store", ServerConfig(port=0, timeout=2.0, workers=1,
                                                                       allowlist=ServiceAllowlist.from_config((remote,))))
    kg.start_in_thread()
    try:
        start = time.monotonic()
        query = f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"
        try:
            urllib.request.urlopen(f"{kg.base_url}/sparql?{urllib.parse.urlencode({'query': query})}", timeout=30)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 503 and time.monotonic() - start < 10
        ok = urllib.request.urlopen(f"{kg.base_url}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}", timeout=10)
        assert json.loads(ok.read())["boolean"] is True
    finally:
        kg.close()
        slow.shutdown()


def test_public_federated_queries_parse_and_declare_their_endpoints(queries):
    from rdflib.plugins.sparql import prepareQuery
    public = {"federated-uniprot-proteins-of-targets": "https://sparql.uniprot.org/sparql",
              "federated-wikidata-mirnas": "https://query.wikidata.org/sparql"}
    examples = examples_graph(queries)
    for name, service in public.items():
        query = queries[name]
        prepareQuery(query.text)
        assert query.federated == (service,) and service_iris(query.text) == [service]
        node = URIRef(f"https://w3id.org/exomir-kg/queries/{name}")     # SIB: runs on the KG, federates with the service
        assert set(examples.objects(node, URIRef("https://schema.org/target"))) == {URIRef("https://w3id.org/exomir-kg/sparql")}
        assert set(examples.objects(node, URIRef("https://purl.expasy.org/sparql-examples/ontology#federatesWith"))) == {
            URIRef(service)}
        ServiceAllowlist().check(query.text)       # on the default allowlist
