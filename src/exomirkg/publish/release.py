"""``exomirkg release VERSION``: a complete, self-describing, verifiable and reproducible release.

Everything is written into a hidden folder next to the target and swapped into place at the end
(:mod:`exomirkg.publish.atomic`): a failed or interrupted release leaves the previous one as it was, and one
release of a version runs at a time (a lock in the out folder); an existing version is never
overwritten unless ``force`` is given. All metadata files are generated from one manifest (:func:`manifest`), and
every file is listed with its SHA-256. The same inputs give byte-identical files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from ..build import KG_STEM, build, read_curation
from ..errors import ExomirError
from ..ids.namespaces import BASE, CLAIM, EXO, NANOPUB
from ..ids.prefixes import PrefixRegistry
from ..project import Project
from ..rdf.claimgraph import union_graph
from ..rdf.serialize import nquads
from .atomic import building_folder, clean_stale_folders, swap_into_place, version_lock

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")     # DCAT 3 terms (inSeries, version, ...)
PAV = Namespace("http://purl.org/pav/")
IDOT = Namespace("http://identifiers.org/idot/")
SCHEMA = Namespace("https://schema.org/")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
SPDX_CC_BY = "http://spdx.org/licenses/CC-BY-4.0"
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
BIOLINK = "biolink:"


class ReleaseError(ExomirError):
    """The release could not be made; nothing was written."""


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    files: list[str]
    changes: dict[str, list[str]]
    notes: tuple[str, ...] = ()      # hidden folders of killed releases removed, restored or left


# --------------------------------------------------------------------------- manifest
def manifest(project: Project, version: str, date: str, files: dict[str, dict[str, Any]], stats: dict[str, int],
             previous: str | None) -> dict:
    """The one source of every metadata file of the release."""
    meta = read_curation(project)[0].metadata
    base = f"{BASE}release/"
    return {
        "title": "exomir-kg: exosomal microRNA claims in hepatocellular carcinoma",
        "description": ("Every claim that the review 'Exosomal microRNAs in hepatocellular carcinoma' (Cancer Cell "
                        "International 2021, doi:10.1186/s12935-021-01941-9) makes about an exosomal microRNA in HCC, "
                        "as nanopublications with provenance, grounded in miRBase, HGNC, GO, Cell Ontology, MONDO, UBERON, "
                        "Cellosaurus, ChEBI, ECO and STATO identifiers."),
        "version": version, "date": date, "previous": previous,
        "summary_iri": f"{BASE}dataset", "version_iri": f"{base}{version}",
        "download_base": f"{base}{version}/", "license": CC_BY, "license_spdx": SPDX_CC_BY,
        "creators": list(meta.get("creators", ["exomir-kg curators"])),
        "publisher": "exomir-kg", "homepage": "https://w3id.org/exomir-kg",
        "source": "https://doi.org/10.1186/s12935-021-01941-9",
        "keywords": ["exosome", "microRNA", "hepatocellular carcinoma", "knowledge graph", "nanopublication",
                     "biomarker", "liquid biopsy"],
        "sparql_endpoint": f"{BASE}sparql", "stats": stats, "files": files,
        "vocabularies": [str(EXO), "http://www.nanopub.org/nschema#", "http://www.w3.org/ns/prov#",
                         "http://purl.obolibrary.org/obo/"],
    }


# --------------------------------------------------------------------------- data products
def _jsonld(dataset: Dataset) -> str:
    from pyld import jsonld
    doc = jsonld.from_rdf(nquads(dataset), {"format": "application/n-quads"})
    context = {"exo": str(EXO), "claim": str(CLAIM), "np": "http://www.nanopub.org/nschema#",
               "rdfs": str(RDFS), "prov": str(PROV), "dcterms": str(DCTERMS), "obo": "http://purl.obolibrary.org/obo/",
               "xsd": str(XSD), "skos": "http://www.w3.org/2004/02/skos/core#"}
    compacted = jsonld.compact(doc, context)
    return json.dumps(compacted, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


ASSOCIATION_COLUMNS = ("claim", "claim_type", "mirna", "mirbase_id", "direction", "effect", "comparison", "biofluid",
                       "target", "process", "donor_cell", "recipient_cell", "evidence", "references", "pmid_doi",
                       "review_quote", "flags")


def associations(project: Project, dataset: Dataset) -> str:
    """A flat TSV, one row per claim, with the columns curators expect."""
    graph = union_graph(dataset)
    ontology = Graph().parse(project.ontology_path, format="turtle")     # labels of the exo value sets
    def label(node) -> str:
        return str(graph.value(node, RDFS.label) or ontology.value(node, RDFS.label) or "") if node is not None else ""
    registry = PrefixRegistry.load(project.prefixes_path)
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
        if graph.value(claim, EXO.hedged) == Literal(True):
            flags.append("hedged")
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
    return buffer.getvalue()


BIOLINK_CATEGORY = (("https://identifiers.org/mirbase", "biolink:MicroRNA"), ("https://identifiers.org/hgnc:", "biolink:Gene"),
                    ("http://purl.obolibrary.org/obo/GO_", "biolink:BiologicalProcess"), ("http://purl.obolibrary.org/obo/CL_", "biolink:Cell"),
                    ("http://purl.obolibrary.org/obo/MONDO_", "biolink:Disease"), ("http://purl.obolibrary.org/obo/UBERON_", "biolink:AnatomicalEntity"),
                    ("http://purl.obolibrary.org/obo/CHEBI_", "biolink:ChemicalEntity"), ("https://identifiers.org/cellosaurus:", "biolink:CellLine"),
                    (str(EXO), "biolink:NamedThing"))
BIOLINK_PREDICATE = {"targets": "biolink:regulates", "increasesExpressionOf": "biolink:affects",
                     "decreasesExpressionOf": "biolink:affects", "positivelyAffects": "biolink:affects",
                     "negativelyAffects": "biolink:affects", "associatedWith": "biolink:associated_with",
                     "upregulatedIn": "biolink:associated_with", "downregulatedIn": "biolink:associated_with",
                     "biomarkerFor": "biolink:biomarker_for", "prognosticFor": "biolink:biomarker_for",
                     "therapeuticTargetFor": "biolink:target_for", "affectsResponseTo": "biolink:affects",
                     "transferredFrom": "biolink:located_in", "transferredTo": "biolink:located_in",
                     "hasTumourRole": "biolink:has_attribute"}


def kgx(dataset: Dataset) -> tuple[str, str]:
    """KGX nodes and edges TSV of the direct edges, with Biolink categories and predicates."""
    graph = union_graph(dataset)
    def compact(node) -> str:
        text = str(node)
        if text.startswith("http://purl.obolibrary.org/obo/"):
            return text.rsplit("/", 1)[1].replace("_", ":", 1)
        if text.startswith("https://identifiers.org/"):
            local = text[len("https://identifiers.org/"):]
            return local.replace("hgnc:", "HGNC:").replace("mirbase.mature:", "mirbase:").replace("cellosaurus:", "CVCL:").replace("CVCL:CVCL_", "CVCL:")
        return "exo:" + text[len(str(EXO)):] if text.startswith(str(EXO)) else text
    def category(node) -> str:
        return next((c for prefix, c in BIOLINK_CATEGORY if str(node).startswith(prefix)), "biolink:NamedThing")
    edges = []
    nodes = {}
    for predicate, name in ((EXO[p], p) for p in BIOLINK_PREDICATE):
        for s, o in graph.subject_objects(predicate):
            # the claims that assert this edge: same miRNA, the edge's object in one of their fields
            claims = sorted(str(c).rsplit("/", 1)[1] for c in graph.subjects(EXO.mirna, s)
                            if o in set(graph.objects(c, None)))
            pubs = sorted({f"PMID:{graph.value(r, EXO.pmid)}" if graph.value(r, EXO.pmid) else f"doi:{graph.value(r, EXO.doi)}"
                           for c in claims for r in graph.objects(CLAIM[c], EXO.citesReference)
                           if graph.value(r, EXO.pmid) or graph.value(r, EXO.doi)})
            edges.append((compact(s), BIOLINK_PREDICATE[name], compact(o), f"exo:{name}", "|".join(claims), "|".join(pubs)))
            for node in (s, o):
                nodes[compact(node)] = (category(node), str(graph.value(node, RDFS.label) or ""))
    node_lines = ["id\tcategory\tname\tprovided_by"] + [f"{n}\t{c}\t{l}\tinfores:exomir-kg" for n, (c, l) in sorted(nodes.items())]
    edge_lines = ["id\tsubject\tpredicate\tobject\toriginal_predicate\tclaims\tpublications\tprimary_knowledge_source\tknowledge_level\tagent_type"]
    for index, edge in enumerate(sorted(set(edges)), 1):
        edge_lines.append("\t".join((f"exomir-kg:edge{index:04d}", *edge[:4], edge[4], edge[5], "infores:exomir-kg",
                                     "knowledge_assertion", "manual_agent")))
    return "\n".join(node_lines) + "\n", "\n".join(edge_lines) + "\n"


# --------------------------------------------------------------------------- ontology, figure, docs
def ontology_products(project: Project, version: str, date: str) -> dict[str, bytes]:
    base = Graph().parse(project.ontology_path, format="turtle")
    ontology = URIRef(f"{BASE}ontology")
    base.remove((ontology, OWL.versionIRI, None))
    base.remove((ontology, OWL.versionInfo, None))
    base.add((ontology, OWL.versionIRI, URIRef(f"{BASE}ontology/{date}")))
    base.add((ontology, OWL.versionInfo, Literal(f"{version} ({date})")))
    full = Graph()
    for triple in base:
        full.add(triple)
    for path in sorted(project.imports_dir.glob("*.ttl")):
        for s, p, o in Graph().parse(path, format="turtle"):
            if p == RDF.type and o == OWL.Ontology:
                continue
            if s == URIRef(str(path)):
                continue
            full.add((s, p, o))
    for prefix, namespace in base.namespaces():
        full.bind(prefix, namespace, override=True)
    out = {}
    for name, graph in (("exomir-base", base), ("exomir-full", full)):
        out[f"ontology/{name}.ttl"] = graph.serialize(format="turtle").encode()
        out[f"ontology/{name}.owl"] = _stable_rdfxml(graph)
    return out


def _stable_rdfxml(graph: Graph) -> bytes:
    """RDF/XML that is byte-stable: blank nodes canonicalised (RDFC-1.0), triples in sorted order."""
    import pyoxigraph as ox
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    triples = sorted((q.triple for q in dataset), key=str)
    prefixes = {p: str(n) for p, n in graph.namespaces() if p}
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""


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
    dot = shutil.which("dot")
    if dot is None:
        raise ReleaseError("Graphviz 'dot' is needed for the network figure (apt-get install graphviz)")
    run = subprocess.run([dot, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False,
                         env={"SOURCE_DATE_EPOCH": "0", "PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        raise ReleaseError(f"dot failed: {run.stderr.decode()[:300]}")
    return run.stdout


def pylode_html(path: Path, profile: str) -> bytes:
    pylode = Path(sys.executable).parent / "pylode"
    if not pylode.exists():
        raise ReleaseError("pyLODE is needed for the documentation (pip install 'pylode==3.3.4')")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "doc.html"
        run = subprocess.run([str(pylode), str(path), "-o", str(out), "-p", profile], capture_output=True, check=False)
        if run.returncode != 0 or not out.exists():
            raise ReleaseError(f"pyLODE failed on {path.name}: {run.stderr.decode()[-300:]}")
        html = out.read_text(encoding="utf-8")
    return re.sub(r"(?i)(generated by pylode[^<]*?)(\d{4}-\d{2}-\d{2}[T0-9:.\-+]*)", r"\1", html).encode()


# --------------------------------------------------------------------------- metadata from the manifest
MEDIA = {".trig": ("application/trig", "http://www.w3.org/ns/formats/TriG"),
         ".nq": ("application/n-quads", "http://www.w3.org/ns/formats/N-Quads"),
         ".ttl": ("text/turtle", "http://www.w3.org/ns/formats/Turtle"),
         ".nt": ("application/n-triples", "http://www.w3.org/ns/formats/N-Triples"),
         ".jsonld": ("application/ld+json", "http://www.w3.org/ns/formats/JSON-LD"),
         ".owl": ("application/rdf+xml", "http://www.w3.org/ns/formats/RDF_XML"),
         ".tsv": ("text/tab-separated-values", ""), ".rq": ("application/sparql-query", ""),
         ".html": ("text/html", ""), ".svg": ("image/svg+xml", ""), ".png": ("image/png", ""),
         ".json": ("application/json", ""), ".md": ("text/markdown", ""), ".cff": ("text/plain", ""),
         ".txt": ("text/plain", "")}
RDF_DATA = ("data/exomir-kg.trig", "data/exomir-kg.nq", "data/exomir-kg.ttl", "data/exomir-kg.nt", "data/exomir-kg.jsonld")


def dataset_description(m: dict) -> str:
    """HCLS dataset description (summary, version, distribution levels), DCAT 3 series/version links, VoID."""
    g = Graph()
    for prefix, ns in (("dct", DCTERMS), ("dcat", DCAT), ("void", VOID), ("pav", PAV), ("idot", IDOT), ("prov", PROV),
                       ("xsd", XSD), ("schema", SCHEMA)):
        g.bind(prefix, ns)
    dctypes = Namespace("http://purl.org/dc/dcmitype/")
    g.bind("dctypes", dctypes)
    summary, version = URIRef(m["summary_iri"]), URIRef(m["version_iri"])
    publisher = URIRef(m["homepage"])
    date = Literal(m["date"], datatype=XSD.date)
    g.add((summary, RDF.type, dctypes.Dataset))
    g.add((summary, RDF.type, DCAT.DatasetSeries))
    g.add((summary, DCTERMS.title, Literal(m["title"], lang="en")))
    g.add((summary, DCTERMS.description, Literal(m["description"], lang="en")))
    g.add((summary, DCTERMS.publisher, publisher))
    g.add((summary, DCAT.landingPage, URIRef(m["homepage"])))
    g.add((summary, IDOT.preferredPrefix, Literal("exomir")))
    g.add((summary, DCAT.last, version))
    g.add((version, RDF.type, dctypes.Dataset))
    g.add((version, RDF.type, DCAT.Dataset))
    g.add((version, DCTERMS.title, Literal(f"{m['title']} {m['version']}", lang="en")))
    g.add((version, DCTERMS.description, Literal(m["description"], lang="en")))
    g.add((version, DCTERMS.created, date))
    g.add((version, DCTERMS.issued, date))
    g.add((version, DCTERMS.publisher, publisher))
    g.add((version, DCTERMS.license, URIRef(m["license"])))
    g.add((URIRef(m["license"]), OWL.sameAs, URIRef(m["license_spdx"])))      # the SPDX IRI of CC BY 4.0
    g.add((URIRef(m["license"]), DCTERMS.identifier, Literal("CC-BY-4.0")))
    g.add((version, DCTERMS.isVersionOf, summary))
    g.add((version, DCAT.inSeries, summary))
    g.add((version, PAV.version, Literal(m["version"])))
    g.add((version, DCAT.version, Literal(m["version"])))
    g.add((version, DCTERMS.source, URIRef(m["source"])))
    g.add((version, PROV.wasDerivedFrom, URIRef(m["source"])))
    for creator in m["creators"]:
        g.add((version, DCTERMS.creator, Literal(creator)))
    for keyword in m["keywords"]:
        g.add((version, DCAT.keyword, Literal(keyword)))
    if m["previous"]:
        previous = URIRef(f"{BASE}release/{m['previous']}")
        g.add((version, PAV.previousVersion, previous))
        g.add((version, DCAT.previousVersion, previous))
    for path in RDF_DATA:
        dist = URIRef(m["download_base"] + path)
        media, fmt = MEDIA[Path(path).suffix]
        g.add((version, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, RDF.type, VOID.Dataset))
        g.add((dist, DCTERMS.title, Literal(f"exomir-kg {m['version']} ({Path(path).suffix[1:]})", lang="en")))
        g.add((dist, DCTERMS.description, Literal(f"All claims as nanopublications, {media}.", lang="en")))
        g.add((dist, DCTERMS.created, date))
        g.add((dist, DCTERMS.issued, date))
        g.add((dist, DCTERMS.publisher, publisher))
        g.add((dist, DCTERMS.license, URIRef(m["license"])))
        g.add((dist, DCTERMS.format, Literal(media)))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCTERMS.conformsTo, URIRef(fmt)))
        g.add((dist, DCAT.downloadURL, URIRef(m["download_base"] + path)))
        g.add((dist, DCAT.byteSize, Literal(m["files"][path]["bytes"], datatype=XSD.nonNegativeInteger)))
        g.add((dist, URIRef("http://spdx.org/rdf/terms#checksum"), Literal("sha256:" + m["files"][path]["sha256"])))
        g.add((dist, VOID.dataDump, URIRef(m["download_base"] + path)))
        g.add((dist, VOID.sparqlEndpoint, URIRef(m["sparql_endpoint"])))
        g.add((dist, VOID.uriSpace, Literal(BASE)))
        for key, prop in (("triples", VOID.triples), ("entities", VOID.entities), ("distinct_subjects", VOID.distinctSubjects),
                          ("distinct_objects", VOID.distinctObjects), ("properties", VOID.properties), ("classes", VOID.classes)):
            g.add((dist, prop, Literal(m["stats"][key], datatype=XSD.integer)))
        for vocabulary in m["vocabularies"]:
            g.add((dist, VOID.vocabulary, URIRef(vocabulary)))
        for cls, count in sorted(m["stats"]["class_partitions"].items()):
            part = URIRef(f"{dist}#class-{cls.rsplit('/', 1)[-1]}")
            g.add((dist, VOID.classPartition, part))
            g.add((part, VOID["class"], URIRef(cls)))
            g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    return g.serialize(format="turtle")


def bioschemas(m: dict) -> dict:
    return {"@context": "https://schema.org/", "@type": "Dataset",
            "http://purl.org/dc/terms/conformsTo": {"@id": "https://bioschemas.org/profiles/Dataset/1.0-RELEASE"},
            "@id": m["version_iri"], "name": f"{m['title']} {m['version']}", "description": m["description"],
            "url": m["download_base"], "identifier": m["version_iri"], "version": m["version"],
            "datePublished": m["date"], "license": m["license"], "keywords": m["keywords"],
            "creator": [{"@type": "Organization", "name": c} for c in m["creators"]],
            "isBasedOn": m["source"], "includedInDataCatalog": {"@type": "DataCatalog", "name": "exomir-kg", "url": m["homepage"]},
            "distribution": [{"@type": "DataDownload", "contentUrl": m["download_base"] + p, "encodingFormat": MEDIA[Path(p).suffix][0],
                              "contentSize": str(m["files"][p]["bytes"]), "sha256": m["files"][p]["sha256"]} for p in RDF_DATA]}


def ro_crate(m: dict) -> str:
    files = [{"@id": path, "@type": "File", "name": Path(path).name, "encodingFormat": MEDIA.get(Path(path).suffix, ("application/octet-stream",))[0],
              "contentSize": str(info["bytes"]), "sha256": info["sha256"]} for path, info in sorted(m["files"].items())]
    graph = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
         "about": {"@id": "./"}},
        {"@id": "./", "@type": "Dataset", "name": f"{m['title']} {m['version']}", "description": m["description"],
         "datePublished": m["date"], "version": m["version"], "license": {"@id": m["license"]}, "identifier": m["version_iri"],
         "isBasedOn": {"@id": m["source"]}, "creator": [{"@id": "#curators"}], "hasPart": [{"@id": f["@id"]} for f in files]},
        {"@id": "#curators", "@type": "Organization", "name": ", ".join(m["creators"])},
        {"@id": m["license"], "@type": "CreativeWork", "name": "CC BY 4.0", "identifier": m["license_spdx"]},
        {"@id": m["source"], "@type": "ScholarlyArticle", "name": "Exosomal microRNAs in hepatocellular carcinoma"},
        *files]
    return json.dumps({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph}, indent=1, sort_keys=True) + "\n"


def citation_cff(m: dict) -> str:
    authors = "\n".join(f"  - name: \"{c}\"" for c in m["creators"])
    return (f"cff-version: 1.2.0\nmessage: \"If you use this dataset, please cite it as below, and cite the review it is built from.\"\n"
            f"type: dataset\ntitle: \"{m['title']}\"\nversion: \"{m['version']}\"\ndate-released: \"{m['date']}\"\n"
            f"license: CC-BY-4.0\nurl: \"{m['download_base']}\"\nidentifiers:\n  - type: url\n    value: \"{m['version_iri']}\"\n"
            f"authors:\n{authors}\nkeywords:\n" + "".join(f"  - \"{k}\"\n" for k in m["keywords"]) +
            "references:\n  - type: article\n    title: \"Exosomal microRNAs in hepatocellular carcinoma\"\n"
            "    journal: \"Cancer Cell International\"\n    year: 2021\n    doi: \"10.1186/s12935-021-01941-9\"\n"
            "    authors:\n      - name: \"the review's authors\"\n")


def landing_html(m: dict, changes: dict[str, list[str]]) -> str:
    from html import escape
    rows = "".join(f"<tr><td><a href=\"{escape(p)}\">{escape(p)}</a></td><td>{info['bytes']}</td><td><code>{info['sha256'][:16]}…</code></td></tr>"
                   for p, info in sorted(m["files"].items()))
    stats = m["stats"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(m['title'])} {escape(m['version'])}</title>
<script type="application/ld+json">{json.dumps(bioschemas(m), sort_keys=True)}</script>
<style>body{{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem}}td,th{{padding:.2rem .5rem;text-align:left}}
img{{max-width:100%;border:1px solid #ccc}}</style></head><body>
<h1>{escape(m['title'])} <small>{escape(m['version'])}</small></h1>
<p>{escape(m['description'])}</p>
<p>Released {escape(m['date'])} under <a href="{escape(m['license'])}">CC BY 4.0</a>. {stats['claims']} claims,
{stats['triples']} triples. Changes since {escape(m['previous'] or 'nothing (first release)')}: {len(changes['added'])} added,
{len(changes['removed'])} removed, {len(changes['changed'])} changed (<a href="CHANGELOG.md">changelog</a>).</p>
<h2>The role of exosomal microRNAs in the HCC microenvironment</h2>
<p><img src="figure/network.svg" alt="Network of miRNAs, donor and recipient cells, targets and processes, regenerated from the KG"></p>
<h2>Cite</h2><p>See <a href="CITATION.cff">CITATION.cff</a>; cite also the review, doi:10.1186/s12935-021-01941-9.</p>
<h2>Files</h2><table><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr>{rows}</table>
</body></html>
"""


