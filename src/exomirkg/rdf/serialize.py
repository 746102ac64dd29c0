"""Byte-stable serialisations of the KG: the same input always gives the same bytes."""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from .claimgraph import union_graph


def turtle(graph: Graph) -> str:
    """Turtle with subjects in sorted order (rdflib's serializer sorts)."""
    return graph.serialize(format="turtle")


def ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted."""
    lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
    return "\n".join(lines) + "\n"


def nquads(dataset: Dataset) -> str:
    """N-Quads, lines sorted."""
    lines = sorted(set(dataset.serialize(format="nquads").splitlines()) - {""})
    return "\n".join(lines) + "\n"


def trig(dataset: Dataset) -> str:
    """TriG with graphs in IRI order, each graph's body in rdflib's sorted Turtle."""
    header: list[str] = []
    blocks: list[str] = []
    graphs = sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier))
    for graph in graphs:
        named = Graph(identifier=graph.identifier)
        for prefix, namespace in dataset.namespaces():
            named.bind(prefix, namespace, override=True)
        for triple in graph:
            named.add(triple)
        body = named.serialize(format="turtle")
        lines = body.splitlines()
        header.extend(line for line in lines if line.startswith("@prefix"))
        content = [f"    {line}" if line else "" for line in lines if not line.startswith("@prefix")]
        while content and not content[0].strip():
            content.pop(0)
        while content and not content[-1].strip():
            content.pop()
        blocks.append(f"<{graph.identifier}> {{\n" + "\n".join(content) + "\n}\n")
    return "\n".join(sorted(set(header))) + "\n\n" + "\n".join(blocks)


def write_all(dataset: Dataset, out_dir: Path, stem: str) -> dict[str, Path]:
    """Write Turtle, N-Triples, TriG and N-Quads; return format -> path.

    Every file is written next to its target and renamed into place, so a reader never sees a
    half-written file.
    """
    union = union_graph(dataset)
    texts = {"ttl": turtle(union), "nt": ntriples(union), "trig": trig(dataset), "nq": nquads(dataset)}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for suffix, text in texts.items():
        target = out_dir / f"{stem}.{suffix}"
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        written[suffix] = target
    return written
