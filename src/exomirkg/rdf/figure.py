"""The review's Fig. 1 regenerated from the KG (Graphviz): donor cells -> miRNAs -> recipient cells,
targets and processes, from the review's own claims (a KG of many sources draws the same figure).
The release writes it (``figure/network.{dot,svg,png}``); the landing page shows it.

Colours are six-digit hex (Graphviz ignores three-digit ones and draws black); a legend explains
them; an edge resting on a retracted study is dashed and marked †, one resting on a problematic cell
line (Cellosaurus) dotted and marked *; each node links to its IRI (its page on the KG's site, or
the registry's: miRBase via identifiers.org, GO, CL, HGNC).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from ..errors import ExomirError
from ..ids.namespaces import EXO
from .claimgraph import REVIEW as REVIEW_IRI
from .storeview import UnionView

REVIEW = URIRef(REVIEW_IRI)
"""This review: whose claims the figure draws unless told."""


class FigureUnavailable(ExomirError):
    """Graphviz is missing or failed."""

COLOURS = {"transfer": "#44aa77", "targets": "#aa4477", "promotes": "#cc3333", "inhibits": "#3366cc"}
"""Edge colours by kind (six hex digits)."""
FILLS = {"mirna": "#fff3c4", "cell": "#d8f0e0", "gene": "#f0d8e8", "process": "#dde6f6"}
SHAPES = {"mirna": "shape=ellipse, style=filled", "cell": 'shape=box, style="rounded,filled"',
          "gene": "shape=box, style=filled", "process": "shape=note, style=filled"}
RETRACTED_MARK, PROBLEMATIC_MARK = "†", "*"


@dataclass
class Edge:
    """One drawn edge and the claims behind it."""

    kind: str                                   # transfer | targets | promotes | inhibits
    label: str
    claims: set[str] = field(default_factory=set)
    retracted: bool = False                     # some claim rests on a retracted study
    problematic: bool = False                   # some claim rests on a problematic cell line


def _name(graph: Graph | UnionView, node: URIRef) -> str:
    text = graph.value(node, EXO.textName) or graph.value(node, RDFS.label)
    if text is None and str(node).startswith(str(EXO)):       # exo phenotypes: TumourGrowth -> tumour growth
        return re.sub(r"(?<!^)([A-Z])", r" \1", str(node)[len(str(EXO)):]).lower()
    return str(text or str(node).rsplit("/", 1)[-1])


def _quoted(text: str) -> str:
    """A Graphviz double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def network_edges(graph: Graph | UnionView, document: URIRef = REVIEW) -> tuple[dict[URIRef, tuple[str, str]],
                                                                               dict[tuple[URIRef, URIRef], Edge]]:
    """The figure's nodes (IRI -> kind, name) and edges ((source, target) -> :class:`Edge`), drawn
    from the claims of ``document`` (this review by default: the figure is its Fig. 1, however many
    other sources the KG holds). ``graph``: the KG, every triple once (:func:`exomirkg.rdf.claimgraph.union_graph`
    of a dataset, or a :class:`~exomirkg.rdf.storeview.UnionView` of a store)."""
    nodes: dict[URIRef, tuple[str, str]] = {}
    edges: dict[tuple[URIRef, URIRef], Edge] = {}

    def add(source: URIRef, target: URIRef, kind: str, label: str, claim: Node, target_kind: str) -> None:
        nodes.setdefault(target, (target_kind, _name(graph, target)))
        edge = edges.setdefault((source, target), Edge(kind, label))
        edge.claims.add(str(claim).rsplit("/", 1)[-1])
        edge.retracted |= (claim, EXO.restsOnRetractedStudy, Literal(True)) in graph
        edge.problematic |= graph.value(claim, EXO.restsOnProblematicCellLine) is not None

    claims = set(graph.subjects(RDF.type, EXO.TransferClaim)) | set(graph.subjects(RDF.type, EXO.TargetClaim)) \
        | set(graph.subjects(RDF.type, EXO.ProcessClaim))
    claims &= set(graph.subjects(PROV.wasDerivedFrom, document))
    for claim in sorted(claims, key=str):
        for mirna in graph.objects(claim, EXO.mirna):
            if not isinstance(mirna, URIRef):
                continue
            nodes.setdefault(mirna, ("mirna", _name(graph, mirna)))
            donor, recipient = graph.value(claim, EXO.donorCell), graph.value(claim, EXO.recipientCell)
            gene, process = graph.value(claim, EXO.gene), graph.value(claim, EXO.process)
            effect = str(graph.value(claim, EXO.effect) or "")
            if isinstance(donor, URIRef):
                nodes.setdefault(donor, ("cell", _name(graph, donor)))
                add(donor, mirna, "transfer", "releases", claim, "mirna")
            if isinstance(recipient, URIRef):
                add(mirna, recipient, "transfer", "to", claim, "cell")
            if isinstance(gene, URIRef) and (claim, RDF.type, EXO.TargetClaim) in graph:
                add(mirna, gene, "targets", "targets", claim, "gene")
            if isinstance(process, URIRef) and effect.endswith(("PositiveEffect", "NegativeEffect")):
                positive = effect.endswith("PositiveEffect")
                add(mirna, process, "promotes" if positive else "inhibits", "+" if positive else "-", claim, "process")
    drawn = {node for pair in edges for node in pair}
    return {iri: kind for iri, kind in nodes.items() if iri in drawn}, edges


