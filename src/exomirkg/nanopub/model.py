"""The vocabulary of nanopublications, the errors this stage raises, and the data it reports.

Errors (raised) are :class:`NanopubError` and its subclasses, all :class:`~exomirkg.errors.ExomirError`.
Findings (reported) are :class:`Finding` records gathered in one :class:`NanopubReport` per
nanopublication: a checker returns them, it does not raise them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from pyoxigraph import NamedNode, Quad

from ..errors import ExomirError
from ..ids.namespaces import NP as NP_NAMESPACE

NP = str(NP_NAMESPACE)
NPX = "http://purl.org/nanopub/x/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NANOPUBLICATION = NamedNode(NP + "Nanopublication")
HAS_ASSERTION = NamedNode(NP + "hasAssertion")
HAS_PROVENANCE = NamedNode(NP + "hasProvenance")
HAS_PUBINFO = NamedNode(NP + "hasPublicationInfo")
HAS_SIGNATURE = NamedNode(NPX + "hasSignature")
HAS_SIGNATURE_TARGET = NamedNode(NPX + "hasSignatureTarget")
HAS_PUBLIC_KEY = NamedNode(NPX + "hasPublicKey")
HAS_ALGORITHM = NamedNode(NPX + "hasAlgorithm")
SIGNED_BY = NamedNode(NPX + "signedBy")
HAS_SIGNATURE_ELEMENT = NamedNode(NPX + "hasSignatureElement")   # the legacy (pre-2019) signature form

TEMP_PREFIX = "http://purl.org/nanopub/temp/"
"""Nanopublications whose IRI starts with this are published under :data:`NORM_PREFIX` + code."""
NORM_PREFIX = "https://w3id.org/np/"

Severity = TypingLiteral["error", "warning"]


class NanopubError(ExomirError):
    """Base class of the errors of the nanopub stage."""


class UnreadableNanopub(NanopubError):
    """The text is not RDF in the stated format (TriG, N-Quads or TriX): nothing could be checked."""


class MalformedNanopub(NanopubError):
    """A nanopublication that cannot be made trusty or signed, with the findings that say why."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        self.findings = list(findings or [])
        details = "".join(f"\n  - {f.message}" for f in self.findings)
        super().__init__(message + details)


class UnusableKey(NanopubError):
    """A signing key that cannot be read, or of an algorithm the stage does not sign with."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a nanopublication, in plain words.

    ``code`` is a short stable name (``empty-assertion``, ``trusty-mismatch``, ...) for programs;
    ``message`` is for people. A ``warning`` does not make the nanopublication invalid.
    """

    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.message} [{self.code}]"


@dataclass
class NanopubReport:
    """What a check found about one nanopublication of a text (``uri`` is None when the text
    names none). ``trusty``: its IRI carries an artifact code that matches its content;
    ``signed``: it carries a signature that verifies."""

    uri: str | None
    findings: list[Finding] = field(default_factory=list)
    trusty: bool = False
    signed: bool = False

    @property
    def errors(self) -> list[Finding]:
        """The findings that make the nanopublication invalid."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def valid(self) -> bool:
        """True when no finding is an error (warnings allowed)."""
        return not self.errors

    @property
    def status(self) -> str:
        """One word: ``invalid``, ``signed`` (and trusty), ``trusty``, or ``plain`` (valid, not trusty)."""
        if not self.valid:
            return "invalid"
        return "signed" if self.signed and self.trusty else "trusty" if self.trusty else "plain"

    def __str__(self) -> str:
        lines = [f"{self.uri or '(no nanopublication)'}: {self.status}"]
        lines += [f"  - {finding}" for finding in self.findings]
        return "\n".join(lines)


@dataclass(frozen=True)
class Nanopub:
    """The parts of one structurally sound nanopublication: its IRI, its four graphs and its quads
    (in document order, each in one of the four graphs)."""

    uri: NamedNode
    head: NamedNode
    assertion: NamedNode
    provenance: NamedNode
    pubinfo: NamedNode
    quads: tuple[Quad, ...]

    @property
    def graphs(self) -> tuple[NamedNode, NamedNode, NamedNode, NamedNode]:
        """The four graph IRIs, head first."""
        return (self.head, self.assertion, self.provenance, self.pubinfo)

    def graph(self, name: NamedNode) -> list[Quad]:
        """The quads of one of the four graphs, in document order, without duplicates."""
        return list(dict.fromkeys(q for q in self.quads if q.graph_name == name))

    def statements(self) -> list[Quad]:
        """Every quad once, graph by graph (head, assertion, provenance, publication info)."""
        return [q for name in self.graphs for q in self.graph(name)]
