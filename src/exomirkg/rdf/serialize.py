"""Byte-stable serialisations of the KG: the same input always gives the same bytes.

N-Quads and N-Triples are written by pyoxigraph as lines, sorted and each once (an rdflib dataset's
N-Quads by rdflib: :func:`nquads`). Turtle and TriG are written by pyoxigraph from those sorted
lines (TriG: graph by graph, in IRI order), with the given prefixes that the data uses: the same
text every time, and in milliseconds where rdflib's Turtle writer took half a minute for 1,000
claims.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset


def _serialize(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat,
               prefixes: dict[str, str] | None = None) -> str:
    """``items`` in ``fmt`` by pyoxigraph, as text."""
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert data is not None            # no output given: the bytes are returned
    return data.decode("utf-8")


def _sorted_lines(text: str) -> list[str]:
    return sorted(set(text.splitlines()) - {""})


def nquads(dataset: Dataset) -> str:
    """N-Quads, lines sorted."""
    return "\n".join(_sorted_lines(dataset.serialize(format="nquads"))) + "\n"


def _turtle(ntriples_text: str, prefixes: dict[str, str]) -> str:
    triples = ox.parse(ntriples_text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return _serialize(triples, ox.RdfFormat.TURTLE, prefixes)


def _trig(nquads_text: str, prefixes: dict[str, str]) -> str:
    quads = list(ox.parse(nquads_text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    quads.sort(key=lambda quad: str(quad.graph_name))       # stable: sorted lines within each graph
    return _serialize(quads, ox.RdfFormat.TRIG, prefixes)


def quads_texts(quads: list[ox.Quad], prefixes: dict[str, str]) -> dict[str, str]:
    """pyoxigraph ``quads`` in four formats by suffix: ``nq`` and ``trig`` with their graphs, ``nt``
    and ``ttl`` the union of their graphs (each triple once), with those of ``prefixes`` that they use."""
    quads_text = "\n".join(_sorted_lines(_serialize(quads, ox.RdfFormat.N_QUADS))) + "\n"
    used = {name: namespace for name, namespace in sorted(prefixes.items()) if name and f"<{namespace}" in quads_text}
    triples_text = "\n".join(_sorted_lines(_serialize((quad.triple for quad in quads), ox.RdfFormat.N_TRIPLES))) + "\n"
    return {"ttl": _turtle(triples_text, used), "nt": triples_text, "trig": _trig(quads_text, used), "nq": quads_text}


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
