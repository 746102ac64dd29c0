"""``exomirkg serve --release DIR`` serves the release itself under ``/release/VERSION/``, where the
release's w3id.org rules send its version IRI and its download URLs (issue 18)."""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph

import servers
from exomirkg.publish.release import release
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig


def fetch(url: str, accept: str = "text/html") -> tuple[int, dict[str, str], bytes]:
    return servers.fetch(url, accept, follow=False)


@pytest.fixture(scope="module")
def folder(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    release(project, "0.1.0", out)
    return out / "0.1.0"


@pytest.fixture(scope="module")
def server(project, folder, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("serve") / "store", ServerConfig(port=0, timeout=5.0, workers=2),
                              release=folder)
    kg.start_in_thread()
    yield kg
    kg.close()


def test_the_version_path_is_the_landing_page_its_description_or_its_crate(server, folder):
    base = server.base_url
    status, headers, _ = fetch(f"{base}/release/0.1.0")
    assert status == 301 and headers["Location"] == "/release/0.1.0/"
    status, headers, _ = fetch(f"{base}/release/0.1.0?format=turtle")
    assert status == 301 and headers["Location"] == "/release/0.1.0/?format=turtle"
    status, headers, body = fetch(f"{base}/release/0.1.0/")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and body == (folder / "index.html").read_bytes()
    status, headers, body = fetch(f"{base}/release/0.1.0/", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert body == (folder / "metadata/dataset.ttl").read_bytes() and len(Graph().parse(data=body, format="turtle")) > 100
    status, headers, body = fetch(f"{base}/release/0.1.0/?format=json-ld")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert json.loads(body)["@graph"][0]["@id"] == "ro-crate-metadata.json"
    assert fetch(f"{base}/release/0.1.0/", "application/n-quads")[0] == 406


def test_every_listed_file_is_served_with_its_media_type_and_nothing_else(server, folder):
    base = server.base_url
    for rel, media in (("data/exomir-kg.ttl", "text/turtle"), ("data/exomir-kg.nq", "application/n-quads"),
                       ("ontology/exomir-full.owl", "application/rdf+xml"), ("docs/ontology.html", "text/html"),
                       ("CITATION.cff", "text/plain"), ("w3id/exomir-kg/.htaccess", "text/plain"), ("SHA256SUMS", "application/octet-stream")):
        status, headers, body = fetch(f"{base}/release/0.1.0/{rel}")
        assert (status, headers["Content-Type"].split(";")[0]) == (200, media), rel
        assert body == (folder / rel).read_bytes(), rel
    (folder / "not-listed.txt").write_text("not part of the release\n")
    try:
        assert fetch(f"{base}/release/0.1.0/not-listed.txt")[0] == 404
    finally:
        (folder / "not-listed.txt").unlink()
    assert fetch(f"{base}/release/0.2.0/data/exomir-kg.ttl")[0] == 404          # another version
    assert fetch(f"{base}/release/0.1.0/data/")[0] == 404
    connection = http.client.HTTPConnection(*server.httpd.server_address[:2], timeout=30)
    try:                                           # a raw path, as no browser would normalise it
        connection.request("GET", "/release/0.1.0/data/../manifest.json")
        assert connection.getresponse().status == 404
    finally:
        connection.close()


def test_every_file_is_served_as_the_crate_describes_it(server, folder):
    crate = json.loads((folder / "ro-crate-metadata.json").read_text())
    files = {node["@id"]: node["encodingFormat"] for node in crate["@graph"] if node.get("@type") == "File"}
    assert len(files) > 200 and "w3id/exomir-kg/.htaccess" in files
    assert {rel: server.site.media_type(rel).split(";")[0] for rel in files} == files
    assert "application/octet-stream" not in files.values()


def test_a_server_of_the_checkout_serves_no_release(project, tmp_path):
    kg = KnowledgeGraphServer(project, tmp_path / "store", ServerConfig(port=0, timeout=5.0, workers=1))
    kg.start_in_thread()
    try:
        status, _, body = fetch(f"{kg.base_url}/release/0.1.0/")
        assert status == 404 and b"serves no release" in body
    finally:
        kg.close()
