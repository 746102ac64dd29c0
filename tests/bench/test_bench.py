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


def test_synthetic_claims_name_miRNAs_without_their_arm_as_often_as_the_review(project, tmp_path, queries, registry):
    """Most of this review's claims name a miRNA without its arm (a precursor): so do the synthetic
    ones, and the arm-unspecified question answers from them."""
    from exomirkg.bench.synthetic import arm_unspecified_share
    from exomirkg.build import read_curation
    from exomirkg.query.store import EmbeddedStore
    share = arm_unspecified_share(read_curation(project)[0])
    assert 0.3 < share < 0.9
    curation = synthetic_curation(project, 400, seed=9)
    unarmed = [c.mirnas[0] for c in curation.claims if not c.mirnas[0].arm_specified]
    assert abs(len(unarmed) / 400 - share) < 0.1
    for resolved in unarmed:
        (entity,) = resolved.entities
        (precursor,) = resolved.precursors
        assert entity.curie.prefix == "mirbase" and entity == precursor.entity and len(precursor.mature) >= 2
        assert resolved.text_name.startswith(("miR-", "let-")) and "hsa-" not in resolved.text_name
    path = tmp_path / "kg.nq"
    with open(path, "w", encoding="utf-8") as quads:
        claim_graph_builder(project).write_nquads(curation, quads)
    store = EmbeddedStore(path, [project.ontology_path], quads_format="nquads")
    result = store.query(queries["arm-unspecified"].bind({}, registry))
    rows = [dict(zip(result.variables, row)) for row in result.values()]
    names = {r.text_name for r in unarmed}
    of_review = [c for c in curation.claims if c.source is None and not c.mirnas[0].arm_specified]   # the default source
    assert rows and {str(row["mirna"]) for row in rows} <= names
    assert {str(row["precursor"]).rsplit("/", 1)[1].removeprefix("mirbase:") for row in rows} \
        == {c.mirnas[0].entities[0].curie.local_id for c in of_review} != set()


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
    result = CliRunner().invoke(main, ["bench", "--root", str(project.root), "--sizes", "250", "--runs", "2", "--out", str(out),
                                       "--no-endpoint"])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    entry = figures["sizes"][0]
    assert figures["machine"]["cores"] >= 1 and entry["size"] == 250 and len(entry["runs"]) == 2
    for size in entry["runs"]:
        assert size["same_verdict"] is True and size["sources"] == 3          # this review and two more
        assert size["violations_shacl"] == size["violations_pyshacl"] > 0
        assert {"build", "validate", "validate_shacl", "validate_structure", "validate_pyshacl", "load", "queries_total",
                "validate_and_load", "build_validate_load_query", "release_data"} <= set(size["seconds"])
        seconds = size["seconds"]
        # the load beside the build (what it still needed after the build: "load"), the structure
        # checks beside the JVMs: the pipeline's wall time is one span, no sum of its stages
        assert size["store"] == "memory"
        assert seconds["build_validate_load_query"] == round(seconds["build_validate_load"] + seconds["queries_total"], 3)
        assert seconds["build_validate_load"] >= seconds["build"] + seconds["load"] + seconds["validate_and_load"] - 0.003
        assert seconds["validate_and_load"] >= max(seconds["validate_shacl"], seconds["validate_structure"])
        assert {"build", "validate_and_load"} <= set(seconds["cpu"]) and seconds["cpu"]["build"] > 0
        assert size["peak_pipeline_mb"] >= size["peak_rss_mb"] > 50      # sampled: this process and its JVMs together
        assert len(size["queries"]) >= 20 and all("median_ms" in q and "p95_ms" in q for q in size["queries"].values())
        release = size["release"]         # the full release of the same claims, without the faults
        assert {"build and validate", "nanopubs", "kg", "jsonld", "kgx", "landing-page"} <= set(release["steps"])
        assert release["seconds"] >= sum(release["steps"].values()) - 0.01 and release["peak_mb"] > 50
    seconds = sorted(r["seconds"]["build_validate_load_query"] for r in entry["runs"])
    assert entry["summary"]["build_validate_load_query_s"]["min"] == seconds[0]
    assert entry["summary"]["runs"] == 2 and entry["summary"]["same_verdict_every_run"] is True
    assert entry["summary"]["release_s"]["min"] == min(r["release"]["seconds"] for r in entry["runs"])
    assert "claims" in result.output and "peak MB" in result.output and "median" in result.output