# --------------------------------------------------------------------------- stats, reports, changelog
def statistics(dataset: Dataset) -> dict:
    graph = union_graph(dataset)
    claims = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(str(CLAIM)) and "/" not in str(s)[len(str(CLAIM)):]}
    classes = Counter(str(o) for s, o in graph.subject_objects(RDF.type))
    return {"triples": len(graph), "quads": sum(1 for _ in dataset.quads((None, None, None, None))),
            "claims": len(claims), "entities": len({s for s in graph.subjects() if isinstance(s, URIRef)}),
            "distinct_subjects": len(set(graph.subjects())), "distinct_objects": len(set(graph.objects())),
            "properties": len(set(graph.predicates())), "classes": len(classes),
            "class_partitions": dict(sorted(classes.items()))}


def claim_fingerprints(dataset: Dataset) -> dict[str, str]:
    """Claim id -> hash of its assertion and provenance graphs (for the changelog)."""
    lines: dict[str, list[str]] = {}
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(str(NANOPUB)) and name.endswith(("/assertion", "/provenance")):
            claim = name[len(str(NANOPUB)):].split("/")[0]
            lines.setdefault(claim, []).extend(f"{name} {line}" for line in graph.serialize(format="nt").splitlines())
    return {claim: hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest() for claim, found in lines.items()}


