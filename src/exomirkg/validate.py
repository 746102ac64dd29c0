"""``exomirkg validate``: SHACL validation of the KG (or any RDF file) against ``shapes/``.

Two kinds of checks run:

- the SHACL shapes, with pyshacl (the reference engine) or rudof (``--engine rudof``, much
  faster on large graphs; the tests hold both to the same results);
- nanopublication structure checks that need named graphs, which SHACL on one graph cannot see:
  a table of small functions (``STRUCTURE_CHECKS``), run when the input has named graphs.

Violations are grouped by claim and, for the project's own claims, point at the curation file
and line the claim comes from.
"""
from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .claimgraph import union_graph
from .errors import ExomirError
from .namespaces import CLAIM, EXO, NANOPUB, NP

FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld",
           ".json": "json-ld", ".owl": "xml", ".rdf": "xml"}
ENGINES = ("pyshacl", "rudof", "jena")
STRUCTURE = URIRef("https://w3id.org/exomir-kg/shapes/NanopublicationStructure")


class UnusableInput(ExomirError):
    """An input file cannot be read as RDF (exit code 2)."""


class ValidationFailed(ExomirError):
    """The KG does not conform to the shapes; nothing was written."""

    def __init__(self, report: "ValidationReport", locations: dict[str, str] | None = None):
        self.report = report
        super().__init__(report.as_text(locations))