def test_a_kg_too_large_for_memory_takes_the_on_disk_path_with_the_same_figures(project, monkeypatch):
    """Above the in-memory size the store is on disk, loaded beside the JVMs, and the structure
    checks run in groups during the build: the same quads, violations and verdict as in memory."""
    from exomirkg.bench import runs
    in_memory = runs.run_size(project, 250, endpoint_load=False)
    monkeypatch.setattr(runs, "MEMORY_STORE_UP_TO", 0)
    monkeypatch.setattr(runs, "STRUCTURE_GROUP_LINES", 2_000)      # about ten groups
    on_disk = runs.run_size(project, 250, endpoint_load=False)
    assert (in_memory["store"], on_disk["store"]) == ("memory", "disk")
    for name in ("quads", "violations", "violations_shacl", "violations_structure", "violations_pyshacl", "same_verdict"):
        assert on_disk[name] == in_memory[name], name
    assert on_disk["same_verdict"] is True and on_disk["violations"] > 0
    assert set(on_disk["queries"]) == set(in_memory["queries"])
    assert {"build", "load_last_group", "load", "validate_structure", "validate_shacl"} <= set(on_disk["seconds"])
    assert on_disk["queries"]["claim-counts"]["median_ms"] > 0


def test_summary_gives_minimum_and_median_of_the_runs():
    from exomirkg.bench.runs import summary

    def one(seconds, speedup, slowest):
        return {"seconds": {"build_validate_load_query": seconds, "validate_shacl": 1.0, "build": 0.5, "load": 0.25},
                "peak_pipeline_mb": 100.0,
                "queries": {"a": {"median_ms": slowest}, "b": {"median_ms": 0.1}}, "speedup_vs_pyshacl": speedup,
                "same_verdict": True}
    figures = summary([one(50, 12.0, 30), one(40, 9.5, 45), one(70, 11.0, 20), {"size": 1, "error": "killed"}])
    assert figures["build_validate_load_query_s"] == {"min": 40, "median": 50, "max": 70}
    assert figures["speedup_vs_pyshacl"]["min"] == 9.5            # the target holds on every run, or not
    assert figures["slowest_query_ms"]["max"] == 45 and figures["runs"] == 4 and figures["failed"] == 1


def test_validation_parts_are_planned_from_the_size():
    """No part holds more than about 3 million triples; the parts are a multiple of the cores (every
    round of JVMs keeps every core busy), and no more rounds than needed."""
    from exomirkg.bench.runs import PART_LINES_PER_CLAIM, PART_TRIPLES, parts_for
    assert parts_for(1000, 2) == 2 and parts_for(100_000, 2) == 2 and parts_for(100_000, 4) == 4
    assert parts_for(1_000_000, 2) == 18 and parts_for(1_000_000, 4) == 20 and parts_for(10, 3) == 3
    for size in (1, 1000, 61_225, 61_226, 100_000, 250_000, 1_000_000, 3_000_000):
        for cores in (1, 2, 3, 4, 8):
            parts = parts_for(size, cores)
            assert parts % cores == 0 and parts * PART_TRIPLES >= size * PART_LINES_PER_CLAIM
            assert parts == cores or (parts - cores) * PART_TRIPLES < size * PART_LINES_PER_CLAIM