def changelog(current: dict[str, str], previous: dict[str, str] | None, version: str, previous_version: str | None) -> tuple[str, dict]:
    previous = previous or {}
    changes = {"added": sorted(set(current) - set(previous)), "removed": sorted(set(previous) - set(current)),
               "changed": sorted(c for c in set(current) & set(previous) if current[c] != previous[c])}
    text = [f"# Changelog: exomir-kg {version}", "",
            f"Compared with {previous_version}." if previous_version else "First release: every claim is new.", ""]
    for kind in ("added", "removed", "changed"):
        text.append(f"## {kind.capitalize()} claims ({len(changes[kind])})")
        text.append("")
        text.append(", ".join(changes[kind]) if changes[kind] else "none")
        text.append("")
    return "\n".join(text), changes


# --------------------------------------------------------------------------- the release
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def previous_release(out: Path, version: str) -> str | None:
    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))
    older = [p.name for p in out.iterdir() if p.is_dir() and VERSION_PATTERN.match(p.name)
             and key(p.name) < key(version) and (p / "data" / f"{KG_STEM}.trig").exists()] if out.exists() else []
    return max(older, key=key) if older else None


def query_results(project: Project, kg_trig: Path) -> dict:
    """Every local stored query run on the released data: row count and a digest of the sorted rows."""
    from ..ids.prefixes import PrefixRegistry as Registry
    from ..query.catalogue import catalogue
    from ..query.store import EmbeddedStore
    store = EmbeddedStore(kg_trig, [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))])
    registry = Registry.load(project.prefixes_path)
    results: dict[str, dict[str, Any]] = {}
    for name, query in catalogue(project.queries_dir).items():
        if query.is_federated:
            results[name] = {"status": "not run (federated)", "federates": list(query.federated)}
            continue
        rows = store.query(query.bind({}, registry)).values()
        canonical = sorted("\t".join(";".join(sorted(v.split("; "))) for v in row) for row in rows)
        results[name] = {"status": "ok", "rows": len(rows),
                         "sha256": hashlib.sha256("\n".join(canonical).encode()).hexdigest()}
    return results


