"""The union of a pyoxigraph store's graphs, read as an rdflib graph is: the few read methods of
``rdflib.Graph`` that the release's products use, answered from the store's indexes.

A product written against an rdflib graph (``value``, ``objects``, ``subjects``,
``predicate_objects``, ``subject_objects``, ``(s, p, o) in graph``) reads a store of any size
through :class:`UnionView` without copying it into rdflib, which holds a KG of 10,000 claims in
gigabytes. Terms go in and come out as rdflib terms; a literal typed ``xsd:string`` comes out plain,
as rdflib reads it from N-Quads. Each triple is given once, however many graphs hold it; as in
rdflib, ``objects`` and ``subjects`` give a term once per triple.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(node: Node | None) -> Any:
    """An rdflib term as a pyoxigraph term: a NamedNode, BlankNode or Literal (None stays None: any
    term; typed ``Any`` because a pattern's positions take different kinds)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))) if node.datatype else ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as an rdflib term (an ``xsd:string`` literal plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")


class UnionView:
    """Read-only access to the union of the graphs of ``store`` (see the module)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def _triples(self, subject: Node | None, predicate: Node | None, obj: Node | None) -> Iterator[ox.Triple]:
        seen: set[ox.Triple] = set()
        for quad in self.store.quads_for_pattern(to_oxigraph(subject), to_oxigraph(predicate), to_oxigraph(obj)):
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                yield triple

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject`` and ``predicate`` (the first in the store's order), else None."""
        for quad in self.store.quads_for_pattern(to_oxigraph(subject), to_oxigraph(predicate), None):
            return to_rdflib(quad.object)
        return None

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        """The object of each matching triple (as rdflib: one object twice under two predicates)."""
        return (to_rdflib(t.object) for t in self._triples(subject, predicate, None))

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        """The subject of each matching triple (as rdflib: one subject twice with two objects)."""
        return (to_rdflib(t.subject) for t in self._triples(None, predicate, obj))

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        return ((to_rdflib(t.predicate), to_rdflib(t.object)) for t in self._triples(subject, None, None))

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        return ((to_rdflib(t.subject), to_rdflib(t.object)) for t in self._triples(None, predicate, None))

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(self._triples(*triple), None) is not None
