"""``exomirkg bench``: build, validate, load and query synthetic KGs of growing size.

Per size: build (streamed N-Quads), validation (Jena SHACL on independent parts, one JVM per part,
plus the structure checks), load into the embedded store, every stored query (median, p95), the
release's data files; and, up to ``--reference-up-to`` claims, plain pyshacl on the whole graph,
the reference: ``same_verdict`` says whether it found the same violations.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..project import Project
from ..web.launch import free_port, stop, wait_until_up


def _timed(results: dict, name: str, function):
    start = time.perf_counter()
    value = function()
    results[name] = round(time.perf_counter() - start, 3)
    return value


def _query_figures(store, project: Project, runs: int = 7) -> dict[str, dict[str, float]]:
    """Median and p95 milliseconds of every local stored query (default parameters)."""
    from ..ids.prefixes import PrefixRegistry
    from ..query.catalogue import catalogue
    prefixes = PrefixRegistry.load(project.prefixes_path)
    figures = {}
    for name, query in catalogue(project.queries_dir).items():
        if query.is_federated:
            continue
        text = query.bind({}, prefixes)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            store.query(text)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        figures[name] = {"median_ms": round(statistics.median(times), 2),
                         "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2)}
    return figures


def run_size(project: Project, size: int, seed: int = 1, reference_validation: bool = True,
             parts: int = 2, engine: str = "jena", faulty_every: int = 100, endpoint_load: bool = True) -> dict:
    """Measure one size in this process; return the figures.

    The pipeline is the one a large curation would run: the build streams N-Quads (and the
    N-Triples parts for validation); SHACL runs on the parts (one JVM per part, in parallel); the
    store loads; the structure checks run on it; every stored query is timed. pyshacl on the whole
    graph (the reference) runs afterwards, on the same triples and shapes, and must find the same
    SHACL violations; the speed-up compares the two SHACL runs.
    """
    from contextlib import ExitStack

    from ..build import claim_graph_builder
    from ..query.store import EmbeddedStore
    from ..rdf.claimgraph import ValidationParts
    from ..validate.engines import ENGINE_FUNCTIONS, validate_parts
    from ..validate.structure import structure_violations
    from .synthetic import synthetic_curation

    figures: dict = {"size": size, "seed": seed, "parts": parts, "engine": engine, "faulty_every": faulty_every,
                     "seconds": {}}
    seconds = figures["seconds"]
    total_start = time.perf_counter()
    curation = _timed(seconds, "generate", lambda: synthetic_curation(project, size, seed, faulty_every))
    builder = claim_graph_builder(project)
    ontology = [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        part_paths = [work / f"part-{index + 1}.nt" for index in range(parts)]
        with ExitStack() as files:
            quads = files.enter_context(open(work / "kg.nq", "w", encoding="utf-8"))
            handles = [files.enter_context(open(path, "w", encoding="utf-8")) for path in part_paths]
            figures["quads"] = _timed(seconds, "build", lambda: builder.write_nquads(curation, quads, ValidationParts(handles)))
        # validate, then load: SHACL on the parts (one JVM each, in parallel), the structure checks
        # on the loaded store, then the queries
        found = _timed(seconds, "validate_shacl", lambda: validate_parts(part_paths, project.shapes_path, engine, parts))
        store = _timed(seconds, "load", lambda: EmbeddedStore(work / "kg.nq", ontology, quads_format="nquads"))
        structure = _timed(seconds, "validate_structure", lambda: structure_violations(store.pyoxigraph))
        seconds["validate"] = round(seconds["validate_shacl"] + seconds["validate_structure"], 3)
        figures["queries"] = _query_figures(store, project)
        seconds["queries_total"] = round(sum(q["median_ms"] for q in figures["queries"].values()) / 1000, 3)
        # one pass of every query (the sum of their medians), not the seven timed repeats
        seconds["build_validate_load_query"] = round(sum(seconds[k] for k in ("build", "validate_shacl", "load",
                                                                              "validate_structure", "queries_total")), 3)
        figures["violations"] = len(found) + len(structure)
        figures["violations_shacl"] = len(found)

        def release_data() -> None:
            import hashlib

            import pyoxigraph as ox
            out = work / "release"
            out.mkdir()
            store.pyoxigraph.dump(output=str(out / "exomir-kg.nq"), format=ox.RdfFormat.N_QUADS)
            store.pyoxigraph.dump(output=str(out / "exomir-kg.trig"), format=ox.RdfFormat.TRIG)
            sums = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted(out.iterdir())]
            (out / "SHA256SUMS").write_text("\n".join(sums) + "\n")
        _timed(seconds, "release_data", release_data)
        store = None
        peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if endpoint_load:
            from ..ids.prefixes import PrefixRegistry
            from ..query.catalogue import catalogue
            from ..web.workers import build_store
            registry = PrefixRegistry.load(project.prefixes_path)
            texts = {name: q.bind({}, registry) for name, q in catalogue(project.queries_dir).items() if not q.is_federated}
            store_dir = _timed(seconds, "store_on_disk", lambda: build_store(work / "store", work / "kg.nq", ontology))
            figures["endpoint"] = compare_endpoints(project, store_dir, texts)
        if reference_validation:
            from rdflib import Graph
            whole = Graph()
            for path in part_paths:      # the union of the parts is the whole graph
                whole.parse(path, format="nt")
            shapes = Graph().parse(project.shapes_path, format="turtle")
            reference, _ = _timed(seconds, "validate_pyshacl", lambda: ENGINE_FUNCTIONS["pyshacl"](whole, shapes))
            figures["violations_pyshacl"] = len(reference)
            figures["same_verdict"] = {v.key for v in reference} == {v.key for v in found}
            figures["speedup_vs_pyshacl"] = round(seconds["validate_pyshacl"] / seconds["validate_shacl"], 1)
    seconds["total"] = round(time.perf_counter() - total_start, 3)
    figures["peak_rss_mb"] = round(peak_main, 1)
    figures["peak_child_rss_mb"] = round(peak_child, 1)
    figures["peak_pipeline_mb"] = round(max(peak_main, parts * peak_child), 1)   # the JVMs run together, before the load
    return figures


def run(project: Project, sizes: list[int], out: Path, seed: int = 1, reference_up_to: int = 10000,
        timeout: float = 3600, parts: int = 2, endpoint: bool = True,
        progress: Callable[[str], None] | None = None) -> dict:
    """Run every size in a fresh process; write and return all figures. ``progress`` is told each size
    as it starts."""
    results: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
               "sizes": []}
    for size in sizes:
        if progress is not None:
            progress(f"{size:,} claims")
        command = [sys.executable, "-m", "exomirkg", "bench", "--root", str(project.root), "--one", str(size),
                   "--seed", str(seed), "--parts", str(parts)]
        if size > reference_up_to:
            command.append("--no-reference")
        if not endpoint:
            command.append("--no-endpoint")
        try:
            run_ = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
            figures = json.loads(run_.stdout.strip().splitlines()[-1]) if run_.returncode == 0 else \
                {"size": size, "error": run_.stderr.strip().splitlines()[-1] if run_.stderr.strip() else f"exit {run_.returncode}"}
        except subprocess.TimeoutExpired:
            figures = {"size": size, "error": f"did not finish in {timeout:g} s"}
        results["sizes"].append(figures)
        out.parent.mkdir(parents=True, exist_ok=True)       # written after every size: nothing lost on a stop
        out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return results


def table(results: dict) -> str:
    """The figures as a plain-text table."""
    lines = [f"machine: {results['machine']['cores']} cores, Python {results['machine']['python']}",
             (f"{'claims':>8} {'quads':>9} {'build s':>8} {'shacl s':>8} {'struct s':>8} {'load s':>7} {'max q ms':>9} "
              f"{'b+v+l+q s':>10} {'peak MB':>8} {'pyshacl s':>10} {'same':>5} {'speed-up':>8} {'endpoint':>8}")]
    for f in results["sizes"]:
        if "error" in f:
            lines.append(f"{f['size']:>8} error: {f['error']}")
            continue
        s = f["seconds"]
        worst = max(q["median_ms"] for q in f["queries"].values())
        endpoint = f.get("endpoint", {}).get("median_ratio", "-")
        lines.append(f"{f['size']:>8} {f['quads']:>9} {s['build']:>8} {s['validate_shacl']:>8} {s['validate_structure']:>8} "
                     f"{s['load']:>7} {worst:>9} {s['build_validate_load_query']:>10} {f['peak_pipeline_mb']:>8} "
                     f"{s.get('validate_pyshacl', '-'):>10} {f.get('same_verdict', '-')!s:>5} "
                     f"{f.get('speedup_vs_pyshacl', '-'):>8} {endpoint:>8}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- endpoint under load
def load_test(url: str, query: str, concurrency: int = 4, requests: int = 40, budget: float = 3.0) -> dict:
    """``concurrency`` clients send the query (GET, JSON results) back to back until ``requests``
    answers came or ``budget`` seconds passed (at least one round each); returns answers per
    second, median and p95 latency, errors and the answer's row count."""
    import threading
    import urllib.parse
    import urllib.request
    target = f"{url}?{urllib.parse.urlencode({'query': query})}"
    latencies: list[float] = []
    errors: list[str] = []
    rows: list[int] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def client() -> None:
        done = 0
        while True:
            with lock:
                if len(latencies) + len(errors) >= requests or (done and time.perf_counter() - start > budget):
                    return
            sent = time.perf_counter()
            try:
                request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=300) as answer:
                    body = answer.read()
                with lock:
                    latencies.append(time.perf_counter() - sent)
                    if not rows:
                        rows.append(len(json.loads(body)["results"]["bindings"]))
            except Exception as error:      # noqa: BLE001 - any failed request is counted and reported
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
            done += 1
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"answers": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else "",
            "per_second": round(len(latencies) / elapsed, 2),
            "median_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
            "p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000, 2) if latencies else None,
            "rows": rows[0] if rows else None}