def network_dot(graph: Graph | UnionView, document: URIRef = REVIEW) -> str:
    """Fig. 1 of the review, regenerated: donor cells -> miRNAs -> recipient cells, targets and
    processes (of the claims of ``document``: this review by default)."""
    nodes, edges = network_edges(graph, document)
    lines = ["digraph exomir {", ('  graph [rankdir=LR, fontname="Helvetica", label="Exosomal miRNAs in the HCC '
                                  'microenvironment (regenerated from exomir-kg)", labelloc=t, fontsize=20];'),
             '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=9];']
    lines += _legend()
    for iri, (kind, name) in sorted(nodes.items(), key=lambda item: (item[1][0], item[1][1], str(item[0]))):
        lines.append(f'  {_quoted(str(iri))} [label={_quoted(name)}, {SHAPES[kind]}, fillcolor="{FILLS[kind]}", '
                     f'URL={_quoted(str(iri))}, tooltip={_quoted(name)}, target="_top"];')
    for (source, target), edge in sorted(edges.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        label = edge.label + (RETRACTED_MARK if edge.retracted else "") + (PROBLEMATIC_MARK if edge.problematic else "")
        style = "dashed" if edge.retracted else "dotted" if edge.problematic else "solid"
        claims = ", ".join(sorted(edge.claims))
        lines.append(f'  {_quoted(str(source))} -> {_quoted(str(target))} [label={_quoted(label)}, '
                     f'color="{COLOURS[edge.kind]}", fontcolor="{COLOURS[edge.kind]}", style={style}, '
                     f'tooltip={_quoted("claims " + claims)}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend() -> list[str]:
    """A boxed legend: node kinds, edge colours, and the two marks."""
    lines = ['  subgraph cluster_legend {', '    label="Legend"; fontsize=12; style=rounded; color="#888888";']
    for kind, name in (("mirna", "exosomal miRNA"), ("cell", "cell (donor or recipient)"), ("gene", "target gene"),
                       ("process", "process or phenotype")):
        lines.append(f'    "legend_{kind}" [label="{name}", {SHAPES[kind]}, fillcolor="{FILLS[kind]}"];')
    samples = (("transfer", "releases / to: transfer between cells", "solid"), ("targets", "targets a gene", "solid"),
               ("promotes", "+ promotes", "solid"), ("inhibits", "- inhibits", "solid"))
    for number, (kind, text, style) in enumerate(samples):
        lines.append(f'    "legend_e{number}a" [label="", shape=point, width=0.05]; "legend_e{number}b" [label="{text}", shape=plaintext];')
        lines.append(f'    "legend_e{number}a" -> "legend_e{number}b" [color="{COLOURS[kind]}", style={style}];')
    lines.append(f'    "legend_marks" [shape=plaintext, label="{RETRACTED_MARK} dashed: rests on a retracted study\\l'
                 f'{PROBLEMATIC_MARK} dotted: rests on a problematic cell line (Cellosaurus)\\l"];')
    lines.append("  }")
    return lines


def render_dot(dot_text: str, fmt: str) -> bytes:
    """``dot_text`` rendered by Graphviz in format ``fmt`` (``svg``, ``png``), with a fixed timestamp."""
    dot = shutil.which("dot")
    if dot is None:
        raise FigureUnavailable("Graphviz 'dot' is needed for the network figure (apt-get install graphviz)")
    run = subprocess.run([dot, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False,
                         env={"SOURCE_DATE_EPOCH": "0", "PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        raise FigureUnavailable(f"dot failed: {run.stderr.decode()[:300]}")
    return run.stdout