def test_a_sources_claims_and_its_entities_validate_in_one_part(project, tmp_path):
    """Another source's claims stay in one part with its quotes and references; the parts together
    find what the whole graph finds (Jena, whole and in 3 parts)."""
    import io
    from exomirkg.rdf.claimgraph import ValidationParts
    curation = synthetic_curation(project, 300, seed=2, faulty_every=25, claims_per_source=60)
    handles = [io.StringIO() for _ in range(3)]
    claim_graph_builder(project).write_nquads(curation, io.StringIO(), ValidationParts(handles))
    texts = [h.getvalue() for h in handles]
    for source in {c.source for c in curation.claims if c.source is not None}:
        holding = [i for i, text in enumerate(texts) if f"/reference/{source.key}/" in text]
        claims = [c.id for c in curation.claims if c.source == source]
        assert len(holding) == 1 and all(f"/claim/{c}>" in texts[holding[0]] for c in claims)
    from exomirkg.validate.engines import validate_parts
    paths = []
    for index, text in enumerate(texts):
        paths.append(tmp_path / f"part-{index}.nt")
        paths[-1].write_text(text, encoding="utf-8")
    whole = {v.key for v in validate(claim_graph_builder(project).build(curation), project.shapes_path, "pyshacl").violations}
    assert whole and {v.key for v in validate_parts(paths, project.shapes_path, "pyshacl", 1)} == whole
    from exomirkg.bench.runs import sample_check
    from servers import require_jena
    require_jena()
    seconds: dict = {}
    sample = sample_check(paths, project.shapes_path, "jena", seconds)
    assert sample["same_verdict"] and sample["triples"] > 1000 and {"sample_engine", "sample_pyshacl"} <= set(seconds)


def test_endpoint_and_raw_oxigraph_answer_alike_under_the_same_load(project, tmp_path):
    """The load comparison runs both servers over one on-disk store, and Virtuoso loaded with the same
    KG for the sub-millisecond queries; all give the same answers."""
    from exomirkg.bench.endpoints import compare_endpoints
    from exomirkg.web.workers import build_store
    from exomirkg.query.catalogue import catalogue
    from servers import require
    require("virtuoso-t", "apt-get install virtuoso-opensource")
    kg = project.kg_dir / "exomir-kg.nq"
    (tmp_path / "kg.nq").write_bytes(kg.read_bytes())
    store = build_store(tmp_path / "store", kg, [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))])
    registry = PrefixRegistry.load(project.prefixes_path)
    queries = {name: q.bind({}, registry) for name, q in catalogue(project.queries_dir).items()
               if name in ("targets-of-mirna", "table-1", "claim-counts")}
    result = compare_endpoints(project, store, queries, concurrency=2, requests=6, budget=1.0,
                               fast={"targets-of-mirna", "claim-counts"}, virtuoso_data=(tmp_path, 10000))
    for name, figures in result["queries"].items():
        assert figures["same_rows"] and figures["oxigraph"]["rows"] > 0, name
        assert figures["exomirkg"]["errors"] == figures["oxigraph"]["errors"] == 0, name
        assert figures["ratio"] > 0
    for name in ("targets-of-mirna", "claim-counts"):
        figures = result["queries"][name]
        assert figures["virtuoso"]["errors"] == 0 and figures["same_rows_virtuoso"], name
        assert figures["exomirkg"]["keep_alive_ms"] > 0 and figures["ratio_virtuoso"] > 0
    assert "virtuoso" not in result["queries"]["table-1"]
    assert result["min_ratio_slow"] == result["queries"]["table-1"]["ratio"]
    assert result["max_keep_alive_ms_fast"] == max(result["queries"][n]["exomirkg"]["keep_alive_ms"]
                                                   for n in ("targets-of-mirna", "claim-counts"))


def test_a_run_stopped_part_way_keeps_the_stages_it_finished():
    """Each stage says its seconds on stderr as it ends; a stopped run's figures keep them, and the
    table shows them beside the error."""
    from exomirkg.bench.runs import table
    from exomirkg.bench.said import stages_said
    said = stages_said(b"loading\nstage generate 2.5\nstage build 401.25\nTraceback: killed\n")
    assert said == {"generate": 2.5, "build": 401.25}
    results = {"machine": {"cores": 2, "python": "3.11"}, "sizes": [
        {"size": 1000000, "runs": [{"size": 1000000, "error": "did not finish in 600 s", "seconds": said}]}]}
    assert "did not finish in 600 s (done: generate 2.5 s, build 401.25 s)" in table(results)


