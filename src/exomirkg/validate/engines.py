"""``exomirkg validate``: SHACL validation of the KG (or any RDF file) against ``shapes/``.

Two kinds of checks run:

- the SHACL shapes, with pyshacl (the reference engine), rudof (``--engine rudof``) or Jena SHACL
  (``--engine jena``, for large graphs); the tests hold all three to the same results;
- nanopublication structure checks that need named graphs, which SHACL on one graph cannot see:
  a table of SPARQL queries run on pyoxigraph (:mod:`.structure`).

Large graphs are validated in independent parts (one per nanopublication group, plus the shared
entities in each), in parallel: :func:`validate_parts`, :func:`validate_nquads`.

Violations (:mod:`.report`) are grouped by claim and, for the project's own claims, point at the
curation file and line the claim comes from.
"""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ..errors import ExomirError
from ..ids.known import KNOWN_IDENTIFIER, IdentifierCheck, UnknownIdentifierUse
from ..ids.namespaces import NANOPUB
from ..rdf.claimgraph import ValidationParts, union_graph
from .report import (
    UnusableInput,
    ValidationFailed,  # noqa: F401 - TEMPORARY until the CLI imports it from .report
    ValidationReport,
    Violation,
)
from .structure import has_named_graphs, structure_violations

FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld",
           ".json": "json-ld", ".owl": "xml", ".rdf": "xml"}
ENGINES = ("pyshacl", "rudof", "jena")


# --------------------------------------------------------------------------- reading input
def load_data(paths: Iterable[Path]) -> Dataset:
    """Read RDF files into one dataset; raise :class:`UnusableInput` with the reason (a file without
    a single triple is unusable: it must never "conform")."""
    dataset: Dataset | None = None
    for path in paths:
        one = read_file(path)
        if dataset is None:
            dataset = one
        else:
            for s, p, o, g in one.quads((None, None, None, None)):
                (dataset.graph(g) if g is not None else dataset.default_graph).add((s, p, o))
    if dataset is None:
        raise UnusableInput("no RDF file given")
    return dataset


def read_file(path: Path) -> Dataset:
    """One RDF file as a dataset (Turtle, N-Triples, JSON-LD, RDF/XML in a graph named by the file);
    :class:`UnusableInput` when it is of an unknown type, missing, unreadable or holds no triple."""
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise UnusableInput(f"{path}: unknown RDF file type {path.suffix!r} (use one of {', '.join(FORMATS)})")
    if not path.is_file():
        raise UnusableInput(f"{path}: no such file")
    dataset = Dataset(default_union=True)
    try:
        if fmt in ("trig", "nquads"):
            dataset.parse(path, format=fmt)
        else:
            dataset.graph(URIRef(path.resolve().as_uri())).parse(path, format=fmt)
    except Exception as error:      # rdflib raises many parser-specific types
        raise UnusableInput(f"{path}: not readable as {fmt}: {str(error).splitlines()[0]}") from error
    if next(iter(dataset.quads((None, None, None, None))), None) is None:
        raise UnusableInput(f"{path}: no triples: there is nothing to validate "
                            f"({path.stat().st_size} bytes of {fmt}, not one triple)")
    return dataset


# --------------------------------------------------------------------------- SHACL engines
def _pyshacl(data: Graph, shapes: Graph) -> tuple[list[Violation], Graph]:
    import pyshacl

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                    allow_warnings=True)
    return _report_violations(report, shapes), report


def _report_violations(report: Graph, shapes: Graph) -> list[Violation]:
    """The top-level results of a standard sh:ValidationReport (details of sh:node results are not results)."""
    violations = []
    nested = set(report.objects(None, SH.detail))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue

        def get(prop: URIRef, result: Node = result) -> str:
            value = report.value(result, prop)
            return "" if value is None or isinstance(value, BNode) else str(value)
        shape = report.value(result, SH.sourceShape)
        violations.append(Violation(get(SH.focusNode), get(SH.resultPath), get(SH.sourceConstraintComponent),
                                    get(SH.value), get(SH.resultMessage), _shape_name(shape, shapes)))
    return violations


