"""The structure of a nanopublication, as the nanopub guidelines and nanopub-java's ``NanopubImpl``
require it: one head graph that types one IRI ``np:Nanopublication`` and names, with
``np:hasAssertion``, ``np:hasProvenance`` and ``np:hasPublicationInfo``, three other graphs; the four
graph IRIs distinct, different from the nanopublication's IRI and starting with it; no triple
outside the four graphs; a non-empty assertion; provenance that mentions the assertion graph;
publication info that mentions the nanopublication.

A file may hold several nanopublications one after the other (:func:`segments`).
"""
from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad

from .model import (
    HAS_ASSERTION,
    HAS_PROVENANCE,
    HAS_PUBINFO,
    NANOPUBLICATION,
    RDF_TYPE,
    Finding,
    Nanopub,
)

LINKS = ((HAS_ASSERTION, "assertion"), (HAS_PROVENANCE, "provenance"), (HAS_PUBINFO, "publication info"))
LINK_PREDICATES = {predicate for predicate, _ in LINKS}
Block = list[Quad]


def _declares(block: Block) -> bool:
    return any(q.predicate == RDF_TYPE and q.object == NANOPUBLICATION for q in block)


def _links(block: Block) -> set[object]:
    """The graphs a block names with ``np:hasAssertion``, ``np:hasProvenance``, ``np:hasPublicationInfo``."""
    return {q.object for q in block if q.predicate in LINK_PREDICATES}


def _parts(block: Block) -> set[object]:
    """The graph names a head block names (itself and the objects of its three links)."""
    return {block[0].graph_name} | _links(block)


def segments(quads: Sequence[Quad]) -> list[list[Quad]]:
    """Split the quads of a file, in document order, into one list per nanopublication.

    The file is read as runs of quads of one graph. A run that types an IRI ``np:Nanopublication``
    (a head) starts a new nanopublication when the current one already has a head that does not
    name the run's graph as one of its parts (a publication info graph that declares its
    nanopublication again stays with it, and :func:`resolve` reports it); runs before a
    head that belong to the next nanopublication's graphs (a file may write the head last) move
    to it. So two nanopublications that reuse the same graph IRIs stay apart, as nanopub-java
    reads them, where one RDF dataset would merge them.
    """
    blocks: list[Block] = []
    for quad in quads:
        if blocks and blocks[-1][0].graph_name == quad.graph_name:
            blocks[-1].append(quad)
        else:
            blocks.append([quad])
    groups: list[list[Block]] = [[]]
    for block in blocks:
        heads = [b for b in groups[-1] if _declares(b)]
        if _declares(block) and heads and block[0].graph_name not in set().union(*(_links(b) for b in heads)):
            groups.append([])
        groups[-1].append(block)
    for i in range(len(groups) - 1):
        own = set().union(*(_parts(b) for b in groups[i] if _declares(b)))
        following = set().union(*(_parts(b) for b in groups[i + 1] if _declares(b)))
        moving = [b for b in groups[i] if b[0].graph_name not in own and b[0].graph_name in following]
        groups[i] = [b for b in groups[i] if not any(b is m for m in moving)]
        groups[i + 1] = moving + groups[i + 1]
    return [[q for block in group for q in block] for group in groups if group]


def _iri(term: object) -> str:
    return f"<{term.value}>" if isinstance(term, NamedNode) else str(term)


