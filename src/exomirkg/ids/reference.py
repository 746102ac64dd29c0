"""The identifier tables the project trusts, copied from upstream data into ``ontology/imports/reference``.

Nothing here is typed by hand: every label comes from an upstream table (see the README in that
folder). :class:`ReferenceTables` answers three questions for the build:

- what does a miRNA name in the review resolve to (mature MIMAT, or precursor MI when no arm);
- does an identifier exist upstream, and what is its label;
- what does the review's reference number N resolve to.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import UnknownIdentifier, UnknownMiRNA
from .prefixes import Curie


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a tab-separated table with a header row (no quoting)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass(frozen=True)
class MiRNAEntity:
    """A miRBase entry: a precursor (MI) or a mature product (MIMAT)."""

    curie: Curie
    name: str


@dataclass(frozen=True)
class Precursor:
    """A precursor stem-loop with its mature products and its HGNC gene."""

    entity: MiRNAEntity
    mature: tuple[MiRNAEntity, ...]
    gene: Curie | None


@dataclass(frozen=True)
class ResolvedMiRNA:
    """A miRNA name of the review resolved against miRBase.

    ``entities`` are what the claim is about: one mature product when the arm is stated (or the
    precursor has one product), else the precursor(s), with ``arm_specified`` False.
    """

    text_name: str
    entities: tuple[MiRNAEntity, ...]
    arm_specified: bool
    precursors: tuple[Precursor, ...]


@dataclass(frozen=True)
class Reference:
    """A numbered reference of the review, as ``references.tsv`` resolves it."""

    number: int
    first_author: str
    year: str
    title: str
    journal: str
    doi: str
    pmid: str
    pmcid: str
    status: str
    retraction: str
    note: str

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def retracted(self) -> bool:
        return bool(self.retraction)


ARM = re.compile(r"-(3p|5p)$")


@dataclass(frozen=True)
class IdentifierColumn:
    """A column of a reference table that lists identifiers, with the column of their labels.

    ``prefixes``: the registries the column holds. With one, an id may be written bare or with its
    database's prefix (``MI0000060``, ``CVCL_0027``, ``HGNC:317``, ``GO:0006915``); with several,
    every id is ``PREFIX:local`` (``MONDO:0000023``).
    """

    table: str
    id_column: str
    label_column: str
    prefixes: tuple[str, ...]

    def entries(self, folder: Path) -> Iterator[tuple[str, str, str]]:
        """(prefix, local id, label) of every row of the table in ``folder``."""
        for row in read_tsv(folder / self.table):
            text = row[self.id_column]
            if len(self.prefixes) == 1:
                yield self.prefixes[0], text.split(":", 1)[-1], row[self.label_column]
            else:
                prefix, local = text.split(":", 1)
                yield prefix, local, row[self.label_column]


# The one place that says which table lists which registry's identifiers (the build resolves
# curation against them; ``exomirkg validate`` checks every identifier IRI against them).
IDENTIFIER_COLUMNS: tuple[IdentifierColumn, ...] = (
    IdentifierColumn("upstream_mirbase_human.tsv", "precursor_acc", "precursor_name", ("mirbase",)),
    IdentifierColumn("upstream_mirbase_human.tsv", "mature_acc", "mature_name", ("mirbase.mature",)),
    IdentifierColumn("upstream_hgnc_subset.tsv", "HGNC ID", "Approved symbol", ("hgnc",)),
    IdentifierColumn("upstream_go_labels.tsv", "go_id", "label", ("GO",)),
    IdentifierColumn("upstream_cl_labels.tsv", "cl_id", "label", ("CL",)),
    IdentifierColumn("upstream_disease_anatomy_liver_subset.tsv", "curie", "label", ("MONDO", "UBERON", "DOID")),
    IdentifierColumn("upstream_cellosaurus_subset.tsv", "cellosaurus_id", "label", ("cellosaurus",)),
    IdentifierColumn("upstream_eco_labels.tsv", "eco_id", "label", ("ECO",)),
    IdentifierColumn("upstream_ro_labels.tsv", "ro_id", "label", ("RO", "BFO")),
    IdentifierColumn("upstream_stato_obi_labels.tsv", "term_id", "label", ("STATO", "OBI")),
    IdentifierColumn("upstream_so_labels.tsv", "so_id", "label", ("SO",)),
    IdentifierColumn("upstream_chebi_subset.tsv", "chebi_id", "label", ("CHEBI",)),
)


def tables_of(prefix: str) -> list[str]:
    """The reference tables that list ``prefix``'s identifiers (by :data:`IDENTIFIER_COLUMNS`)."""
    return sorted({column.table for column in IDENTIFIER_COLUMNS if prefix in column.prefixes})


