"""``exomirkg bench``: build, validate, load and query synthetic KGs of growing size.

Per size: build (streamed N-Quads) with the load into the embedded store beside it (an in-memory
store; an on-disk one loads beside the JVMs, its structure checks done in memory during the build,
a group of lines at a time), validation (Jena SHACL on independent parts, one JVM per part, plus
the structure checks), every stored query (median, p95), the
release's data files; and, up to ``--reference-up-to`` claims,
plain pyshacl on the whole graph, the reference: ``same_verdict`` says whether it found the same
violations.

Each size runs in its own process; its peak memory is sampled over the process and its JVMs
together (:mod:`.memory`), and each stage that runs alone says its CPU seconds. Figures go to a
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
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from ..project import Project
from ..validate.structure import GROUP_LINES
from .endpoints import compare_endpoints
from .memory import PeakMemory
from .release import release_figures
from .said import failure_said, figures_said, say


def _cpu_seconds() -> float:
    """CPU seconds (user and system) used so far by this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(results: dict, name: str, function, cpu: bool = True):
    """Run ``function``, keep its seconds under ``name`` (and, with ``cpu``, the CPU seconds this
    process and its finished children used meanwhile under ``results["cpu"][name]``: not for a stage
    that runs beside another) and say them on stderr (``stage NAME S``), so that a run stopped part
    way still tells where its time went."""
    start, used = time.perf_counter(), _cpu_seconds()
    value = function()
    results[name] = round(time.perf_counter() - start, 3)
    if cpu:
        results.setdefault("cpu", {})[name] = round(_cpu_seconds() - used, 3)
    print(f"stage {name} {results[name]}", file=sys.stderr, flush=True)
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


PART_LINES_PER_CLAIM = 49       # measured: 4.87 million lines in the parts of 100,000 claims (70 quads a claim,
                                #   less what a source's claims repeat of its references, plus the shared descriptions)
PART_TRIPLES = 3_000_000        # a validation part: Jena holds it in about 3 GB of heap, two at once within 8 GB
MEMORY_STORE_UP_TO = 200_000    # claims; a larger KG goes into an on-disk store, never into memory
STRUCTURE_GROUP_LINES = GROUP_LINES   # N-Quads lines of a group checked in memory during the build, above that