def keep_alive_latency(url: str, query: str, requests: int = 50) -> float:
    """Median milliseconds of ``requests`` answers on one kept-alive connection, one at a time."""
    import http.client
    import urllib.parse
    parts = urllib.parse.urlsplit(url)
    target = f"{parts.path}?{urllib.parse.urlencode({'query': query})}"
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    latencies = []
    try:
        for _ in range(requests):
            sent = time.perf_counter()
            connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
            connection.getresponse().read()
            latencies.append(time.perf_counter() - sent)
    finally:
        connection.close()
    return round(statistics.median(latencies) * 1000, 3)


def compare_endpoints(project: Project, store_dir: Path, queries: dict[str, str], concurrency: int = 4,
                      requests: int = 40, budget: float = 3.0, workers: int = 2) -> dict:
    """Every query under the same bounded load (``concurrency`` clients) on the raw Oxigraph server
    (``oxigraph serve-read-only``) and on ``exomirkg serve --prepared``, both over ``store_dir``,
    one server at a time; ``ratio`` is the endpoint's answers per second over Oxigraph's;
    ``keep_alive_ask_ms`` is each server's median latency on one kept-alive connection."""
    import shutil
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    servers = {
        "oxigraph": lambda port: ([oxigraph, "serve-read-only", "--location", str(store_dir), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph"], f"http://127.0.0.1:{port}/query"),
        "exomirkg": lambda port: ([sys.executable, "-m", "exomirkg", "serve", "--root", str(project.root), "--store", str(store_dir),
                                   "--prepared", "--port", str(port), "--workers", str(workers), "--timeout", "300",
                                   "--max-rows", "100000000"], f"http://127.0.0.1:{port}/sparql"),
    }
    results: dict = {"concurrency": concurrency, "requests": requests, "budget_s": budget, "workers": workers, "queries": {}}
    for server, command in servers.items():
        port = free_port()
        argv, url = command(port)
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"{url}?query=ASK%7B%7D", process)
            results.setdefault("keep_alive_ask_ms", {})[server] = keep_alive_latency(url, "ASK {}")
            for name, text in queries.items():
                load_test(url, text, 1, 1, 0)            # warm the caches
                results["queries"].setdefault(name, {})[server] = load_test(url, text, concurrency, requests, budget)
        finally:
            stop(process)
    ratios = []
    for figures in results["queries"].values():
        ours, raw = figures["exomirkg"], figures["oxigraph"]
        figures["same_rows"] = ours["rows"] == raw["rows"]
        figures["ratio"] = round(ours["per_second"] / raw["per_second"], 2) if raw["per_second"] else None
        if figures["ratio"] is not None:
            ratios.append(figures["ratio"])
    results["min_ratio"] = min(ratios) if ratios else None
    results["median_ratio"] = round(statistics.median(ratios), 2) if ratios else None
    return results
