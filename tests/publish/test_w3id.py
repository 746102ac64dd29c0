"""The w3id.org redirect rules that every release ships (``w3id/exomir-kg/.htaccess`` and ``README.md``),
and the FAIR persistent-identifier metric (FsF-F1-02D) that now tests them instead of the IRIs' prefix:
sample IRIs of each kind, asked for as HTML and as Turtle, must be redirected to URLs that the
project's server answers (issue 18). All offline: the server runs on 127.0.0.1, and so does Apache
when the rules are checked against the real mod_rewrite."""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import NoRedirect, apache_server

from exomirkg.cli import main
from exomirkg.cli.exits import Exit
from exomirkg.publish.fair import HTML_REQUEST, fair_check, samples
from exomirkg.publish.release import ReleaseError, release
from exomirkg.publish.w3id import UnsupportedRule, htaccess, parse, redirect
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig

PUBLIC = "https://kg.exomir.example"
W3ID = "https://w3id.org/exomir-kg/"
METRIC = "FsF-F1-02D"


@pytest.fixture(scope="module")
def folder(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    release(project, "0.1.0", out, server_url=PUBLIC + "/")
    return out / "0.1.0"


@pytest.fixture(scope="module")
def server(project, folder, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("serve") / "store", ServerConfig(port=0, timeout=5.0, workers=2),
                              release=folder)
    kg.start_in_thread()
    yield kg
    kg.close()


def rules_of(folder: Path):
    return parse((folder / "w3id" / "exomir-kg" / ".htaccess").read_text())


def metric(folder: Path, server: str | None = None):
    return next(r for r in fair_check(folder, server) if r.metric == METRIC)


def test_the_release_ships_the_w3id_folder_for_its_server(folder):
    w3id = folder / "w3id" / "exomir-kg"
    text = (w3id / ".htaccess").read_text()
    assert "RewriteEngine on" in text and f"{PUBLIC}/$1?format=turtle" in text
    assert "release 0.1.0" in text and "https://exomir-kg.example.org" not in text
    readme = (w3id / "README.md").read_text()
    assert readme.startswith("# /exomir-kg/") and "## Contact" in readme and "- exomir-kg curators" in readme
    assert PUBLIC in readme
    sums = (folder / "SHA256SUMS").read_text()
    assert "  w3id/exomir-kg/.htaccess\n" in sums and "  w3id/exomir-kg/README.md\n" in sums
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["server_url"] == PUBLIC and "w3id/exomir-kg/.htaccess" in manifest["files"]


@pytest.mark.parametrize(("iri", "accept", "expected"), [
    ("claim/C131", HTML_REQUEST, (303, f"{PUBLIC}/claim/C131")),
    ("claim/C131", "text/turtle", (303, f"{PUBLIC}/claim/C131?format=turtle")),
    ("claim/C131", "application/trig", (303, f"{PUBLIC}/claim/C131?format=trig")),
    ("claim/C131", "application/ld+json", (303, f"{PUBLIC}/claim/C131?format=json-ld")),
    ("claim/C131", "application/n-triples", (303, f"{PUBLIC}/claim/C131?format=nt")),
    ("claim/C131/edge/1", "text/turtle", (303, f"{PUBLIC}/claim/C131/edge/1?format=turtle")),
    ("np/C131", "application/trig", (303, f"{PUBLIC}/np/C131?format=trig")),
    ("reference/117", "application/trig", (303, f"{PUBLIC}/reference/117")),        # no TriG: the server negotiates
    ("ontology/Claim", "text/turtle", (303, f"{PUBLIC}/ontology/Claim?format=turtle")),
    ("ontology", HTML_REQUEST, (303, f"{PUBLIC}/release/0.1.0/docs/ontology.html")),
    ("ontology", "text/turtle", (303, f"{PUBLIC}/release/0.1.0/ontology/exomir-full.ttl")),
    ("ontology", "application/rdf+xml", (303, f"{PUBLIC}/release/0.1.0/ontology/exomir-full.owl")),
    ("ontology", "application/ld+json", (303, f"{PUBLIC}/ontology?format=json-ld")),
    ("release/0.1.0", HTML_REQUEST, (303, f"{PUBLIC}/release/0.1.0/")),
    ("release/0.1.0/", "text/turtle", (303, f"{PUBLIC}/release/0.1.0/metadata/dataset.ttl")),
    ("release/0.1.0", "application/n-quads", (303, f"{PUBLIC}/release/0.1.0/data/exomir-kg.nq")),
    ("release/0.1.0", "application/trig", (303, f"{PUBLIC}/release/0.1.0/data/exomir-kg.trig")),
    ("release/0.1.0", "application/ld+json", (303, f"{PUBLIC}/release/0.1.0/ro-crate-metadata.json")),
    ("release/0.0.9/data/exomir-kg.nq", HTML_REQUEST, (302, f"{PUBLIC}/release/0.0.9/data/exomir-kg.nq")),
    ("dataset", "text/turtle", (303, f"{PUBLIC}/.well-known/void?format=turtle")),
    ("", HTML_REQUEST, (303, f"{PUBLIC}/")),
    ("sparql?query=ASK%7B%7D", "application/sparql-results+json", (307, f"{PUBLIC}/sparql?query=ASK%7B%7D")),
    ("claim/C131", "text/turtle;q=0.1, text/html", (303, f"{PUBLIC}/claim/C131?format=turtle")),   # no q-values
    ("release/latest", HTML_REQUEST, None),
    ("nothing/here", "text/turtle", None),
])
def test_the_rules_send_each_kind_of_iri_to_its_page_or_rdf(folder, iri, accept, expected):
    assert redirect(rules_of(folder), W3ID + iri, {"Accept": accept}) == expected


def test_only_the_projects_iris_are_redirected(folder):
    rules = rules_of(folder)
    assert redirect(rules, "https://w3id.org/exomir-kg", {"Accept": HTML_REQUEST}) == (303, f"{PUBLIC}/")
    assert redirect(rules, "https://w3id.org/exomir-kgx/claim/C131", {}) is None
    assert redirect(rules, "https://example.org/exomir-kg/claim/C131", {}) is None


def test_the_rules_are_what_apache_mod_rewrite_does(folder):
    """The reader of the rules agrees with Apache httpd's mod_rewrite, on loopback, request by request."""
    rules = rules_of(folder)
    opener = urllib.request.build_opener(NoRedirect())
    paths = ["", "claim/C131", "claim/C131/edge/1", "np/C131", "np/C131/RAxyz", "panel/C010", "reference/117",
             "quote/Q1", "issue/I01", "graph/entities", "ontology", "ontology/Claim", "dataset", "release/0.1.0",
             "release/0.1.0/", "release/0.1.0/data/exomir-kg.ttl", "release/x", "sparql?query=ASK%7B%7D", "nothing"]
    accepts = [HTML_REQUEST, "text/turtle", "application/trig", "application/n-quads", "application/ld+json",
               "application/n-triples", "application/rdf+xml", "*/*", "TEXT/TURTLE"]
    compared = 0
    with apache_server({"exomir-kg": folder / "w3id" / "exomir-kg"}) as base:
        for path in paths:
            for accept in accepts:
                try:
                    with opener.open(urllib.request.Request(f"{base}/exomir-kg/{path}", headers={"Accept": accept}),
                                     timeout=10) as answer:
                        apache = (answer.status, answer.headers.get("Location"))
                except urllib.error.HTTPError as error:
                    apache = (error.code, error.headers.get("Location"))
                ours = redirect(rules, W3ID + path, {"Accept": accept})
                assert (apache if apache[0] != 404 else None) == ours, (path, accept)
                compared += 1
    assert compared == len(paths) * len(accepts)


def test_the_metric_passes_when_the_server_answers_every_redirect(folder, server):
    results = fair_check(folder, server.base_url)
    assert all(r.passed for r in results), [(r.metric, r.evidence) for r in results if not r.passed]
    found = metric(folder, server.base_url)
    assert f"answered by the server at {server.base_url}" in found.evidence
    kinds = [s.kind for s in samples(folder, json.loads((folder / "manifest.json").read_text()))]
    assert {"claim", "nanopublication", "trusty nanopublication", "ontology", "release", "release file"} <= set(kinds)
    assert f"redirect {len(kinds)} sample IRIs" in found.evidence and "19 requests" in found.evidence
    offline = metric(folder)
    assert offline.passed and "not requested" in offline.evidence


def copy_of(folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "0.1.0"
    shutil.copytree(folder, copy)
    return copy


def test_a_release_without_the_rules_fails_the_metric_and_only_it(folder, server, tmp_path):
    copy = copy_of(folder, tmp_path)
    shutil.rmtree(copy / "w3id")
    for target in (None, server.base_url):
        results = fair_check(copy, target)
        assert [r.metric for r in results if not r.passed] == [METRIC]
        assert "no w3id.org rules" in metric(copy, target).evidence
    shutil.copytree(folder / "w3id", copy / "w3id")
    (copy / "w3id" / "exomir-kg" / "README.md").write_text("# /exomir-kg/\n")
    assert not metric(copy).passed and "names no maintainers" in metric(copy).evidence


@pytest.mark.parametrize(("edit", "words_offline", "words_live"), [
    (lambda t: t.replace(f"{PUBLIC}/$1?format=turtle", f"{PUBLIC}/$1?format=html"), "asks for format html, not text/turtle",
     "not text/turtle"),
    (lambda t: t.replace(f"{PUBLIC}/$1?format=turtle", f"{PUBLIC}/resource/$1?format=turtle"), None, "answered 404"),
    (lambda t: t.replace(f"{PUBLIC}/$1?format=turtle", "https://elsewhere.example/$1?format=turtle"), "not to the server", "not to the server"),
    (lambda t: t.replace("ontology/exomir-full.ttl", "ontology/exomir.ttl"), "not a file of the release", "not a file of the release"),
    (lambda t: t.replace("|np|", "|"), "not redirected", "not redirected"),
    (lambda t: t.replace("[R=303,NE,L]", "[R=303,NE]", 1), "[R=...,L]", "[R=...,L]"),
    (lambda t: t + "RewriteBase /exomir-kg/\n", "RewriteBase is not read", "RewriteBase is not read"),
], ids=["turtle-gets-the-page", "no-such-route", "another-host", "no-such-file", "no-rule-for-nanopubs", "no-L-flag",
        "unread-directive"])
def test_broken_rules_fail_the_metric(folder, server, tmp_path, edit, words_offline, words_live):
    """Each fault fails the metric when the targets are requested from the server; without a server,
    each but a target path the server does not have (None: the release alone cannot tell)."""
    copy = copy_of(folder, tmp_path)
    rules = copy / "w3id" / "exomir-kg" / ".htaccess"
    before = rules.read_text()
    rules.write_text(edit(before))
    assert rules.read_text() != before
    offline, live = metric(copy), metric(copy, server.base_url)
    assert not live.passed and words_live in live.evidence, live.evidence
    if words_offline is None:
        assert offline.passed
    else:
        assert not offline.passed and words_offline in offline.evidence, offline.evidence


def test_the_reader_refuses_what_it_does_not_read():
    good = htaccess(PUBLIC, "0.1.0")
    assert parse(good)
    for bad in ("RewriteCond %{REQUEST_URI} ^/x\nRewriteRule ^x$ https://a.example/ [R=303,L]",
                "RewriteRule ^x$ /internal [L]", "RewriteRule ^x$ https://a.example/ [R=303,L,QSA]",
                "RewriteRule ^x$ https://a.example/%1 [R=303,L]", "Redirect 303 /x https://a.example/",
                "RewriteRule ^x$ https://a.example/ [R=200,L]"):
        with pytest.raises(UnsupportedRule):
            parse("RewriteEngine on\n" + bad + "\n")
    assert redirect(parse("RewriteEngine off\n"), W3ID + "x", {}) is None
    with pytest.raises(UnsupportedRule, match="not on"):
        parse("RewriteEngine off\nRewriteRule ^x$ https://a.example/ [R=303,L]\n")


def test_the_server_url_is_checked_before_anything_is_written(project, tmp_path):
    for bad in ("https://a.example/x y", "ftp://a.example", "https://a.example/\nRewriteRule", "https://a.example/?q=1"):
        with pytest.raises(ReleaseError, match="--server-url must be a plain http"):
            release(project, "0.1.0", tmp_path / "out", server_url=bad)
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["release", "0.1.0", "--out", str(tmp_path / "out"), "--server-url", "javascript:x"])
    assert result.exit_code == Exit.UNUSABLE and "--server-url must be a plain http" in result.output


def test_the_fair_command_requests_the_server_it_is_given(folder, server):
    result = CliRunner().invoke(main, ["fair", str(folder), "--server", server.base_url])
    assert result.exit_code == 0, result.output
    assert f"answered by the server at {server.base_url}" in result.output and "15 passed, 0 failed" in result.output
