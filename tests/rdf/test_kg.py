"""The whole review as built: provenance on every claim, identifiers that check out, answers the
review gives, and a byte-stable rebuild."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from servers import require_shared

from exomirkg.ids.prefixes import PrefixRegistry
from exomirkg.ids.namespaces import CLAIM, EXO, ISSUE, OBO
from exomirkg.curation.review import ReviewText

ROOT = Path(__file__).resolve().parents[2]


def shared_check_ids(root: Path = ROOT) -> Path:
    """The steering repo's ``shared/tools/check_ids.py`` (see :func:`servers.require_shared`)."""
    return require_shared("tools/check_ids.py", root)


def claims_of(kg, rdf_class=EXO.Claim):
    return {c for c in kg.subjects(RDF.type, None) if str(c).startswith(str(CLAIM)) and "/" not in str(c)[len(str(CLAIM)):]}


def test_every_claim_has_quote_reference_evidence_and_source(kg, built):
    claims = claims_of(kg)
    assert len(claims) == len(built.curation.claims) >= 60
    for claim in claims:
        assert list(kg.objects(claim, EXO.supportingQuote)), claim
        assert list(kg.objects(claim, EXO.citesReference)), claim
        assert len(list(kg.objects(claim, EXO.evidence))) == 1, claim
        assert (claim, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
                URIRef("https://doi.org/10.1186/s12935-021-01941-9")) in kg


def test_every_quote_is_found_in_the_shipped_review(kg, project):
    review = ReviewText(project.review_path)
    quotes = list(kg.subjects(RDF.type, EXO.Quote))
    assert len(quotes) > 50
    for quote in quotes:
        assert review.find(str(kg.value(quote, EXO.text))) is not None, quote


