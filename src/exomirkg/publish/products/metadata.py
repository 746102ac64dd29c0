"""The release's metadata, all generated from one manifest (:func:`manifest`): ``manifest.json``, the
W3C HCLS dataset description with DCAT 3 and VoID (``metadata/dataset.ttl``), RO-Crate 1.1
(``ro-crate-metadata.json``) and the Bioschemas Dataset JSON-LD that the landing page embeds.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, XSD

from ...dataset import LICENSE, LICENSE_SPDX, LICENSE_SPDX_ID, REVIEW_CITATION, REVIEW_DOI_IRI, REVIEW_TITLE
from ...ids.namespaces import BASE, CLAIM, DATASET_IRI, EXO, NP, OBO

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")     # DCAT 3 terms (inSeries, version, ...)
PAV = Namespace("http://purl.org/pav/")
IDOT = Namespace("http://identifiers.org/idot/")
SCHEMA = Namespace("https://schema.org/")
_RDF_TYPE = ox.NamedNode(str(RDF.type))

LICENSE_NAME = "CC BY 4.0"
"""The short name of :data:`exomirkg.dataset.LICENSE`, as people write it."""
HOMEPAGE = BASE.rstrip("/")
TITLE = "exomir-kg: exosomal microRNA claims in hepatocellular carcinoma"
DESCRIPTION = (f"Every claim that the review '{REVIEW_TITLE}' ({REVIEW_CITATION}) makes about an exosomal microRNA in HCC, "
               "as nanopublications with provenance, grounded in miRBase, HGNC, GO, Cell Ontology, MONDO, UBERON, "
               "Cellosaurus, ChEBI, ECO and STATO identifiers.")
KEYWORDS = ("exosome", "microRNA", "hepatocellular carcinoma", "knowledge graph", "nanopublication", "biomarker",
            "liquid biopsy")


# --------------------------------------------------------------------------- the manifest
def statistics(quads: list[ox.Quad]) -> dict[str, Any]:
    """VoID statistics of a KG (its ``quads``), with its class partitions."""
    triples = {quad.triple for quad in quads}
    typed = [t for t in triples if t.predicate == _RDF_TYPE]
    claims = {t.subject for t in typed if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(str(CLAIM))
              and "/" not in t.subject.value[len(str(CLAIM)):]}
    classes = Counter(getattr(t.object, "value", str(t.object)) for t in typed)
    subjects = {t.subject for t in triples}
    return {"triples": len(triples), "quads": len(set(quads)), "claims": len(claims),
            "entities": sum(1 for s in subjects if isinstance(s, ox.NamedNode)),
            "distinct_subjects": len(subjects), "distinct_objects": len({t.object for t in triples}),
            "properties": len({t.predicate for t in triples}), "classes": len(classes),
            "class_partitions": dict(sorted(classes.items()))}


def manifest(ctx: ReleaseContext, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The one source of every metadata file of the release; ``files``: path -> bytes and sha256."""
    return {
        "title": TITLE, "description": DESCRIPTION,
        "version": ctx.version, "date": ctx.date, "previous": ctx.previous,
        "summary_iri": DATASET_IRI, "version_iri": ctx.version_iri,
        "download_base": ctx.download_base, "license": LICENSE, "license_spdx": LICENSE_SPDX,
        "creators": list(ctx.built.curation.metadata.get("creators", ["exomir-kg curators"])),
        "publisher": "exomir-kg", "homepage": HOMEPAGE, "source": REVIEW_DOI_IRI, "keywords": list(KEYWORDS),
        "sparql_endpoint": f"{BASE}sparql", "server_url": ctx.server_url, "stats": statistics(ctx.kg_quads), "files": files,
        "vocabularies": [str(EXO), str(NP), str(PROV), str(OBO)],
    }


def manifest_json(ctx: ReleaseContext) -> Files:
    return {"manifest.json": json.dumps(ctx.manifest, indent=1, sort_keys=True) + "\n"}


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
         ".txt": ("text/plain", ""), ".dot": ("text/vnd.graphviz", ""), ".htaccess": ("text/plain", "")}


def media_type(path: str) -> str:
    """The media type of a release file, by its suffix (``.htaccess`` by its name)."""
    name = Path(path)
    return MEDIA.get(name.suffix or name.name, ("application/octet-stream",))[0]


RDF_DATA = ("data/exomir-kg.trig", "data/exomir-kg.nq", "data/exomir-kg.ttl", "data/exomir-kg.nt", "data/exomir-kg.jsonld")


