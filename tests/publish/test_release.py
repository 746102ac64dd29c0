"""``exomirkg release``: complete, self-describing, verifiable, reproducible; nothing partial."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import types
import urllib.request
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

import exomirkg.publish.products.figure as figure_module
from exomirkg.dataset import LICENSE_SPDX_ID, REVIEW_DOI
from exomirkg.publish.fair import CHECKS, fair_check
from exomirkg.publish.products import CHECKSUMS, PRODUCTS, Product
from exomirkg.publish.products.context import ProductError
from exomirkg.publish.products.kgx import BIOLINK_PREFIX, CURIE_COLUMNS, KGX_PREFIXES
from exomirkg.publish.products.landing import landing_page
from exomirkg.publish.products.ontology import pylode_html
from exomirkg.publish.release import ReleaseError, release
from exomirkg.query.store import EmbeddedStore, RemoteStore
from exomirkg.ids.prefixes import PrefixRegistry
from exomirkg.query.catalogue import catalogue
from conftest import multiset
from servers import oxigraph_server, require

PAV_VERSION = URIRef("http://purl.org/pav/version")


@pytest.fixture(scope="module")
def dist(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    release(project, "0.1.0", out)
    return out


def test_release_contents(dist):
    folder = dist / "0.1.0"
    for rel in ("data/exomir-kg.trig", "data/exomir-kg.nq", "data/exomir-kg.ttl", "data/exomir-kg.nt",
                "data/exomir-kg.jsonld", "data/associations.tsv", "data/kgx_nodes.tsv", "data/kgx_edges.tsv",
                "ontology/exomir-full.ttl", "ontology/exomir-full.owl", "ontology/exomir-base.ttl", "ontology/exomir-base.owl",
                "shapes/exomir-shapes.ttl", "queries/sparql-examples.ttl", "queries/table-1.rq",
                "queries/examples/table-1.ttl", "queries/examples/prefixes.ttl",
                "mappings/exomir-kg.sssom.tsv", "docs/ontology.html", "docs/shapes.html", "metadata/dataset.ttl",
                "ro-crate-metadata.json", "CITATION.cff", "LICENSE.txt", "SHA256SUMS", "index.html", "CHANGELOG.md",
                "reports/validation-report.ttl", "reports/query-results.json", "reports/provenance.ttl",
                "figure/network.svg", "figure/network.png"):
        assert (folder / rel).is_file(), rel
    assert (folder / "figure/network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'src="figure/network.svg"' in (folder / "index.html").read_text()


def test_the_ontology_documentation_documents_the_released_ontology(dist):
    """docs/ontology.html is pyLODE's page of this release's ontology: its title, its version, and
    every class and property the ontology declares, by IRI and label."""
    folder = dist / "0.1.0"
    html = (folder / "docs/ontology.html").read_text()
    ontology = Graph().parse(folder / "ontology/exomir-base.ttl")
    iri = URIRef("https://w3id.org/exomir-kg/ontology")
    assert f"<title>{ontology.value(iri, DCTERMS.title)}</title>" in html
    assert str(ontology.value(iri, OWL.versionInfo)) in html and str(ontology.value(iri, OWL.versionInfo)).startswith("0.1.0 (")
    terms = [term for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for term in ontology.subjects(RDF.type, kind) if str(term).startswith("https://w3id.org/exomir-kg/")]
    assert len(terms) > 50
    assert [str(t) for t in terms if str(t) not in html] == []
    assert [str(t) for t in terms if str(ontology.value(t, RDFS.label)) not in html] == []
    version = str(ontology.value(iri, OWL.versionIRI))
    assert f'<a href="{version}">{version}</a>' in html, version


def test_the_ontology_documentation_shows_the_version_iri_whole(project, tmp_path):
    """The version IRI lies in the exo: namespace (.../ontology/2027-01-15): pyLODE alone writes it as
    exo:2027-01-15, linked to a fragment (#2027-01-15) that the page does not have."""
    ontology = Graph().parse(project.ontology_path)
    iri, version = URIRef("https://w3id.org/exomir-kg/ontology"), "https://w3id.org/exomir-kg/ontology/2027-01-15"
    ontology.set((iri, OWL.versionIRI, URIRef(version)))
    ontology.serialize(tmp_path / "exomir-base.ttl", format="turtle")
    html = pylode_html(tmp_path / "exomir-base.ttl", "ontpub").decode()
    entry = re.search(r'owl#versionIRI"[^>]*>Version Iri</a>\s*</dt>\s*<dd>(.*?)</dd>', html, re.DOTALL)
    assert entry and entry.group(1).strip() == f'<a href="{version}">{version}</a>'
    assert "exo:2027-01-15" not in html and '"#2027-01-15"' not in html


def test_the_landing_page_names_the_version_the_review_and_every_file_with_its_checksum(dist):
    folder = dist / "0.1.0"
    html = (folder / "index.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "<h1>exomir-kg: exosomal microRNA claims in hepatocellular carcinoma <small>0.1.0</small></h1>" in html
    assert f"doi:{REVIEW_DOI}" in html and manifest["source"] == f"https://doi.org/{REVIEW_DOI}"
    assert f'<a href="{manifest["license"]}">' in html
    linked = re.findall(r'<tr><td><a href="([^"]+)">\1</a></td><td>(\d+)</td><td><code>([0-9a-f]{16})…</code></td></tr>', html)
    assert sorted(path for path, _, _ in linked) == sorted(manifest["files"])
    for path, size, digest in linked:
        assert (folder / path).is_file(), path
        assert int(size) == (folder / path).stat().st_size == manifest["files"][path]["bytes"], path
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest().startswith(digest), path
    # every file but the metadata made from the manifest (and SHA256SUMS) is on the page
    made_from_manifest = {path for product in PRODUCTS if product.from_manifest for path in product.writes}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert on_disk - set(manifest["files"]) == made_from_manifest | {CHECKSUMS}


def test_the_landing_page_escapes_html(dist):
    manifest = json.loads((dist / "0.1.0" / "manifest.json").read_text())
    hostile = "<b>exo & mir</b></script><script>alert(1)</script>"
    manifest["title"] = hostile
    manifest["files"]['data/a"b<c>.tsv'] = {"bytes": 1, "sha256": "0" * 64}
    context = types.SimpleNamespace(manifest=manifest, changes={"added": ["C001"], "removed": [], "changed": []})
    html = landing_page(context)["index.html"]
    assert "<b>" not in html and "alert(1)</script>" not in html and "<c>" not in html
    assert "&lt;b&gt;exo &amp; mir&lt;/b&gt;" in html
    assert 'href="data/a&#34;b&lt;c&gt;.tsv"' in html
    assert html.count("</script>") == 1                                   # the JSON-LD cannot close its script
    landing = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert landing["name"] == f"{hostile} {manifest['version']}"


def test_rebuild_is_byte_identical(project, dist, tmp_path):
    release(project, "0.1.0", tmp_path)
    first, second = dist / "0.1.0", tmp_path / "0.1.0"
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_no_overwrite_without_force_and_no_partial_folder_on_failure(project, dist, monkeypatch):
    with pytest.raises(ReleaseError, match="use --force"):
        release(project, "0.1.0", dist)
    monkeypatch.setattr(figure_module, "render_dot", lambda *a: (_ for _ in ()).throw(ProductError("dot broke")))
    with pytest.raises(ReleaseError, match="dot broke"):
        release(project, "0.9.0", dist)
    assert not (dist / "0.9.0").exists()
    assert sorted(p.name for p in dist.iterdir()) == ["0.1.0"]          # no staging folder left
    with pytest.raises(ReleaseError, match="must look like"):
        release(project, "v1", dist)


def test_every_rdf_file_parses_with_a_second_parser(dist):
    rapper = require("rapper", "apt-get install raptor2-utils")
    folder = dist / "0.1.0"
    syntaxes = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig", ".owl": "rdfxml"}
    checked = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix in syntaxes:
            run = subprocess.run([rapper, "-q", "-i", syntaxes[path.suffix], "-c", str(path)], capture_output=True, text=True)
            assert run.returncode == 0, (path, run.stderr[-300:])
            checked += 1
    assert checked >= 12
    from pyld import jsonld
    doc = json.loads((folder / "data/exomir-kg.jsonld").read_text())
    quads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    nq_lines = [l for l in (folder / "data/exomir-kg.nq").read_text().splitlines() if l.strip()]
    assert len([l for l in quads.splitlines() if l.strip()]) == len(nq_lines)
    crate = json.loads((folder / "ro-crate-metadata.json").read_text())
    def offline_loader(url, options=None):       # no network here: schema.org's context is its @vocab
        assert url.rstrip("/") == "https://schema.org", url
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": "https://schema.org/"}}}
    landing = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   (folder / "index.html").read_text(), re.S).group(1))
    expanded = jsonld.expand(landing, {"documentLoader": offline_loader})
    assert expanded[0]["@type"] == ["https://schema.org/Dataset"]
    assert crate["@graph"][0]["conformsTo"]["@id"] == "https://w3id.org/ro/crate/1.1"


