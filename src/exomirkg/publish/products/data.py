"""The claims themselves, ``data/`` and ``mappings/``: the built KG in four RDF formats (TriG, N-Quads,
Turtle, N-Triples, as :func:`exomirkg.build.build` writes them), JSON-LD (PyLD), the curators' flat
TSV of associations, and the SSSOM mappings.
"""
from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ...build import KG_STEM
from ...ids.namespaces import CLAIM, EXO, NP, OBO
from ...rdf.serialize import quads_texts

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

KG_FORMATS = ("trig", "nq", "ttl", "nt")


def kg_files(ctx: ReleaseContext) -> Files:
    """The KG as released in its four formats (nanopublications under their trusty IRIs, each claim
    linked to its current one), and the build's SSSOM mappings in ``mappings/``."""
    texts = quads_texts(ctx.released, ctx.prefixes)
    files: Files = {f"data/{KG_STEM}.{suffix}": texts[suffix] for suffix in KG_FORMATS}
    built = {path.name: path for path in ctx.built.files.values()}
    files[f"mappings/{KG_STEM}.sssom.tsv"] = built[f"{KG_STEM}.sssom.tsv"].read_bytes()
    return files


def jsonld(ctx: ReleaseContext) -> Files:
    """The KG as compacted JSON-LD, written with PyLD from the release's N-Quads (read by :func:`pyld_dataset`)."""
    from pyld import jsonld as pyld
    doc = pyld.from_rdf(pyld_dataset(ctx.written(f"data/{KG_STEM}.nq").read_text(encoding="utf-8")))
    context = {"exo": str(EXO), "claim": str(CLAIM), "np": str(NP), "rdfs": str(RDFS), "prov": str(PROV),
               "dcterms": str(DCTERMS), "obo": str(OBO), "xsd": str(XSD), "skos": str(SKOS)}
    compacted = pyld.compact(doc, context)
    return {f"data/{KG_STEM}.jsonld": json.dumps(compacted, indent=1, sort_keys=True, ensure_ascii=False) + "\n"}


XSD_STRING = str(XSD.string)
RDF_LANGSTRING = str(RDF.langString)


def pyld_dataset(text: str) -> dict[str, list[dict[str, dict[str, str]]]]:
    """N-Quads ``text``, each quad once (as :func:`exomirkg.rdf.serialize.nquads` writes it), as
    PyLD's RDF dataset: what ``pyld.jsonld.parse_nquads`` makes of it, read by pyoxigraph instead.
    PyLD's reader compares each quad with every quad of its graph read before, to drop repeats:
    116 s for the 70,000 quads of 1,000 synthetic claims (quadratic), against under a second here."""
    import pyoxigraph as ox

    def term(node: object) -> dict[str, str]:
        if isinstance(node, ox.NamedNode):
            return {"type": "IRI", "value": node.value}
        if isinstance(node, ox.BlankNode):
            return {"type": "blank node", "value": f"_:{node.value}"}
        assert isinstance(node, ox.Literal)
        if node.language:
            return {"type": "literal", "datatype": RDF_LANGSTRING, "language": node.language, "value": node.value}
        return {"type": "literal", "datatype": node.datatype.value if node.datatype else XSD_STRING, "value": node.value}

    dataset: dict[str, list[dict[str, dict[str, str]]]] = {}
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name
        name = "@default" if isinstance(graph, ox.DefaultGraph) else term(graph)["value"]
        dataset.setdefault(name, []).append({"subject": term(quad.subject), "predicate": term(quad.predicate),
                                             "object": term(quad.object)})
    return dataset


ASSOCIATION_COLUMNS = ("claim", "claim_type", "mirna", "mirbase_id", "direction", "effect", "comparison", "biofluid",
                       "target", "process", "donor_cell", "recipient_cell", "evidence", "references", "pmid_doi",
                       "review_quote", "flags")


def associations(ctx: ReleaseContext) -> Files:
    """``data/associations.tsv``: a flat TSV, one row per claim, with the columns curators expect."""
    graph = ctx.union
    ontology = Graph().parse(ctx.project.ontology_path, format="turtle")     # labels of the exo value sets
    def label(node) -> str:
        return str(graph.value(node, RDFS.label) or ontology.value(node, RDFS.label) or "") if node is not None else ""
    registry = ctx.registry
    def curie(node) -> str:
        found = registry.compress(str(node)) if node is not None else None
        return str(found.bare_id if found and found.prefix not in ("exo",) else (f"exo:{found.local_id}" if found else node or ""))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ASSOCIATION_COLUMNS)
    claims = sorted({s for s in graph.subjects(RDF.type, None) if str(s).startswith(str(CLAIM)) and "/" not in str(s)[len(str(CLAIM)):]},
                    key=str)
    for claim in claims:
        ctype = next(o for o in graph.objects(claim, RDF.type))
        mirnas = sorted(graph.objects(claim, EXO.mirna), key=str)
        refs = sorted(graph.objects(claim, EXO.citesReference), key=lambda r: int(str(graph.value(r, EXO.referenceNumber))))
        ids = []
        for ref in refs:
            for prop, prefix in ((EXO.pmid, "PMID:"), (EXO.doi, "doi:")):
                value = graph.value(ref, prop)
                if value:
                    ids.append(prefix + str(value))
        flags = []
        if graph.value(claim, EXO.restsOnRetractedStudy) == Literal(True):
            flags.append("retracted_study")
        hedging = graph.value(claim, EXO.hedgingLevel)
        if hedging is not None and hedging != EXO.AssertedLevel:
            flags.append("hedged:" + str(hedging).rsplit("/", 1)[1].removesuffix("Level").lower())
        if graph.value(claim, EXO.armUnspecified) == Literal(True):
            flags.append("arm_unspecified")
        if graph.value(claim, EXO.blockCitation) == Literal(True):
            flags.append("block_citation")
        flags += [f"issue:{str(i).rsplit('/', 1)[1]}" for i in sorted(graph.objects(claim, EXO.hasIssue), key=str)]
        quotes = sorted(str(graph.value(q, EXO.text)) for q in graph.objects(claim, EXO.supportingQuote))
        target = graph.value(claim, EXO.gene)
        writer.writerow([
            str(claim).rsplit("/", 1)[1], label(ctype),
            "; ".join(label(m) for m in mirnas) or str(graph.value(claim, EXO.exosomeSource) or ""),
            "; ".join(curie(m) for m in mirnas),
            label(graph.value(claim, EXO.direction)), label(graph.value(claim, EXO.effect)),
            label(graph.value(claim, EXO.comparedWith)), label(graph.value(claim, EXO.biofluid)),
            label(target), label(graph.value(claim, EXO.process)),
            label(graph.value(claim, EXO.donorCell)), label(graph.value(claim, EXO.recipientCell)),
            curie(graph.value(claim, EXO.evidence)),
            "; ".join(str(graph.value(r, EXO.referenceNumber)) for r in refs), "; ".join(ids),
            " | ".join(quotes), "; ".join(flags)])
    return {"data/associations.tsv": buffer.getvalue()}
