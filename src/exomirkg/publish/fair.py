"""An offline FAIR self-check of a release folder, one result per F-UJI metric.

Each check is a small function over the release folder that returns (passed, evidence). The
metric ids are those of F-UJI (FAIRsFAIR); the checks are what can be verified offline from the
release itself (no resolver is contacted).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..dataset import LICENSE, LICENSE_SPDX_ID

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


@dataclass(frozen=True)
class FairResult:
    metric: str
    name: str
    passed: bool
    evidence: str


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _metadata(folder: Path) -> Graph:
    return Graph().parse(folder / "metadata" / "dataset.ttl", format="turtle")


def _landing_jsonld(folder: Path) -> dict | None:
    html = (folder / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(found.group(1)) if found else None


def f1_01d(folder: Path) -> tuple[bool, str]:
    m = _manifest(folder)
    ok = m["version_iri"].startswith("https://") and m["summary_iri"].startswith("https://")
    return ok, f"dataset IRIs {m['summary_iri']} (series) and {m['version_iri']} (version)"


def f1_02d(folder: Path) -> tuple[bool, str]:
    m = _manifest(folder)
    ok = m["version_iri"].startswith("https://w3id.org/")
    return ok, f"w3id.org persistent identifier {m['version_iri']}"


def f2_01m(folder: Path) -> tuple[bool, str]:
    g, m = _metadata(folder), _manifest(folder)
    version = URIRef(m["version_iri"])
    needed = {"title": DCTERMS.title, "description": DCTERMS.description, "creator": DCTERMS.creator,
              "issued": DCTERMS.issued, "publisher": DCTERMS.publisher, "keyword": URIRef(DCAT + "keyword")}
    missing = [k for k, p in needed.items() if g.value(version, p) is None]
    return not missing, "core metadata present" if not missing else f"missing: {', '.join(missing)}"


def f3_01m(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    downloads = list(g.objects(None, URIRef(DCAT + "downloadURL")))
    return bool(downloads), f"{len(downloads)} dcat:downloadURL links to the data files"


def f4_01m(folder: Path) -> tuple[bool, str]:
    doc = _landing_jsonld(folder)
    ok = doc is not None and doc.get("@type") == "Dataset"
    return ok, "schema.org Dataset JSON-LD embedded in index.html (Bioschemas Dataset profile)" if ok else "no JSON-LD"


def a1_01m(folder: Path) -> tuple[bool, str]:
    g, m = _metadata(folder), _manifest(folder)
    lic = g.value(URIRef(m["version_iri"]), DCTERMS.license)
    return lic is not None, f"open access: licence {lic}"


def a1_03d(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    urls = [str(u) for u in g.objects(None, URIRef(DCAT + "downloadURL"))]
    endpoints = [str(u) for u in g.objects(None, URIRef(VOID + "sparqlEndpoint"))]
    ok = all(u.startswith("https://") for u in urls) and bool(endpoints)
    return ok, f"HTTPS downloads and a SPARQL endpoint ({endpoints[0] if endpoints else 'none'})"


def i1_01m(folder: Path) -> tuple[bool, str]:
    parsed = []
    for path in ("metadata/dataset.ttl", "data/exomir-kg.ttl", "ontology/exomir-base.ttl"):
        Graph().parse(folder / path, format="turtle")
        parsed.append(path)
    json.loads((folder / "ro-crate-metadata.json").read_text())
    return True, "metadata and data in RDF (Turtle, TriG, JSON-LD) and RO-Crate JSON-LD: " + ", ".join(parsed)


def i2_01m(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    vocabularies = sorted({str(v) for v in g.objects(None, URIRef(VOID + "vocabulary"))})
    return len(vocabularies) >= 3, "vocabularies: " + ", ".join(vocabularies)


def i3_01m(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    related = [str(o) for p in (DCTERMS.source, DCTERMS.isVersionOf, URIRef(DCAT + "inSeries")) for o in g.objects(None, p)]
    return len(related) >= 2, "related resources: " + ", ".join(sorted(set(related)))


def r1_01md(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    formats = sorted({str(o) for o in g.objects(None, DCTERMS.format)})
    sizes = list(g.objects(None, URIRef(DCAT + "byteSize")))
    triples = list(g.objects(None, URIRef(VOID + "triples")))
    ok = bool(formats) and bool(sizes) and bool(triples)
    return ok, f"content described: formats {', '.join(formats)}; sizes; VoID statistics"


def r1_1_01m(folder: Path) -> tuple[bool, str]:
    g, m = _metadata(folder), _manifest(folder)
    lic = str(g.value(URIRef(m["version_iri"]), DCTERMS.license))
    ok = lic == LICENSE and (folder / "LICENSE.txt").exists()
    return ok, f"licence {lic} (SPDX {LICENSE_SPDX_ID}) in the metadata, LICENSE.txt and CITATION.cff"


def r1_2_01m(folder: Path) -> tuple[bool, str]:
    g = Graph().parse(folder / "reports" / "provenance.ttl", format="turtle")
    activities = len(set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/prov#Activity"))))
    meta = _metadata(folder)
    derived = list(meta.objects(None, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    return activities >= 2 and bool(derived), f"PROV: {activities} activities; data derived from {derived[0] if derived else '?'}"


def r1_3_01m(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    dists = set(g.subjects(RDF.type, URIRef(DCAT + "Distribution")))
    return bool(dists), f"W3C HCLS dataset description with DCAT and VoID ({len(dists)} distributions)"


def r1_3_02d(folder: Path) -> tuple[bool, str]:
    g = _metadata(folder)
    conforms = sorted({str(o) for o in g.objects(None, DCTERMS.conformsTo)})
    ok = all(c.startswith("http://www.w3.org/ns/formats/") for c in conforms) and len(conforms) >= 4
    return ok, "W3C formats: " + ", ".join(c.rsplit("/", 1)[1] for c in conforms)


CHECKS: tuple[tuple[str, str, Callable[[Path], tuple[bool, str]]], ...] = (
    ("FsF-F1-01D", "data is assigned a globally unique identifier", f1_01d),
    ("FsF-F1-02D", "data is assigned a persistent identifier", f1_02d),
    ("FsF-F2-01M", "metadata includes descriptive core elements", f2_01m),
    ("FsF-F3-01M", "metadata includes the identifier of the data it describes", f3_01m),
    ("FsF-F4-01M", "metadata can be retrieved by machines and search engines", f4_01m),
    ("FsF-A1-01M", "metadata contains access level and conditions", a1_01m),
    ("FsF-A1-03D", "data is accessible through a standardised protocol", a1_03d),
    ("FsF-I1-01M", "metadata is represented using a formal knowledge representation language", i1_01m),
    ("FsF-I2-01M", "metadata uses semantic resources", i2_01m),
    ("FsF-I3-01M", "metadata includes links to related entities", i3_01m),
    ("FsF-R1-01MD", "metadata specifies the content of the data", r1_01md),
    ("FsF-R1.1-01M", "metadata includes licence information", r1_1_01m),
    ("FsF-R1.2-01M", "metadata includes provenance information", r1_2_01m),
    ("FsF-R1.3-01M", "metadata follows a community standard", r1_3_01m),
    ("FsF-R1.3-02D", "data is in community file formats", r1_3_02d),
)


def fair_check(folder: Path) -> list[FairResult]:
    results = []
    for metric, name, check in CHECKS:
        try:
            passed, evidence = check(folder)
        except Exception as error:       # noqa: BLE001 - a missing or broken file is a failed check, with the reason
            passed, evidence = False, f"{type(error).__name__}: {error}"
        results.append(FairResult(metric, name, passed, evidence))
    return results
