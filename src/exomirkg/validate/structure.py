"""Nanopublication structure checks that need named graphs (SHACL on one graph cannot see them):
a table of checks, each a SPARQL query run on pyoxigraph over the union of the named graphs, or a
small function of the store where a query would be slow.

Every check looks at one nanopublication's own graphs. :class:`StructureChecksInGroups` runs them
while a build writes its N-Quads, in memory, a group of lines at a time (a KG too large for one
in-memory store: on an on-disk store of the same quads they cost ten times as much); a
nanopublication whose graphs reach two groups is reported, never checked in halves.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, BinaryIO, Self

from rdflib import Dataset, URIRef

from ..ids.namespaces import CLAIM, NANOPUB, NP
from ..query.feed import StoreFeed, StoreFeedFailed
from ..query.store import ONTOLOGY_GRAPH, EmbeddedStore
from .report import Violation

STRUCTURE = URIRef("https://w3id.org/exomir-kg/shapes/NanopublicationStructure")
_NP = f"PREFIX np: <{NP}>\n"
PART_SUFFIX = re.compile(r"/(head|assertion|provenance|pubinfo)$")

# a link of the head (np:hasAssertion, np:hasProvenance, np:hasPublicationInfo) stated in a graph
# that is not the nanopublication's head, and missing from its head
LINKS_OUTSIDE_THE_HEAD = _NP + """
SELECT DISTINCT ?focus WHERE {
  VALUES ?link { np:hasAssertion np:hasProvenance np:hasPublicationInfo }
  GRAPH ?g { ?focus ?link ?v }
  BIND(IRI(CONCAT(STR(?focus), "/head")) AS ?head)
  FILTER(?g != ?head && NOT EXISTS { GRAPH ?head { ?focus ?link ?v } })
}"""
TYPED_NANOPUBLICATIONS = _NP + "SELECT DISTINCT ?focus WHERE { GRAPH ?g { ?focus a np:Nanopublication } }"


def nanopublications_in(store: Any) -> set[str]:
    """The nanopublications of a pyoxigraph store, known by the names of their graphs."""
    import pyoxigraph as ox
    return {PART_SUFFIX.sub("", graph.value) for graph in store.named_graphs()
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(str(NANOPUB))}


def _broken_heads(store: Any, engine: EmbeddedStore) -> set[str]:
    """Nanopublications whose head graph is empty or missing one of the links stated elsewhere. A
    nanopublication is known by its type, or by the name of any of its graphs (so one whose head is
    gone is still found). The graph names are read once and matched here, not in SPARQL: a regular
    expression per graph in a query cost seconds at 100,000 claims."""
    import pyoxigraph as ox
    known = {row[0] for row in engine.query(TYPED_NANOPUBLICATIONS).values()} | nanopublications_in(store)
    broken = {focus for focus in known
              if next(store.quads_for_pattern(None, None, None, ox.NamedNode(f"{focus}/head")), None) is None}
    return broken | {row[0] for row in engine.query(LINKS_OUTSIDE_THE_HEAD).values()}


# (name, what a violation means, SPARQL SELECT ?focus, or a function of the store and its query
# engine giving the focus nodes): the nanopublication structure, which SHACL on one graph cannot
# see. They run on pyoxigraph, over the union of the named graphs.
StructureCheck = tuple[str, str, "str | Callable[[Any, EmbeddedStore], set[str]]"]
STRUCTURE_CHECKS: tuple[StructureCheck, ...] = (
    ("head", "the head graph must state the nanopublication's assertion, provenance and publication info",
     _broken_heads),
    ("assertion", "the assertion graph must exist and hold exactly one typed claim", _NP + f"""
SELECT ?focus (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  GRAPH ?g0 {{ ?focus a np:Nanopublication }}
  OPTIONAL {{ GRAPH ?g1 {{ ?focus np:hasAssertion ?assertion }}
             GRAPH ?assertion {{ ?claim a ?type }}
             FILTER(STRSTARTS(STR(?claim), "{CLAIM}") && !CONTAINS(STRAFTER(STR(?claim), "{CLAIM}"), "/")) }}
}} GROUP BY ?focus HAVING (COUNT(DISTINCT ?claim) != 1)"""),
    ("provenance", "the provenance graph must describe the assertion graph", _NP + """
SELECT DISTINCT ?focus WHERE {
  GRAPH ?g0 { ?focus a np:Nanopublication }
  OPTIONAL { GRAPH ?g1 { ?focus np:hasProvenance ?provenance } }
  OPTIONAL { GRAPH ?g2 { ?focus np:hasAssertion ?assertion } }
  FILTER (!BOUND(?provenance) || !BOUND(?assertion) || NOT EXISTS { GRAPH ?provenance { ?assertion ?p ?o } })
}"""),
    ("pubinfo", "the publication info graph must describe the nanopublication", _NP + """
SELECT DISTINCT ?focus WHERE {
  GRAPH ?g0 { ?focus a np:Nanopublication }
  OPTIONAL { GRAPH ?g1 { ?focus np:hasPublicationInfo ?info } }
  FILTER (!BOUND(?info) || NOT EXISTS { GRAPH ?info { ?focus ?p ?o } })
}"""),
    # one scan of the KG's graphs (the ontology's own blank nodes left out): every node that is or
    # points to a blank node; two scans (a UNION with a LIMIT 1 branch) took twice as long
    ("blank nodes", "blank nodes are not allowed in published claims", f"""