def resolve(quads: Sequence[Quad]) -> tuple[Nanopub | None, str | None, list[Finding]]:
    """The nanopublication of one segment, its IRI, and what is wrong with its structure.

    The :class:`Nanopub` is None when its four graphs cannot be told (no head, a missing or
    ambiguous link, graphs that are not distinct); the IRI is None when no head names one.
    """
    findings: list[Finding] = []
    outside = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]
    if outside:
        findings.append(Finding("triples-outside-graphs", f"{len(outside)} triple(s) are in the default graph, "
                                "outside the four named graphs of a nanopublication"))
    if any(isinstance(q.graph_name, BlankNode) for q in quads):
        findings.append(Finding("blank-graph-name", "a graph is named by a blank node; the graphs of a "
                                "nanopublication are named by IRIs"))
    typings = list(dict.fromkeys((q.subject, q.graph_name) for q in quads
                                 if q.predicate == RDF_TYPE and q.object == NANOPUBLICATION))
    if not typings:
        findings.append(Finding("no-nanopublication", "no graph says of an IRI that it is an np:Nanopublication, "
                                "so there is no head graph"))
        return None, None, findings
    linked = [(s, g) for s, g in typings
              if any(q.graph_name == g and q.subject == s and q.predicate in LINK_PREDICATES for q in quads)]
    if len(typings) > 1 and len(linked) == 1 and all(s == linked[0][0] for s, _ in typings):
        again = ", ".join(_iri(g) for s, g in typings if (s, g) != linked[0])
        findings.append(Finding("nanopublication-declared-again", f"{_iri(linked[0][0])} is declared an "
                                f"np:Nanopublication again, in graph {again}: only the head declares it (nanopub-java "
                                "and nanopub-rs reject a second declaration)"))
        typings = linked
    if len(typings) > 1:
        findings.append(Finding("several-nanopublications", "more than one np:Nanopublication is declared: "
                                + ", ".join(f"{_iri(s)} in graph {_iri(g)}" for s, g in typings)))
        return None, None, findings
    subject, head = typings[0]
    if not isinstance(subject, NamedNode) or not isinstance(head, NamedNode):
        findings.append(Finding("blank-nanopublication", "the nanopublication or its head graph is a blank node, not an IRI"))
        return None, None, findings
    uri = subject.value
    parts: list[NamedNode] = [head]
    for predicate, name in LINKS:
        objects = list(dict.fromkeys(q.object for q in quads if q.graph_name == head
                                     and q.subject == subject and q.predicate == predicate))
        local = predicate.value.split("#")[-1]
        if not objects:
            findings.append(Finding(f"no-{local}", f"the head does not name the {name} graph (np:{local})"))
        elif len(objects) > 1:
            findings.append(Finding(f"several-{local}", f"the head names {len(objects)} {name} graphs (np:{local}): "
                                    + ", ".join(_iri(o) for o in objects)))
        elif not isinstance(objects[0], NamedNode):
            findings.append(Finding(f"{local}-not-iri", f"the {name} graph (np:{local}) is {objects[0]}, not an IRI"))
        else:
            parts.append(objects[0])
    if len(parts) < 4:
        return None, uri, findings
    names = [str(p.value) for p in parts]
    if len(set(names)) < 4 or uri in names:
        findings.append(Finding("graphs-not-distinct", "the head, assertion, provenance and publication info graphs "
                                f"must be four different IRIs, other than the nanopublication's: {', '.join(names)}"))
        return None, uri, findings
    nanopub = Nanopub(subject, parts[0], parts[1], parts[2], parts[3],
                      tuple(q for q in quads if q.graph_name in parts))
    findings += _graph_findings(nanopub, quads)
    return nanopub, uri, findings


def _graph_findings(np: Nanopub, quads: Sequence[Quad]) -> list[Finding]:
    findings = []
    for graph in np.graphs:
        if not graph.value.startswith(np.uri.value):
            findings.append(Finding("graph-not-under-nanopub", f"graph {_iri(graph)} does not start with the "
                                    f"nanopublication's IRI {_iri(np.uri)}"))
    expected = {(np.uri, RDF_TYPE, NANOPUBLICATION), (np.uri, HAS_ASSERTION, np.assertion),
                (np.uri, HAS_PROVENANCE, np.provenance), (np.uri, HAS_PUBINFO, np.pubinfo)}
    extra = [q for q in np.graph(np.head) if (q.subject, q.predicate, q.object) not in expected]
    if extra:
        findings.append(Finding("head-extra-triples", f"the head graph holds {len(extra)} triple(s) besides the "
                                f"four that define the nanopublication, e.g. {_iri(extra[0].predicate)}; the "
                                "guidelines keep the head to those four", "warning"))
    for graph, name, code in ((np.assertion, "assertion", "empty-assertion"),
                              (np.provenance, "provenance", "empty-provenance"),
                              (np.pubinfo, "publication info", "empty-pubinfo")):
        if not np.graph(graph):
            findings.append(Finding(code, f"the {name} graph {_iri(graph)} has no triples"))
    others = list(dict.fromkeys(q.graph_name for q in quads if q.graph_name not in np.graphs
                                and isinstance(q.graph_name, NamedNode)))
    if others:
        findings.append(Finding("extra-graph", "triples in graph(s) that are not one of the nanopublication's four: "
                                + ", ".join(_iri(g) for g in others)))
    provenance = np.graph(np.provenance)
    if provenance and not any(np.assertion in (q.subject, q.object) for q in provenance):
        findings.append(Finding("provenance-not-about-assertion", "no triple of the provenance graph has the "
                                f"assertion graph {_iri(np.assertion)} as its subject or object"))
    pubinfo = np.graph(np.pubinfo)
    if pubinfo and not any(np.uri in (q.subject, q.object) for q in pubinfo):
        findings.append(Finding("pubinfo-not-about-nanopub", "no triple of the publication info graph has the "
                                f"nanopublication {_iri(np.uri)} as its subject or object"))
    return findings
