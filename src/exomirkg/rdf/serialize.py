"""Byte-stable serialisations of the KG: the same input always gives the same bytes.

N-Quads and N-Triples are rdflib's lines, sorted and each once. Turtle and TriG are written by
pyoxigraph from those sorted lines (TriG: graph by graph, in IRI order), with the dataset's prefixes
that the data uses: the same text every time, and in milliseconds where rdflib's Turtle writer took
half a minute for 1,000 claims.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph


def _serialize(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> str:
    """``items`` in ``fmt`` by pyoxigraph, as text."""
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert data is not None            # no output given: the bytes are returned
    return data.decode("utf-8")


def _sorted_lines(text: str) -> list[str]:
    return sorted(set(text.splitlines()) - {""})


def _prefixes(graph: Graph, text: str) -> dict[str, str]:
    """The prefixes bound in ``graph`` whose namespace ``text`` (N-Triples or N-Quads) uses, by name."""
    return {prefix: str(namespace) for prefix, namespace in sorted(graph.namespaces())
            if prefix and f"<{namespace}" in text}


def ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted."""
    return "\n".join(_sorted_lines(graph.serialize(format="nt"))) + "\n"


def nquads(dataset: Dataset) -> str:
    """N-Quads, lines sorted."""
    return "\n".join(_sorted_lines(dataset.serialize(format="nquads"))) + "\n"


def turtle(graph: Graph) -> str:
    """Turtle, subjects in sorted order, with the prefixes of ``graph`` that it uses."""
    return _turtle(ntriples(graph), _prefixes(graph, ntriples(graph)))


def trig(dataset: Dataset) -> str:
    """TriG, graphs in IRI order, each graph's statements in sorted order."""
    text = nquads(dataset)
    return _trig(text, _prefixes(dataset, text))


def _turtle(ntriples_text: str, prefixes: dict[str, str]) -> str:
    triples = ox.parse(ntriples_text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return _serialize(triples, ox.RdfFormat.TURTLE, prefixes)


def _trig(nquads_text: str, prefixes: dict[str, str]) -> str:
    quads = list(ox.parse(nquads_text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    quads.sort(key=lambda quad: str(quad.graph_name))       # stable: sorted lines within each graph
    return _serialize(quads, ox.RdfFormat.TRIG, prefixes)


def dataset_texts(dataset: Dataset) -> dict[str, str]:
    """The dataset in four formats by suffix: ``nq`` and ``trig`` with its graphs, ``nt`` and ``ttl``
    the union of its graphs (each triple once); all from one N-Quads serialisation."""
    quads_text = nquads(dataset)
    quads = ox.parse(quads_text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return _texts(quads_text, quads, _prefixes(dataset, quads_text))


def quads_texts(quads: list[ox.Quad], prefixes: dict[str, str]) -> dict[str, str]:
    """As :func:`dataset_texts`, of pyoxigraph ``quads`` (each written once), with those of
    ``prefixes`` that they use."""
    lines = _serialize(quads, ox.RdfFormat.N_QUADS)
    quads_text = "\n".join(_sorted_lines(lines)) + "\n"
    return _texts(quads_text, quads, {name: namespace for name, namespace in sorted(prefixes.items())
                                      if name and f"<{namespace}" in quads_text})


def _texts(quads_text: str, quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> dict[str, str]:
    triples = _serialize((quad.triple for quad in quads), ox.RdfFormat.N_TRIPLES)
    triples_text = "\n".join(_sorted_lines(triples)) + "\n"
    return {"ttl": _turtle(triples_text, prefixes), "nt": triples_text, "trig": _trig(quads_text, prefixes),
            "nq": quads_text}


def write_all(quads: list[ox.Quad], out_dir: Path, stem: str, prefixes: dict[str, str]) -> dict[str, Path]:
    """Write ``quads`` as Turtle, N-Triples, TriG and N-Quads (:func:`quads_texts`); return format -> path.

    Every file is written next to its target and renamed into place, so a reader never sees a
    half-written file.
    """
    texts = quads_texts(quads, prefixes)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for suffix in ("ttl", "nt", "trig", "nq"):
        target = out_dir / f"{stem}.{suffix}"
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_text(texts[suffix], encoding="utf-8")
        temporary.replace(target)
        written[suffix] = target
    return written