@dataclass
class ReferenceTables:
    """All reference tables of one folder, loaded lazily."""

    folder: Path
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @cached_property
    def mirna_rows(self) -> list[dict[str, str]]:
        return read_tsv(self.folder / "mirna.tsv")

    @cached_property
    def precursor_products(self) -> dict[str, list[tuple[str, str]]]:
        """Every human precursor accession -> its (mature accession, mature name) pairs, from miRBase."""
        products: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in read_tsv(self.folder / "upstream_mirbase_human.tsv"):
            pair = (row["mature_acc"], row["mature_name"])
            if pair not in products[row["precursor_acc"]]:
                products[row["precursor_acc"]].append(pair)
        return products

    def resolve_mirna(self, text_name: str) -> ResolvedMiRNA:
        """Resolve a review miRNA name (``miR-21``, ``miR-23a-3p``) by the project's rules.

        Raises :class:`UnknownMiRNA` when ``mirna.tsv`` has no row for the name.
        """
        rows = [r for r in self.mirna_rows if r["text_name"] == text_name]
        if not rows:
            names = sorted({r["text_name"] for r in self.mirna_rows})
            raise UnknownMiRNA(f"miRNA {text_name!r} is not in mirna.tsv (known: {', '.join(names)})")
        precursors: dict[str, Precursor] = {}
        for row in rows:
            acc = row["precursor_acc"]
            if acc in precursors:
                continue
            mature = tuple(
                MiRNAEntity(Curie("mirbase.mature", m_acc), m_name)
                for m_acc, m_name in sorted(self.precursor_products[acc]))
            gene = Curie("hgnc", row["hgnc_id"].split(":", 1)[1]) if row["hgnc_id"] else None
            precursors[acc] = Precursor(MiRNAEntity(Curie("mirbase", acc), row["precursor_name"]), mature, gene)
        matures = sorted({(r["mature_acc"], r["mature_name"]) for r in rows})
        if ARM.search(text_name) or len(matures) == 1:
            if len(matures) != 1:
                raise UnknownMiRNA(f"miRNA {text_name!r} names an arm but mirna.tsv gives {len(matures)} products")
            acc, name = matures[0]
            entities: tuple[MiRNAEntity, ...] = (MiRNAEntity(Curie("mirbase.mature", acc), name),)
            arm_specified = True
        else:
            entities = tuple(p.entity for p in sorted(precursors.values(), key=lambda p: p.entity.curie))
            arm_specified = False
        return ResolvedMiRNA(text_name, entities, arm_specified,
                             tuple(sorted(precursors.values(), key=lambda p: p.entity.curie)))

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """prefix -> {local id -> upstream label}, for every identifier the tables hold
        (:data:`IDENTIFIER_COLUMNS`, plus the terms of the is_a tables)."""
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for column in IDENTIFIER_COLUMNS:
            for prefix, local, label in column.entries(self.folder):
                labels[prefix][local] = label
        for edge in self.hierarchy_edges:
            for curie, label in ((edge.child, edge.child_label), (edge.parent, edge.parent_label)):
                labels[curie.prefix].setdefault(curie.local_id, label)
        return labels

    def label(self, curie: Curie) -> str:
        """The upstream label of an identifier; raises :class:`UnknownIdentifier` when absent."""
        label = self.labels.get(curie.prefix, {}).get(curie.local_id)
        if label is None:
            raise UnknownIdentifier(f"{curie} is not in the project's reference tables (ontology/imports/reference)")
        return label

    def knows(self, curie: Curie) -> bool:
        return curie.local_id in self.labels.get(curie.prefix, {})

    @cached_property
    def hgnc_genes(self) -> dict[str, dict[str, str]]:
        """HGNC local id -> the HGNC row (symbol, name, aliases, NCBI Gene id, locus type)."""
        return {row["HGNC ID"].split(":", 1)[1]: row for row in read_tsv(self.folder / "upstream_hgnc_subset.tsv")}

    @cached_property
    def hierarchy_edges(self) -> list[HierarchyEdge]:
        """Direct is_a / part_of edges of the GO, CL, UBERON and MONDO closures."""
        edges = []
        for name in ("upstream_go_isa.tsv", "upstream_cl_isa.tsv", "upstream_uberon_mondo_isa.tsv"):
            for row in read_tsv(self.folder / name):
                edges.append(HierarchyEdge(table_curie(row["child_id"]), row["child_label"],
                                           table_curie(row["parent_id"]), row["parent_label"], row["relation"]))
        return edges

    @cached_property
    def references(self) -> dict[int, Reference]:
        """Reference number -> :class:`Reference` (0 is the review itself)."""
        refs = {}
        for row in read_tsv(self.folder / "references.tsv"):
            refs[int(row["ref_no"])] = Reference(
                number=int(row["ref_no"]), first_author=row["first_author"], year=row["year"],
                title=row["title"], journal=row["journal"], doi=row["doi"], pmid=row["pmid"],
                pmcid=row["pmcid"], status=row["status"], retraction=row["retraction"], note=row["note"])
        return refs

    @cached_property
    def cell_line_facts(self) -> dict[str, CellLineFacts]:
        """Cellosaurus accession (CVCL_0027) -> :class:`CellLineFacts`; empty without the table."""
        path = self.folder / "cell_line_facts.tsv"
        if not path.exists():
            return {}
        cl_by_label = {label: local for local, label in self.labels.get("CL", {}).items()}
        facts = {}
        for row in read_tsv(path):
            def known(curie: Curie | None) -> Curie | None:
                return curie if curie is not None and self.knows(curie) else None
            taxon = row["species_taxon"]
            cell_type = (table_curie(row["cell_type_cl"]) if row["cell_type_cl"] else
                         Curie("CL", cl_by_label[row["cell_type_label"]]) if row["cell_type_label"] in cl_by_label else None)
            facts[row["cellosaurus_id"]] = CellLineFacts(
                line=Curie("cellosaurus", row["cellosaurus_id"]),
                species=Curie("NCBITaxon", taxon.split(":", 1)[1]) if taxon.startswith("NCBITaxon:") else None,
                disease=known(table_curie(row["disease_mondo"]) if row["disease_mondo"] else None),
                disease_name=row["disease_name"], cell_type=known(cell_type),
                parent=known(Curie("cellosaurus", row["parent"]) if row["parent"] else None),
                caution=row["caution"])
        return facts

    def table(self, name: str) -> list[dict[str, str]]:
        """Any table of the folder by file name."""
        return read_tsv(self.folder / name)


@dataclass(frozen=True)
class CellLineFacts:
    """What Cellosaurus states about a cell line (``cell_line_facts.tsv``); None where it is not known.

    Identifiers are kept only when the reference tables know them (a HeLa parent outside the tables
    is left out, not guessed); a cell-type label maps to CL by exact label in the CL table, as the
    table's README says.
    """

    line: Curie
    species: Curie | None
    disease: Curie | None
    disease_name: str
    cell_type: Curie | None
    parent: Curie | None
    caution: str


@dataclass(frozen=True)
class HierarchyEdge:
    child: Curie
    child_label: str
    parent: Curie
    parent_label: str
    relation: str


def table_curie(text: str) -> Curie:
    """A table's ``PREFIX:local`` identifier (``GO:0006915``) as a :class:`Curie`."""
    prefix, local = text.split(":", 1)
    return Curie(prefix, local)