def parts_for(size: int, cores: int) -> int:
    """Validation parts for ``size`` claims: as few as hold at most :data:`PART_TRIPLES` triples each
    (memory is planned per part, ``cores`` of them at a time), rounded up to a multiple of the cores
    so that every round of JVMs keeps every core busy (100,000 claims on 2 cores: 2 parts, 30 s,
    where 3 parts took 46 s, the third alone)."""
    needed = -(-size * PART_LINES_PER_CLAIM // PART_TRIPLES)
    return max(1, -(-needed // cores)) * cores


def run_size(project: Project, size: int, seed: int = 1, reference_validation: bool = True,
             parts: int | None = None, engine: str = "jena", faulty_every: int = 100, endpoint_load: bool = True,
             virtuoso: bool = True, claims_per_source: int = 100, full_release: bool = False) -> dict:
    """Measure one size in this process; return the figures.

    The pipeline is the one a large curation would run: the build streams N-Quads (and the
    N-Triples parts for validation, each source's claims in one part) and, up to
    :data:`MEMORY_STORE_UP_TO` claims, feeds them to the in-memory store as it goes; SHACL runs on
    the parts (one JVM per part, a core's worth at a time, each heap sized to its part) with the
    structure checks on the store beside them. Above that size the structure checks run during the
    build, in memory, a group of lines at a time (:class:`StructureChecksInGroups`), and the
    on-disk store bulk-loads beside the JVMs; every stored query is timed. pyshacl on the whole
    graph (the reference) runs afterwards, on the same triples and shapes, and must find the same
    SHACL violations; the speed-up compares the two SHACL runs. Nothing holds the whole graph in memory except the reference and the in-memory store.
    """
    from contextlib import ExitStack

    from ..build import claim_graph_builder
    from ..query.feed import StoreFeed
    from ..query.store import EmbeddedStore
    from ..rdf.claimgraph import LineWriter, ValidationParts
    from ..validate.engines import ENGINE_FUNCTIONS, validate_parts
    from ..validate.structure import StructureChecksInGroups, structure_violations
    from .synthetic import synthetic_curation

    cores = os.cpu_count() or 1
    parts = parts or parts_for(size, cores)
    figures: dict = {"size": size, "seed": seed, "parts": parts, "engine": engine, "faulty_every": faulty_every,
                     "claims_per_source": claims_per_source, "seconds": {}}
    seconds = figures["seconds"]
    total_start = time.perf_counter()
    held = [_timed(seconds, "generate", lambda: synthetic_curation(project, size, seed, faulty_every, claims_per_source))]
    figures["sources"] = len({c.source for c in held[0].claims})
    builder = claim_graph_builder(project)
    ontology = [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))]
    with tempfile.TemporaryDirectory(dir=os.environ.get("EXOMIRKG_BENCH_TMP")) as folder:
        work = Path(folder)
        part_paths = [work / f"part-{index + 1}.nt" for index in range(parts)]
        figures["store"] = "memory" if size <= MEMORY_STORE_UP_TO else "disk"
        peak = PeakMemory().start()      # the pipeline's memory, build to queries, JVMs included
        pipeline_start = time.perf_counter()
        store: EmbeddedStore | None = None
        with ExitStack() as files:
            handles = [files.enter_context(open(path, "w", encoding="utf-8")) for path in part_paths]
            # an in-memory store loads beside the build (pyoxigraph parses without the GIL, on the
            # core the Python builder leaves idle) and its loader writes the N-Quads file; above
            # that size the structure checks run there instead, in memory, a group of lines at a
            # time (on an on-disk store they cost ten times as much: 756 s at a million claims),
            # and the on-disk store bulk-loads the file afterwards
            written: LineWriter
            quads = files.enter_context(open(work / "kg.nq", "wb"))
            feed: StoreFeed | None = None
            grouped: StructureChecksInGroups | None = None
            if figures["store"] == "memory":
                written = feed = files.enter_context(StoreFeed(ontology, lenient=True, copy_to=quads))
            else:
                written = grouped = files.enter_context(StructureChecksInGroups(quads, STRUCTURE_GROUP_LINES, lenient=True))
            figures["quads"] = _timed(seconds, "build", lambda: builder.write_nquads(held.pop(), written, ValidationParts(handles)))
            say("figure", "quads", figures["quads"])
            if feed is not None:        # what the load still needs once the build is done
                store = _timed(seconds, "load", feed.finish, cpu=False)
            if grouped is not None:     # the last group loaded (the N-Quads file complete), its check begun
                _timed(seconds, "load_last_group", grouped.end_of_lines, cpu=False)
        # (the curation is let go once built: at a million claims it is gigabytes)
        # SHACL on the parts (one JVM each, a core's worth at a time) in the background; beside
        # them, the structure checks on the in-memory store, or the bulk load of an on-disk one
        # (its structure checks were done during the build)
        store_dir: Path | None = None
        overlap_start, overlap_cpu = time.perf_counter(), _cpu_seconds()

        def validate_shacl() -> list:
            start = time.perf_counter()
            try:
                return validate_parts(part_paths, project.shapes_path, engine, cores)
            finally:
                seconds["validate_shacl"] = round(time.perf_counter() - start, 3)
                print(f"stage validate_shacl {seconds['validate_shacl']}", file=sys.stderr, flush=True)
        with ThreadPoolExecutor(2) as background:
            running = [validating := background.submit(validate_shacl)]
            if store is None:
                import pyoxigraph as ox

                from ..web.workers import build_store
                running.append(loading := background.submit(
                    lambda: _timed(seconds, "load", lambda: build_store(work / "store", work / "kg.nq", ontology), cpu=False)))
                assert grouped is not None
                structure = _timed(seconds, "validate_structure", grouped.finish, cpu=False)   # its last group, beside them
                wait(running, return_when=FIRST_EXCEPTION)       # a failure of either is raised at once
                for future in running:
                    if future.done() and future.exception() is not None:
                        raise future.exception()  # type: ignore[misc]
                store_dir = loading.result()
                store = EmbeddedStore.wrapping(ox.Store.read_only(str(store_dir)))
            else:
                in_memory = store
                structure = _timed(seconds, "validate_structure", lambda: structure_violations(in_memory.pyoxigraph), cpu=False)
            loaded = store
            found = validating.result()
        seconds["validate_and_load"] = round(time.perf_counter() - overlap_start, 3)
        seconds["cpu"]["validate_and_load"] = round(_cpu_seconds() - overlap_cpu, 3)
        seconds["build_validate_load"] = round(time.perf_counter() - pipeline_start, 3)
        print(f"stage build_validate_load {seconds['build_validate_load']}", file=sys.stderr, flush=True)
        seconds["validate"] = round(seconds["validate_shacl"] + seconds["validate_structure"], 3)
        figures["queries"] = _query_figures(loaded, project)
        for name, query in figures["queries"].items():
            say("query", name, query["median_ms"], query["p95_ms"])
        peak.stop()
        if peak.mb is not None:
            say("figure", "peak_pipeline_mb", peak.mb)
        # each process's own peak up to here (the JVMs have ended): a sample five times a second can
        # miss this process's highest moment, which the pipeline's peak cannot be below
        peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        seconds["queries_total"] = round(sum(q["median_ms"] for q in figures["queries"].values()) / 1000, 3)
        # wall time of one pass: the build with the load beside it, validation (with the structure
        # checks), the sum of the queries' medians (not the seven timed repeats)
        seconds["build_validate_load_query"] = round(seconds["build_validate_load"] + seconds["queries_total"], 3)
        figures["violations"] = len(found) + len(structure)
        figures["violations_structure"] = len(structure)
        figures["violations_shacl"] = len(found)

        def release_data() -> None:
            import hashlib

            import pyoxigraph as ox
            out = work / "release"
            out.mkdir()
            loaded.pyoxigraph.dump(output=str(out / "exomir-kg.nq"), format=ox.RdfFormat.N_QUADS)
            sums = []
            for path in sorted(out.iterdir()):
                digest = hashlib.sha256()
                with open(path, "rb") as data:
                    for block in iter(lambda: data.read(1 << 20), b""):
                        digest.update(block)
                sums.append(f"{digest.hexdigest()}  {path.name}")
            (out / "SHA256SUMS").write_text("\n".join(sums) + "\n")
        _timed(seconds, "release_data", release_data)
        store = loaded = None  # type: ignore[assignment]
        if endpoint_load:
            from ..ids.prefixes import PrefixRegistry
            from ..query.catalogue import catalogue
            from ..web.workers import build_store
            registry = PrefixRegistry.load(project.prefixes_path)
            texts = {name: q.bind({}, registry) for name, q in catalogue(project.queries_dir).items() if not q.is_federated}
            if store_dir is None:
                store_dir = _timed(seconds, "store_on_disk", lambda: build_store(work / "store", work / "kg.nq", ontology))
            fast = {name for name, q in figures["queries"].items() if q["median_ms"] < 1}
            figures["endpoint"] = compare_endpoints(project, store_dir, texts, fast=fast,
                                                    virtuoso_data=(work, figures["quads"]) if virtuoso else None)
        if not reference_validation:     # too large for pyshacl whole: an independent engine on a sample part
            figures["sample"] = sample_check(part_paths, project.shapes_path, engine, seconds)
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
    if full_release:
        figures["release"] = release_figures(project, size, seed, claims_per_source)
    seconds["total"] = round(time.perf_counter() - total_start, 3)
    figures["peak_rss_mb"] = round(peak_main, 1)
    figures["peak_child_rss_mb"] = round(peak_child, 1)
    # sampled: this process and its JVMs at the same moment; else the worst case of the peaks
    estimate = max(peak_main + (min(cores, parts) - 1) * peak_child, min(cores, parts) * peak_child)
    figures["peak_pipeline_mb"] = max(peak.mb, figures["peak_rss_mb"]) if peak.mb is not None else round(estimate, 1)
    return figures


def sample_check(part_paths: list[Path], shapes_path: Path, engine: str, seconds: dict) -> dict:
    """The smallest part validated alone by ``engine`` and by pyshacl, an independent engine: both
    must find the same violations (where pyshacl on the whole graph is out of reach)."""
    from rdflib import Graph

    from ..validate.engines import ENGINE_FUNCTIONS, validate_parts
    part = min(part_paths, key=lambda path: path.stat().st_size)
    found = _timed(seconds, "sample_engine", lambda: validate_parts([part], shapes_path, engine, 1))
    graph = Graph().parse(part, format="nt")
    shapes = Graph().parse(shapes_path, format="turtle")
    reference, _ = _timed(seconds, "sample_pyshacl", lambda: ENGINE_FUNCTIONS["pyshacl"](graph, shapes))
    return {"part": part.name, "triples": len(graph), "violations": len(found),
            "same_verdict": {v.key for v in found} == {v.key for v in reference}}


def summary(runs: list[dict]) -> dict:
    """The minimum and median, over the runs of one size, of the figures the targets name: the
    build+validate+load+query time, SHACL time, peak memory, slowest query, speed-up over pyshacl,
    and the endpoint's ratios and latency (the worst query of each run)."""
    done = [r for r in runs if "error" not in r]
    picks: dict[str, list[float]] = {}

    def add(name: str, value: float | None) -> None:
        if value is not None:
            picks.setdefault(name, []).append(value)
    for r in done:
        add("build_validate_load_query_s", r["seconds"]["build_validate_load_query"])
        add("validate_shacl_s", r["seconds"]["validate_shacl"])
        add("peak_pipeline_mb", r["peak_pipeline_mb"])
        add("slowest_query_ms", max(q["median_ms"] for q in r["queries"].values()))
        add("speedup_vs_pyshacl", r.get("speedup_vs_pyshacl"))
        add("build_s", r["seconds"]["build"])
        add("release_s", r.get("release", {}).get("seconds"))
        add("release_peak_mb", r.get("release", {}).get("peak_mb"))
        add("load_s", r["seconds"]["load"])
        endpoint = r.get("endpoint", {})
        add("endpoint_min_ratio_oxigraph", endpoint.get("min_ratio_slow"))
        add("endpoint_min_ratio_oxigraph_uncached", endpoint.get("min_ratio_slow_uncached"))
        add("endpoint_max_keep_alive_ms", endpoint.get("max_keep_alive_ms_fast"))
        add("endpoint_min_ratio_virtuoso", endpoint.get("min_ratio_virtuoso_fast"))
        add("endpoint_min_ratio_virtuoso_uncached", endpoint.get("min_ratio_virtuoso_fast_uncached"))
        add("endpoint_max_keep_alive_ms_uncached", endpoint.get("max_keep_alive_ms_fast_uncached"))
    return {name: {"min": min(values), "median": round(statistics.median(values), 3), "max": max(values)}
            for name, values in picks.items()} | {"runs": len(runs), "failed": len(runs) - len(done),
                                                   "same_verdict_every_run": all(r.get("same_verdict", r.get("sample", {}).get("same_verdict", True))
                                                                                 for r in done)}


def run_timeout(size: int) -> float:
    """The seconds a run of ``size`` claims may take unless told: an hour for every 250,000 claims,
    at least one (a 1,000,000-claim run took 58 minutes to its last step, on 2 cores)."""
    return 3600.0 * max(1, -(-size // 250_000))


def run(project: Project, sizes: list[int], out: Path, seed: int = 1, reference_up_to: int = 100000,
        timeout: float | None = None, parts: int | None = None, endpoint: bool = True, repeats: int = 3,
        virtuoso: bool = True, progress: Callable[[str], None] | None = None, release_up_to: int = 10000) -> dict:
    """Run every size ``repeats`` times, each in a fresh process; write and return all figures with
    each size's :func:`summary`. ``progress`` is told each run as it starts; ``timeout`` is the
    seconds a run may take (default: :func:`run_timeout` of its size); up to ``release_up_to``
    claims a run also times the full release (:func:`release_figures`)."""
    results: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                                           "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
                               "sizes": []}
    for size in sizes:
        entry: dict[str, Any] = {"size": size, "runs": []}
        results["sizes"].append(entry)
        for attempt in range(repeats):
            if progress is not None:
                progress(f"{size:,} claims, run {attempt + 1} of {repeats}")
            command = [sys.executable, "-m", "exomirkg", "bench", "--root", str(project.root), "--one", str(size),
                       "--seed", str(seed)]
            command += ["--parts", str(parts)] if parts else []
            command += ["--no-reference"] if size > reference_up_to else []
            command += [] if endpoint else ["--no-endpoint"]
            command += [] if virtuoso else ["--no-virtuoso"]
            command += ["--release"] if size <= release_up_to else []
            try:
                limit = timeout or run_timeout(size)
                run_ = subprocess.run(command, capture_output=True, text=True, timeout=limit, check=False)
                figures = json.loads(run_.stdout.strip().splitlines()[-1]) if run_.returncode == 0 else \
                    {"size": size, "error": failure_said(run_.stderr, run_.returncode), **figures_said(run_.stderr)}
            except subprocess.TimeoutExpired as stopped:
                figures = {"size": size, "error": f"did not finish in {limit:g} s", **figures_said(stopped.stderr)}
            entry["runs"].append(figures)
            entry["summary"] = summary(entry["runs"])
            out.parent.mkdir(parents=True, exist_ok=True)       # written after every run: nothing lost on a stop
            out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return results


def table(results: dict) -> str:
    """The figures as a plain-text table: one line per run, then the minimum and median of each size."""
    machine = results["machine"]
    lines = [f"machine: {machine['cores']} cores, {machine.get('memory_gb', '?')} GB, Python {machine['python']}",
             (f"{'claims':>8} {'run':>4} {'quads':>9} {'build s':>8} {'shacl s':>8} {'struct s':>8} {'load s':>7} {'max q ms':>9} "
              f"{'b+v+l+q s':>10} {'peak MB':>8} {'pyshacl s':>10} {'same':>5} {'speed-up':>8} {'ep/oxi':>7} {'ka ms':>6} {'ep/virt':>7} "
              f"{'uncached: ep/oxi':>16} {'ka ms':>6} {'ep/virt':>7}")]
    for entry in results["sizes"]:
        for number, f in enumerate(entry["runs"], 1):
            if "error" in f:
                done = ", ".join(f"{k} {v} s" for k, v in f.get("seconds", {}).items())
                if f.get("queries"):
                    slowest = max(f["queries"], key=lambda name: f["queries"][name]["median_ms"])
                    done += f"; queries: slowest {slowest} {f['queries'][slowest]['median_ms']} ms"
                if "peak_pipeline_mb" in f:
                    done += f"; peak {f['peak_pipeline_mb']} MB"
                lines.append(f"{entry['size']:>8} {number:>4} error: {f['error']}" + (f" (done: {done})" if done else ""))
                continue
            s = f["seconds"]
            worst = max(q["median_ms"] for q in f["queries"].values())
            endpoint = f.get("endpoint", {})
            lines.append(f"{f['size']:>8} {number:>4} {f['quads']:>9} {s['build']:>8} {s['validate_shacl']:>8} {s['validate_structure']:>8} "
                         f"{s['load']:>7} {worst:>9} {s['build_validate_load_query']:>10} {f['peak_pipeline_mb']:>8} "
                         f"{s.get('validate_pyshacl', '-'):>10} {f.get('same_verdict', '-')!s:>5} "
                         f"{f.get('speedup_vs_pyshacl', '-'):>8} {endpoint.get('min_ratio_slow', '-')!s:>7} "
                         f"{endpoint.get('max_keep_alive_ms_fast', '-')!s:>6} {endpoint.get('min_ratio_virtuoso_fast', '-')!s:>7} "
                         f"{endpoint.get('min_ratio_slow_uncached', '-')!s:>16} {endpoint.get('max_keep_alive_ms_fast_uncached', '-')!s:>6} "
                         f"{endpoint.get('min_ratio_virtuoso_fast_uncached', '-')!s:>7}")
        for name, value in entry.get("summary", {}).items():
            if isinstance(value, dict):
                lines.append(f"{entry['size']:>8}  {name}: min {value['min']}, median {value['median']}, max {value['max']}")
    return "\n".join(lines)