def test_hcls_profile_by_shacl_and_a_broken_description_fails(project, dist):
    import pyshacl
    shapes = Graph().parse(project.root / "shapes" / "hcls-shapes.ttl")
    metadata = Graph().parse(dist / "0.1.0" / "metadata/dataset.ttl")
    conforms, _, text = pyshacl.validate(metadata, shacl_graph=shapes)
    assert conforms, text
    version = URIRef("https://w3id.org/exomir-kg/release/0.1.0")
    metadata.remove((version, DCTERMS.license, None))
    assert not pyshacl.validate(metadata, shacl_graph=shapes)[0]


def test_metadata_files_agree_with_the_manifest_and_the_checksums(dist):
    folder = dist / "0.1.0"
    manifest = json.loads((folder / "manifest.json").read_text())
    metadata = Graph().parse(folder / "metadata/dataset.ttl")
    version = URIRef(manifest["version_iri"])
    assert str(metadata.value(version, PAV_VERSION)) == manifest["version"] == "0.1.0"
    assert str(metadata.value(version, DCTERMS.license)) == manifest["license"] == "https://creativecommons.org/licenses/by/4.0/"
    crate = {node["@id"]: node for node in json.loads((folder / "ro-crate-metadata.json").read_text())["@graph"]}
    assert crate["./"]["version"] == manifest["version"] and crate["./"]["datePublished"] == manifest["date"]
    cff = (folder / "CITATION.cff").read_text()
    assert f'version: "{manifest["version"]}"' in cff and f'date-released: "{manifest["date"]}"' in cff
    citation = yaml.safe_load(cff)
    assert (citation["title"], citation["version"], citation["date-released"], citation["url"]) == \
        (manifest["title"], manifest["version"], manifest["date"], manifest["download_base"])
    assert citation["license"] == LICENSE_SPDX_ID and citation["references"][0]["doi"] == REVIEW_DOI
    assert [a["name"] for a in citation["authors"]] == manifest["creators"] and citation["keywords"] == manifest["keywords"]
    landing = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', (folder / "index.html").read_text(), re.S).group(1))
    assert landing["version"] == manifest["version"] and landing["license"] == manifest["license"]
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(sums) == files
    for rel, digest in sums.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest, rel
    for rel, info in manifest["files"].items():
        assert sums[rel] == info["sha256"], rel
    assert manifest["stats"]["claims"] == 178


