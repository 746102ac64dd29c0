"""The release's nanopublications (issue 17): every claim trusty and signed, passing our checker,
nanopub-sign's and nanopub-py's; an index that lists them all; the KG naming them by trusty IRI; and
between releases: unchanged claims keep their nanopublication, changed ones supersede, removed ones
are retracted."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
import warnings
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nanopub"))
from suite_cases import require_module, require_suite  # noqa: E402

from exomirkg.ids.namespaces import CLAIM, EXO  # noqa: E402
from exomirkg.nanopub import check, load_private_key  # noqa: E402
from exomirkg.publish.products import Signing  # noqa: E402
from exomirkg.publish.release import release  # noqa: E402

SIGNER = "https://orcid.org/0000-0002-1825-0097"      # ORCID's own example iD (Josiah Carberry)
NPX = "http://purl.org/nanopub/x/"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml"


def suite_key(name: str = "rsa-key2"):
    return load_private_key(require_suite() / "transform" / "signed" / name / "key" / "id_rsa")


def listing(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "nanopubs" / "nanopubs.tsv").open(newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def graphs_of(text: str) -> set[tuple]:
    """The triples of a TriG text, whatever their graph."""
    data = Dataset()
    data.parse(data=text, format="trig")
    return {(s, p, o) for s, p, o, _ in data.quads((None, None, None, None))}


@pytest.fixture(scope="module")
def signed_release(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("signed")
    release(project, "0.1.0", out, signing=Signing(suite_key(), SIGNER))
    return out / "0.1.0"


def test_every_nanopublication_of_the_release_is_trusty_signed_and_passes_both_independent_checkers(signed_release):
    nanopub_sign = require_module("nanopub_sign", "pip install nanopub-sign")
    require_module("nanopub", "pip install nanopub")
    from nanopub import Nanopub
    rows = listing(signed_release)
    assert sum(row["kind"] == "claim" for row in rows.values()) >= 178
    for row in rows.values():
        text = (signed_release / row["file"]).read_text()
        [report] = check(text)
        assert report.valid and report.trusty and report.signed and report.uri == row["uri"], str(report)
        with contextlib.redirect_stdout(io.StringIO()):
            info = nanopub_sign.Nanopub(text).check().info()
        assert info["trusty_hash"] == row["uri"].rsplit("/", 1)[1] and info["signature"], row["id"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from rdflib import ConjunctiveGraph          # what nanopub-py reads its source URI from
            graph = ConjunctiveGraph()
            graph.parse(data=text, format="trig")
            np = Nanopub(rdf=graph)
            assert np.is_valid and np.has_valid_trusty and np.has_valid_signature, row["id"]
        assert {str(o) for _, p, o in graphs_of(text) if p == URIRef(NPX + "signedBy")} == {SIGNER}


def test_the_index_lists_every_nanopublication_of_the_release(signed_release):
    rows = listing(signed_release)
    index = graphs_of((signed_release / rows["index"]["file"]).read_text())
    this = URIRef(rows["index"]["uri"])
    assert (this, RDF.type, URIRef(NPX + "NanopubIndex")) in index
    listed = {str(o) for s, p, o in index if s == this and p == URIRef(NPX + "includesElement")}
    assert listed == {row["uri"] for row in rows.values() if row["kind"] != "index"}


def test_the_released_kg_names_nanopublications_by_trusty_iri_and_links_each_claim(signed_release):
    rows = listing(signed_release)
    kg = Dataset()
    kg.parse(signed_release / "data" / "exomir-kg.nq", format="nquads")
    names = {str(g.identifier) for g in kg.graphs() if "/np/" in str(g.identifier)}
    assert names == {f"{row['uri']}#{part}" for row in rows.values() if row["kind"] == "claim"
                     for part in ("head", "assertion", "provenance", "pubinfo")}
    for claim_id, row in rows.items():
        if row["kind"] == "claim":
            links = kg.quads((CLAIM[claim_id], EXO.currentNanopublication, None, None))
            assert {str(o) for _, _, o, _ in links} == {row["uri"]}


def test_rebuilding_the_release_gives_the_same_trusty_iris(project, signed_release, tmp_path):
    again = tmp_path / "again"
    release(project, "0.1.0", again, signing=Signing(suite_key(), SIGNER))
    assert listing(again / "0.1.0") == listing(signed_release)


# --------------------------------------------------------------------------- versions between releases
def test_unchanged_claims_keep_their_nanopublication_changed_ones_supersede_removed_ones_are_retracted(mini, tmp_path):
    mini.write("01.yaml", FIXTURE.read_text())
    out = tmp_path / "dist"
    signing = Signing(suite_key(), SIGNER)
    release(mini.project, "1.0.0", out, date="2026-01-01", signing=signing)
    first = listing(out / "1.0.0")
    changed = FIXTURE.read_text().replace("direction: up, comparison: MONDO:0005366", "direction: down, comparison: MONDO:0005366")
    changed = changed.replace("      - {id: C004, type: process, mirna: miR-210, effect: positive, verb: promote, "
                              "process: GO:0001525, cell: CL:0000115}\n", "")
    mini.write("01.yaml", changed)
    release(mini.project, "1.1.0", out, date="2026-02-01", signing=signing)
    second = listing(out / "1.1.0")

    for claim_id in set(first) - {"C001", "C004", "index"}:          # unchanged: the same file, byte for byte
        assert second[claim_id]["uri"] == first[claim_id]["uri"]
        assert (out / "1.1.0" / second[claim_id]["file"]).read_bytes() == (out / "1.0.0" / first[claim_id]["file"]).read_bytes()
    new_c001 = graphs_of((out / "1.1.0" / second["C001"]["file"]).read_text())
    assert second["C001"]["uri"] != first["C001"]["uri"]
    assert (URIRef(second["C001"]["uri"]), URIRef(NPX + "supersedes"), URIRef(first["C001"]["uri"])) in new_c001
    assert "C004" not in second
    retraction = graphs_of((out / "1.1.0" / second["retract-C004"]["file"]).read_text())
    assert (URIRef(SIGNER), URIRef(NPX + "retracts"), URIRef(first["C004"]["uri"])) in retraction
    [report] = check((out / "1.1.0" / second["retract-C004"]["file"]).read_text())
    assert report.signed and report.trusty
    index = graphs_of((out / "1.1.0" / second["index"]["file"]).read_text())
    assert (URIRef(second["index"]["uri"]), URIRef(NPX + "supersedes"), URIRef(first["index"]["uri"])) in index
    changes = json.loads((out / "1.1.0" / "reports" / "changes.json").read_text())["nanopublications"]
    assert changes["superseded"] == ["C001"] and changes["retracted"] == ["C004"] and changes["kept"] == len(first) - 3
    assert changes["new"] == [] and changes["notes"] == []
    log = (out / "1.1.0" / "CHANGELOG.md").read_text()
    assert second["C001"]["uri"] in log and second["retract-C004"]["uri"] in log

    release(mini.project, "1.2.0", out, date="2026-03-01", signing=signing)       # nothing changed: the retraction stays
    third = listing(out / "1.2.0")
    assert {k: v["uri"] for k, v in third.items() if k != "index"} == {k: v["uri"] for k, v in second.items() if k != "index"}

    other_key = Signing(suite_key("rsa-key1"), SIGNER)
    result = release(mini.project, "1.3.0", out, date="2026-04-01", signing=other_key)
    fourth = listing(out / "1.3.0")                                                # another key: every claim re-signed
    assert all(fourth[c]["uri"] != third[c]["uri"] and fourth[c]["supersedes"] == third[c]["uri"]
               for c, row in third.items() if row["kind"] == "claim")
    [note] = [n for n in result.notes if "same key" in n]         # the network will not apply these supersessions
    assert other_key.key_id in note and signing.key_id in note and note in (out / "1.3.0" / "CHANGELOG.md").read_text()

    mini.write("01.yaml", FIXTURE.read_text())                                     # C004 is back
    release(mini.project, "1.4.0", out, date="2026-05-01", signing=other_key)
    fifth = listing(out / "1.4.0")
    assert fifth["C004"]["uri"] not in {first["C004"]["uri"], fourth["retract-C004"]["uri"]}
    assert fifth["C004"]["supersedes"] == first["C004"]["uri"] and "retract-C004" not in fifth
    restored = graphs_of((out / "1.4.0" / fifth["C004"]["file"]).read_text())
    assert (URIRef(fifth["C004"]["uri"]), URIRef(NPX + "supersedes"), URIRef(first["C004"]["uri"])) in restored
    changes = json.loads((out / "1.4.0" / "reports" / "changes.json").read_text())["nanopublications"]
    assert changes["restored"] == ["C004"] and changes["new"] == [] and changes["retracted"] == []


def test_a_changed_signer_gives_new_versions(mini, tmp_path):
    mini.write("01.yaml", FIXTURE.read_text())
    out = tmp_path / "dist"
    release(mini.project, "1.0.0", out, date="2026-01-01", signing=Signing(suite_key(), SIGNER))
    release(mini.project, "1.1.0", out, date="2026-02-01", signing=Signing(suite_key(), "https://orcid.org/0000-0001-5109-3700"))
    first, second = listing(out / "1.0.0"), listing(out / "1.1.0")
    assert all(second[c]["supersedes"] == first[c]["uri"] for c, row in first.items() if row["kind"] == "claim")


def test_a_carried_nanopublication_that_is_not_what_the_listing_says_is_sealed_anew(mini, tmp_path):
    mini.write("01.yaml", FIXTURE.read_text())
    out = tmp_path / "dist"
    signing = Signing(suite_key(), SIGNER)
    release(mini.project, "1.0.0", out, date="2026-01-01", signing=signing)
    first = listing(out / "1.0.0")
    tampered = out / "1.0.0" / first["C002"]["file"]
    tampered.write_text(tampered.read_text().replace("2026-01-01T00:00:00", "2026-01-02T00:00:00"))
    (out / "1.0.0" / first["C003"]["file"]).unlink()
    result = release(mini.project, "1.1.0", out, date="2026-02-01", signing=signing)
    second = listing(out / "1.1.0")
    for claim_id in ("C002", "C003"):
        assert second[claim_id]["uri"] != first[claim_id]["uri"] and second[claim_id]["supersedes"] == first[claim_id]["uri"]
        [report] = check((out / "1.1.0" / second[claim_id]["file"]).read_text())
        assert report.valid and report.trusty and report.signed
        assert any(n.startswith(f"{claim_id}: ") for n in result.notes)
    assert "fails the check" in next(n for n in result.notes if n.startswith("C002"))
    assert "missing" in next(n for n in result.notes if n.startswith("C003"))
    assert second["C005"]["uri"] == first["C005"]["uri"]


def test_an_unreadable_listing_of_the_previous_release_stops_the_release(mini, tmp_path):
    from exomirkg.publish.release import ReleaseError
    mini.write("01.yaml", FIXTURE.read_text())
    out = tmp_path / "dist"
    release(mini.project, "1.0.0", out, date="2026-01-01")
    listed = out / "1.0.0" / "nanopubs" / "nanopubs.tsv"
    listed.write_text(listed.read_text().splitlines()[0] + "\nC001\tclaim\n")
    with pytest.raises(ReleaseError, match=r"nanopubs.tsv, line 2: no uri, file"):
        release(mini.project, "1.1.0", out, date="2026-02-01")
    assert not (out / "1.1.0").exists()


def test_a_long_index_is_chained_in_parts_that_append_each_other():
    from exomirkg.nanopub.network import chained_indexes, seal
    elements = [f"https://w3id.org/np/RA{n:043d}" for n in range(5)]
    sealed = chained_indexes("https://w3id.org/exomir-kg/np/index", elements, "2026-01-01T00:00:00", "test index",
                             "https://w3id.org/exomir-kg/release/1.0.0", lambda text: (s := seal(text)).uri and (s.uri, s.trig),
                             supersedes="https://w3id.org/np/RAold", limit=2)
    assert len(sealed) == 3
    listed, appends = [], []
    for uri, trig in sealed:
        [report] = check(trig)
        assert report.valid and report.trusty and report.uri == uri
        triples = graphs_of(trig)
        listed += [str(o) for s, p, o in triples if s == URIRef(uri) and p == URIRef(NPX + "includesElement")]
        appends.append({str(o) for s, p, o in triples if s == URIRef(uri) and p == URIRef(NPX + "appendsIndex")})
        superseding = {str(o) for s, p, o in triples if p == URIRef(NPX + "supersedes")}
        assert superseding == ({"https://w3id.org/np/RAold"} if uri == sealed[-1][0] else set())
    assert sorted(listed) == elements and len(listed) == len(set(listed))
    assert appends == [set(), {sealed[0][0]}, {sealed[1][0]}]


def _rdflib_fingerprints(dataset: Dataset, signer: str) -> tuple[dict[str, str], dict[str, str]]:
    """The claim and content fingerprints as the release computed them with rdflib (``n3()`` and
    N-Triples of each graph), before it read the KG with pyoxigraph: the reference."""
    import hashlib
    from collections import defaultdict

    from exomirkg.ids.namespaces import NANOPUB
    from exomirkg.publish.products.nanopubs import CREATED, PARTS
    graphs = defaultdict(list)
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(str(NANOPUB)) and name.rsplit("/", 1)[-1] in PARTS:
            graphs[name[len(str(NANOPUB)):].split("/")[0]].append(graph)
    content = {claim: hashlib.sha256("\n".join([*sorted(f"{s.n3()} {p.n3()} {o.n3()} <{g.identifier}>" for g in found
                                                        for s, p, o in g if p != CREATED),
                                                f"signer {signer}"]).encode()).hexdigest()
               for claim, found in graphs.items()}
    claims = {claim: hashlib.sha256("\n".join(sorted(f"{g.identifier} {line}" for g in found
                                                     if str(g.identifier).endswith(("/assertion", "/provenance"))
                                                     for line in g.serialize(format="nt").splitlines())).encode()).hexdigest()
              for claim, found in graphs.items()}
    return claims, content


def test_fingerprints_read_with_pyoxigraph_equal_rdflibs_so_a_release_made_before_keeps_its_nanopublications(project, tmp_path):
    """An unchanged claim keeps its nanopublication only when its fingerprints are computed as the
    previous release computed them: on the real KG and on literals with quotes, backslashes, line
    breaks, a language and a datatype."""
    import pyoxigraph as ox

    from exomirkg.publish.products.changelog import claim_fingerprints
    from exomirkg.publish.products.nanopubs import content_fingerprint, nanopublication_quads
    odd = "\n".join(f'<https://w3id.org/exomir-kg/claim/C999> <https://w3id.org/exomir-kg/ontology/p{n}> {literal} '
                    f'<https://w3id.org/exomir-kg/np/C999/{part}> .'
                    for n, (literal, part) in enumerate([
                        (r'"a \"quoted\" back\\slash"', "assertion"), (r'"two\nlines \"\"\" end\""', "assertion"),
                        (r'"carriage\rreturn"', "provenance"), ('"zwei"@de', "provenance"),
                        ('"5"^^<http://www.w3.org/2001/XMLSchema#integer>', "pubinfo"), ('"plain"', "head")]))
    text = (project.kg_dir / "exomir-kg.nq").read_text(encoding="utf-8") + odd + "\n"
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    claims, content = _rdflib_fingerprints(dataset, SIGNER)
    assert len(content) > 100 and "C999" in content
    assert claim_fingerprints(quads) == claims
    assert {claim: content_fingerprint(found, SIGNER) for claim, found in nanopublication_quads(quads).items()} == content


def test_many_nanopublications_are_sealed_in_worker_processes_with_the_same_results(mini, tmp_path, monkeypatch):
    """From SEAL_IN_PROCESSES_FROM nanopublications they are sealed in worker processes (the key
    goes as PEM); the release is byte for byte the one sealed in this process."""
    from exomirkg.publish.products import nanopubs
    mini.write("01.yaml", FIXTURE.read_text())
    signing = Signing(suite_key(), SIGNER)
    release(mini.project, "1.0.0", tmp_path / "here", date="2026-01-01", signing=signing)
    sealed_here: list[str] = []
    seal = nanopubs._Sealer.seal
    monkeypatch.setattr(nanopubs._Sealer, "seal", lambda self, text: sealed_here.append(text) or seal(self, text))
    monkeypatch.setattr(nanopubs, "SEAL_IN_PROCESSES_FROM", 1)
    monkeypatch.setattr(nanopubs.os, "cpu_count", lambda: 2)
    release(mini.project, "1.0.0", tmp_path / "workers", date="2026-01-01", signing=signing)
    rows = listing(tmp_path / "here" / "1.0.0")
    assert len(sealed_here) == 1 and len(rows) > 5             # here: the index only; the claims in the workers
    assert listing(tmp_path / "workers" / "1.0.0") == rows
    for row in rows.values():
        assert (tmp_path / "workers" / "1.0.0" / row["file"]).read_bytes() == (tmp_path / "here" / "1.0.0" / row["file"]).read_bytes()