def dataset_description(m: dict[str, Any]) -> str:
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
    g.add((URIRef(m["license"]), OWL.sameAs, URIRef(m["license_spdx"])))      # the SPDX IRI of the licence
    g.add((URIRef(m["license"]), DCTERMS.identifier, Literal(LICENSE_SPDX_ID)))
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


def bioschemas(m: dict[str, Any]) -> dict[str, Any]:
    return {"@context": "https://schema.org/", "@type": "Dataset",
            "http://purl.org/dc/terms/conformsTo": {"@id": "https://bioschemas.org/profiles/Dataset/1.0-RELEASE"},
            "@id": m["version_iri"], "name": f"{m['title']} {m['version']}", "description": m["description"],
            "url": m["download_base"], "identifier": m["version_iri"], "version": m["version"],
            "datePublished": m["date"], "license": m["license"], "keywords": m["keywords"],
            "creator": [{"@type": "Organization", "name": c} for c in m["creators"]],
            "isBasedOn": m["source"], "includedInDataCatalog": {"@type": "DataCatalog", "name": "exomir-kg", "url": m["homepage"]},
            "distribution": [{"@type": "DataDownload", "contentUrl": m["download_base"] + p, "encodingFormat": MEDIA[Path(p).suffix][0],
                              "contentSize": str(m["files"][p]["bytes"]), "sha256": m["files"][p]["sha256"]} for p in RDF_DATA]}


RO_CRATE = "https://w3id.org/ro/crate/1.1"
RO_CRATE_CONTEXT: list[Any] = [f"{RO_CRATE}/context", {"sha256": "http://schema.org/sha256"}]
"""The RO-Crate 1.1 context, extended (as RO-Crate 1.1 allows) by the one term it lacks that the crate uses:
schema.org's ``sha256``, in the ``http://schema.org/`` namespace that the RO-Crate context maps every term to."""


def _one_or_many(values: list[Any]) -> Any:
    """RO-Crate 1.1 wants a single value where there is one, not a singleton array."""
    return values[0] if len(values) == 1 else values


def ro_crate(m: dict[str, Any], orcids: dict[str, str] | None = None) -> str:
    """RO-Crate 1.1 metadata of the release: the root dataset, every file with its size and checksum,
    and contextual entities for its authors, publisher, licence and source. ``orcids`` maps creator
    names to ORCID IRIs: such a creator is a Person named by that IRI (affiliated with the publisher,
    the project they curate for); the others are named together as one Organization, the curators,
    whose page is the project's."""
    orcids = orcids or {}
    files = [{"@id": path, "@type": "File", "name": Path(path).name, "encodingFormat": media_type(path),
              "contentSize": str(info["bytes"]), "sha256": info["sha256"]} for path, info in sorted(m["files"].items())]
    publisher = {"@id": m["homepage"], "@type": "Organization", "name": m["publisher"], "url": m["homepage"]}
    people = [{"@id": orcids[name], "@type": "Person", "name": name, "affiliation": {"@id": publisher["@id"]}}
              for name in m["creators"] if name in orcids]
    others = [name for name in m["creators"] if name not in orcids]
    groups = [{"@id": "#curators", "@type": "Organization", "name": ", ".join(others), "url": m["homepage"]}] if others else []
    authors = _one_or_many([{"@id": entity["@id"]} for entity in people + groups])
    graph = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "conformsTo": {"@id": RO_CRATE}, "about": {"@id": "./"}},
        {"@id": "./", "@type": "Dataset", "name": f"{m['title']} {m['version']}", "description": m["description"],
         "datePublished": m["date"], "version": m["version"], "license": {"@id": m["license"]}, "identifier": m["version_iri"],
         "url": m["download_base"], "isBasedOn": {"@id": m["source"]}, "author": authors, "creator": authors,
         "publisher": {"@id": publisher["@id"]}, "hasPart": [{"@id": f["@id"]} for f in files]},
        *people, *groups, publisher,
        {"@id": m["license"], "@type": "CreativeWork", "name": LICENSE_NAME, "identifier": m["license_spdx"]},
        {"@id": m["source"], "@type": "ScholarlyArticle", "name": REVIEW_TITLE},
        *files]
    return json.dumps({"@context": RO_CRATE_CONTEXT, "@graph": graph}, indent=1, sort_keys=True) + "\n"


def dataset_ttl(ctx: ReleaseContext) -> Files:
    return {"metadata/dataset.ttl": dataset_description(ctx.manifest)}


def ro_crate_json(ctx: ReleaseContext) -> Files:
    return {"ro-crate-metadata.json": ro_crate(ctx.manifest, ctx.built.curation.metadata.get("orcids", {}))}
