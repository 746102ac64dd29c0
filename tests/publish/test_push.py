"""``exomirkg push`` into real external stores started on 127.0.0.1 (Oxigraph server, Virtuoso):
every stored query answers there as on the embedded store; a failed upload changes nothing."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import exomirkg.publish.push as push_module
from exomirkg.cli import main
from exomirkg.ids.prefixes import PrefixRegistry
from exomirkg.publish.push import DEFAULT_GRAPH, PushError, Target, count_triples, kg_ntriples, push, _Client
from exomirkg.query.catalogue import catalogue
from exomirkg.query.store import EmbeddedStore, RemoteStore
from conftest import multiset
from proxy import FORWARD, LOSE_ANSWER, REFUSE, faulty_proxy
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
    assert push(project, target, graph, batch=3000).triples == len(kg_ntriples(project))
    assert assert_same_answers(project, RemoteStore(f"{oxigraph}/query", graph)) >= 20


def test_a_failed_upload_leaves_the_target_graph_as_it_was(project, oxigraph):
    graph = "https://example.org/kept"
    target = Target(f"{oxigraph}/query", f"{oxigraph}/update", f"{oxigraph}/store")
    lines = kg_ntriples(project)
    push(project, target, graph, lines=lines[:100])
    with pytest.raises(PushError, match=r"left as it was \(100 triples\)"):
        push(project, target, graph, batch=2000, lines=lines[:5000] + ["<not a triple"] + lines[5000:])
    client = _Client(target)
    assert count_triples(client, graph) == 100
    assert count_triples(client, graph + ".staging") == 0


def test_push_to_virtuoso_with_digest_auth(project, virtuoso):
    result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", f"{virtuoso}/sparql-auth",
                                       "--gsp", f"{virtuoso}/sparql-graph-crud-auth", "--gsp-graph-param", "graph-uri",
                                       "--user", "dba", "--password", "dba"])
    assert result.exit_code == 0, result.output
    assert assert_same_answers(project, RemoteStore(f"{virtuoso}/sparql", DEFAULT_GRAPH)) >= 20


def test_push_to_an_unreachable_store_fails_cleanly(project):
    result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 1 and "push failed" in result.output
    assert "was left as it was (no MOVE was sent; could not read the target back" in result.output


# --------------------------------------------------------------------------- issue 13: push failures told truthfully


def direct_target(base: str) -> Target:
    return Target(f"{base}/query", f"{base}/update", f"{base}/store", timeout=30)


def graph_triples(base: str, graph: str) -> set[str]:
    """Every triple of ``graph``, read back from the server as N-Triples lines."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(f"{base}/query?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return {line for line in response.read().decode("utf-8").splitlines() if line.strip()}


def graphs_starting_with(base: str, prefix: str) -> set[str]:
    """The named graphs of the server whose IRI starts with ``prefix`` (the target and any staging graph)."""
    result = _Client(direct_target(base)).sparql(f"{base}/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {b["g"]["value"] for b in result["results"]["bindings"] if b["g"]["value"].startswith(prefix)}


def is_move(text: str) -> bool:
    return text.lstrip().upper().startswith("MOVE")


def test_pushing_the_same_kg_twice_leaves_exactly_the_same_triples(project, oxigraph):
    graph = "https://example.org/idempotent"
    push(project, direct_target(oxigraph), graph)
    first = graph_triples(oxigraph, graph)
    push(project, direct_target(oxigraph), graph)
    second = graph_triples(oxigraph, graph)
    assert first == second
    assert len(second) == len(kg_ntriples(project))
    assert not any("_:" in line for line in second)
    assert any("<https://w3id.org/exomir-kg/.well-known/genid/" in line for line in second)


def test_skolemisation_never_merges_two_blank_nodes_and_ignores_their_labels():
    skolemize = push_module.skolemize_ntriples
    text = ("<http://x> <http://p> _:a .\n<http://x> <http://p> _:b .\n"
            "_:a <http://q> _:b .\n_:b <http://q> _:a .\n_:c <http://q> _:c .\n")
    lines = skolemize(text)
    assert len(lines) == 5
    genids = {term for line in lines for term in line.split() if "/.well-known/genid/" in term}
    assert len(genids) == 3
    relabelled = text.replace("_:a", "_:z1").replace("_:b", "_:z2").replace("_:c", "_:z3")
    assert skolemize(relabelled) == lines


def test_a_lost_answer_to_the_move_is_a_success_with_a_warning_when_the_target_holds_the_new_data(project, oxigraph):
    graph = "https://example.org/move-answer-lost"
    expected = len(kg_ntriples(project))
    push(project, direct_target(oxigraph), graph, lines=kg_ntriples(project)[:100])
    with faulty_proxy(oxigraph, lambda method, path, text: LOSE_ANSWER if is_move(text) else FORWARD) as proxy:
        result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", f"{proxy}/query",
                                           "--update", f"{proxy}/update", "--gsp", f"{proxy}/store", "--graph", graph])
    assert result.exit_code == 0, result.output
    assert f"the target graph <{graph}> now holds the new data ({expected} triples) although the server's answer was lost" \
        in result.output
    assert "warning:" in result.output
    assert count_triples(_Client(direct_target(oxigraph)), graph) == expected
    assert graphs_starting_with(oxigraph, graph) == {graph}