def provenance_ttl(m: dict, validation_conforms: bool, violations: int) -> str:
    g = Graph()
    g.bind("prov", PROV)
    g.bind("dct", DCTERMS)
    base = m["download_base"]
    software = URIRef("https://w3id.org/exomir-kg/software/exomirkg")
    g.add((software, RDF.type, PROV.SoftwareAgent))
    g.add((software, RDFS.label, Literal("exomirkg")))
    for name, used, generated, label in (
        ("validation", ["data/exomir-kg.trig", "shapes/exomir-shapes.ttl"], "reports/validation-report.ttl",
         f"SHACL validation with pyshacl: conforms={str(validation_conforms).lower()}, violations={violations}"),
        ("query-run", ["data/exomir-kg.trig", "queries/sparql-examples.ttl"], "reports/query-results.json",
         "every local stored query run on the released data (embedded pyoxigraph store)")):
        activity = URIRef(f"{base}reports/{name}")
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, RDFS.label, Literal(label)))
        g.add((activity, PROV.wasAssociatedWith, software))
        g.add((activity, PROV.endedAtTime, Literal(f"{m['date']}T00:00:00Z", datatype=XSD.dateTime)))
        for path in used:
            g.add((activity, PROV.used, URIRef(base + path)))
        out = URIRef(base + generated)
        g.add((out, RDF.type, PROV.Entity))
        g.add((out, PROV.wasGeneratedBy, activity))
        for path in used:
            g.add((out, PROV.wasDerivedFrom, URIRef(base + path)))
    return g.serialize(format="turtle")


