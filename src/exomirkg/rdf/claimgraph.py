"""Turning validated claims into RDF: one nanopublication per claim, plus shared entity descriptions.

Each claim ``C001`` becomes four named graphs under ``np/C001/``:

- ``head``: the nanopublication and its three parts;
- ``assertion``: the claim node (``claim/C001``, typed by claim type, with its qualifiers) and the
  direct edges (miRNA -> target / process / cell / disease) that repeat its core;
- ``provenance``: the assertion's source (the review), its supporting quotes, cited references,
  ECO evidence, block-citation, retraction and review-issue flags;
- ``pubinfo``: who published the nanopublication, when, under which licence.

Quotes, references, review issues and every external entity (miRBase, HGNC, GO, CL, ...) are
described once, in the ``graph/entities`` graph. No blank nodes are minted.

Claims come from source documents: this review (a claim or issue with no ``source``) or others
(:class:`~exomirkg.curation.sources.Source`), each with its own numbered references, quotes and
issues, named under the source's key. The builder writes one source at a time: its claims, then its
entity descriptions, so memory holds one source's, not the whole KG's; the statistics
(:mod:`.statistics`) are counted on the way and written last, in ``graph/statistics``.

It runs to some 650 lines because one builder walks a claim into its four graphs, its source's
descriptions and the shared entities graph, and writes them as it goes (sink, parts, statistics);
split, its methods would pass the same state back and forth.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TextIO

from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS as DCTERMS_NAMESPACE
from rdflib.namespace import PROV as PROV_NAMESPACE
from rdflib.namespace import RDF as RDF_NAMESPACE
from rdflib.namespace import RDFS as RDFS_NAMESPACE
from rdflib.namespace import SKOS as SKOS_NAMESPACE
from rdflib.namespace import XSD as XSD_NAMESPACE

from ..curation.schema import FieldSpec
from ..curation.sources import Claim, Curation, Quote, ReviewIssue, Source
from ..dataset import LICENSE, REVIEW_DOI, REVIEW_DOI_IRI
from ..ids import namespaces as ns
from ..ids.namespaces import DATASET_IRI, ENTITIES_GRAPH, OBO, PREFIXES
from ..ids.prefixes import Curie, PrefixRegistry
from ..ids.reference import MiRNAEntity, Reference, ReferenceTables, ResolvedMiRNA
from .sentences import camel_words, sentence
from .statistics import RDF_TYPE, Statistics


class Terms:
    """A namespace's IRIs as plain strings, each made once (``EXO.Claim``, ``EXO["Claim"]``): rdflib's
    Namespace makes and checks a new URIRef on every use, a quarter of the build's time. A term, once
    made, is an attribute of the instance, read without a call."""

    def __init__(self, namespace: str) -> None:
        self._base = str(namespace)

    def __getattr__(self, local: str) -> str:
        if local.startswith("__"):
            raise AttributeError(local)
        made = self.__dict__[local] = self._base + local
        return made

    def __getitem__(self, local: str) -> str:
        return self.__dict__.get(local) or self.__getattr__(local)


class Names:
    """IRIs minted per claim, quote or reference (``CLAIM["C131"]``): joined, never kept."""

    __slots__ = ("_base",)

    def __init__(self, namespace: str) -> None:
        self._base = str(namespace)

    def __getitem__(self, local: str) -> str:
        return self._base + local


EXO, NP = Terms(ns.EXO), Terms(ns.NP)
RDF, RDFS, DCTERMS = Terms(str(RDF_NAMESPACE)), Terms(str(RDFS_NAMESPACE)), Terms(str(DCTERMS_NAMESPACE))
PROV, SKOS, XSD = Terms(str(PROV_NAMESPACE)), Terms(str(SKOS_NAMESPACE)), Terms(str(XSD_NAMESPACE))
CLAIM, NANOPUB, PANEL = Names(ns.CLAIM), Names(ns.NANOPUB), Names(ns.PANEL)
REFERENCE, QUOTE, ISSUE = Names(ns.REFERENCE), Names(ns.QUOTE), Names(ns.ISSUE)

REVIEW = REVIEW_DOI_IRI
SO_MATURE = OBO["SO_0000276"]        # miRNA
SO_PRECURSOR = OBO["SO_0001244"]     # pre_miRNA
SO_GENE = OBO["SO_0001265"]          # miRNA_gene
DEFAULT_EVIDENCE = Curie("ECO", "0000304")


class NTLiteral(str):
    """A literal already written as N-Triples (``"text"``, ``"5"^^<...#integer>``)."""

    __slots__ = ()


def literal(value: object, datatype: str | None = None) -> NTLiteral:
    """A literal in N-Triples form, written as rdflib writes it (tested equal): str, bool, int, or a
    lexical form with its datatype."""
    if isinstance(value, bool):
        lexical, datatype = ("true" if value else "false"), str(XSD.boolean)
    elif isinstance(value, int):
        lexical, datatype = str(value), str(XSD.integer)
    elif isinstance(value, str):
        lexical = value
    else:
        raise TypeError(f"no literal form for {type(value).__name__} {value!r}")
    quoted = lexical.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    return NTLiteral(f'"{quoted}"^^<{datatype}>' if datatype else f'"{quoted}"')


SCOPES = ("claim", "source", "global")
"""Whose lines: one claim's nanopublication, one source's quotes, references and issues, or the
entities every source shares (miRNAs, genes, terms)."""


class LineWriter(Protocol):
    """Where N-Quads lines are written: a text file, or anything else with ``writelines``."""

    def writelines(self, lines: list[str], /) -> None: ...


class QuadSink:
    """Where the builder's quads go: N-Quads lines, each once, in the order they were first added,
    counted into :attr:`statistics` as they are handed on.

    Each claim's lines are handed to ``emit`` when the claim is done, its source's when the source
    is done, the shared entities' at the end: a large build streams them to a file.
    """

    def __init__(self, emit: Callable[[list[str], str], None] | None = None):
        self.lines: dict[str, dict[str, None]] = {scope: {} for scope in SCOPES}
        self.kept: list[str] = []
        self.statistics = Statistics()
        # the predicate of each new line, and the class of each new typing line that counts, since
        # the last hand-on: counted in bulk (Counter.update runs in C), not one line at a time
        self.predicates: list[str] = []
        self.classes: list[str] = []
        self._emit = emit or (lambda lines, scope: self.kept.extend(lines))

    def graph(self, iri: str, scope: str = "claim", counts_types: bool = True) -> QuadGraph:
        """A graph whose lines belong to ``scope``; ``counts_types=False`` for a graph that only
        repeats types stated elsewhere (a provenance graph)."""
        return QuadGraph(str(iri), self.lines[scope], self, counts_types)

    def _count(self) -> None:
        # str(): a URIRef (an OBO constant) hashes apart from its str
        self.statistics.properties.update(map(str, self.predicates))
        self.statistics.classes.update(map(str, self.classes))
        self.predicates.clear()
        self.classes.clear()

    def _hand_on(self, scope: str) -> None:
        self._count()
        if self.lines[scope]:
            self._emit(list(self.lines[scope]), scope)
            self.lines[scope].clear()

    def end_claim(self) -> None:
        """Hand the finished claim's lines to ``emit``."""
        self._hand_on("claim")

    def end_source(self) -> None:
        """Hand the finished source's lines (its quotes, references, issues) to ``emit``."""
        self._hand_on("claim")
        self._hand_on("source")

    def finish(self) -> None:
        """Hand the shared entity descriptions, then the statistics graph, to ``emit``."""
        self.end_source()
        self._hand_on("global")
        self._emit(self.statistics.nquad_lines(), "global")


class ValidationParts:
    """N-Triples part files that validate independently (why: :func:`exomirkg.validate.engines.split_into_parts`):
    each owner's triples (a nanopublication's, or every claim of a source's) go to one part, round
    robin in order of first appearance; a group's shared triples (a source's quotes and references)
    go to every part that holds one of its owners; other shared triples (owner and group None) to
    every part.

    Within a group (a source), a triple goes to a part once: each claim's provenance repeats the
    facts of the references it cites and the quotes it reads, which N-Triples would otherwise carry
    once per claim (a quarter of the lines of a synthetic KG). What is remembered is one source's
    lines, forgotten when the next group begins, so memory stays that of one source.
    """

    def __init__(self, handles: Sequence[TextIO]):
        self.handles = list(handles)
        self._assigned: dict[str, int] = {}
        self._groups: dict[str, set[int]] = {}
        self._group: str | None = None
        self._written: list[set[str]] = [set() for _ in self.handles]

    def _write_new(self, index: int, lines: list[str]) -> None:
        """Write to part ``index`` the lines it has not had in this group."""
        if self._group is None:
            self.handles[index].writelines(lines)
            return
        seen = self._written[index]
        new = [line for line in dict.fromkeys(lines) if line not in seen]
        seen.update(new)
        self.handles[index].writelines(new)

    def write(self, owner: str | None, lines: list[str], group: str | None = None) -> None:
        if group != self._group:
            self._group = group
            for seen in self._written:
                seen.clear()
        if owner is None:
            held = self._groups.pop(group, None) if group is not None else None
            for index in range(len(self.handles)):
                if held is None or index in held:
                    self._write_new(index, lines)
        else:
            index = self._assigned.setdefault(owner, len(self._assigned) % len(self.handles))
            self._write_new(index, lines)
            if group is not None:
                self._groups.setdefault(group, set()).add(index)


class QuadGraph:
    """A named graph of a :class:`QuadSink`: ``add((s, p, o))`` like an rdflib graph."""

    __slots__ = ("_classes", "_counts_types", "_lines", "_predicates", "_tail", "identifier")

    def __init__(self, identifier: str, lines: dict[str, None], sink: QuadSink, counts_types: bool = True):
        self.identifier = identifier
        self._lines = lines
        self._tail = f" <{identifier}> .\n"
        self._predicates = sink.predicates
        self._classes = sink.classes
        self._counts_types = counts_types

    def add(self, triple: tuple[str, str, str]) -> None:
        s, p, o = triple
        line = f"<{s}> <{p}> {o if isinstance(o, NTLiteral) else f'<{o}>'}{self._tail}"
        if line not in self._lines:
            self._lines[line] = None
            self._predicates.append(p)
            if p == RDF_TYPE and self._counts_types:
                self._classes.append(o)


@dataclass
class ClaimGraphBuilder:
    """Builds the whole KG: as N-Quads lines (:meth:`write_nquads`, :meth:`nquad_lines`) or as an
    rdflib :class:`Dataset` (:meth:`build`)."""

    prefixes: PrefixRegistry
    tables: ReferenceTables
    schema_fields: dict
    term_labels: dict[str, str] = field(default_factory=dict)   # IRI -> label of the ontology's own terms

    def __post_init__(self) -> None:
        self._reset(None)

    def _reset(self, emit: Callable[[list[str], str], None] | None) -> None:
        self.sink = QuadSink(emit)
        self.entities = self.sink.graph(ENTITIES_GRAPH, "global")        # shared by every source
        self.source_entities = self.sink.graph(ENTITIES_GRAPH, "source")  # the current source's
        self._described: set[Curie] = set()
        self._nodes: dict[object, str] = {}
        self._facts: dict[str, list[tuple[str, str, str]]] = {}     # a reference's facts, by its IRI
        self.current_source: Source | None = None

    # ----------------------------------------------------------------- sources
    @staticmethod
    def source_iri(source: Source | None) -> str:
        """The source document: this review's DOI IRI, or the source's own IRI."""
        return REVIEW if source is None else str(source.iri)

    def describe_source(self, source: Source | None) -> str:
        """The source document's type, label and licence (this review: also its DOI)."""
        node = self.source_iri(source)
        g = self.source_entities
        g.add((node, RDF.type, EXO.SourceDocument))
        if source is None:
            g.add((node, RDF.type, EXO.Review))
            review_ref = self.tables.references.get(0)
            g.add((node, RDFS.label, literal(review_ref.title if review_ref else "the review")))
            g.add((node, DCTERMS.license, str(LICENSE)))
            g.add((node, EXO.doi, literal(REVIEW_DOI)))
        else:
            g.add((node, RDF.type, EXO[source.kind]))
            g.add((node, RDFS.label, literal(source.label)))
        return node

    def _references_of(self, source: Source | None) -> dict[int, Reference]:
        return self.tables.references if source is None else {r.number: r for r in source.references}

    # ----------------------------------------------------------------- identifiers
    def iri(self, curie: Curie) -> str:
        return str(self.prefixes.iri(curie))

    def describe(self, curie: Curie) -> str:
        """Add the entity's label, bare id and other IRI forms to the entities graph, once."""
        node = self.iri(curie)
        if curie in self._described or curie.prefix == "exo":
            return node
        self._described.add(curie)
        g = self.entities
        g.add((node, RDFS.label, literal(self.tables.label(curie))))
        g.add((node, DCTERMS.identifier, literal(curie.bare_id)))
        g.add((node, SKOS.notation, literal(curie.local_id)))    # the local id, as Wikidata stores it
        for other in self.prefixes.other_iris(curie):
            g.add((node, SKOS.exactMatch, str(other)))
        if curie.prefix == "hgnc":
            row = self.tables.hgnc_genes.get(curie.local_id)
            if row:
                g.add((node, EXO.geneName, literal(row["Approved name"])))
        if curie.prefix == "cellosaurus":
            g.add((node, RDF.type, EXO.CellLine))
            self._describe_cell_line(node, curie)
        return node

    def _describe_cell_line(self, node: str, curie: Curie) -> None:
        """What Cellosaurus states about the line: species, disease, cell type, parent, caution."""
        facts = self.tables.cell_line_facts.get(curie.local_id)
        if facts is None:
            return
        g = self.entities
        if facts.species is not None:
            g.add((node, EXO.fromSpecies, self.iri(facts.species)))
        if facts.disease is not None:
            g.add((node, EXO.cellLineDisease, self.describe(facts.disease)))
        if facts.disease_name:
            g.add((node, EXO.cellLineDiseaseName, literal(facts.disease_name)))
        if facts.cell_type is not None:
            g.add((node, EXO.cellType, self.describe(facts.cell_type)))
        if facts.parent is not None:
            g.add((node, EXO.parentCellLine, self.describe(facts.parent)))
        if facts.caution:
            g.add((node, RDF.type, EXO.ProblematicCellLine))
            g.add((node, EXO.cellLineCaution, literal(facts.caution)))

    def problematic_lines(self, claim: Claim) -> list[tuple[str, str]]:
        """The cell lines of a claim (any cell field) that Cellosaurus flags, with its comment."""
        found = []
        for value in claim.values.values():
            if isinstance(value, Curie) and value.prefix == "cellosaurus":
                facts = self.tables.cell_line_facts.get(value.local_id)
                if facts is not None and facts.caution:
                    found.append((self.iri(value), facts.caution))
        return sorted(set(found))

    def describe_mirna(self, resolved: ResolvedMiRNA) -> list[str]:
        """Describe a resolved miRNA with its precursors, mature products and MIR genes."""
        g = self.entities
        for precursor in resolved.precursors:
            p_node = self._describe_mirbase(precursor.entity, SO_PRECURSOR)
            for mature in precursor.mature:
                g.add((p_node, EXO.hasMatureProduct, self._describe_mirbase(mature, SO_MATURE)))
            if precursor.gene is not None:
                gene = self.describe(precursor.gene)
                g.add((gene, RDF.type, SO_GENE))
                g.add((p_node, EXO.encodedByGene, gene))
        nodes = [self._describe_mirbase(e, SO_PRECURSOR if e.curie.prefix == "mirbase" else SO_MATURE)
                 for e in resolved.entities]
        for node in nodes:
            g.add((node, EXO.textName, literal(resolved.text_name)))
        return nodes

    def _describe_mirbase(self, entity: MiRNAEntity, so_class: str) -> str:
        node = self.describe(entity.curie)
        self.entities.add((node, RDF.type, so_class))
        return node

    # ----------------------------------------------------------------- provenance nodes
    @staticmethod
    def reference_iri(ref: Reference, source: Source | None = None) -> str:
        """``reference/117`` in this review, ``reference/KEY/5`` in another source."""
        return REFERENCE[str(ref.number) if source is None else f"{source.key}/{ref.number}"]

    def reference(self, ref: Reference, source: Source | None = None) -> str:
        node = self.reference_iri(ref, source)
        if self._nodes.setdefault(("reference", node), node) is not node:
            return node
        for triple in self._reference_facts(ref, source):
            self.source_entities.add(triple)
        return node

    def _reference_facts(self, ref: Reference, source: Source | None) -> list[tuple[str, str, str]]:
        """:meth:`reference_triples`, computed once a source (each claim citing it repeats them)."""
        key = self.reference_iri(ref, source)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._facts[key] = self.reference_triples(ref, source)
        return facts

    def reference_triples(self, ref: Reference, source: Source | None = None) -> list[tuple[str, str, str]]:
        """What the KG says of a cited reference: in the entities graph, and in the provenance of each
        nanopublication that cites it (so that a nanopublication carries its own evidence)."""
        node = self.reference_iri(ref, source)
        triples: list[tuple[str, str, str]] = [
            (node, RDF.type, EXO.Reference),
            (node, RDFS.label, literal(f"[{ref.number}] {ref.first_author} {ref.year}".strip()
                                       if ref.first_author else f"[{ref.number}] (unresolved)")),
            (node, EXO.referenceNumber, literal(ref.number)),
            (node, EXO.verificationStatus, literal(ref.status)),
            (node, DCTERMS.isReferencedBy, self.source_iri(source))]
        for prop, value in ((EXO.title, ref.title), (EXO.firstAuthor, ref.first_author),
                            (EXO.year, ref.year), (EXO.journal, ref.journal), (EXO.reviewNote, ref.note)):
            if value:
                triples.append((node, prop, literal(value)))
        if ref.verified:
            if ref.doi:
                triples.append((node, EXO.doi, literal(ref.doi)))
                triples.append((node, SKOS.exactMatch, str("https://doi.org/" + ref.doi)))
            if ref.pmid:
                triples.append((node, EXO.pmid, literal(ref.pmid)))
                triples.append((node, SKOS.exactMatch, str(self.prefixes.iri(Curie("pubmed", ref.pmid)))))
            if ref.pmcid:
                triples.append((node, EXO.pmcid, literal(ref.pmcid)))
        else:
            reason = {"probable": "the title matched a paper, but no DOI or PMID was seen for it",
                      "unknown": "the reference could not be identified from what the review says"}
            triples.append((node, EXO.unresolvedReason, literal(reason.get(ref.status, ref.status))))
        if ref.retracted:
            triples.append((node, EXO.retractionNotice, literal(ref.retraction)))
        return triples

    @staticmethod
    def quote_iri(quote: Quote, source: Source | None = None) -> str:
        """``quote/q`` + 12 hex digits of its text, section and location (and its source's key)."""
        key = f"{quote.text}\n{quote.section}\n{quote.location}" + ("" if source is None else f"\n{source.key}")
        return QUOTE["q" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]]

    def quote(self, quote: Quote, source: Source | None = None) -> str:
        node = self.quote_iri(quote, source)
        g = self.source_entities
        for number, (column, text) in enumerate(quote.cells, 1):     # a table row's printed cells
            if text:
                cell = str(f"{node}/cell/{number}")
                g.add((node, EXO.tableCell, cell))
                g.add((cell, RDF.type, EXO.TableCell))
                g.add((cell, EXO.columnNumber, literal(number)))
                g.add((cell, EXO.columnName, literal(column)))
                g.add((cell, EXO.text, literal(text)))
        if self._nodes.setdefault(("quote", node), node) is not node:
            return node
        g.add((node, RDF.type, EXO.Quote))
        g.add((node, EXO.text, literal(quote.text)))
        g.add((node, EXO.section, literal(quote.section)))
        g.add((node, EXO.location, literal(quote.location)))
        g.add((node, EXO.textLine, literal(quote.match.line)))
        g.add((node, EXO.quotedFrom, self.source_iri(source)))
        if quote.table:
            g.add((node, EXO.tableNumber, literal(quote.table[0])))
            g.add((node, EXO.tableRow, literal(quote.table[1])))
        return node

    def issue(self, issue: ReviewIssue) -> str:
        source = issue.source
        node = ISSUE[issue.id if source is None else f"{source.key}/{issue.id}"]
        g = self.source_entities
        g.add((node, RDF.type, EXO.ReviewIssue))
        g.add((node, EXO.inSource, self.source_iri(source)))
        g.add((node, RDFS.label, literal(f"{issue.id}: {issue.kind.replace('_', ' ')}")))
        g.add((node, EXO.issueKind, literal(issue.kind)))
        g.add((node, RDFS.comment, literal(issue.description)))
        for quote in issue.quotes:
            g.add((node, EXO.supportingQuote, self.quote(quote, source)))
        for claim_id in issue.claims:
            g.add((node, EXO.concernsClaim, CLAIM[claim_id]))
        references = self._references_of(source)
        for number in issue.references:
            ref = references.get(number)
            if ref:
                g.add((node, EXO.citesReference, self.reference(ref, source)))
        return node

    # ----------------------------------------------------------------- claims
    def add_claim(self, claim: Claim, created: str, creators: Sequence[tuple[str, str | None]] = ()) -> None:
        np_iri = NANOPUB[claim.id]
        head = self.sink.graph(f"{np_iri}/head")
        assertion = self.sink.graph(f"{np_iri}/assertion")
        provenance = self.sink.graph(f"{np_iri}/provenance", counts_types=False)
        pubinfo = self.sink.graph(f"{np_iri}/pubinfo")
        node = CLAIM[claim.id]
        source = claim.source
        origin = self.source_iri(source)
        claim_class = EXO[claim.type.class_name]
        self.sink.statistics.claim_classes.add(str(claim_class))
        self.sink.statistics.claims_per_source[str(origin)] += 1
        if claim.retracted_references:
            self.sink.statistics.claims_on_retracted[str(claim_class)] += 1

        head.add((np_iri, RDF.type, NP.Nanopublication))
        head.add((np_iri, NP.hasAssertion, assertion.identifier))
        head.add((np_iri, NP.hasProvenance, provenance.identifier))
        head.add((np_iri, NP.hasPublicationInfo, pubinfo.identifier))

        label = self.claim_label(claim)
        a = assertion
        a.add((node, RDF.type, claim_class))
        a.add((node, RDFS.label, literal(label)))
        subjects: list[str] = []
        if claim.mirnas:
            nodes = [n for resolved in claim.mirnas for n in self.describe_mirna(resolved)]
            for mirna in nodes:
                a.add((node, EXO.mirna, mirna))
            subjects = nodes
            if len(claim.mirnas) > 1:         # a panel of markers: one entity, the subject of the claim's edges
                panel = PANEL[claim.id]
                a.add((node, EXO.panel, panel))
                a.add((panel, RDF.type, EXO.BiomarkerPanel))
                a.add((panel, RDFS.label, literal("panel of " + (claim.values.get("as_written") or
                                                                 ", ".join(r.text_name for r in claim.mirnas)))))
                for member in nodes:
                    a.add((panel, EXO.panelMember, member))
                for member in claim.values.get("panel_markers", []):
                    a.add((panel, EXO.panelMember, self.describe(member)))
                subjects = [panel]
            a.add((node, EXO.mirnaAsWritten, literal(claim.values.get("as_written") or
                                                     " / ".join(r.text_name for r in claim.mirnas))))
            a.add((node, EXO.armUnspecified, literal(not all(r.arm_specified for r in claim.mirnas))))
        for name, value in sorted(claim.values.items()):
            spec = self.schema_fields[name]
            if name in ("as_written", "evidence", "panel_markers"):
                continue
            if spec.measure:
                m = str(f"{node}/{name}")
                a.add((node, EXO.hasMeasurement, m))
                if len(claim.mirnas) > 1:
                    a.add((PANEL[claim.id], EXO.hasMeasurement, m))    # the panel's own figure
                a.add((m, RDF.type, EXO.Measurement))
                measure = Curie(*spec.measure.split(":"))
                a.add((m, EXO.measures, self.describe(measure)))
                a.add((m, RDFS.label, literal(f"{name} of {claim.id}")))
                a.add((m, EXO.value, literal(f"{value:.3f}".rstrip("0").rstrip("."), XSD.decimal)))
                continue
            for term in self._terms(spec, value):
                a.add((node, EXO[spec.predicate], term))
        self._add_edges(claim, node, subjects, a)
        p = provenance
        p.add((assertion.identifier, PROV.wasDerivedFrom, origin))
        p.add((assertion.identifier, EXO.describesClaim, node))
        p.add((node, PROV.wasDerivedFrom, origin))
        evidence = claim.values.get("evidence", DEFAULT_EVIDENCE)
        p.add((node, EXO.evidence, self.describe(evidence)))
        p.add((self.iri(evidence), RDFS.label, literal(self.tables.label(evidence))))
        for quote in claim.quotes:                       # the quote's words travel with the nanopublication
            quote_node = self.quote(quote, source)
            p.add((node, EXO.supportingQuote, quote_node))
            p.add((quote_node, RDF.type, EXO.Quote))
            p.add((quote_node, EXO.text, literal(quote.text)))
            p.add((quote_node, EXO.quotedFrom, origin))
        for ref in claim.references:                     # and so does what is known of the cited study
            p.add((node, EXO.citesReference, self.reference(ref, source)))
            p.add((node, EXO.citesReferenceNumber, literal(ref.number)))   # once: a store's union repeats the reference's own
            for triple in self._reference_facts(ref, source):
                p.add(triple)
        if claim.block_citation:
            p.add((node, EXO.blockCitation, literal(True)))
        p.add((node, EXO.restsOnRetractedStudy, literal(bool(claim.retracted_references))))
        if claim.pathway is not None:                             # the review's section is about this pathway
            p.add((node, EXO.discussedUnderPathway, self.describe(claim.pathway)))
        for line, caution in self.problematic_lines(claim):       # the comment travels with the claim
            p.add((node, EXO.restsOnProblematicCellLine, line))
            p.add((line, EXO.cellLineCaution, literal(caution)))
        for issue_id in claim.issues:
            p.add((node, EXO.hasIssue, ISSUE[issue_id if source is None else f"{source.key}/{issue_id}"]))

        i = pubinfo
        i.add((np_iri, DCTERMS.created, literal(f"{created}T00:00:00", XSD.dateTime)))   # no time zone: the one form rdflib and Oxigraph both keep as written
        for name, orcid in creators or (("exomir-kg curators", None),):
            if orcid:                                             # a person: their ORCID IRI, named
                i.add((np_iri, DCTERMS.creator, str(orcid)))
                i.add((str(orcid), RDFS.label, literal(name)))
            else:
                i.add((np_iri, DCTERMS.creator, literal(name)))
        i.add((np_iri, DCTERMS.license, str(LICENSE)))
        i.add((np_iri, DCTERMS.isPartOf, str(DATASET_IRI)))
        i.add((np_iri, RDFS.label, literal(f"{claim.id}: {label}")))
        i.add((np_iri, PROV.wasDerivedFrom, origin))

    def _terms(self, spec: FieldSpec, value: object) -> list[str]:
        """The RDF terms of one field value: entities described, enum values as exo terms, literals."""
        if spec.kind == "curie":
            return [self.describe(value)]                       # type: ignore[arg-type]
        if spec.kind == "curies":
            return [self.describe(v) for v in value]            # type: ignore[attr-defined]
        if spec.kind == "enum":
            return [EXO[spec.values[value]]]                     # type: ignore[index]
        return [literal(value)]

    def _add_edges(self, claim: Claim, node: str, subjects: list[str], a: QuadGraph) -> None:
        """The claim's direct edges, each also as a qualified edge (``claim/C001/edge/1``, an
        ``rdf:Statement``) that carries the claim's qualifier fields (schema.yaml ``qualifier: true``):
        a direct edge never says more than its claim without its context one hop away."""
        qualifiers = [(self.schema_fields[name], value) for name, value in sorted(claim.values.items())
                      if self.schema_fields[name].qualifier]
        index = 0
        for edge in claim.type.edges:
            if any(claim.values.get(k) != v for k, v in edge.when.items()):
                continue
            target = claim.values.get(edge.object_field)
            if target is None:
                continue
            if edge.object_field == "role":
                obj = EXO[self.schema_fields["role"].values[target]]
            else:
                obj = self.describe(target)
            for subject in subjects:
                a.add((subject, EXO[edge.predicate], obj))
                index += 1
                qualified = str(f"{node}/edge/{index}")
                a.add((qualified, RDF.type, EXO.QualifiedEdge))
                a.add((qualified, RDF.subject, subject))
                a.add((qualified, RDF.predicate, EXO[edge.predicate]))
                a.add((qualified, RDF.object, obj))
                a.add((qualified, EXO.edgeOf, node))
                for spec, value in qualifiers:
                    for term in self._terms(spec, value):
                        a.add((qualified, EXO[spec.predicate], term))

    def claim_label(self, claim: Claim) -> str:
        """The claim's one-sentence statement (:mod:`.sentences`)."""
        return sentence(claim, self.term_name)

    def term_name(self, curie: Curie) -> str:
        """The label of an identifier: upstream tables, the ontology for ``exo:`` terms."""
        if curie.prefix == "exo":
            iri = self.prefixes.uri_prefix("exo") + curie.local_id
            return self.term_labels.get(iri) or camel_words(curie.local_id)
        return self.tables.label(curie)

    # ----------------------------------------------------------------- whole KG
    def _build(self, curation: Curation) -> None:
        created = str(curation.metadata.get("created", date(2026, 11, 28)))
        orcids = curation.metadata.get("orcids", {})
        creators = [(name, orcids.get(name)) for name in curation.metadata.get("creators", [])]
        claims: dict[Source | None, list[Claim]] = {None: []}     # this review first, then the others in order
        issues: dict[Source | None, list[ReviewIssue]] = {}
        for claim in curation.claims:
            claims.setdefault(claim.source, []).append(claim)
        for issue in curation.issues:
            claims.setdefault(issue.source, [])
            issues.setdefault(issue.source, []).append(issue)
        for source, of_source in claims.items():
            self.current_source = source
            self.describe_source(source)
            for claim in of_source:
                self.add_claim(claim, created, creators)
                self.sink.end_claim()
            for issue in issues.get(source, []):
                self.issue(issue)
            self.sink.end_source()
            self._nodes.clear()                  # a source's quotes and references are named under it
            self._facts.clear()
        self.sink.finish()

    def write_nquads(self, curation: Curation, quads: LineWriter, parts: ValidationParts | None = None) -> int:
        """Stream the KG as N-Quads to ``quads``, claim by claim; return the quad count.

        With ``parts``, the same triples also go, without graph names, to N-Triples part files
        that validate independently (each claim's nanopublication to one part, the shared entity
        descriptions to every part). Memory stays small whatever the number of claims; the order
        is the build order (the same input gives the same bytes).
        """
        count = 0
        claim_index = 0

        def emit(lines: list[str], scope: str) -> None:
            nonlocal count, claim_index
            count += len(lines)
            quads.writelines(lines)
            if parts is not None:
                triples = [f"{line[:line.rindex(' <', 0, -3)]} .\n" for line in lines]
                source = self.current_source
                group = None if scope == "global" else (source.key if source is not None else "")
                if scope == "claim":      # this review's claims spread over the parts; another source's stay together
                    parts.write(str(claim_index) if source is None else f"source {source.key}", triples, group)
                    claim_index += 1
                else:
                    parts.write(None, triples, group)
        self._reset(emit)
        self._build(curation)
        return count

    def nquad_lines(self, curation: Curation) -> list[str]:
        """The KG as sorted N-Quads lines (each ending in a newline)."""
        self._reset(None)
        self._build(curation)
        return sorted(self.sink.kept)

    def build(self, curation: Curation) -> Dataset:
        """The KG as an rdflib Dataset (default graph = union of the named graphs)."""
        dataset = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, override=True)
        dataset.parse(data="".join(self.nquad_lines(curation)), format="nquads")
        return dataset


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one graph (for Turtle and N-Triples)."""
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


__all__ = ["REVIEW", "ClaimGraphBuilder", "LineWriter", "QuadSink", "ValidationParts", "literal", "union_graph"]