def _rudof(data: Graph, shapes: Graph) -> tuple[list[Violation], Graph | None]:
    try:
        import pyrudof
    except ImportError as error:
        raise ExomirError("the rudof engine needs the pyrudof package (pip install pyrudof)") from error
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    with tempfile.TemporaryDirectory() as folder:
        data_path, shapes_path = Path(folder) / "data.nt", Path(folder) / "shapes.ttl"
        data.serialize(data_path, format="nt", encoding="utf-8")
        shapes.serialize(shapes_path, format="turtle", encoding="utf-8")
        rudof.read_data(str(data_path), format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
        rudof.read_shacl(str(shapes_path), format=pyrudof.ShaclFormat.Turtle)
        result = rudof.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)
    report = Graph().parse(data=rudof.serialize_shacl_validation_results(
        format=pyrudof.ResultShaclValidationFormat.Turtle), format="turtle")
    violations = []
    for entry in result.violations:
        violations.append(Violation(_rudof_term(entry.focus_node), _rudof_term(entry.path),
                                    _rudof_term(entry.constraint_component), _rudof_term(entry.value),
                                    _rudof_message(entry.message), _rudof_term(entry.source_shape)))
    return violations, report


def _jena(data: Graph, shapes: Graph) -> tuple[list[Violation], Graph]:
    from .jena import shacl_validate
    with tempfile.TemporaryDirectory() as folder:
        data_path, shapes_path = Path(folder) / "data.nt", Path(folder) / "shapes.ttl"
        data.serialize(data_path, format="nt", encoding="utf-8")
        shapes.serialize(shapes_path, format="turtle", encoding="utf-8")
        report = Graph().parse(data=shacl_validate(data_path, shapes_path), format="turtle")
    return _report_violations(report, shapes), report