def test_a_move_that_never_reached_the_server_is_reported_as_left_as_it_was(project, oxigraph):
    graph = "https://example.org/move-refused"
    push(project, direct_target(oxigraph), graph, lines=kg_ntriples(project)[:100])
    refused = faulty_proxy(oxigraph, lambda method, path, text: REFUSE if is_move(text) else FORWARD)
    with refused as proxy, pytest.raises(PushError, match=r"the target graph <[^>]+> was left as it was \(100 triples\)"):
        push(project, direct_target(proxy), graph)
    assert count_triples(_Client(direct_target(oxigraph)), graph) == 100
    assert graphs_starting_with(oxigraph, graph) == {graph}          # the staging graph was dropped


def test_a_store_that_goes_away_after_the_move_is_reported_as_unknown(project, oxigraph):
    graph = "https://example.org/gone-after-move"
    gone = threading.Event()

    def rule(method: str, path: str, text: str) -> str:
        if gone.is_set():
            return REFUSE
        if is_move(text):
            gone.set()
            return LOSE_ANSWER
        return FORWARD

    with faulty_proxy(oxigraph, rule) as proxy:
        result = CliRunner().invoke(main, ["push", "--root", str(project.root), "--endpoint", f"{proxy}/query",
                                           "--update", f"{proxy}/update", "--gsp", f"{proxy}/store", "--graph", graph])
    assert result.exit_code == 1, result.output
    assert f"the state of the target graph <{graph}> is unknown: could not read the target back:" in result.output
    assert count_triples(_Client(direct_target(oxigraph)), graph) == len(kg_ntriples(project))   # it was in fact done


def test_a_failed_cleanup_names_the_staging_graph_to_drop(project, oxigraph):
    graph = "https://example.org/cleanup-fails"
    staging = graph + ".staging"
    uploads = []

    def rule(method: str, path: str, text: str) -> str:
        if path.startswith("/store"):
            uploads.append(method)
        return REFUSE if len(uploads) >= 2 else FORWARD            # the store goes away after the first chunk

    with faulty_proxy(oxigraph, rule) as proxy, pytest.raises(PushError) as caught:
        push(project, direct_target(proxy), graph, batch=2000)
    message = str(caught.value)
    assert f"the target graph <{graph}> was left as it was" in message
    assert f"the staging graph <{staging}> could not be removed" in message
    assert f"DROP SILENT GRAPH <{staging}>" in message
    assert count_triples(_Client(direct_target(oxigraph)), staging) == 2000      # the message tells the truth
    push(project, direct_target(oxigraph), graph)                               # and a later push removes it
    assert graphs_starting_with(oxigraph, graph) == {graph}


def test_ctrl_c_during_the_upload_removes_the_staging_graph(project, oxigraph):
    graph = "https://example.org/interrupted"
    push(project, direct_target(oxigraph), graph, lines=kg_ntriples(project)[:100])

    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(project, direct_target(oxigraph), graph, batch=2000, progress=interrupt)
    assert graphs_starting_with(oxigraph, graph) == {graph}
    assert count_triples(_Client(direct_target(oxigraph)), graph) == 100


def test_the_staging_graph_of_a_killed_push_is_removed_by_the_next_push(project, oxigraph):
    graph = "https://example.org/killed"
    reached, release = threading.Event(), threading.Event()
    uploads = []

    def rule(method: str, path: str, text: str) -> str:
        if path.startswith("/store"):
            uploads.append(method)
            if len(uploads) == 3:                  # third chunk: hold it until the pusher is killed
                reached.set()
                release.wait(60)
                return REFUSE
        return FORWARD

    binary = Path(sys.executable).parent / "exomirkg"
    with faulty_proxy(oxigraph, rule) as proxy:
        process = subprocess.Popen([str(binary), "push", "--root", str(project.root), "--endpoint", f"{proxy}/query",
                                    "--update", f"{proxy}/update", "--gsp", f"{proxy}/store", "--graph", graph,
                                    "--batch", "2000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert reached.wait(120), "the push never reached its third chunk"
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            release.set()
            if process.poll() is None:
                process.kill()
                process.wait(30)
    left = graphs_starting_with(oxigraph, graph)
    assert left and graph not in left                   # only the killed push's staging graph (4000 triples)
    result = push(project, direct_target(oxigraph), graph)
    assert graphs_starting_with(oxigraph, graph) == {graph}
    assert count_triples(_Client(direct_target(oxigraph)), graph) == len(kg_ntriples(project))
    assert any("left by an interrupted push" in note for note in result.notes)
