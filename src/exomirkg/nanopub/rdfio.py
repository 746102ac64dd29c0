"""Reading nanopublications as quads in document order (TriG, N-Quads, TriX) and writing TriG.

Document order matters: a file may hold several nanopublications one after the other (see
``structure.segments``), as nanopub-java reads them. TriG and N-Quads are read with pyoxigraph,
which keeps each literal's lexical form as written (the artifact code is computed over it); TriX,
the XML form the test suite also uses, with the standard library.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from .model import UnreadableNanopub

Format = TypingLiteral["trig", "nquads", "trix"]
FORMATS: dict[str, Format] = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads", ".trix": "trix", ".xml": "trix"}
TRIX = "{http://www.w3.org/2004/03/trix/trix-1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def format_of(path: Path) -> Format:
    """The format of a nanopublication file from its extension (``.trig``, ``.nq``, ``.trix``/``.xml``)."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise UnreadableNanopub(f"{path}: not a nanopublication file (expected one of {', '.join(sorted(FORMATS))})") from None


def read_file(path: Path) -> tuple[str, Format]:
    """A nanopublication file's text, with its line ends as they are, and its format.

    Read as bytes and decoded: ``Path.read_text`` would turn CR LF into LF, also inside literals,
    which changes the artifact code. Raises :class:`UnreadableNanopub` (not UTF-8, unknown
    extension) or OSError."""
    fmt = format_of(path)
    try:
        return path.read_bytes().decode("utf-8"), fmt
    except UnicodeDecodeError as error:
        raise UnreadableNanopub(f"{path}: not UTF-8 text: {error}") from error


def read_quads(text: str, fmt: Format = "trig") -> tuple[list[ox.Quad], dict[str, str]]:
    """The quads of ``text`` in document order, and the prefixes it declares (TriG only).

    Raises :class:`UnreadableNanopub` when the text is not RDF in that format.
    """
    if fmt == "trix":
        return read_trix(text), {}
    rdf_format = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
    try:
        parser = ox.parse(text.encode("utf-8"), format=rdf_format)
        quads = list(parser)
    except (SyntaxError, ValueError) as error:
        raise UnreadableNanopub(f"not valid {fmt}: {error}") from error
    prefixes = dict(parser.prefixes) if fmt == "trig" else {}
    return quads, prefixes


def read_trix(text: str) -> list[ox.Quad]:
    """The quads of a TriX document (``<TriX><graph><uri/>?<triple>…</triple>*</graph>*</TriX>``)."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise UnreadableNanopub("not read: TriX with a DOCTYPE or entity declarations")
    try:
        root = ET.fromstring(text)
        quads: list[ox.Quad] = []
        for graph in root.iter(f"{TRIX}graph"):
            children = list(graph)
            name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph = ox.DefaultGraph()
            if children and children[0].tag in (f"{TRIX}uri", f"{TRIX}id"):
                name = _trix_resource(children.pop(0))
            for triple in children:
                if triple.tag != f"{TRIX}triple" or len(triple) != 3:
                    raise UnreadableNanopub(f"not valid TriX: unexpected <{triple.tag}> in a graph")
                s, p, o = (_trix_term(element) for element in triple)
                if not isinstance(s, ox.NamedNode | ox.BlankNode) or not isinstance(p, ox.NamedNode):
                    raise UnreadableNanopub("not valid TriX: a subject must be a resource and a predicate an IRI")
                quads.append(ox.Quad(s, p, o, name))
    except (ET.ParseError, ValueError) as error:
        raise UnreadableNanopub(f"not valid TriX: {error}") from error
    return quads


def _trix_resource(element: ET.Element) -> ox.NamedNode | ox.BlankNode:
    text = (element.text or "").strip()
    return ox.NamedNode(text) if element.tag == f"{TRIX}uri" else ox.BlankNode(text)


def _trix_term(element: ET.Element) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if element.tag in (f"{TRIX}uri", f"{TRIX}id"):
        return _trix_resource(element)
    value = "".join(element.itertext())
    if element.tag == f"{TRIX}typedLiteral":
        return ox.Literal(value, datatype=ox.NamedNode(element.attrib["datatype"]))
    if element.tag == f"{TRIX}plainLiteral":
        language = element.attrib.get(XML_LANG)
        return ox.Literal(value, language=language.lower()) if language else ox.Literal(value)
    raise UnreadableNanopub(f"not valid TriX: unexpected <{element.tag}> in a triple")


def write_trig(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> str:
    """TriG text of ``quads`` (grouped by graph in the order given), with ``prefixes`` declared."""
    data = ox.serialize(list(quads), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    assert data is not None
    return data.decode("utf-8")