@dataclass(frozen=True, order=True)
class Violation:
    """One validation result, in plain words."""

    focus: str
    path: str
    component: str
    value: str
    message: str
    shape: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What two engines must agree on: focus node, path, constraint component and value."""
        return (self.focus, self.path, self.component, self.value)

    def describe(self) -> str:
        what = f"{_short(self.path)}: " if self.path else ""
        value = f" (value: {_short(self.value)})" if self.value else ""
        return f"{what}{self.message}{value}"


@dataclass
class ValidationReport:
    engine: str
    violations: list[Violation]
    data: Graph = field(repr=False)
    report_graph: Graph | None = field(default=None, repr=False)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def by_claim(self) -> dict[str, list[Violation]]:
        """Claim id (or the focus node when no claim refers to it) -> its violations."""
        groups: dict[str, list[Violation]] = defaultdict(list)
        for violation in sorted(self.violations):
            for key in claims_of(URIRef(violation.focus), self.data) or [violation.focus]:
                groups[key].append(violation)
        return dict(sorted(groups.items()))

    def as_text(self, locations: dict[str, str] | None = None) -> str:
        if self.conforms:
            return f"conforms ({self.engine}): no violations"
        lines = [f"does not conform ({self.engine}): {len(self.violations)} violation(s)"]
        for key, violations in self.by_claim().items():
            where = f" [{locations[key]}]" if locations and key in locations else ""
            lines.append(f"{key}{where}:")
            for violation in violations:
                focus = "" if violation.focus.endswith("/" + key) else f" on {_short(violation.focus)}"
                lines.append(f"  - {violation.describe()}{focus}")
        return "\n".join(lines)

    def as_turtle(self) -> str:
        """The standard sh:ValidationReport (plus results of the structure checks)."""
        graph = Graph()
        graph.bind("sh", SH)
        report = URIRef("https://w3id.org/exomir-kg/validation-report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for index, violation in enumerate(sorted(self.violations)):
            node = URIRef(f"{report}/result/{index + 1}")
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.resultSeverity, SH.Violation))
            graph.add((node, SH.focusNode, URIRef(violation.focus)))
            graph.add((node, SH.sourceConstraintComponent, URIRef(violation.component)))
            graph.add((node, SH.resultMessage, Literal(violation.message)))
            if violation.path:
                graph.add((node, SH.resultPath, URIRef(violation.path)))
            if violation.shape.startswith("http"):
                graph.add((node, SH.sourceShape, URIRef(violation.shape)))
            if violation.value:
                graph.add((node, SH.value, URIRef(violation.value) if violation.value.startswith("http")
                           else Literal(violation.value)))
        return graph.serialize(format="turtle")


def _short(text: str) -> str:
    for prefix, base in (("exo:", str(EXO)), ("claim:", str(CLAIM)), ("np:", str(NANOPUB)),
                         ("rdfs:", str(RDFS)), ("rdf:", str(RDF)), ("obo:", "http://purl.obolibrary.org/obo/")):
        if text.startswith(base):
            return prefix + text[len(base):]
    return text


def claims_of(node: URIRef, graph: Graph) -> list[str]:
    """The claim ids a node belongs to: itself, its sub-node, its nanopublication, or the claims citing it."""
    text = str(node)
    for base in (str(CLAIM), str(NANOPUB)):
        if text.startswith(base):
            return [text[len(base):].split("/")[0]]
    claims = {str(s)[len(str(CLAIM)):].split("/")[0] for s in graph.subjects(None, node)
              if str(s).startswith(str(CLAIM))}
    return sorted(claims)


# --------------------------------------------------------------------------- reading input
def load_data(paths: Iterable[Path]) -> Dataset:
    """Read RDF files into one dataset; raise :class:`UnusableInput` with the reason."""
    dataset = Dataset(default_union=True)
    for path in paths:
        fmt = FORMATS.get(path.suffix)
        if fmt is None:
            raise UnusableInput(f"{path}: unknown RDF file type {path.suffix!r} (use one of {', '.join(FORMATS)})")
        if not path.is_file():
            raise UnusableInput(f"{path}: no such file")
        try:
            if fmt in ("trig", "nquads"):
                dataset.parse(path, format=fmt)
            else:
                dataset.graph(URIRef(path.resolve().as_uri())).parse(path, format=fmt)
        except Exception as error:      # rdflib raises many parser-specific types
            raise UnusableInput(f"{path}: not readable as {fmt}: {str(error).splitlines()[0]}") from error
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

        def get(prop: URIRef) -> str:
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


def _shape_name(shape: object, shapes: Graph) -> str:
    if shape is None:
        return ""
    name = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
    return str(shape) if isinstance(shape, URIRef) else str(name or "")


# --------------------------------------------------------------------------- nanopublication structure
StructureCheck = Callable[[Dataset], list[Violation]]


def _structure(focus: URIRef, message: str) -> Violation:
    return Violation(str(focus), "", str(STRUCTURE), "", message, str(STRUCTURE))


def _parts(dataset: Dataset) -> Iterable[tuple[URIRef, dict[str, URIRef | None]]]:
    for np_iri in sorted(set(dataset.subjects(RDF.type, NP.Nanopublication))):
        yield np_iri, {part: dataset.value(np_iri, getattr(NP, part))
                       for part in ("hasAssertion", "hasProvenance", "hasPublicationInfo")}


def _named(dataset: Dataset, iri: URIRef | None) -> Graph | None:
    if iri is None:
        return None
    graph = dataset.graph(iri)
    return graph if len(graph) else None


def check_head(dataset: Dataset) -> list[Violation]:
    """The head graph of each nanopublication names its three parts."""
    problems = []
    for np_iri, parts in _parts(dataset):
        head = _named(dataset, URIRef(f"{np_iri}/head"))
        if head is None or any((np_iri, getattr(NP, p), parts[p]) not in head for p in parts if parts[p]):
            problems.append(_structure(np_iri, "the head graph must state the nanopublication's assertion, provenance and publication info"))
    return problems


def check_assertion(dataset: Dataset) -> list[Violation]:
    """The assertion graph exists and holds exactly the claim it is about, typed."""
    typed: dict[str, set] = defaultdict(set)
    for s, _, _, g in dataset.quads((None, RDF.type, None, None)):
        text = str(s)
        if text.startswith(str(CLAIM)) and "/" not in text[len(str(CLAIM)):]:
            typed[str(getattr(g, "identifier", g))].add(s)
    problems = []
    for np_iri, parts in _parts(dataset):
        assertion = parts["hasAssertion"]
        if assertion is None or not len(dataset.graph(assertion)):
            problems.append(_structure(np_iri, "the assertion graph is missing or empty"))
        elif len(typed.get(str(assertion), ())) != 1:
            problems.append(_structure(np_iri, f"the assertion graph must hold exactly one claim, not {len(typed.get(str(assertion), ()))}"))
    return problems


def check_provenance(dataset: Dataset) -> list[Violation]:
    """The provenance graph mentions the assertion graph (derived from the review)."""
    problems = []
    for np_iri, parts in _parts(dataset):
        graph = _named(dataset, parts["hasProvenance"])
        if graph is None or parts["hasAssertion"] is None or not list(graph.predicate_objects(parts["hasAssertion"])):
            problems.append(_structure(np_iri, "the provenance graph must describe the assertion graph"))
    return problems


def check_pubinfo(dataset: Dataset) -> list[Violation]:
    """The publication-info graph mentions the nanopublication."""
    problems = []
    for np_iri, parts in _parts(dataset):
        graph = _named(dataset, parts["hasPublicationInfo"])
        if graph is None or not list(graph.predicate_objects(np_iri)):
            problems.append(_structure(np_iri, "the publication info graph must describe the nanopublication"))
    return problems


def check_no_blank_nodes(dataset: Dataset) -> list[Violation]:
    """Published claims have no blank nodes (they cannot be cited or merged)."""
    blank = [q for q in dataset.quads((None, None, None, None)) if isinstance(q[0], BNode) or isinstance(q[2], BNode)]
    owners = sorted({s for s, _, o, _ in blank if isinstance(o, BNode) and not isinstance(s, BNode)})
    message = "blank nodes are not allowed in published claims"
    if blank and not owners:
        return [_structure(STRUCTURE, f"{message} ({len(blank)} triples)")]
    return [_structure(owner, message) for owner in owners]


STRUCTURE_CHECKS: tuple[StructureCheck, ...] = (check_head, check_assertion, check_provenance, check_pubinfo,
                                                check_no_blank_nodes)


def has_named_graphs(dataset: Dataset) -> bool:
    return any(len(g) and not str(g.identifier).startswith("file:") for g in dataset.graphs()
               if g.identifier != dataset.default_graph.identifier)


ENGINE_FUNCTIONS = {"pyshacl": _pyshacl, "rudof": _rudof, "jena": _jena}


# --------------------------------------------------------------------------- chunks
def _owner(node) -> str | None:
    text = str(node)
    for base in (str(CLAIM), str(NANOPUB)):
        if text.startswith(base):
            return text[len(base):].split("/")[0]
    return None


def claim_chunks(data: Graph, shapes: Graph, size: int) -> list[tuple[Graph, set[str] | None]]:
    """Independent parts of the graph, each with the claim ids whose results it is trusted for.

    A claim part holds the triples of ``size`` claims (every subject under ``claim/Cn`` or
    ``np/Cn``), the type and label of every node they point to, and the whole description of the
    quotes, references and review issues they cite: all a claim's shapes look at. The last
    part holds everything no claim owns (entities, quotes, references, review issues, direct edges)
    plus the claims' triples that make entities targets (``sh:targetObjectsOf``); it is trusted for
    every focus node that no claim owns. The union of the trusted results is the whole graph's."""
    targeting = set(shapes.objects(None, SH.targetObjectsOf))
    owned: dict[str, list] = defaultdict(list)
    unowned = Graph()
    entity_part = Graph()
    for triple in data:
        owner = _owner(triple[0])
        if owner is None:
            unowned.add(triple)
            entity_part.add(triple)
        else:
            owned[owner].append(triple)
            if triple[1] in targeting:
                entity_part.add(triple)
    ids = sorted(owned)
    parts: list[tuple[Graph, set[str] | None]] = []
    for start in range(0, len(ids), size):
        part = Graph()
        chunk = ids[start:start + size]
        for claim_id in chunk:
            for s, p, o in owned[claim_id]:
                part.add((s, p, o))
                if isinstance(o, URIRef) and _owner(o) is None:
                    described = any((o, RDF.type, kind) in unowned for kind in (EXO.Quote, EXO.Reference, EXO.ReviewIssue))
                    for triple in (unowned.triples((o, None, None)) if described else
                                   (*unowned.triples((o, RDF.type, None)), *unowned.triples((o, RDFS.label, None)))):
                        part.add(triple)
        parts.append((part, set(chunk)))
    parts.append((entity_part, None))
    return parts


