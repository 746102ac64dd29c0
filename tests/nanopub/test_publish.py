"""``exomirkg nanopub publish``: signed nanopublications sent to a nanopub server, against a loopback
receiver that verifies each with nanopub-sign (the Rust toolkit) before it accepts it. No traffic
leaves 127.0.0.1."""
from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from suite_cases import require_module, require_suite

from exomirkg.cli import main
from exomirkg.nanopub import load_private_key, sign
from exomirkg.nanopub.publishing import UnusableServer, publish

SIGNER = "https://orcid.org/0000-0002-1825-0097"      # ORCID's own example iD (Josiah Carberry)
PLAIN = """@prefix this: <http://purl.org/nanopub/temp/np{n}> .
@prefix sub: <http://purl.org/nanopub/temp/np{n}/> .
@prefix np: <http://www.nanopub.org/nschema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
sub:head {{ this: a np:Nanopublication ; np:hasAssertion sub:assertion ; np:hasProvenance sub:provenance ;
  np:hasPublicationInfo sub:pubinfo . }}
sub:assertion {{ <https://example.org/mir{n}> <https://example.org/targets> <https://example.org/gene{n}> . }}
sub:provenance {{ sub:assertion <http://www.w3.org/ns/prov#wasDerivedFrom> <https://doi.org/10.1186/s12935-021-01941-9> . }}
sub:pubinfo {{ this: dct:created "2026-12-06T00:00:00+00:00"^^xsd:dateTime . }}
"""


