"""An offline FAIR self-check of a release folder, one result per F-UJI metric.

Each check is a small function over the release folder that returns (passed, evidence). The
metric ids are those of F-UJI (FAIRsFAIR); the checks are what can be verified offline from the
release itself (no resolver is contacted). The persistent-identifier metric (FsF-F1-02D) tests the
release's w3id.org rules: sample IRIs of each kind must be redirected, for HTML and for Turtle, to
the release's server, asking for that format or naming a release file of that type; given
``server`` (a running ``exomirkg serve --release`` of the release, e.g. on loopback) it requests each
target there and wants a 200 of that media type with content.
"""
from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from ..dataset import LICENSE, LICENSE_SPDX_ID
from ..ids.namespaces import BASE, CLAIM, EXO, ONTOLOGY_IRI
from .products.metadata import RDF_DATA, media_type
from .w3id import FOLDER, SERVER_PLACEHOLDER, parse, redirect

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


HTML_REQUEST = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"     # what a browser sends
TURTLE, HTML = "text/turtle", "text/html"
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Sample:
    """An IRI of one kind, and the media type each request for it must end in."""

    kind: str
    iri: str
    expect: tuple[tuple[str, str], ...]       # (Accept header, media type of the answer)


def samples(folder: Path, m: dict) -> list[Sample]:
    """One IRI of each kind that the release's rules must redirect, taken from the release."""
    with (folder / "nanopubs" / "nanopubs.tsv").open(encoding="utf-8") as listing:
        first = next(row for row in csv.DictReader(listing, delimiter="\t") if row["kind"] == "claim")
    ontology = Graph().parse(folder / "ontology" / "exomir-base.ttl", format="turtle")
    term = min(str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(EXO)))
    both = ((HTML_REQUEST, HTML), (TURTLE, TURTLE))
    file = RDF_DATA[2]
    return [Sample("claim", f"{CLAIM}{first['id']}", both),
            Sample("nanopublication", f"{BASE}np/{first['id']}", both),
            Sample("trusty nanopublication", first["uri"], both),
            Sample("ontology", ONTOLOGY_IRI, both),
            Sample("ontology term", term, both),
            Sample("release", m["version_iri"], both),
            Sample("release file", m["download_base"] + file, ((HTML_REQUEST, media_type(file)), (TURTLE, media_type(file)))),
            Sample("dataset series", m["summary_iri"], both),
            Sample("project", m["homepage"], both),
            Sample("SPARQL endpoint", m["sparql_endpoint"] + "?query=ASK%7B%7D", ((SPARQL_JSON, SPARQL_JSON),))]


def _structure_problem(folder: Path, m: dict, local: str, expected: str) -> str | None:
    """Why ``local`` (path and query on the server) cannot be ``expected``, as far as the release alone
    tells (no request is made): a release path must name a file of this release of that media type, any
    other path must ask for the expected format."""
    url = urlsplit(local)
    fmt = parse_qs(url.query).get("format", [None])[0]
    if url.path.startswith("/release/"):
        _, _, version, *rest = url.path.split("/", 3)
        if version != m["version"]:
            return f"release {version} is not this release ({m['version']})"
        if not rest:
            return None                          # /release/V redirects to /release/V/
        rel = rest[0] or {HTML: "index.html", TURTLE: "metadata/dataset.ttl"}.get(expected, "")
        if not (folder / rel).is_file():
            return f"{rel} is not a file of the release"
        return None if media_type(rel) == expected else f"{rel} is {media_type(rel)}, not {expected}"
    wanted = {HTML: (None, "html"), TURTLE: ("turtle",), SPARQL_JSON: (None,)}[expected]
    return None if fmt in wanted else f"asks for format {fmt}, not {expected}"


def _answered_live(server: str, local: str, accept: str, expected: str) -> str | None:
    """Why the running server at ``server`` does not answer ``local`` with ``expected`` (a 200 of that
    media type whose body is HTML, RDF with at least one triple, or a SPARQL result), or None."""
    request = urllib.request.Request(server.rstrip("/") + local, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:         # follows the server's own redirects
            status, content_type, body = answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return f"answered {error.code}"
    except OSError as error:
        return f"no answer: {error}"
    if status != 200 or not content_type.startswith(expected):
        return f"answered {status} {content_type}, not {expected}"
    if expected == TURTLE and len(Graph().parse(data=body, format="turtle")) == 0:
        return "answered an empty Turtle document"
    if expected == HTML and b"<html" not in body[:2000].lower():
        return "answered no HTML page"
    if expected == SPARQL_JSON and "boolean" not in json.loads(body):
        return "answered no SPARQL result"
    return None


def f1_02d(folder: Path, server: str | None = None) -> tuple[bool, str]:
    """The w3id.org rules of the release redirect each sample IRI to a URL that the server answers."""
    m = _manifest(folder)
    rules_file, readme = folder / "w3id" / FOLDER / ".htaccess", folder / "w3id" / FOLDER / "README.md"
    if not rules_file.is_file() or not readme.is_file():
        return False, f"no w3id.org rules (w3id/{FOLDER}/.htaccess and README.md): nothing redirects {BASE}..."
    if "## Contact" not in readme.read_text(encoding="utf-8"):
        return False, f"w3id/{FOLDER}/README.md names no maintainers (no Contact section)"
    rules = parse(rules_file.read_text(encoding="utf-8"))
    public = m["server_url"]
    problems, checked = [], 0
    found = samples(folder, m)
    for sample in found:
        for accept, expected in sample.expect:
            answer = redirect(rules, sample.iri, {"Accept": accept})
            if answer is None:
                problems.append(f"{sample.iri} ({accept.split(',')[0]}): not redirected")
                continue
            target = answer[1]
            if not target.startswith(public + "/"):
                problems.append(f"{sample.iri} ({accept.split(',')[0]}): redirected to {target}, not to the server {public}")
                continue
            local = target[len(public):]
            problem = _structure_problem(folder, m, local, expected) or (_answered_live(server, local, accept, expected)
                                                                          if server else None)
            if problem:
                problems.append(f"{sample.iri} ({accept.split(',')[0]}) -> {target}: {problem}")
            checked += 1
    if problems:
        return False, "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
    how = (f"answered by the server at {server}" if server else
           "formats and release files checked, not requested (give a running `exomirkg serve --release` with --server)")
    note = " (a placeholder: release with --server-url before registering)" if public == SERVER_PLACEHOLDER else ""
    return True, (f"w3id.org rules w3id/{FOLDER}/.htaccess redirect {len(found)} sample IRIs "
                  f"({', '.join(s.kind for s in found)}), {checked} requests, to {public}{note}: {how}")


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


def fair_check(folder: Path, server: str | None = None) -> list[FairResult]:
    """Every metric of the release in ``folder``; ``server``: the URL of a running ``exomirkg serve
    --release`` of it, where FsF-F1-02D requests what the w3id.org rules redirect to."""
    results = []
    for metric, name, check in CHECKS:
        try:
            passed, evidence = f1_02d(folder, server) if check is f1_02d else check(folder)
        except Exception as error:       # noqa: BLE001 - a missing or broken file is a failed check, with the reason
            passed, evidence = False, f"{type(error).__name__}: {error}"
        results.append(FairResult(metric, name, passed, evidence))
    return results
