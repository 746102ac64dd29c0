"""``exomirkg serve --release``: a release served with its nanopublications under their trusty IRIs;
the plain nanopublication IRI of a claim leads to its current one; the nanopublication page shows
its four graphs and whether it verifies (issue 17)."""
from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nanopub"))
from servers import fetch  # noqa: E402
from suite_cases import require_suite  # noqa: E402

from exomirkg.cli import main  # noqa: E402
from exomirkg.nanopub import check, load_private_key  # noqa: E402
from exomirkg.publish.products import Signing  # noqa: E402
from exomirkg.publish.release import release  # noqa: E402
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig  # noqa: E402

SIGNER = "https://orcid.org/0000-0002-1825-0097"


@pytest.fixture(scope="module")
def released(project, tmp_path_factory) -> Path:
    key = load_private_key(require_suite() / "transform" / "signed" / "rsa-key2" / "key" / "id_rsa")
    out = tmp_path_factory.mktemp("release")
    release(project, "0.1.0", out, signing=Signing(key, SIGNER))
    return out / "0.1.0"


@pytest.fixture(scope="module")
def server(project, released, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("serve-release") / "store",
                              ServerConfig(port=0, timeout=5.0, workers=2), release=released)
    kg.start_in_thread()
    yield kg
    kg.close()


def current(released: Path, claim_id: str) -> str:
    for line in (released / "nanopubs" / "nanopubs.tsv").read_text().splitlines():
        if line.startswith(claim_id + "\t"):
            return line.split("\t")[2]
    raise AssertionError(claim_id)


def test_the_plain_nanopub_iri_leads_to_the_current_trusty_one(server, released):
    trusty = current(released, "C131")
    status, headers, _ = fetch(f"{server.base_url}/np/C131", follow=False)
    assert status == 303 and headers["Location"] == "/" + trusty.removeprefix("https://w3id.org/exomir-kg/")
    status, headers, _ = fetch(f"{server.base_url}/np/C131?format=trig", follow=False)
    assert status == 303 and headers["Location"].endswith("?format=trig")
    assert fetch(f"{server.base_url}/np/C999", follow=False)[0] == 404


def test_the_nanopub_page_shows_its_four_graphs_and_that_it_verifies(server, released):
    trusty = current(released, "C131")
    status, _, body = fetch(server.base_url + "/" + trusty.removeprefix("https://w3id.org/exomir-kg/"))
    html = body.decode()
    assert status == 200 and "valid, trusty and signed" in html and trusty in html
    for title in ("Assertion: what is claimed", "Provenance: where the claim comes from", "Publication information"):
        assert title in html
    assert "91.1 % sensitivity" in html and SIGNER in html


def test_the_served_trig_of_a_trusty_nanopub_still_verifies(server, released):
    """Oxigraph keeps the literals as written (the creation time has no time zone for that reason)."""
    trusty = current(released, "C016")
    status, headers, body = fetch(server.base_url + "/" + trusty.removeprefix("https://w3id.org/exomir-kg/"), "application/trig")
    assert status == 200 and headers["Content-Type"].startswith("application/trig")
    [report] = check(body.decode())
    assert report.uri == trusty and report.status == "signed", str(report)


def test_the_claim_page_links_to_its_trusty_nanopub(server, released):
    html = fetch(f"{server.base_url}/claim/C131")[2].decode()
    assert f'class="nanopub" href="/{current(released, "C131").removeprefix("https://w3id.org/exomir-kg/")}"' in html
    assert "91.1 % sensitivity" in html          # the claim's facts are read from its trusty graphs


def test_the_endpoint_answers_with_trusty_nanopub_iris(server, released):
    query = ("SELECT ?np WHERE { <https://w3id.org/exomir-kg/claim/C131> "
             "<https://w3id.org/exomir-kg/ontology/currentNanopublication> ?np }")
    url = f"{server.base_url}/sparql?" + urllib.parse.urlencode({"query": query})
    body = fetch(url, "text/csv")[2].decode()
    assert current(released, "C131") in body


def test_serve_refuses_a_folder_that_is_not_a_release(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--release", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2 and "is not a release folder" in result.output


def test_older_versions_say_what_replaced_them_and_the_index_and_retractions_resolve(mini, tmp_path):
    fixture = (Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml").read_text()
    key = Signing(load_private_key(require_suite() / "transform" / "signed" / "rsa-key2" / "key" / "id_rsa"), SIGNER)
    mini.write("01.yaml", fixture)
    out = tmp_path / "dist"
    release(mini.project, "1.0.0", out, date="2026-01-01", signing=key)
    changed = fixture.replace("direction: up, comparison: MONDO:0005366", "direction: down, comparison: MONDO:0005366")
    mini.write("01.yaml", changed.replace("      - {id: C004, type: process, mirna: miR-210, effect: positive, verb: "
                                          "promote, process: GO:0001525, cell: CL:0000115}\n", ""))
    release(mini.project, "1.1.0", out, date="2026-02-01", signing=key)
    first, second = out / "1.0.0", out / "1.1.0"
    kg = KnowledgeGraphServer(mini.project, tmp_path / "store", ServerConfig(port=0, timeout=5.0, workers=1), release=second)
    kg.start_in_thread()
    try:
        def path(iri: str) -> str:
            return kg.base_url + "/" + iri.removeprefix("https://w3id.org/exomir-kg/")
        status, _, body = fetch(path(current(first, "C001")))
        assert status == 404 and f'class="superseded-by" href="/{current(second, "C001").removeprefix("https://w3id.org/exomir-kg/")}"' in body.decode()
        status, _, body = fetch(path(current(first, "C004")))
        retraction = current(second, "retract-C004")
        assert status == 404 and f'class="retracted-by" href="/{retraction.removeprefix("https://w3id.org/exomir-kg/")}"' in body.decode()
        status, _, body = fetch(path(retraction))
        assert status == 200 and "valid, trusty and signed" in body.decode()
        status, _, body = fetch(path(current(second, "index")), "application/trig")
        [report] = check(body.decode())
        assert status == 200 and report.uri == current(second, "index") and report.status == "signed"
    finally:
        kg.close()
