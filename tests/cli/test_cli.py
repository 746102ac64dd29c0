"""The ``exomirkg`` command as a new user meets it: exit codes, messages naming claim and line."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF, SH

from exomirkg.cli import main

FIXTURE = (Path(__file__).parents[1] / "fixtures" / "every-claim-type.yaml").read_text(encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_the_verbs():
    result = run("--help")
    assert result.exit_code == 0
    for verb in ("build", "validate", "reason", "imports"):
        assert verb in result.output


def test_build_prints_counts_by_claim_type(mini):
    mini.write("01.yaml", FIXTURE)
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == 0, result.output
    assert "built 15 claims" in result.output
    assert "  biomarker           2" in result.output


def test_deleting_a_claims_reference_names_the_claim_and_line(mini):
    mini.write("01.yaml", FIXTURE.replace("    refs: [116]\n", ""))  # C007 moves up to line 25
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == 1
    assert "kg/curation/claims/01.yaml:25: C007: no reference number" in result.output
    assert "nothing was written" in result.output
    assert not (mini.root / "kg" / "exomir-kg.ttl").exists()


def test_auc_out_of_range_in_a_curation_file(mini):
    mini.write("01.yaml", FIXTURE.replace("auc: 0.932", "auc: 1.7"))
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == 1
    assert "kg/curation/claims/01.yaml:34: C009: auc 1.7 is outside [0, 1]" in result.output


def test_build_fails_when_the_built_graph_breaks_a_shape(mini):
    # exo:HealthyControl is a declared term, so the curation check passes, but it is no process
    mini.write("01.yaml", FIXTURE.replace("process: GO:0070371", "process: exo:HealthyControl"))
    result = run("build", "--root", str(mini.root))
    assert result.exit_code == 1
    assert "C006 [kg/curation/claims/01.yaml:22]:" in result.output
    assert "does not conform to shapes/" in result.output
    assert not (mini.root / "kg" / "exomir-kg.ttl").exists()


def test_corrupted_mimat_accession_in_the_kg_is_reported_with_claim_and_line(mini, tmp_path):
    mini.write("01.yaml", FIXTURE)
    assert run("build", "--root", str(mini.root)).exit_code == 0
    kg = (mini.root / "kg" / "exomir-kg.ttl").read_text(encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text(kg.replace("mirbase.mature:MIMAT0000442", "mirbase.mature:MIMAT000044"), encoding="utf-8")
    result = run("validate", "--root", str(mini.root), str(broken))
    assert result.exit_code == 1
    assert "C005 [kg/curation/claims/01.yaml:18]:" in result.output
    assert "a miRNA IRI must be" in result.output


def test_validate_turtle_report_and_unusable_input(mini, tmp_path):
    mini.write("01.yaml", FIXTURE)
    assert run("build", "--root", str(mini.root)).exit_code == 0
    result = run("validate", "--root", str(mini.root), "--format", "turtle")
    assert result.exit_code == 0
    report = Graph().parse(data=result.output, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in report
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = run("validate", "--root", str(mini.root), str(bad))
    assert result.exit_code == 2 and "not readable as turtle" in result.output
    quads = mini.root / "kg" / "exomir-kg.nq"
    result = run("validate", "--root", str(mini.root), str(quads), "--engine", "jena", "--parts", "2", "--processes", "2")
    assert result.exit_code == 0 and "conforms (jena)" in result.output, result.output
    broken = tmp_path / "broken.nq"
    broken.write_text(quads.read_text(encoding="utf-8").replace("http://purl.obolibrary.org/obo/ECO_", "http://purl.obolibrary.org/obo/XCO_"),
                      encoding="utf-8")
    result = run("validate", "--root", str(mini.root), str(broken), "--engine", "jena", "--parts", "2")
    assert result.exit_code == 1 and "obo:XCO_0000304" in result.output and "/01.yaml:" in result.output
    result = run("validate", "--root", str(mini.root), str(bad.with_suffix(".nq")), "--parts", "2")
    assert result.exit_code == 2
    assert run("serve", "--root", str(mini.root), "--prepared").exit_code == 2