def test_associations_and_kgx(dist):
    folder = dist / "0.1.0"
    rows = {r["claim"]: r for r in csv.DictReader((folder / "data/associations.tsv").open(), delimiter="\t")}
    assert len(rows) == 178
    c131 = rows["C131"]
    assert c131["mirna"] == "hsa-miR-10b-5p" and c131["mirbase_id"] == "MIMAT0000254"
    assert c131["pmid_doi"] == "doi:10.3390/jcm9010281" and "91.1 % sensitivity" in c131["review_quote"]
    assert "retracted_study" in rows["C016"]["flags"] and "issue:I01" in rows["C061"]["flags"]
    assert rows["C001"]["direction"] == "upregulated" and rows["C001"]["comparison"] == "chronic hepatitis B virus infection"
    edges = list(csv.DictReader((folder / "data/kgx_edges.tsv").open(), delimiter="\t"))
    assert {e["predicate"] for e in edges} <= {"biolink:regulates", "biolink:affects", "biolink:associated_with",
                                               "biolink:biomarker_for", "biolink:target_for", "biolink:located_in",
                                               "biolink:has_attribute"}
    assert any(e["subject"] == "mirbase:MI0000286" and e["predicate"] == "biolink:regulates" and e["object"] == "HGNC:6770"
               for e in edges)                                     # miR-210 targets SMAD4
    nodes = {n["id"]: n for n in csv.DictReader((folder / "data/kgx_nodes.tsv").open(), delimiter="\t")}
    assert nodes["HGNC:6770"]["category"] == "biolink:Gene" and nodes["mirbase:MI0000286"]["category"] == "biolink:MicroRNA"
    assert nodes["mirbase.mature:MIMAT0000254"]["category"] == "biolink:MicroRNA"           # a mature miRNA is not a precursor
    assert nodes["cellosaurus:CVCL_5492"]["category"] == "biolink:CellLine"


