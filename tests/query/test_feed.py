"""The store fed while its N-Quads are written holds what loading the written file gives, and a
failure is raised, never lost, and never leaves the writer waiting."""
from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from exomirkg.bench.synthetic import synthetic_curation
from exomirkg.build import claim_graph_builder
from exomirkg.query.feed import StoreFeed, StoreFeedFailed
from exomirkg.query.store import EmbeddedStore


def _quads(store: EmbeddedStore) -> set[ox.Quad]:
    """The quads without a blank node (the ontology's blank nodes are renamed at each load)."""
    return {q for q in store.pyoxigraph if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def test_the_fed_store_equals_the_loaded_file(project, tmp_path):
    """The builder's N-Quads of two sources, fed in blocks of 500 lines (many blocks, a full queue),
    give exactly the quads of the same build written to a file and loaded whole, ontology included;
    the copy the loader writes is that file, byte for byte."""
    curation = synthetic_curation(project, 160, seed=4, claims_per_source=80)
    ontology = [project.ontology_path]
    path, copy = tmp_path / "kg.nq", tmp_path / "copy.nq"
    with open(path, "w", encoding="utf-8") as quads:
        count = claim_graph_builder(project).write_nquads(curation, quads)
    with open(copy, "wb") as copied, StoreFeed(ontology, block_lines=500, queued_blocks=2, copy_to=copied) as feed:
        assert claim_graph_builder(project).write_nquads(curation, feed) == count
        fed = feed.finish()
    assert copy.read_bytes() == path.read_bytes()
    whole = EmbeddedStore(path, ontology, quads_format="nquads")
    assert count > 10_000 and len(fed.pyoxigraph) == len(whole.pyoxigraph)
    assert _quads(fed) == _quads(whole)
    assert fed.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/exomir-kg/ontology/ExpressionClaim> }").values() == \
        whole.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/exomir-kg/ontology/ExpressionClaim> }").values()


def test_the_real_kg_fed_line_by_line_equals_it_loaded(project, built):
    """The curated KG's own N-Quads, fed as they are read, strictly (not lenient)."""
    lines = built.files["nq"].read_text(encoding="utf-8").splitlines(keepends=True)
    with StoreFeed(block_lines=97) as feed:
        for start in range(0, len(lines), 31):
            feed.writelines(lines[start:start + 31])
        fed = feed.finish()
    assert _quads(fed) == _quads(EmbeddedStore(built.files["nq"], [], quads_format="nquads"))


def _finishes_within(seconds: float, function) -> BaseException | None:
    """Run ``function`` on a thread; fail the test if it hangs; return what it raised."""
    raised: list[BaseException] = []

    def body() -> None:
        try:
            function()
        except BaseException as error:      # noqa: BLE001 - the test inspects it
            raised.append(error)
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the writer was left waiting on a failed loader"
    return raised[0] if raised else None


def test_a_line_that_does_not_parse_is_raised_and_the_writer_never_waits():
    """A broken line in the first block: the loader fails, and a writer that goes on writing
    thousands of blocks into a queue of one is told so instead of waiting for ever."""
    good = "<https://e.org/s> <https://e.org/p> <https://e.org/o> <https://e.org/g> .\n"

    def write() -> None:
        feed = StoreFeed(block_lines=1, queued_blocks=1)
        feed.writelines(["<https://e.org/s> <https://e.org/p> \"unterminated <https://e.org/g> .\n"])
        for _ in range(5000):
            feed.writelines([good])
        feed.finish()
    error = _finishes_within(30, write)
    assert isinstance(error, StoreFeedFailed) and "could not load" in str(error)


def test_the_failure_is_raised_at_finish_when_nothing_more_is_written():
    feed = StoreFeed()
    feed.writelines(["<https://e.org/s> <https://e.org/p> <not an iri> <https://e.org/g> .\n"])
    with pytest.raises(StoreFeedFailed, match="could not load"):
        feed.finish()


@pytest.mark.parametrize("line", ["_:b1 <https://e.org/p> <https://e.org/o> <https://e.org/g> .\n",
                                  "<https://e.org/s> <https://e.org/p> _:b1 <https://e.org/g> .\n",
                                  "<https://e.org/s> <https://e.org/p> <https://e.org/o> _:g .\n"])
def test_a_blank_node_is_refused_not_split_across_blocks(line):
    """Each block is parsed alone: the same blank node in two blocks would become two nodes."""
    feed = StoreFeed()
    feed.writelines([line])
    with pytest.raises(StoreFeedFailed, match="blank node"):
        feed.finish()


def test_nothing_is_taken_after_finish_and_an_abandoned_feed_stops():
    feed = StoreFeed()
    feed.finish()
    with pytest.raises(StoreFeedFailed, match="finished"):
        feed.writelines(["<https://e.org/s> <https://e.org/p> <https://e.org/o> .\n"])

    def writer_fails() -> None:
        with StoreFeed(block_lines=1, queued_blocks=1) as feed:
            for _ in range(50):
                feed.writelines(["<https://e.org/s> <https://e.org/p> <https://e.org/o> <https://e.org/g> .\n"])
            raise RuntimeError("the builder failed")
    error = _finishes_within(30, writer_fails)
    assert isinstance(error, RuntimeError)
