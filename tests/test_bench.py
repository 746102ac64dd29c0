"""The benchmark's synthetic claims have the real shape and are deterministic by seed; the bench
command writes its figures. No timing is asserted."""
from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner

from exomirkg.claimgraph import ClaimGraphBuilder
from exomirkg.cli import main
from exomirkg.curation import CurationSchema
from exomirkg.identifiers import PrefixRegistry
from exomirkg.reference import ReferenceTables
from exomirkg.serialize import nquads
from exomirkg.synthetic import synthetic_curation
from exomirkg.validate import validate


def _build(project, size, seed):
    curation = synthetic_curation(project, size, seed)
    builder = ClaimGraphBuilder(PrefixRegistry.load(project.prefixes_path), ReferenceTables(project.reference_dir),
                                CurationSchema.load(project.schema_path).fields)
    return curation, builder.build(curation)


def test_synthetic_claims_are_deterministic_and_cover_every_type(project):
    curation, first = _build(project, 120, seed=7)
    _, again = _build(project, 120, seed=7)
    _, other = _build(project, 120, seed=8)
    digest = lambda ds: hashlib.sha256(nquads(ds).encode()).hexdigest()   # noqa: E731
    assert digest(first) == digest(again) != digest(other)
    assert {c.type.name for c in curation.claims} == set(CurationSchema.load(project.schema_path).claim_types)
    assert all(c.quotes and c.references and c.values.get("evidence") for c in curation.claims)


def test_synthetic_claims_conform_and_both_engines_agree(project):
    _, dataset = _build(project, 60, seed=3)
    reports = [validate(dataset, project.shapes_path, engine) for engine in ("pyshacl", "rudof")]
    assert reports[0].conforms and reports[1].conforms


def test_bench_command_writes_its_figures(project, tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--root", str(project.root), "--sizes", "40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    size = figures["sizes"][0]
    assert figures["machine"]["cores"] >= 1 and size["size"] == 40 and size["same_verdict"] is True
    assert {"build", "validate_rudof", "validate_jena", "validate_pyshacl", "load", "queries_total"} <= set(size["seconds"])
    assert len(size["queries"]) >= 20 and all("median_ms" in q and "p95_ms" in q for q in size["queries"].values())
    assert "claims" in result.output and "peak MB" in result.output
