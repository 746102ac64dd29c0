"""``exomirkg push`` into real external stores started on 127.0.0.1 (Oxigraph server, Virtuoso):
every stored query answers there as on the embedded store; a failed upload changes nothing."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from exomirkg.cli import main
from exomirkg.identifiers import PrefixRegistry
from exomirkg.push import DEFAULT_GRAPH, PushError, Target, count_triples, kg_ntriples, push, _Client
from exomirkg.queries import catalogue
from exomirkg.store import EmbeddedStore, RemoteStore
from conftest import multiset
from servers import oxigraph_server, virtuoso_server


def assert_same_answers(project, remote: RemoteStore) -> int:
    local = EmbeddedStore.for_project(project)
    registry = PrefixRegistry.load(project.prefixes_path)
    checked = 0
    for name, stored in catalogue(project.queries_dir).items():
        if stored.is_federated:
            continue
        text = stored.bind({}, registry)
        assert multiset(remote.query(text)) == multiset(local.query(text)), name
        checked += 1
    return checked


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as (base, _):
        yield base


def test_push_to_oxigraph_with_the_graph_store_protocol(project, oxigraph):
    result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", f"{oxigraph}/query",
                                       "--update", f"{oxigraph}/update", "--gsp", f"{oxigraph}/store"])
    assert result.exit_code == 0, result.output
    expected = len(kg_ntriples(project))
    assert f"pushed {expected} triples" in result.output
    assert assert_same_answers(project, RemoteStore(f"{oxigraph}/query", DEFAULT_GRAPH)) >= 20


def test_push_with_sparql_update_only(project, oxigraph):
    graph = "https://example.org/update-only"
    target = Target(f"{oxigraph}/query", f"{oxigraph}/update")
    assert push(project, target, graph, batch=3000) == len(kg_ntriples(project))
    assert assert_same_answers(project, RemoteStore(f"{oxigraph}/query", graph)) >= 20


def test_a_failed_upload_leaves_the_target_graph_as_it_was(project, oxigraph):
    graph = "https://example.org/kept"
    target = Target(f"{oxigraph}/query", f"{oxigraph}/update", f"{oxigraph}/store")
    lines = kg_ntriples(project)
    push(project, target, graph, lines=lines[:100])
    with pytest.raises(PushError, match="left as it was"):
        push(project, target, graph, batch=2000, lines=lines[:5000] + ["<not a triple"] + lines[5000:])
    client = _Client(target)
    assert count_triples(client, graph) == 100
    assert count_triples(client, graph + "#upload") == 0


def test_push_to_virtuoso_with_digest_auth(project, virtuoso):
    result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", f"{virtuoso}/sparql-auth",
                                       "--gsp", f"{virtuoso}/sparql-graph-crud-auth", "--gsp-graph-param", "graph-uri",
                                       "--user", "dba", "--password", "dba"])
    assert result.exit_code == 0, result.output
    assert assert_same_answers(project, RemoteStore(f"{virtuoso}/sparql", DEFAULT_GRAPH)) >= 20


def test_push_to_an_unreachable_store_fails_cleanly(project):
    result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 1 and "push failed" in result.output
