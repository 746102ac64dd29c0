"""``exomirkg bench``: build, validate, load and query synthetic KGs of growing size.

Validation is measured three times: rudof on independent parts of 1,000 claims (one process per
core), Jena SHACL on the whole graph, and, up to ``--reference-up-to`` claims, plain pyshacl on the
whole graph, the reference; ``same_verdict`` says whether all found the same violations.

Each size runs in its own process, so its peak memory (``ru_maxrss``) is its own. Figures go to a
JSON file and a table; nothing here asserts a time.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .project import Project


def _timed(results: dict, name: str, function):
    start = time.perf_counter()
    value = function()
    results[name] = round(time.perf_counter() - start, 3)
    return value


def run_size(project: Project, size: int, seed: int = 1, reference_validation: bool = True,
             with_release: bool = True) -> dict:
    """Measure one size in this process; return the figures."""
    from .claimgraph import ClaimGraphBuilder
    from .identifiers import PrefixRegistry
    from .queries import catalogue
    from .reference import ReferenceTables
    from .serialize import nquads
    from .store import EmbeddedStore
    from .synthetic import synthetic_curation
    from .validate import validate
    from .curation import CurationSchema

    figures: dict = {"size": size, "seed": seed, "seconds": {}}
    seconds = figures["seconds"]
    total_start = time.perf_counter()
    curation = _timed(seconds, "generate", lambda: synthetic_curation(project, size, seed))
    schema = CurationSchema.load(project.schema_path)
    prefixes = PrefixRegistry.load(project.prefixes_path)
    tables = ReferenceTables(project.reference_dir)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        builder = ClaimGraphBuilder(prefixes, tables, schema.fields)
        dataset = _timed(seconds, "build", lambda: builder.build(curation))
        _timed(seconds, "serialize", lambda: (work / "kg.nq").write_text(nquads(dataset), encoding="utf-8"))
        figures["quads"] = sum(1 for _ in dataset.quads((None, None, None, None)))
        fast = _timed(seconds, "validate_rudof", lambda: validate(dataset, project.shapes_path, "rudof",
                                                                  chunk_size=1000, processes=os.cpu_count() or 1))
        figures["violations_rudof"] = len(fast.violations)
        jena = _timed(seconds, "validate_jena", lambda: validate(dataset, project.shapes_path, "jena"))
        figures["violations_jena"] = len(jena.violations)
        figures["jena_same_as_rudof"] = {v.key for v in jena.violations} == {v.key for v in fast.violations}
        if reference_validation:
            reference = _timed(seconds, "validate_pyshacl", lambda: validate(dataset, project.shapes_path, "pyshacl"))
            figures["violations_pyshacl"] = len(reference.violations)
            figures["same_verdict"] = ({v.key for v in reference.violations} == {v.key for v in fast.violations}
                                       == {v.key for v in jena.violations})
        dataset = None          # free the rdflib graph before loading the store
        ontology = [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))]
        store = _timed(seconds, "load", lambda: EmbeddedStore(work / "kg.nq", ontology, quads_format="nquads"))
        query_figures = {}
        for name, query in catalogue(project.queries_dir).items():
            if query.is_federated:
                continue
            text = query.bind({}, prefixes)
            runs = []
            for _ in range(7):
                start = time.perf_counter()
                store.query(text)
                runs.append((time.perf_counter() - start) * 1000)
            runs.sort()
            query_figures[name] = {"median_ms": round(statistics.median(runs), 2),
                                   "p95_ms": round(runs[min(len(runs) - 1, int(0.95 * len(runs)))], 2)}
        figures["queries"] = query_figures
        seconds["queries_total"] = round(sum(q["median_ms"] for q in query_figures.values()) / 1000, 3)
        seconds["build_validate_load_query"] = round(sum(seconds[k] for k in ("build", "serialize", "validate_rudof",
                                                                              "load", "queries_total")), 3)
    figures["seconds"]["total"] = round(time.perf_counter() - total_start, 3)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def run(project: Project, sizes: list[int], out: Path, seed: int = 1, reference_up_to: int = 10000,
        timeout: float = 1800) -> dict:
    """Run every size in a fresh process; write and return all figures."""
    results = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
               "sizes": []}
    for size in sizes:
        command = [sys.executable, "-m", "exomirkg", "bench", "--root", str(project.root), "--one", str(size),
                   "--seed", str(seed)]
        if size > reference_up_to:
            command.append("--no-reference")
        try:
            run_ = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            figures = json.loads(run_.stdout.strip().splitlines()[-1]) if run_.returncode == 0 else \
                {"size": size, "error": run_.stderr.strip().splitlines()[-1] if run_.stderr.strip() else f"exit {run_.returncode}"}
        except subprocess.TimeoutExpired:
            figures = {"size": size, "error": f"did not finish in {timeout:g} s"}
        results["sizes"].append(figures)
        out.parent.mkdir(parents=True, exist_ok=True)       # written after every size: nothing lost on a stop
        out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return results


def table(results: dict) -> str:
    lines = [f"machine: {results['machine']['cores']} cores, Python {results['machine']['python']}",
             f"{'claims':>8} {'quads':>9} {'build s':>8} {'rudof s':>8} {'jena s':>7} {'pyshacl s':>10} {'same':>5} {'load s':>7} "
             f"{'max q ms':>9} {'b+v+l+q s':>10} {'peak MB':>8}"]
    for f in results["sizes"]:
        if "error" in f:
            lines.append(f"{f['size']:>8} error: {f['error']}")
            continue
        s = f["seconds"]
        worst = max(q["median_ms"] for q in f["queries"].values())
        lines.append(f"{f['size']:>8} {f['quads']:>9} {s['build']:>8} {s['validate_rudof']:>8} {s.get('validate_jena', '-'):>7} "
                     f"{s.get('validate_pyshacl', '-'):>10} {str(f.get('same_verdict', '-')):>5} {s['load']:>7} "
                     f"{worst:>9} {s['build_validate_load_query']:>10} {f['peak_rss_mb']:>8}")
    return "\n".join(lines)