def test_review_text_ships_with_attribution(project):
    attribution = (project.review_path.parent / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in attribution and "10.1186/s12935-021-01941-9" in attribution


def test_every_external_id_is_in_the_imports_with_the_same_label(kg, project):
    registry = PrefixRegistry.load(project.prefixes_path)
    imports = Graph()
    for path in sorted(project.imports_dir.glob("*.ttl")):
        imports.parse(path)
    checked = 0
    for subject, label in kg.subject_objects(RDFS.label):
        curie = registry.compress(str(subject))
        if curie is None or curie.prefix in {"exo", "doi", "pubmed", "pmc"}:
            continue
        assert imports.value(subject, RDFS.label) == Literal(str(label)), (subject, label)
        checked += 1
    assert checked > 150


def test_verified_references_have_ids_and_others_say_why_not(kg):
    for ref in kg.subjects(RDF.type, EXO.Reference):
        status = str(kg.value(ref, EXO.verificationStatus))
        if status == "verified":
            assert kg.value(ref, EXO.doi) or kg.value(ref, EXO.pmid), ref
        else:
            assert kg.value(ref, EXO.doi) is None and kg.value(ref, EXO.pmid) is None, ref
            assert kg.value(ref, EXO.unresolvedReason), ref


def test_claims_on_retracted_studies_are_exactly_those_of_refs_58_71_77(kg):
    flagged = {c for c in claims_of(kg) if kg.value(c, EXO.restsOnRetractedStudy) == Literal(True)}
    names = {str(kg.value(m, RDFS.label)) for c in flagged for m in kg.objects(c, EXO.mirna)}
    # ref 58: miR-32-5p (Fu 2018); ref 71: miR-490 (Xiong 2017); ref 77: miR-638 (Yang 2020)
    assert names == {"hsa-miR-32-5p", "hsa-mir-490", "hsa-miR-638"}


def test_mir1247_donor_conflict_is_recorded_as_two_claims(kg):
    issue = ISSUE["I01"]
    assert kg.value(issue, EXO.issueKind) == Literal("donor_conflict")
    claims = set(kg.objects(issue, EXO.concernsClaim))
    donors = {kg.value(c, EXO.donorCell) for c in claims}
    assert donors == {OBO["CL_0000057"], OBO["CL_0001064"]}    # CAF (fibroblast) in the text, HCC cells in Table 1
    for claim in claims:
        assert (claim, EXO.hasIssue, issue) in kg


def test_ref76_direction_problem_and_lung_cancer_slips(kg):
    kinds = Counter(str(kg.value(i, EXO.issueKind)) for i in kg.subjects(RDF.type, EXO.ReviewIssue))
    assert kinds["direction_conflict_with_source"] == 1
    ref76 = [i for i in kg.subjects(EXO.issueKind, Literal("direction_conflict_with_source"))][0]
    for claim in kg.objects(ref76, EXO.concernsClaim):
        assert kg.value(claim, EXO.exosomeSource) == Literal("exosomes from cancer stem cells in HCC")
    slip_quotes = {str(kg.value(q, EXO.text)) for i in kg.subjects(EXO.issueKind, Literal("text_slip"))
                   for q in kg.objects(i, EXO.supportingQuote)}
    assert any("primary lung cancer diagnosis" in q for q in slip_quotes)
    assert any("lung cancer cells" in q for q in slip_quotes)


def test_mir10b5p_performance_numbers(kg):
    values = {}
    for claim in kg.subjects(EXO.mirna, URIRef("https://identifiers.org/mirbase.mature:MIMAT0000254")):
        for m in kg.objects(claim, EXO.hasMeasurement):
            values[str(kg.value(kg.value(m, EXO.measures), RDFS.label))] = float(kg.value(m, EXO.value))
    assert values == {"true positive rate": 0.911, "true negative rate": 0.75, "area under curve": 0.932}


def test_every_table_row_is_quoted(kg):
    rows = {(int(kg.value(q, EXO.tableNumber)), int(kg.value(q, EXO.tableRow)))
            for q in kg.subjects(EXO.tableNumber, None)}
    assert rows == {(1, r) for r in range(1, 12)} | {(2, r) for r in range(1, 9)}


def test_readme_counts_match_the_build(built):
    """Change detector: the README's counts are what the build produced (catches a stale README, not wrong data)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, count in built.counts.items():
        assert f"| {name} | {count} |" in readme, (name, count)
    assert f"| **all claims** | **{len(built.curation.claims)}** |" in readme


def test_committed_kg_is_up_to_date(built, project):
    """Change detector: the committed kg/ files are what the build writes now."""
    for suffix, path in built.files.items():
        committed = project.kg_dir / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale: run 'exomirkg build'"


def test_rebuild_is_byte_identical_across_hash_seeds(tmp_path, built):
    """Change detector and determinism check: two hash seeds, the same bytes as the committed build."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed, EXOMIRKG_ROOT=str(ROOT))
        subprocess.run([sys.executable, "-m", "exomirkg", "build", "--out", str(out)], check=True,
                       env=env, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert outputs[0] == {p.name: p.read_bytes() for p in built.files.values()}


def test_check_ids_finds_no_unknown_id_or_label_mismatch(built):
    folder = next(iter(built.files.values())).parent
    run = subprocess.run([sys.executable, str(shared_check_ids()), str(folder), str(ROOT / "ontology")],
                         check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 unknown, 0 label mismatches" in run.stdout


def test_the_shared_tools_are_found_from_the_variable_or_beside_a_parent(tmp_path, monkeypatch):
    """Where check_ids.py is looked for: $EXOMIRKG_SHARED, else the nearest shared/ up from the
    checkout; none there fails under CI (never a silent skip) and skips, saying so, elsewhere."""
    monkeypatch.delenv("EXOMIRKG_SHARED", raising=False)
    monkeypatch.delenv("CI", raising=False)
    tool = tmp_path / "work" / "shared" / "tools" / "check_ids.py"
    tool.parent.mkdir(parents=True)
    tool.write_text("", encoding="utf-8")
    clone = tmp_path / "work" / "ci" / "checkout"
    clone.mkdir(parents=True)
    assert shared_check_ids(clone) == tool
    other = tmp_path / "elsewhere" / "shared"
    (other / "tools").mkdir(parents=True)
    (other / "tools" / "check_ids.py").write_text("", encoding="utf-8")
    monkeypatch.setenv("EXOMIRKG_SHARED", str(other))
    assert shared_check_ids(clone) == other / "tools" / "check_ids.py"
    monkeypatch.setenv("EXOMIRKG_SHARED", str(tmp_path / "missing"))
    with pytest.raises(pytest.skip.Exception, match="set EXOMIRKG_SHARED"):
        shared_check_ids(clone)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match=r"check_ids\.py was not found"):
        shared_check_ids(clone)