class Receiver(ThreadingHTTPServer):
    """A nanopub server on loopback: verifies each POSTed TriG with nanopub-sign; 201 when it is
    valid, trusty and signed, else 400. ``fail_first`` answers 503 to the first that many requests."""

    def __init__(self, fail_first: int = 0):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.accepted: list[str] = []
        self.requests = 0
        self.fail_first = fail_first
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        import nanopub_sign
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        with self.server.lock:
            self.server.requests += 1
            failing = self.server.requests <= self.server.fail_first
        if failing:
            return self.reply(503, "busy", {"Retry-After": "0"})
        if self.headers["Content-Type"] != "application/trig":
            return self.reply(415, "send application/trig")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                info = nanopub_sign.Nanopub(body).check().info()
        except Exception as error:       # noqa: BLE001 - the binding raises a bare Exception
            return self.reply(400, f"invalid nanopublication: {error}")
        if not (info["trusty_hash"] and info["signature"]):
            return self.reply(400, "not trusty and signed")
        with self.server.lock:
            uri = info["uri"]
            self.server.accepted.append(str(uri["value"] if isinstance(uri, dict) else uri))
        self.reply(201, "published")

    def reply(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def receiver(fail_first: int = 0) -> Iterator[Receiver]:
    require_module("nanopub_sign", "pip install nanopub-sign")
    server = Receiver(fail_first)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def signed_folder(tmp_path) -> tuple[Path, list[str]]:
    """Three nanopublications signed with the test suite's key, one per file, and their IRIs."""
    key = load_private_key(require_suite() / "transform" / "signed" / "rsa-key2" / "key" / "id_rsa")
    folder = tmp_path / "nanopubs"
    folder.mkdir()
    uris = []
    for n in range(3):
        signed = sign(PLAIN.format(n=n), key, signed_by=SIGNER)
        (folder / f"np{n}.trig").write_text(signed)
        uris.append(next(line.split("<")[1].split(">")[0] for line in signed.splitlines() if line.startswith("@prefix this:")))
    return folder, uris


def test_every_signed_nanopublication_is_sent_and_accepted(signed_folder):
    folder, uris = signed_folder
    with receiver() as server:
        outcomes = publish([folder], server.url, pause=0)
    assert [o.status for o in outcomes] == ["accepted"] * 3
    assert sorted(server.accepted) == sorted(uris) == sorted(o.uri for o in outcomes)


def test_a_server_error_is_retried_and_a_refusal_is_not(signed_folder, tmp_path):
    folder, _ = signed_folder
    with receiver(fail_first=2) as server:
        outcomes = publish([folder / "np0.trig"], server.url, retries=3, pause=0)
    assert outcomes[0].status == "accepted" and outcomes[0].attempts == 3
    with receiver(fail_first=10) as server:
        [failed] = publish([folder / "np0.trig"], server.url, retries=2, pause=0)
    assert failed.status == "failed" and failed.attempts == 3 and failed.http_status == 503
    tampered = tmp_path / "tampered.trig"          # a changed signed nanopublication: our check refuses to send it
    tampered.write_text((folder / "np1.trig").read_text().replace("gene1", "gene9"))
    with receiver() as server:
        [kept] = publish([tampered], server.url, pause=0)
    assert kept.status == "not sent" and "signature" in kept.message and server.requests == 0


def test_unsigned_nanopublications_are_not_sent(tmp_path):
    plain = tmp_path / "plain.trig"
    plain.write_text(PLAIN.format(n=7))
    with receiver() as server:
        [outcome] = publish([plain], server.url)
    assert outcome.status == "not sent" and "not signed" in outcome.message and server.requests == 0


def test_the_verb_reports_each_nanopublication_and_exits_by_outcome(signed_folder, tmp_path):
    folder, uris = signed_folder
    with receiver() as server:
        result = CliRunner().invoke(main, ["nanopub", "publish", str(folder), "--server", server.url, "--pause", "0"])
    assert result.exit_code == 0, result.output
    assert "3 accepted" in result.output and all(uri in result.output for uri in uris)
    (folder / "plain.trig").write_text(PLAIN.format(n=8))
    with receiver() as server:
        result = CliRunner().invoke(main, ["nanopub", "publish", str(folder), "--server", server.url, "--quiet"])
    assert result.exit_code == 1 and "3 accepted, 1 not sent" in result.output and uris[0] not in result.output
    result = CliRunner().invoke(main, ["nanopub", "publish", str(folder), "--server", "file:///etc/passwd"])
    assert result.exit_code == 2 and "not an http(s) URL" in result.output


def test_a_server_url_must_be_http():
    for url in ("ftp://example.org/", "http://[::1", "http://localhost:99999/", "http:///path"):
        with pytest.raises(UnusableServer):
            publish([], url)


def test_out_of_range_options_are_refused_before_anything_is_sent(signed_folder):
    folder, _ = signed_folder
    for option, value in (("--pause", "-1"), ("--timeout", "-1"), ("--retries", "99")):
        result = CliRunner().invoke(main, ["nanopub", "publish", str(folder), "--server", "http://127.0.0.1:9/", option, value])
        assert result.exit_code == 2 and option in result.output, result.output


class Redirecting(BaseHTTPRequestHandler):
    """Answers every request with a redirect to a page that says OK to a GET."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.send_response(302)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")


def test_a_redirect_is_not_followed_and_not_taken_for_an_acceptance(signed_folder):
    folder, _ = signed_folder
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        [outcome] = publish([folder / "np0.trig"], f"http://127.0.0.1:{server.server_address[1]}/", pause=0)
    finally:
        server.shutdown()
        server.server_close()
    assert outcome.status == "rejected" and outcome.http_status == 302 and "/elsewhere" in outcome.message


def test_a_release_folder_gives_its_nanopublications_not_its_kg_files(signed_folder, tmp_path):
    from exomirkg.nanopub.publishing import nanopub_files
    folder, _ = signed_folder
    release = tmp_path / "1.0.0"
    (release / "data").mkdir(parents=True)
    (release / "data" / "exomir-kg.trig").write_text("")
    folder.rename(release / "nanopubs")
    (release / "nanopubs" / "nanopubs.tsv").write_text("id\n")
    assert [p.name for p in nanopub_files([release])] == ["np0.trig", "np1.trig", "np2.trig"]
