"""The structure checks run in groups while the N-Quads are written find what they find on the
whole KG: the same violations of broken nanopublications, whatever the group size, and a
nanopublication written across two groups is reported, never checked in halves."""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from exomirkg.bench.synthetic import synthetic_curation
from exomirkg.build import claim_graph_builder
from exomirkg.query.feed import StoreFeedFailed
from exomirkg.validate.structure import SPLIT, StructureChecksInGroups, structure_violations

HEAD = re.compile(r"<(https://w3id\.org/exomir-kg/np/[^>]+)/head> \.\n$")
NP = "http://www.nanopub.org/nschema#"


class Tampering:
    """Hands the builder's lines on, one ``writelines`` call at a time, breaking three of its
    nanopublications on the way: one loses its head's provenance link, one gets a second typed claim
    in its assertion graph, one loses its head graph, one its publication info graph."""

    def __init__(self, target, broken: dict[int, str]):
        self.target, self.broken, self.nanopublications, self.lines = target, broken, 0, []

    def writelines(self, lines: list[str]) -> None:
        nanopublication = next((m.group(1) for line in lines if (m := HEAD.search(line))), None)
        if nanopublication is not None:
            fault = self.broken.get(self.nanopublications)
            self.nanopublications += 1
            if fault == "provenance link":
                lines = [line for line in lines if f"<{NP}hasProvenance>" not in line]
            elif fault == "second claim":
                lines = [*lines, f"<https://w3id.org/exomir-kg/claim/EXTRA> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                                 f"<https://w3id.org/exomir-kg/ontology/Claim> <{nanopublication}/assertion> .\n"]
            elif fault == "head":
                lines = [line for line in lines if not line.endswith(f"<{nanopublication}/head> .\n")]
            elif fault == "publication info":
                lines = [line for line in lines if not line.endswith(f"<{nanopublication}/pubinfo> .\n")]
        self.lines.extend(lines)
        self.target.writelines(lines)


def _whole(lines: list[str]) -> set[tuple[str, str]]:
    store = ox.Store()
    store.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return {(v.focus, v.message) for v in structure_violations(store)}


@pytest.mark.parametrize("group_lines", [700, 5_000, 10**9])
def test_groups_find_what_the_whole_kg_shows(project, tmp_path, group_lines):
    """Three sources of 80 claims with four nanopublications broken: checked in groups of 700 lines
    (dozens of groups), of 5,000, or in one, the violations are those of the whole KG checked at
    once, and the copy is the file the lines make."""
    curation = synthetic_curation(project, 240, seed=5, claims_per_source=80)
    with open(tmp_path / "kg.nq", "wb") as copy, StructureChecksInGroups(copy, group_lines=group_lines, block_lines=300) as checks:
        tampering = Tampering(checks, {3: "provenance link", 100: "second claim", 150: "head",
                                         200: "publication info"})
        claim_graph_builder(project).write_nquads(curation, tampering)
        checks.end_of_lines()           # the copy complete; the last group's check may still run
    assert (tmp_path / "kg.nq").read_text(encoding="utf-8") == "".join(tampering.lines)
    found = checks.finish()
    whole = _whole(tampering.lines)
    assert {(v.focus, v.message) for v in found} == whole
    assert len(found) == len(whole)
    checks_named = {message.rsplit("(", 1)[1] for _, message in whole}
    assert checks_named >= {"head check)", "provenance check)", "assertion check)", "pubinfo check)"}
    assert checks.groups == 1 if group_lines == 10**9 else checks.groups >= (10 if group_lines == 700 else 2)


def test_a_nanopublication_written_across_two_groups_is_reported_as_split(project):
    """The lines of one nanopublication handed over in two calls, a group ending between them: it is
    reported as split (each half alone would also look broken)."""
    curation = synthetic_curation(project, 20, seed=2, claims_per_source=20)
    lines: list[str] = []

    class Collect:
        def writelines(self, more: list[str]) -> None:
            lines.extend(more)
    claim_graph_builder(project).write_nquads(curation, Collect())
    nanopublication = next(m.group(1) for line in lines if (m := HEAD.search(line)))
    own = [line for line in lines if line.rsplit(" ", 2)[-2].startswith(f"<{nanopublication}/")]
    half = len(own) // 2
    with StructureChecksInGroups(group_lines=half) as checks:
        checks.writelines(own[:half])
        checks.writelines(own[half:])
        found = checks.finish()
    assert checks.groups == 2
    assert [v.focus for v in found if v.message == SPLIT] == [nanopublication]


def test_left_without_end_of_lines_its_threads_stop():
    """A writer that leaves the block without saying it is done (no end_of_lines, no finish) leaves
    no loader or checker running."""
    import threading
    before = set(threading.enumerate())
    with StructureChecksInGroups(group_lines=2) as checks:
        checks.writelines(["<urn:a> <urn:p> <urn:b> <urn:g> .\n"] * 3)
        checks.writelines(["<urn:a> <urn:p> <urn:c> <urn:g> .\n"])
    alive = [t.name for t in set(threading.enumerate()) - before if t.name.startswith(("store-feed", "structure-groups"))]
    assert alive == []


def test_a_blank_node_is_refused_and_no_line_comes_after_finish():
    with StructureChecksInGroups(group_lines=10) as checks:
        checks.writelines(["<urn:a> <urn:p> <urn:b> <urn:g> .\n"])
        assert checks.finish() == []
        with pytest.raises(StoreFeedFailed, match="finished"):
            checks.writelines(["<urn:a> <urn:p> <urn:c> <urn:g> .\n"])
    with pytest.raises(StoreFeedFailed), StructureChecksInGroups(group_lines=10) as checks:
        checks.writelines(["<urn:a> <urn:p> _:b <urn:g> .\n"])
        checks.finish()