def _rudof_term(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith("_:"):
        return ""
    if text.startswith('"'):
        return text[1:text.rfind('"')]
    if text.startswith("sh:"):
        return str(SH) + text[3:]
    return text


def _rudof_message(message: object) -> str:
    text = str(message or "")
    if len(text) >= 2 and text[0] == '"':
        text = text[1:text.rfind('"')]
    return text


def _shape_name(shape: Node | None, shapes: Graph) -> str:
    if shape is None:
        return ""
    name = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
    return str(shape) if isinstance(shape, URIRef) else str(name or "")


ENGINE_FUNCTIONS = {"pyshacl": _pyshacl, "rudof": _rudof, "jena": _jena}


# --------------------------------------------------------------------------- SHACL on files, in parts
def _engine_on_file(engine: str, data_nt: Path, shapes_path: Path, gc_threads: int | None = None,
                    jvms: int = 1, part: tuple[int, int] | None = None) -> list[Violation]:
    """The SHACL violations of one N-Triples file, by any engine (``jvms``: Jena JVMs side by side;
    ``part``: (K, N) when the file is part K of N)."""
    shapes = Graph().parse(shapes_path, format="turtle")
    if engine == "jena":
        from .jena import shacl_validate
        report = shacl_validate(data_nt, shapes_path, gc_threads=gc_threads, jvms=jvms, part=part)
        return _report_violations(Graph().parse(data=report, format="turtle"), shapes)
    return ENGINE_FUNCTIONS[engine](Graph().parse(data_nt, format="nt"), shapes)[0]


FileJob = tuple[str, str, str, "int | None", int, tuple[int, int]]


def _file_job(job: FileJob) -> list[Violation]:
    """Run one part (engine, part file, shapes, GC threads, JVMs side by side, (K, N))."""
    engine, data_nt, shapes_path, gc_threads, jvms, part = job
    return _engine_on_file(engine, Path(data_nt), Path(shapes_path), gc_threads, jvms, part)


def nanopublication_of(graph_name: str) -> str | None:
    """The id of the nanopublication a graph belongs to (``np/ID/part``), else None."""
    base = str(NANOPUB)
    return graph_name[len(base):].split("/")[0] if graph_name.startswith(base) else None


def split_into_parts(quads: Iterable, folder: Path, parts: int) -> list[Path]:
    """Write N-Triples part files that validate independently, from pyoxigraph quads: each
    nanopublication's graphs go to one part (round robin, in order of appearance), everything else
    (the shared entities, quotes, references) to every part.

    Every shape looks only at a focus node's own triples and at the types and labels of the nodes
    they point to, never back at what points to it; a claim's triples all sit in its
    nanopublication's graphs. So each part gives exactly the whole graph's results for the focus
    nodes it targets, every focus node is targeted in some part, and the union of the parts' results
    is the whole graph's (tested on every negative fixture).
    """
    import pyoxigraph as ox
    paths = [folder / f"part-{index + 1}.nt" for index in range(parts)]
    with contextlib.ExitStack() as stack:
        handles = [stack.enter_context(open(path, "w", encoding="utf-8")) for path in paths]
        writer = ValidationParts(handles)
        for quad in quads:
            graph = quad.graph_name
            owner = nanopublication_of(graph.value) if isinstance(graph, ox.NamedNode) else None
            writer.write(owner, [f"{quad.triple} .\n"])
    return paths


def validate_parts(parts: list[Path], shapes_path: Path, engine: str = "jena", processes: int = 2) -> list[Violation]:
    """SHACL on independent part files (:func:`split_into_parts`), ``processes`` at a time; the
    union of their results, one per (focus, path, component, value)."""
    import os
    gc_threads = max(1, (os.cpu_count() or 1) // processes) if processes > 1 else None
    jvms = max(1, min(processes, len(parts)))
    jobs: list[FileJob] = [(engine, str(part), str(shapes_path), gc_threads, jvms, (index + 1, len(parts)))
                           for index, part in enumerate(parts)]
    if processes > 1 and len(jobs) > 1:
        if engine == "jena":             # each part is its own JVM: threads are enough
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(processes) as threads:
                found = list(threads.map(_file_job, jobs))
        else:
            import multiprocessing as mp
            with mp.get_context("spawn").Pool(processes) as pool:
                found = pool.map(_file_job, jobs)
    else:
        found = [_file_job(job) for job in jobs]
    return list({v.key: v for v in sorted(v for part in found for v in part)}.values())


# --------------------------------------------------------------------------- entry point
def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ExomirError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")


def identifier_violations(unknown: Iterable[UnknownIdentifierUse]) -> list[Violation]:
    """A violation (on the IRI) for every identifier of a checked registry that the reference tables
    do not hold (:mod:`exomirkg.ids.known`)."""
    return [Violation(use.iri, "", KNOWN_IDENTIFIER, "", use.message, KNOWN_IDENTIFIER) for use in unknown]


def validate(dataset: Dataset, shapes_path: Path, engine: str = "pyshacl", parts: int | None = None,
             processes: int = 1, identifiers: IdentifierCheck | None = None) -> ValidationReport:
    """Validate a dataset against the shapes, plus the nanopublication structure when it has named graphs,
    plus (with ``identifiers``) the existence of every identifier in the reference tables.

    With ``parts`` the graph is validated in that many independent parts (:func:`split_into_parts`),
    ``processes`` at a time: the same violations, in time linear in the number of claims.
    """
    _check_engine(engine)
    shapes = Graph().parse(shapes_path, format="turtle")
    data = union_graph(dataset)
    report = None
    if parts:
        from ..rdf.serialize import nquads
        with tempfile.TemporaryDirectory() as folder:
            import pyoxigraph as ox
            quads = ox.parse(nquads(dataset).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            files = split_into_parts(quads, Path(folder), parts)
            violations = validate_parts(files, shapes_path, engine, processes)
    else:
        violations, report = ENGINE_FUNCTIONS[engine](data, shapes)
    if has_named_graphs(dataset):
        violations.extend(structure_violations(dataset))
    else:
        violations.extend(v for v in structure_violations(dataset) if "blank nodes" in v.message)
    if identifiers is not None:
        violations.extend(identifier_violations(identifiers.unknown(dataset)))
    return ValidationReport(engine, sorted(set(violations)), data, report)


def validate_nquads(path: Path, shapes_path: Path, engine: str = "jena", parts: int = 2, processes: int = 2,
                    store=None, identifiers: IdentifierCheck | None = None) -> ValidationReport:
    """Validate a large N-Quads file without rdflib: loaded into a pyoxigraph store (or ``store``,
    already holding it), SHACL on independent parts written from the store, the structure checks
    on the store, and (with ``identifiers``) every identifier IRI looked up in the reference tables,
    collected while the quads go to the parts."""
    import pyoxigraph as ox
    _check_engine(engine)
    if store is None:
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as error:
            raise UnusableInput(f"{path}: not readable as nquads: {error}") from error
    if next(store.quads_for_pattern(None, None, None), None) is None:
        raise UnusableInput(f"{path}: no triples: there is nothing to validate")
    iris: set[str] = set()
    quads = store.quads_for_pattern(None, None, None)
    with tempfile.TemporaryDirectory() as folder:
        files = split_into_parts(identifiers.watch(quads, iris) if identifiers else quads, Path(folder), parts)
        violations = validate_parts(files, shapes_path, engine, processes)
    violations.extend(structure_violations(store))
    if identifiers is not None:
        violations.extend(identifier_violations(identifiers.unknown_among(iris)))
    return ValidationReport(engine, sorted(set(violations)), store, None)
