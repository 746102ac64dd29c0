"""The review's Fig. 1 regenerated from the KG: ``figure/network.{dot,svg,png}`` (Graphviz), donor cells ->
miRNAs -> recipient cells, targets and processes.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

from rdflib import Dataset
from rdflib.namespace import RDF, RDFS

from ...ids.namespaces import EXO
from ...rdf.claimgraph import union_graph
from .context import ProductError

if TYPE_CHECKING:
    from .context import Files, ReleaseContext


def network_figure(ctx: ReleaseContext) -> Files:
    """The network as Graphviz source, SVG (shown on the landing page) and PNG."""
    dot = network_dot(ctx.dataset)
    return {"figure/network.dot": dot, "figure/network.svg": render_dot(dot, "svg"), "figure/network.png": render_dot(dot, "png")}


def network_dot(dataset: Dataset) -> str:
    """Fig. 1 of the review, regenerated: donor cells -> miRNAs -> recipient cells, targets and processes."""
    graph = union_graph(dataset)
    def name(node) -> str:
        text = graph.value(node, EXO.textName) or graph.value(node, RDFS.label)
        if text is None and str(node).startswith(str(EXO)):       # exo phenotypes: TumourGrowth -> tumour growth
            return re.sub(r"(?<!^)([A-Z])", r" \1", str(node)[len(str(EXO)):]).lower()
        return str(text or str(node).rsplit("/", 1)[-1])
    edges = set()
    nodes: dict[str, str] = {}
    for claim in sorted(set(graph.subjects(RDF.type, EXO.TransferClaim)) | set(graph.subjects(RDF.type, EXO.TargetClaim))
                        | set(graph.subjects(RDF.type, EXO.ProcessClaim)), key=str):
        for m in graph.objects(claim, EXO.mirna):
            mid = name(m)
            donor, recipient = graph.value(claim, EXO.donorCell), graph.value(claim, EXO.recipientCell)
            gene, process = graph.value(claim, EXO.gene), graph.value(claim, EXO.process)
            effect = graph.value(claim, EXO.effect)
            if donor is not None:
                nodes[name(donor)] = "cell"
                edges.add((name(donor), mid, "releases", "#4a7"))
            if recipient is not None:
                nodes[name(recipient)] = "cell"
                edges.add((mid, name(recipient), "to", "#4a7"))
            if gene is not None and (claim, RDF.type, EXO.TargetClaim) in graph:
                nodes[name(gene)] = "gene"
                edges.add((mid, name(gene), "targets", "#a47"))
            if process is not None and effect is not None and str(effect).endswith(("PositiveEffect", "NegativeEffect")):
                nodes[name(process)] = "process"
                colour = "#c33" if str(effect).endswith("PositiveEffect") else "#36c"
                edges.add((mid, name(process), "+" if colour == "#c33" else "-", colour))
    for source, target, _, _ in edges:
        for node in (source, target):
            nodes.setdefault(node, "mirna")
    shapes = {"mirna": 'shape=ellipse, style=filled, fillcolor="#fff3c4"', "cell": 'shape=box, style="rounded,filled", fillcolor="#d8f0e0"',
              "gene": 'shape=box, style=filled, fillcolor="#f0d8e8"', "process": 'shape=note, style=filled, fillcolor="#dde6f6"'}
    lines = ["digraph exomir {", ('  graph [rankdir=LR, fontname="Helvetica", label="Exosomal miRNAs in the HCC microenvironment '
                                  '(regenerated from exomir-kg; red: promotes, blue: inhibits)", labelloc=t, fontsize=20];'),
             '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=9];']
    for node, kind in sorted(nodes.items()):
        lines.append(f'  "{node}" [{shapes[kind]}];')
    for source, target, label, colour in sorted(edges):
        lines.append(f'  "{source}" -> "{target}" [label="{label}", color="{colour}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_dot(dot_text: str, fmt: str) -> bytes:
    """``dot_text`` rendered by Graphviz in format ``fmt`` (``svg``, ``png``), with a fixed timestamp."""
    dot = shutil.which("dot")
    if dot is None:
        raise ProductError("Graphviz 'dot' is needed for the network figure (apt-get install graphviz)")
    run = subprocess.run([dot, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False,
                         env={"SOURCE_DATE_EPOCH": "0", "PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        raise ProductError(f"dot failed: {run.stderr.decode()[:300]}")
    return run.stdout
