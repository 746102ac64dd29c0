"""What validation found: violations, grouped by claim, as text or a SHACL report; the errors
raised when input cannot be used or a build does not conform."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..errors import ExomirError
from ..ids.namespaces import CLAIM, NANOPUB, shorten


class UnusableInput(ExomirError):
    """An input file cannot be read as RDF (exit code 2)."""


class ValidationFailed(ExomirError):
    """The KG does not conform to the shapes; nothing was written."""

    def __init__(self, report: ValidationReport, locations: dict[str, str] | None = None):
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
        what = f"{shorten(self.path)}: " if self.path else ""
        value = f" (value: {shorten(self.value)})" if self.value else ""
        return f"{what}{self.message}{value}"


@dataclass
class ValidationReport:
    engine: str
    violations: list[Violation]
    data: Graph | ox.Store = field(repr=False)      # what was checked: an rdflib graph or a pyoxigraph store
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
                focus = "" if violation.focus == key or violation.focus.endswith("/" + key) \
                    else f" on {shorten(violation.focus)}"
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


def claims_of(node: URIRef, graph) -> list[str]:
    """The claim ids a node belongs to: itself, its sub-node, its nanopublication, or the claims
    citing it (``graph``: an rdflib graph or a pyoxigraph store)."""
    text = str(node)
    for base in (str(CLAIM), str(NANOPUB)):
        if text.startswith(base):
            return [text[len(base):].split("/")[0]]
    if isinstance(graph, Graph):
        subjects = [str(s) for s in graph.subjects(None, node)]
    else:
        import pyoxigraph as ox
        subjects = [q.subject.value for q in graph.quads_for_pattern(None, None, ox.NamedNode(text))]
    return sorted({s[len(str(CLAIM)):].split("/")[0] for s in subjects if s.startswith(str(CLAIM))})
