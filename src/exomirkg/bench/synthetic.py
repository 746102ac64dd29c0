"""Synthetic claims with the real shape, for benchmarks: deterministic by seed.

The KG grows as the real one will, by more sources: claims come from many source documents
(this review first, then synthetic reviews and studies of about 100 claims each), each with its own
numbered references, quotes, tables and recorded issues. Claims are drawn from real identifier pools (every human mature miRNA of miRBase, every gene of
the HGNC table, the review's GO processes, CL cells, Cellosaurus lines, UBERON biofluids, MONDO
diseases, ChEBI drugs, ECO evidence, numbered references and real quotes), one claim type after
another so that every type is present, and go through the same builder as the real claims.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace

from ..build import read_curation
from ..curation.sources import ISSUE_KINDS, Claim, Curation, Quote, ReviewIssue, Source
from ..ids.namespaces import SOURCE
from ..ids.prefixes import Curie
from ..ids.reference import MiRNAEntity, Precursor, Reference, ReferenceTables, ResolvedMiRNA
from ..project import Project


def _precursors(tables: ReferenceTables) -> dict[str, Precursor]:
    """Every human miRBase precursor by accession: its mature products and its HGNC MIR gene (where
    the HGNC table has it)."""
    genes: dict[str, Curie] = {}
    for row in tables.table("upstream_mirbase_hgnc_human.tsv"):
        gene = Curie("hgnc", row["identifier"])
        if row["database"] == "HGNC" and tables.knows(gene):
            genes[row["mirbase_id"]] = gene
    names = tables.labels["mirbase"]
    return {accession: Precursor(MiRNAEntity(Curie("mirbase", accession), names[accession]),
                                 tuple(MiRNAEntity(Curie("mirbase.mature", a), n) for a, n in sorted(products)),
                                 genes.get(accession))
            for accession, products in sorted(tables.precursor_products.items())}


def all_mature_mirnas(tables: ReferenceTables) -> list[ResolvedMiRNA]:
    """Every human mature miRNA of miRBase, resolved as a review name with its arm would be: the
    mature product, its precursor(s) and their HGNC MIR genes (when the HGNC table has them)."""
    precursors = _precursors(tables)
    by_mature: dict[MiRNAEntity, list[Precursor]] = defaultdict(list)
    for precursor in precursors.values():
        for product in precursor.mature:
            by_mature[product].append(precursor)
    return [ResolvedMiRNA(mature.name.removeprefix("hsa-"), (mature,), True, tuple(of))
            for mature, of in sorted(by_mature.items(), key=lambda item: (item[0].curie.local_id, item[0].name))]


def arm_unspecified_mirnas(tables: ReferenceTables) -> list[ResolvedMiRNA]:
    """Every human miRBase precursor with two mature products, named as a review names a miRNA
    without its arm (``hsa-mir-21`` as ``miR-21``, ``hsa-let-7a-1`` as ``let-7a-1``): the claim is
    about the precursor, which could be either product (``arm_specified`` False, as the curation
    resolves such a name; one precursor a name, where the review's ``miR-124`` would be three)."""
    resolved = []
    for precursor in _precursors(tables).values():
        name = precursor.entity.name
        if not name.startswith("hsa-") or len(precursor.mature) < 2:
            continue
        text_name = "miR-" + name.removeprefix("hsa-mir-") if name.startswith("hsa-mir-") else name.removeprefix("hsa-")
        resolved.append(ResolvedMiRNA(text_name, (precursor.entity,), False, (precursor,)))
    return resolved


def arm_unspecified_share(real: Curation) -> float:
    """The share of this review's miRNA claims that name a miRNA without its arm (about six in ten)."""
    about = [claim for claim in real.claims if claim.mirnas]
    return sum(not all(m.arm_specified for m in claim.mirnas) for claim in about) / len(about) if about else 0.0


FAULTS = ("evidence that is a GO process, not ECO", "condition that is an UBERON organ, not MONDO",
          "biomarker AUC above 1 (any other type: evidence that is a GO process)")


@dataclass
class SourceMaterial:
    """What a synthetic source's claims draw on: the source (None: this review), its references and quotes."""

    source: Source | None
    references: list[Reference]
    quotes: list[Quote]


def synthetic_sources(real: Curation, tables: ReferenceTables, count: int, rng: random.Random) -> list[SourceMaterial]:
    """``count`` sources: this review (its real quotes, tables and references) first, then synthetic
    reviews and studies (every third one a study), each with its own numbered references (real
    studies, renumbered from 1), its own quotes and its own Tables 1 and 2 (rows of the review's,
    renumbered from 1)."""
    quotes = sorted({q for c in real.claims for q in c.quotes}, key=lambda q: (q.file, q.line, q.location))
    text_quotes = [q for q in quotes if q.table is None]
    table_rows = {n: [q for q in quotes if q.table and q.table[0] == n] for n in (1, 2)}
    references = [r for n, r in sorted(tables.references.items()) if n > 0]
    made = [SourceMaterial(None, references, quotes)]
    for index in range(1, count):
        key = f"S{index:05d}"
        kind = "Study" if index % 3 == 0 else "Review"
        cited = [replace(r, number=number) for number, r in enumerate(rng.sample(references, min(len(references), rng.randint(10, 30))), 1)]
        own = rng.sample(text_quotes, min(len(text_quotes), rng.randint(15, 30)))
        for table, rows in table_rows.items():
            picked = rng.sample(rows, min(len(rows), rng.randint(3, 10)))
            own += [replace(q, location=f"Table {table} row {row}") for row, q in enumerate(picked, 1)]
        source = Source(str(SOURCE[key]), key, f"synthetic {kind.lower()} {index}", kind, tuple(cited))
        made.append(SourceMaterial(source, cited, own))
    return made


def synthetic_curation(project: Project, size: int, seed: int = 1, faulty_every: int = 0,
                       claims_per_source: int = 100) -> Curation:
    """``size`` synthetic claims (ids C0000001...) built from the project's real identifiers, from
    sources of ``claims_per_source`` claims each (:func:`synthetic_sources`; the first is this
    review), each source with one to three recorded issues about its own claims, quotes and
    references: the KG grows the way the real one will, by more sources.

    With ``faulty_every`` N, every Nth claim breaks one shape, the kinds of :data:`FAULTS` in turn,
    so that validation at scale has violations to find (the same ones on every engine).
    """
    real, schema, _prefixes, tables = read_curation(project)
    rng = random.Random(seed)
    # miRNAs named with their arm (a mature product) or, as often as this review does, without it (a precursor)
    mirnas, unarmed, unarmed_share = all_mature_mirnas(tables), arm_unspecified_mirnas(tables), arm_unspecified_share(real)
    genes = [Curie("hgnc", r["HGNC ID"].split(":")[1]) for r in tables.table("upstream_hgnc_subset.tsv")]
    processes = [Curie("GO", r["go_id"].split(":")[1]) for r in tables.table("go.tsv")
                 if "biological_process" in r["source"]]
    cells = [Curie("CL", r["cl_id"].split(":")[1]) for r in tables.table("cl.tsv")] + \
            [Curie("cellosaurus", r["cellosaurus_id"]) for r in tables.table("cell_lines.tsv")]
    fluids = [Curie("UBERON", "0001977"), Curie("UBERON", "0001969")]
    comparisons = [Curie("MONDO", "0005155"), Curie("MONDO", "0005366"), Curie("exo", "HealthyControl")]
    drugs = [Curie("CHEBI", r["chebi_id"].split(":")[1]) for r in tables.table("upstream_chebi_subset.tsv")]
    evidence = [Curie("ECO", e) for e in ("0000304", "0001567", "0006017", "0001273", "0005802")]
    sources = synthetic_sources(real, tables, -(-size // claims_per_source), rng)
    types = schema.claim_types
    order = list(types)
    claims: list[Claim] = []
    issues: list[ReviewIssue] = []
    for index in range(size):
        material = sources[index // claims_per_source]
        ctype = types[order[index % len(order)]]
        values: dict = {"condition": Curie("MONDO", "0007256"), "evidence": rng.choice(evidence),
                        "hedging": rng.choice(["asserted", "asserted", "asserted", "suggested", "association"]),
                        "system": rng.choice(["patients", "mouse", "cell_lines"])}
        if ctype.name == "expression":
            values.update(direction=rng.choice(["up", "down"]), comparison=rng.choice(comparisons), biofluid=rng.choice(fluids))
        elif ctype.name == "target":
            values.update(gene=rng.choice(genes))
        elif ctype.name == "gene_regulation":
            values.update(effect=rng.choice(["positive", "negative"]), gene=rng.choice(genes), cell=rng.choice(cells))
        elif ctype.name in ("pathway", "process"):
            values.update(effect=rng.choice(["positive", "negative", "unspecified"]), process=rng.choice(processes),
                          cell=rng.choice(cells))
        elif ctype.name == "immune":
            values.update(effect=rng.choice(["positive", "negative"]), gene=rng.choice(genes), cell=rng.choice(cells))
        elif ctype.name == "transfer":
            values.update(donor=rng.choice(cells), recipient=rng.choice(cells))
        elif ctype.name == "drug_response":
            values.update(effect="positive", response=rng.choice(["sensitivity", "resistance"]), drug=rng.choice(drugs))
        elif ctype.name == "biomarker":
            values.update(use=rng.choice(["diagnostic", "early_detection", "prognostic"]), biofluid=rng.choice(fluids),
                          sensitivity=round(rng.uniform(0.5, 1), 3), specificity=round(rng.uniform(0.5, 1), 3),
                          auc=round(rng.uniform(0.5, 1), 3))
        elif ctype.name == "prognosis":
            values.update(effect=rng.choice(["positive", "negative"]), outcome=Curie("exo", rng.choice(["DiseaseFreeSurvival", "Recurrence"])))
        elif ctype.name == "role":
            values.update(role=rng.choice(["tumour_suppressor", "oncogenic"]))
        if faulty_every and index % faulty_every == faulty_every - 1:
            fault = (index // faulty_every) % len(FAULTS)
            if fault == 1:
                values["condition"] = Curie("UBERON", "0002107")
            elif fault == 2 and ctype.name == "biomarker":
                values["auc"] = 1.25
            else:
                values["evidence"] = rng.choice(processes)
        refs = tuple(rng.sample(material.references, k=rng.choice([1, 1, 2])))
        quote = rng.choice(material.quotes)
        claims.append(Claim(id=f"C{index + 1:07d}", type=ctype, file="synthetic", line=index + 1, section=quote.section,
                            values=values, mirnas=(rng.choice(unarmed if rng.random() < unarmed_share else mirnas),), references=refs,
                            block_citation=len(refs) > 1 and rng.random() < 0.5, quotes=[quote], source=material.source))
        if index % claims_per_source == claims_per_source - 1 or index == size - 1:
            issues += _issues_of(material, claims[-(index % claims_per_source + 1):], rng)
    return replace(real, claims=claims, issues=issues)


def _issues_of(material: SourceMaterial, claims: list[Claim], rng: random.Random) -> list[ReviewIssue]:
    """One to three recorded issues of a source, each about one to three of its claims (linked both ways)."""
    made = []
    for number in range(1, rng.randint(1, 3) + 1):
        kind = rng.choice(sorted(ISSUE_KINDS))
        concerned = rng.sample(claims, min(len(claims), rng.randint(1, 3)))
        issue_id = f"I{number:02d}"
        for claim in concerned:
            claim.issues.append(issue_id)
        made.append(ReviewIssue(issue_id, kind, f"synthetic issue {number} ({ISSUE_KINDS[kind]})",
                                (rng.choice(material.quotes),), tuple(c.id for c in concerned),
                                (rng.choice(material.references).number,), "synthetic", number, material.source))
    return made