def test_the_kgx_prefix_map_is_the_registry_and_expands_every_curie(dist, registry):
    folder = dist / "0.1.0"
    prefixes = json.loads((folder / "data/kgx_prefixes.jsonld").read_text())["@context"]
    tsv = {row["prefix"]: row for row in csv.DictReader((Path(__file__).parents[2] / "ontology/prefixes.tsv").open(),
                                                        delimiter="\t")}
    ours = {BIOLINK_PREFIX.get(p, p): row for p, row in tsv.items()}        # the registry, under Biolink's names
    both = set(prefixes) & set(ours)
    assert {"mirbase", "mirbase.mature", "HGNC", "GO", "CL", "MONDO", "CHEBI", "cellosaurus", "exo", "PMID"} <= both
    assert {p: prefixes[p] for p in both} == {p: ours[p]["uri_prefix"] for p in both}
    assert set(prefixes) - set(ours) <= set(KGX_PREFIXES) and not set(KGX_PREFIXES) & set(ours)
    assert {p: prefixes[p] for p in set(prefixes) - set(ours)} == {p: KGX_PREFIXES[p] for p in set(prefixes) - set(ours)}
    curie_columns = CURIE_COLUMNS
    assert {"id", "subject", "object", "publications", "anatomical_context_qualifier", "exomir_comparison"} <= curie_columns
    used = set()
    for name in ("data/kgx_nodes.tsv", "data/kgx_edges.tsv"):
        for row in csv.DictReader((folder / name).open(), delimiter="\t"):
            for column in curie_columns & set(row):
                for curie in filter(None, row[column].split("|")):
                    prefix = curie.split(":", 1)[0]
                    assert prefix in prefixes, (name, column, curie)          # every CURIE expands with the map
                    if prefix in ours:
                        ours_curie = f"{ours[prefix]['prefix']}:{curie.split(':', 1)[1]}"
                        assert str(registry.parse(ours_curie)) == ours_curie, curie   # canonical, matching its pattern
                    used.add(prefix)
    assert used == set(prefixes)                                          # and the map holds no prefix the files do not use


def test_fair_self_check_reports_every_metric(dist):
    results = fair_check(dist / "0.1.0")
    assert [r.metric for r in results] == [metric for metric, _, _ in CHECKS]
    assert results[0].metric == "FsF-F1-01D" and results[-1].metric == "FsF-R1.3-02D"
    assert all(r.passed for r in results), [(r.metric, r.evidence) for r in results if not r.passed]
    broken = dist / "broken"
    shutil.copytree(dist / "0.1.0", broken)
    (broken / "LICENSE.txt").unlink()
    assert {r.metric for r in fair_check(broken) if not r.passed} == {"FsF-R1.1-01M"}
    shutil.rmtree(broken)