SELECT DISTINCT ?focus WHERE {{
  GRAPH ?g {{ ?focus ?p ?o }}
  FILTER(?g != <{ONTOLOGY_GRAPH}> && (isBlank(?o) || isBlank(?focus)))
}}"""),
)


def structure_violations(store) -> list[Violation]:
    """Run every structure check on a pyoxigraph Store or an rdflib Dataset (copied into a
    pyoxigraph store first: rdflib's SPARQL is far too slow on many named graphs), over the union
    of its graphs. A blank node no IRI points to is reported once, on the structure shape itself."""
    import pyoxigraph as ox

    if isinstance(store, Dataset):
        from ..rdf.serialize import nquads
        copy = ox.Store()
        copy.load(nquads(store).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store = copy
    engine = EmbeddedStore.wrapping(store)
    found: list[Violation] = []
    for name, message, check in STRUCTURE_CHECKS:
        focus_nodes = check(store, engine) if callable(check) else {row[0] for row in engine.query(check).values()}
        if name == "blank nodes":        # blank focus: only when no IRI owns a blank node
            focus_nodes = {f for f in focus_nodes if f.startswith("http")} or \
                ({str(STRUCTURE)} if focus_nodes else set())
        found.extend(_structure(focus, f"{message} ({name} check)") for focus in sorted(focus_nodes))
    return found


GROUP_LINES = 3_000_000     # N-Quads lines a group: about 1.4 GB in memory, two groups at a time
SPLIT = "a nanopublication's graphs must be written together (split check)"


class StructureChecksInGroups:
    """The structure checks on N-Quads lines as they are written (``writelines``, like a text file):
    each group of about ``group_lines`` lines (a group ends with a ``writelines`` call, which this
    project's builder makes once a claim's nanopublication is whole) is loaded into an in-memory
    store by a :class:`~exomirkg.query.feed.StoreFeed` and checked on a background thread while
    the next group loads; at most two groups are in memory, and the names of the nanopublications
    seen. ``copy_to``: the binary file the lines are also written to, complete once
    :meth:`end_of_lines` returns. :meth:`finish` returns the violations of every group, each once;
    a nanopublication with graphs in two groups is reported as split. Like the feed, a line with a
    blank node is refused (:class:`~exomirkg.query.feed.StoreFeedFailed`), never checked in halves.

    Exact for nanopublications whose graphs are named after them (``NP/head``, ``NP/assertion``...,
    as this project's builder names them): a head that links to a graph named otherwise, filled in
    another group, is checked only within each group."""

    def __init__(self, copy_to: BinaryIO | None = None, group_lines: int = GROUP_LINES, lenient: bool = False,
                 block_lines: int | None = None) -> None:
        self._copy = copy_to
        self._group_lines = group_lines
        self._feed_options: dict[str, Any] = {"lenient": lenient} | ({"block_lines": block_lines} if block_lines else {})
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="structure-groups")
        self._checking: Future[tuple[list[Violation], set[str]]] | None = None
        self._found: dict[tuple, Violation] = {}      # by (key, message): two checks may name one focus
        self._seen: set[str] = set()
        self._feed: StoreFeed | None = self._new_feed()
        self._lines = 0
        self._ended = False
        self.groups = 0

    def _new_feed(self) -> StoreFeed:
        return StoreFeed((), copy_to=self._copy, **self._feed_options)

    def writelines(self, lines: Iterable[str]) -> None:
        """Take N-Quads lines; a group that has its lines is closed and checked."""
        if self._feed is None:
            raise StoreFeedFailed("the structure checks are finished: no more lines")
        lines = list(lines)
        self._feed.writelines(lines)
        self._lines += len(lines)
        if self._lines >= self._group_lines:
            self._close_group()
            self._feed = self._new_feed()

    def _close_group(self) -> None:
        """Wait for the group checked before, then hand this one, loaded, to the checking thread."""
        assert self._feed is not None
        self._collect()
        store = self._feed.finish().pyoxigraph
        self._feed, self._lines = None, 0
        self.groups += 1
        self._checking = self._pool.submit(_check_group, store)

    def _collect(self) -> None:
        if self._checking is None:
            return
        found, nanopublications = self._checking.result()
        self._checking = None
        for violation in found:
            self._found.setdefault((violation.key, violation.message), violation)
        for focus in sorted(nanopublications & self._seen):
            violation = _structure(focus, SPLIT)
            self._found.setdefault((violation.key, violation.message), violation)
        self._seen |= nanopublications

    def end_of_lines(self) -> None:
        """No more lines: load the last group (``copy_to`` is then complete) and hand it to the
        checking thread without waiting for its check."""
        if self._feed is not None and self._lines:
            self._close_group()
        elif self._feed is not None:        # a group begun and given nothing
            self._feed.finish()
            self._feed = None
        self._ended = True

    def finish(self) -> list[Violation]:
        """Check the last group; every group's violations, each once."""
        self.end_of_lines()
        self._collect()
        self._pool.shutdown()
        return sorted(self._found.values(), key=lambda v: (v.message, v.focus))

    def abandon(self) -> None:
        """Stop: the writer failed."""
        if self._feed is not None:
            self._feed.abandon()
            self._feed = None
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None or not self._ended:     # failed, or left without end_of_lines: stop the threads
            self.abandon()


def _check_group(store: Any) -> tuple[list[Violation], set[str]]:
    """A group's structure violations and its nanopublications."""
    return structure_violations(store), nanopublications_in(store)


def _structure(focus: str, message: str) -> Violation:
    return Violation(focus, "", str(STRUCTURE), "", message, str(STRUCTURE))


def has_named_graphs(dataset: Dataset) -> bool:
    return any(len(g) and not str(g.identifier).startswith("file:") for g in dataset.graphs()
               if g.identifier != dataset.default_graph.identifier)