def _validate_part(args: tuple[str, str, str, list[str] | None]) -> list[tuple[str, ...]]:
    data_nt, shapes_ttl, engine, trusted = args
    data = Graph().parse(data=data_nt, format="nt")
    shapes = Graph().parse(data=shapes_ttl, format="turtle")
    violations, _ = ENGINE_FUNCTIONS[engine](data, shapes)
    keep = set(trusted) if trusted is not None else None
    return [tuple(v.__dict__.values()) for v in violations
            if (_owner(v.focus) in keep if keep is not None else _owner(v.focus) is None)]


# --------------------------------------------------------------------------- entry point
def validate(dataset: Dataset, shapes_path: Path, engine: str = "pyshacl", chunk_size: int | None = None,
             processes: int = 1) -> ValidationReport:
    """Validate a dataset against the shapes, plus the nanopublication structure when it has named graphs.

    With ``chunk_size`` the claims are validated in independent parts (:func:`claim_chunks`), in
    ``processes`` worker processes: the same violations, in time linear in the number of claims.
    """
    if engine not in ENGINES:
        raise ExomirError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    shapes = Graph().parse(shapes_path, format="turtle")
    data = union_graph(dataset)
    if chunk_size:
        shapes_ttl = shapes.serialize(format="turtle")
        jobs = [(part.serialize(format="nt"), shapes_ttl, engine, sorted(trusted) if trusted is not None else None)
                for part, trusted in claim_chunks(data, shapes, chunk_size)]
        if processes > 1:
            import multiprocessing as mp
            with mp.get_context("spawn").Pool(processes) as pool:
                found = pool.map(_validate_part, jobs)
        else:
            found = [_validate_part(job) for job in jobs]
        violations, report = [Violation(*fields) for part in found for fields in part], None
        # several parts may hold the same entity: keep one result per (focus, path, component, value)
        violations = list({v.key: v for v in sorted(violations)}.values())
    else:
        violations, report = ENGINE_FUNCTIONS[engine](data, shapes)
    if has_named_graphs(dataset):
        for check in STRUCTURE_CHECKS:
            violations.extend(check(dataset))
    else:
        violations.extend(check_no_blank_nodes(dataset))
    return ValidationReport(engine, sorted(set(violations)), data, report)