def test_a_failed_run_says_why_not_its_last_figure():
    from exomirkg.bench.said import failure_said
    assert failure_said("stage build 543.2\nfigure peak_pipeline_mb 6140.7\n", -15) == "killed by signal 15"
    assert failure_said("stage build 1.0\nMemoryError: no room\nquery pathways 1.0 2.0\n", 1) == "MemoryError: no room (exit 1)"
    assert failure_said(None, 2) == "exit 2"


def test_a_run_may_take_an_hour_for_every_250000_claims_unless_told():
    from exomirkg.bench.runs import run_timeout
    assert [run_timeout(n) for n in (1000, 250000, 250001, 1000000)] == [3600, 3600, 7200, 14400]


def test_a_run_stopped_after_its_queries_keeps_their_figures_and_its_peak():
    """A 1,000,000-claim run stopped in its last step (the sample checked by pyshacl) had timed every
    query; what it said on stderr keeps them, its quads and its peak memory."""
    from exomirkg.bench.runs import table
    from exomirkg.bench.said import figures_said
    stderr = ("stage build 363.4\nfigure quads 66000000\nquery pathways 38.6 40.1\nquery claim-counts 0.4 0.5\n"
              "query broken x 1\nfigure peak_pipeline_mb 5120.5\nstage release_data 832.3\n")
    said = figures_said(stderr)
    assert said == {"seconds": {"build": 363.4, "release_data": 832.3}, "quads": 66000000.0, "peak_pipeline_mb": 5120.5,
                    "queries": {"pathways": {"median_ms": 38.6, "p95_ms": 40.1},
                                "claim-counts": {"median_ms": 0.4, "p95_ms": 0.5}}}
    results = {"machine": {"cores": 2, "python": "3.11"}, "sizes": [
        {"size": 1000000, "runs": [{"size": 1000000, "error": "did not finish in 3600 s", **said}]}]}
    assert "queries: slowest pathways 38.6 ms; peak 5120.5 MB" in table(results)


def test_peak_memory_counts_a_child_process_with_this_one(tmp_path):
    """The sampled peak is of this process and its descendants at one moment: a child holding
    300 MB shows in it."""
    import os
    import subprocess
    import sys
    from exomirkg.bench.memory import PeakMemory, tree_resident_mb
    own = tree_resident_mb(os.getpid())
    assert own > 10
    ready = tmp_path / "ready"
    with PeakMemory(interval=0.02) as peak:
        child = subprocess.Popen([sys.executable, "-c", "import pathlib, sys, time\n"
                                  "held = bytearray(300 * 2**20)\n"
                                  "pathlib.Path(sys.argv[1]).write_text('up')\n"
                                  "time.sleep(0.5)", str(ready)])
        child.wait(timeout=60)
    assert ready.exists() and peak.mb is not None and peak.mb >= own + 280
    assert tree_resident_mb(os.getpid()) < own + 200             # the child is gone, and with it its memory


def test_the_load_test_keeps_its_connections_alive_and_counts_errors():
    """Each client sends its requests on one kept-alive connection (a new connection a request would
    time TCP set-up as much as the server); a failed answer is counted, and the client reconnects."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from exomirkg.bench.endpoints import load_test
    connections: list[int] = []
    served = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            connections.append(1)

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            served["n"] += 1
            failing = served["n"] == 5
            body = b"no" if failing else b'{"results": {"bindings": [{}, {}]}}'
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", str(len(body)))
            if failing:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        figures = load_test(f"http://127.0.0.1:{httpd.server_address[1]}/sparql", "ASK {}", concurrency=2,
                            requests=40, budget=30)
    finally:
        httpd.shutdown()
    assert figures["errors"] == 1 and "HTTP 500" in figures["first_error"] and 39 <= figures["answers"] <= 40
    assert figures["rows"] == 2 and len(connections) == 3      # two clients, one reconnection after the error