def test_changelog_against_the_previous_release(mini, tmp_path):
    fixture = (Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml").read_text()
    mini.write("01.yaml", fixture)
    out = tmp_path / "dist"
    release(mini.project, "1.0.0", out)
    changed = fixture.replace("direction: up, comparison: MONDO:0005366", "direction: down, comparison: MONDO:0005366")
    changed = changed.replace("      - {id: C004, type: process, mirna: miR-210, effect: positive, verb: promote, process: GO:0001525, cell: CL:0000115}\n", "")
    changed += ("  - quote: miR-122 Serum Distinguish HCC from normal control\n    location: Table 2 row 5\n    refs: [41]\n"
                "    claims:\n      - {id: C016, type: biomarker, mirna: miR-122, use: diagnostic, comparison: exo:HealthyControl}\n")
    mini.write("01.yaml", changed)
    result = release(mini.project, "1.1.0", out)
    assert result.changes == {"added": ["C016"], "removed": ["C004"], "changed": ["C001"]}
    log = (out / "1.1.0" / "CHANGELOG.md").read_text()
    assert "Compared with 1.0.0." in log and "C016" in log
    metadata = Graph().parse(out / "1.1.0" / "metadata/dataset.ttl")
    assert (URIRef("https://w3id.org/exomir-kg/release/1.1.0"), URIRef("http://purl.org/pav/previousVersion"),
            URIRef("https://w3id.org/exomir-kg/release/1.0.0")) in metadata


def test_the_release_loads_and_answers_every_stored_query(project, dist, tmp_path):
    folder = dist / "0.1.0"
    registry = PrefixRegistry.load(project.prefixes_path)
    local = EmbeddedStore.for_project(project)
    from_release = EmbeddedStore(folder / "data/exomir-kg.trig", [folder / "ontology/exomir-full.ttl"])
    results = json.loads((folder / "reports/query-results.json").read_text())
    with oxigraph_server(tmp_path / "oxigraph") as base:
        for rel, ctype in (("data/exomir-kg.ttl", "text/turtle"), ("ontology/exomir-full.ttl", "text/turtle")):
            request = urllib.request.Request(f"{base}/store?default", data=(folder / rel).read_bytes(),
                                             method="POST", headers={"Content-Type": ctype})
            urllib.request.urlopen(request, timeout=60).close()
        remote = RemoteStore(f"{base}/query")
        checked = 0
        for name, query in catalogue(project.queries_dir).items():
            if query.is_federated:
                continue
            text = query.bind({}, registry)
            expected = multiset(local.query(text))
            assert multiset(from_release.query(text)) == expected, name
            assert multiset(remote.query(text)) == expected, name
            assert results[name]["rows"] == sum(expected.values()), name
            checked += 1
    assert checked >= 20


# --------------------------------------------------------------------------- issue 13: one release per version at a time, swapped in atomically
import os
import sys
import threading

from click.testing import CliRunner

from exomirkg.cli import main

FIXTURE = Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml"


def verified(folder: Path) -> dict[str, str]:
    """The release in ``folder``, checked complete against its SHA256SUMS; its checksums by file."""
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(sums) == files
    for rel, digest in sums.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest, rel
    return sums


@pytest.fixture
def released(mini, tmp_path) -> tuple[object, Path]:
    """A small project with release 1.0.0 already cut into ``dist``."""
    mini.write("01.yaml", FIXTURE.read_text())
    out = tmp_path / "dist"
    release(mini.project, "1.0.0", out, date="2026-01-01")
    return mini, out


def test_a_second_release_of_the_same_version_under_way_fails_at_once_as_a_conflict(released, monkeypatch):
    mini, out = released
    inside, go = threading.Event(), threading.Event()
    real_render = figure_module.render_dot
    first: dict = {}

    def slow_render(dot, fmt):                      # the first release pauses mid-build
        if threading.current_thread().name == "first-release":
            inside.set()
            go.wait(60)
        return real_render(dot, fmt)

    monkeypatch.setattr(figure_module, "render_dot", slow_render)

    def run_first() -> None:
        try:
            first["result"] = release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
        except BaseException as error:              # noqa: BLE001 - reported by the assertion below
            first["error"] = error

    thread = threading.Thread(target=run_first, name="first-release")
    thread.start()
    try:
        assert inside.wait(60), "the first release never reached the build"
        second = CliRunner().invoke(main, ["release", "1.0.0", "--root", str(mini.root), "--out", str(out),
                                           "--force", "--date", "2026-03-03"])
    finally:
        go.set()
        thread.join(120)
    assert second.exit_code == 3, second.output
    assert "another release of 1.0.0 is under way" in second.output
    assert "error" not in first, first.get("error")
    assert json.loads((out / "1.0.0" / "manifest.json").read_text())["date"] == "2026-02-02"      # the first one's
    verified(out / "1.0.0")
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0"]       # no lock file, no hidden folder left


def test_the_version_lock_is_exclusive_across_processes_and_per_version(tmp_path):
    from exomirkg.publish.atomic import VersionLocked, version_lock
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from exomirkg.publish.atomic import version_lock\n"
        f"with version_lock(Path({str(tmp_path)!r}), '1.0.0'):\n"
        "    print('held', flush=True); sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(VersionLocked, match=r"another release of 1\.0\.0 is under way"), version_lock(tmp_path, "1.0.0"):
            pass
        with version_lock(tmp_path, "1.0.1"):          # another version is not blocked
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with version_lock(tmp_path, "1.0.0"):              # free again once the holder has finished
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_forced_release_interrupted_while_building_keeps_the_old_release(released, monkeypatch):
    mini, out = released
    before = verified(out / "1.0.0")
    monkeypatch.setattr(figure_module, "render_dot", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
    assert verified(out / "1.0.0") == before
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0"]


def test_a_forced_release_interrupted_while_swapping_keeps_a_complete_release(released, monkeypatch):
    mini, out = released
    before = verified(out / "1.0.0")
    real_rename = os.rename

    def failing_rename(source, destination, *args, **kwargs):       # the new release cannot be put in place
        name = Path(source).name
        if Path(destination) == out / "1.0.0" and name.startswith(".1.0.0") and ".old-" not in name:
            raise KeyboardInterrupt
        return real_rename(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(KeyboardInterrupt):
        release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
    monkeypatch.undo()
    assert verified(out / "1.0.0") == before                         # the old release, untouched
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0"]


def test_a_forced_release_interrupted_while_removing_the_old_one_keeps_a_complete_release(released, monkeypatch):
    mini, out = released
    real_rmtree = shutil.rmtree

    def interrupted_rmtree(path, *args, **kwargs):   # Ctrl-C after half of the old release is deleted
        path = Path(path)
        if path.name.startswith(("1.0.0", ".1.0.0.old")) and (path / "SHA256SUMS").exists():
            for victim in sorted(p for p in path.rglob("*") if p.is_file())[::2]:
                victim.unlink()
            raise KeyboardInterrupt
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", interrupted_rmtree)
    try:
        release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    verified(out / "1.0.0")                                          # a complete release is in place
    assert json.loads((out / "1.0.0" / "manifest.json").read_text())["date"] == "2026-02-02"
    result = release(mini.project, "1.1.0", out, date="2026-02-02")  # the next release cleans the leftover
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0", "1.1.0"]
    assert any(".1.0.0.old-" in note for note in result.notes)


def test_stale_hidden_folders_are_cleaned_restored_or_reported(released):
    from exomirkg.publish.atomic import version_lock
    mini, out = released
    for name in (".1.0.0.building-k1ll3d", ".0.9.0-abcd1234", ".2.0.0.building-running"):
        (out / name / "data").mkdir(parents=True)
        (out / name / "data" / "partial.nq").write_text("<a> <b> <c> .\n")
    shutil.copytree(out / "1.0.0", out / ".1.1.0.old-swapping")       # killed between the two renames of a swap
    (out / "unrelated").mkdir()
    with version_lock(out, "2.0.0"):                                  # a release of 2.0.0 is under way
        result = release(mini.project, "1.2.0", out, date="2026-02-02")
    names = sorted(p.name for p in out.iterdir())
    assert names == [".2.0.0.building-running", "1.0.0", "1.1.0", "1.2.0", "unrelated"]
    verified(out / "1.1.0")                                           # restored, complete
    notes = "\n".join(result.notes)
    assert ".1.0.0.building-k1ll3d" in notes and ".0.9.0-abcd1234" in notes
    assert "restored 1.1.0" in notes
    assert ".2.0.0.building-running" in notes and "a release of 2.0.0 is under way" in notes
    cli = CliRunner().invoke(main, ["release", "1.3.0", "--root", str(mini.root), "--out", str(out), "--date", "2026-02-02"])
    assert cli.exit_code == 0, cli.output
    assert ".2.0.0.building-running" not in {p.name for p in out.iterdir()}     # its lock is free now: removed
    assert "removed .2.0.0.building-running" in cli.output


# --------------------------------------------------------------------------- the product table
def test_every_product_writes_the_files_it_declares_and_every_file_has_one_product(dist):
    folder = dist / "0.1.0"
    names = [product.name for product in PRODUCTS]
    assert len(set(names)) == len(names)
    kinds = [product.from_manifest for product in PRODUCTS]
    assert kinds == sorted(kinds)                        # the data products first, then the metadata made from the manifest
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    for product in PRODUCTS:
        for pattern in product.writes:
            assert [f for f in files if Product(product.name, (pattern,), product.make).declares(f)], (product.name, pattern)
    owners = {f: [product.name for product in PRODUCTS if product.declares(f)] for f in files if f != CHECKSUMS}
    assert {f: found for f, found in owners.items() if len(found) != 1} == {}


def test_a_product_that_writes_an_undeclared_file_fails_the_release(released, monkeypatch):
    import exomirkg.publish.release as release_module
    mini, out = released
    before = verified(out / "1.0.0")
    licence = next(product for product in PRODUCTS if product.name == "license")
    sloppy = Product("license", licence.writes, lambda ctx: {**licence.make(ctx), "LICENCE.txt": "typo\n"})
    monkeypatch.setattr(release_module, "PRODUCTS", tuple(sloppy if p is licence else p for p in PRODUCTS))
    with pytest.raises(ReleaseError, match=r"product license: wrote undeclared \['LICENCE.txt'\]"):
        release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
    lazy = Product("license", licence.writes, lambda ctx: {})
    monkeypatch.setattr(release_module, "PRODUCTS", tuple(lazy if p is licence else p for p in PRODUCTS))
    with pytest.raises(ReleaseError, match=r"did not write \['LICENSE.txt'\]"):
        release(mini.project, "1.0.0", out, force=True, date="2026-02-02")
    assert verified(out / "1.0.0") == before and sorted(p.name for p in out.iterdir()) == ["1.0.0"]


def test_the_templates_ship_with_the_package():
    from importlib.resources import files
    templates = files("exomirkg.publish") / "templates"
    assert {"index.html", "CITATION.cff", "LICENSE.txt", "CHANGELOG.md"} <= {entry.name for entry in templates.iterdir()}
    assert (files("exomirkg") / "py.typed").is_file()


def test_the_release_says_what_not_to_trust_with_every_section_and_its_claims(dist):
    from exomirkg.query.trust import SECTIONS
    text = (dist / "0.1.0" / "WHAT-NOT-TO-TRUST.md").read_text()
    for section in SECTIONS:
        assert f'<a id="{section.key}"></a>{section.title}' in text
    retracted = text.split('<a id="retracted"></a>')[1].split("\n## ")[0]
    rows = [line for line in retracted.splitlines() if line.startswith("| claim/") or "| claim/C" in line]
    assert "claim/C016" in retracted and "retracted 2023-07-19" in retracted and len(rows) == 21
    assert "HeLa" in text.split('<a id="cell-lines"></a>')[1]


@pytest.mark.parametrize("kind", ["the KG", "two sources"])
def test_the_manifests_statistics_equal_live_counts(project, kind, tmp_path):
    """The VoID statistics of the manifest, counted over the quads, equal SPARQL counts of a store
    holding them: on the KG and on a synthetic KG of two sources."""
    import pyoxigraph as ox

    from exomirkg.ids.namespaces import CLAIM
    from exomirkg.publish.products.metadata import statistics
    path = project.kg_dir / "exomir-kg.nq"
    if kind == "two sources":
        from exomirkg.bench.synthetic import synthetic_curation
        from exomirkg.build import claim_graph_builder
        path = tmp_path / "kg.nq"
        with open(path, "w", encoding="utf-8") as quads:
            claim_graph_builder(project).write_nquads(synthetic_curation(project, 160, seed=4, claims_per_source=80), quads)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)

    def count(pattern: str, what: str = "*") -> int:
        [row] = store.query(f"SELECT (COUNT({what}) AS ?n) WHERE {{ {pattern} }}")
        return int(row[0].value)
    union = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    expected = {
        "quads": count("GRAPH ?g { ?s ?p ?o }"), "triples": count(f"{{ {union} }}"),
        "claims": count(f"GRAPH ?g {{ ?s a ?c }} FILTER(STRSTARTS(STR(?s), '{CLAIM}') "
                        f"&& !CONTAINS(STRAFTER(STR(?s), '{CLAIM}'), '/'))", "DISTINCT ?s"),
        "entities": count("GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s))", "DISTINCT ?s"),
        "distinct_subjects": count("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?s"),
        "distinct_objects": count("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?o"),
        "properties": count("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?p"),
        "class_partitions": {row[0].value: int(row[1].value) for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c")}}
    expected["classes"] = len(expected["class_partitions"])
    found = statistics(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))
    assert found == expected
    assert found["claims"] == (160 if kind == "two sources" else 178)