def release(project: Project, version: str, out: Path, force: bool = False, date: str | None = None) -> ReleaseResult:
    """Cut release ``version`` into ``out/version``; raise ReleaseError (leaving the previous
    release as it was) on failure, and :class:`exomirkg.publish.atomic.VersionLocked` at once when another
    release of ``version`` is under way in ``out``."""
    if not VERSION_PATTERN.match(version):
        raise ReleaseError(f"version {version!r} must look like 1.2.3")
    target = out / version
    out.mkdir(parents=True, exist_ok=True)
    with version_lock(out, version):
        notes = clean_stale_folders(out, version)
        if target.exists() and not force:
            raise ReleaseError("; ".join([f"{target} exists; use --force to replace it", *notes]))
        staging = building_folder(out, version)
        try:
            files, changes = _write_release(project, version, staging, out, date)
            left = swap_into_place(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return ReleaseResult(target, files, changes, tuple(notes + ([left] if left else [])))


def _write_release(project: Project, version: str, folder: Path, out: Path, date: str | None) -> tuple[list[str], dict]:
    from ..validate.engines import validate
    def write(rel: str, content: str | bytes) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    result = build(project, folder / "data")
    date = date or str(result.curation.metadata.get("created", "2026-11-28"))
    dataset = result.dataset
    (folder / "mappings").mkdir()
    (folder / "data" / f"{KG_STEM}.sssom.tsv").rename(folder / "mappings" / f"{KG_STEM}.sssom.tsv")
    write(f"data/{KG_STEM}.jsonld", _jsonld(dataset))
    write("data/associations.tsv", associations(project, dataset))
    nodes, edges = kgx(dataset)
    write("data/kgx_nodes.tsv", nodes)
    write("data/kgx_edges.tsv", edges)
    for rel, content in ontology_products(project, version, date).items():
        write(rel, content)
    for path in sorted((project.root / "shapes").glob("*.ttl")):
        write(f"shapes/{path.name}", path.read_bytes())
    for path in sorted(project.queries_dir.iterdir()) if project.queries_dir.is_dir() else []:
        if path.suffix in (".rq", ".ttl"):
            write(f"queries/{path.name}", path.read_bytes())
    write("docs/ontology.html", pylode_html(folder / "ontology" / "exomir-base.ttl", "ontpub"))
    write("docs/shapes.html", pylode_html(project.shapes_path, "vocpub"))
    dot = network_dot(dataset)
    write("figure/network.dot", dot)
    write("figure/network.svg", render_dot(dot, "svg"))
    write("figure/network.png", render_dot(dot, "png"))
    report = validate(dataset, project.shapes_path)
    write("reports/validation-report.ttl", report.as_turtle())
    write("reports/query-results.json", json.dumps(query_results(project, folder / "data" / f"{KG_STEM}.trig"),
                                                   indent=1, sort_keys=True) + "\n")
    previous = previous_release(out, version)
    old = None
    if previous:
        old_ds = Dataset()
        old_ds.parse(out / previous / "data" / f"{KG_STEM}.trig", format="trig")
        old = claim_fingerprints(old_ds)
    text, changes = changelog(claim_fingerprints(dataset), old, version, previous)
    write("CHANGELOG.md", text + "\n")
    write("reports/changes.json", json.dumps(changes, indent=1, sort_keys=True) + "\n")
    write("LICENSE.txt", "Data: Creative Commons Attribution 4.0 International (CC BY 4.0)\n"
                         "https://creativecommons.org/licenses/by/4.0/  (SPDX: CC-BY-4.0)\n"
                         "The review quoted in the data is CC BY 4.0 by its authors: doi:10.1186/s12935-021-01941-9\n")
    files = {str(p.relative_to(folder)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
             for p in sorted(folder.rglob("*")) if p.is_file()}
    m = manifest(project, version, date, files, statistics(dataset), previous)
    write("reports/provenance.ttl", provenance_ttl(m, report.conforms, len(report.violations)))
    m["files"]["reports/provenance.ttl"] = {"bytes": (folder / "reports/provenance.ttl").stat().st_size,
                                            "sha256": _sha256(folder / "reports/provenance.ttl")}
    write("manifest.json", json.dumps(m, indent=1, sort_keys=True) + "\n")
    write("metadata/dataset.ttl", dataset_description(m))
    write("ro-crate-metadata.json", ro_crate(m))
    write("CITATION.cff", citation_cff(m))
    write("index.html", landing_html(m, changes))
    listing = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    write("SHA256SUMS", "".join(f"{_sha256(folder / rel)}  {rel}\n" for rel in listing))
    return [*listing, "SHA256SUMS"], changes
