"""The benchmark's synthetic claims have the real shape and are deterministic by seed; the bench
command writes its figures. No timing is asserted."""
from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner

from exomirkg.build import claim_graph_builder
from exomirkg.cli import main
from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.prefixes import PrefixRegistry
from exomirkg.rdf.serialize import nquads
from exomirkg.bench.synthetic import synthetic_curation
from exomirkg.validate.engines import validate


def _build(project, size, seed):
    curation = synthetic_curation(project, size, seed)
    builder = claim_graph_builder(project)
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


def test_injected_faults_are_found_alike_whole_and_in_parts(project, tmp_path):
    """The speed-up is tested for equivalence, not time: the synthetic faults give the same
    violations on pyshacl (whole graph, the reference), rudof and Jena, whole and in parallel parts."""
    from exomirkg.bench.synthetic import FAULTS
    from exomirkg.validate.engines import validate_nquads
    from servers import require_jena
    require_jena()
    curation = synthetic_curation(project, 240, seed=5, faulty_every=20)
    builder = claim_graph_builder(project)
    dataset = builder.build(curation)
    reference = {v.key for v in validate(dataset, project.shapes_path, "pyshacl").violations}
    faulty = {f"C{i + 1:07d}" for i in range(240) if i % 20 == 19}
    assert len(faulty) == 12 and len(FAULTS) == 3
    assert {key[0].split("/claim/")[1].split("/")[0] for key in reference if "/claim/" in key[0]} <= faulty
    assert len(reference) >= 8        # ECO and MONDO patterns on the wrong terms, AUC above 1
    for engine, parts in (("rudof", None), ("jena", None), ("pyshacl", 4), ("jena", 2)):
        assert {v.key for v in validate(dataset, project.shapes_path, engine, parts=parts, processes=2).violations} \
            == reference, (engine, parts)
    path = tmp_path / "kg.nq"
    with open(path, "w", encoding="utf-8") as quads:
        builder.write_nquads(curation, quads)
    assert {v.key for v in validate_nquads(path, project.shapes_path, "jena", parts=2).violations} == reference


def test_bench_command_writes_its_figures(project, tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--root", str(project.root), "--sizes", "200", "--out", str(out),
                                       "--no-endpoint"])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    size = figures["sizes"][0]
    assert figures["machine"]["cores"] >= 1 and size["size"] == 200 and size["same_verdict"] is True
    assert size["violations_shacl"] == size["violations_pyshacl"] > 0
    assert {"build", "validate", "validate_shacl", "validate_structure", "validate_pyshacl", "load", "queries_total",
            "build_validate_load_query", "release_data"} <= set(size["seconds"])
    assert len(size["queries"]) >= 20 and all("median_ms" in q and "p95_ms" in q for q in size["queries"].values())
    assert "claims" in result.output and "peak MB" in result.output


def test_endpoint_and_raw_oxigraph_answer_alike_under_the_same_load(project, tmp_path):
    """The load comparison runs both servers over one on-disk store; both give the same answers."""
    from exomirkg.bench.runs import compare_endpoints
    from exomirkg.web.workers import build_store
    from exomirkg.query.catalogue import catalogue
    kg = project.kg_dir / "exomir-kg.trig"
    store = build_store(tmp_path / "store", kg, [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))])
    registry = PrefixRegistry.load(project.prefixes_path)
    queries = {name: q.bind({}, registry) for name, q in catalogue(project.queries_dir).items()
               if name in ("targets-of-mirna", "table-1")}
    result = compare_endpoints(project, store, queries, concurrency=2, requests=6, budget=1.0)
    for name, figures in result["queries"].items():
        assert figures["same_rows"] and figures["oxigraph"]["rows"] > 0, name
        assert figures["exomirkg"]["errors"] == figures["oxigraph"]["errors"] == 0, name
        assert figures["ratio"] > 0
