"""Reading the curation sources: claim files, review issues and dataset metadata, checked against the
schema (:mod:`.schema`), the review text and the reference tables.

A claim file (``kg/curation/claims/*.yaml``) has a ``section`` and a list of ``statements``;
each statement is a verbatim quote of the review with its reference numbers and the atomic
claims it supports. Loading keeps the line of every key, so that each problem is reported as
``file:line: reason``; :func:`load_curation` collects all problems before raising.

It runs a little over 400 lines because the checks of a claim file read top-down in one place:
records, statement, claim, value, issues, metadata.

Every curation file is read by one strict loader (:mod:`.yaml_lines`); a file it refuses is
*unusable* (:class:`UnusableCuration`), a value that breaks a rule is a plain problem.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import CurationError, CurationProblem, ExomirError, IdentifierError, UnusableCuration, relative
from ..ids.orcid import orcid_iri
from ..ids.prefixes import Curie, PrefixRegistry
from ..ids.reference import Reference, ReferenceTables, ResolvedMiRNA
from .review import QuoteMatch, ReviewText
from .schema import ClaimTypeSpec, CurationSchema, FieldSpec, Problems, is_finite_number, is_text_list
from .yaml_lines import Lined, line_of, load_yaml, plain, unusable


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Source:
    """A source document whose claims the KG holds, other than this review (a claim or issue whose
    ``source`` is None comes from this review). Its references are numbered in it, so they, its
    quotes and its issues are named under ``key`` (``reference/KEY/5``)."""

    iri: str
    key: str
    label: str
    kind: str = "Review"                           # the exo class beside exo:SourceDocument: Review or Study
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", self.key):
            raise ExomirError(f"source key {self.key!r}: letters, digits, '_' and '-' only")
        if self.kind not in ("Review", "Study"):
            raise ExomirError(f"source kind {self.kind!r}: Review or Study")


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of the review that supports one or more claims."""

    text: str
    section: str
    location: str
    match: QuoteMatch
    file: str
    line: int
    cells: tuple[tuple[str, str], ...] = field(default=(), compare=False)   # a table row's (column, printed text)

    @property
    def table(self) -> tuple[int, int] | None:
        found = re.fullmatch(r"Table ([12]) row (\d+)", self.location)
        return (int(found.group(1)), int(found.group(2))) if found else None


@dataclass
class Claim:
    """One atomic claim, validated and resolved, ready to become a nanopublication."""

    id: str
    type: ClaimTypeSpec
    file: str
    line: int
    section: str
    values: dict[str, Any]                      # field name -> parsed value (Curie, str, float, bool, list)
    mirnas: tuple[ResolvedMiRNA, ...]
    references: tuple[Reference, ...]
    block_citation: bool
    quotes: list[Quote] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    pathway: Curie | None = None                # the pathway of the review section the claim is in
    source: Source | None = None                # None: this review

    @property
    def retracted_references(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.references if r.retracted)


@dataclass(frozen=True)
class ReviewIssue:
    """A problem in the review itself (a conflict, a slip), recorded, never silently fixed."""

    id: str
    kind: str
    description: str
    quotes: tuple[Quote, ...]
    claims: tuple[str, ...]
    references: tuple[int, ...]
    file: str
    line: int
    source: Source | None = None                # None: this review


ISSUE_KINDS = {
    "donor_conflict": "the review names different donor cells in the text and in Table 1",
    "recipient_conflict": "the review names different recipient cells in the text and in Table 1",
    "direction_conflict_with_source": "the review states the opposite direction to the cited study",
    "text_slip": "a slip in the review's wording",
    "table_text_conflict": "the text and a table of the review disagree",
    "cross_study_conflict": "studies the review cites report opposite findings for the same comparison",
    "cargo_conflict": "the review calls exosomal what its own sentence says is not the exosomal cargo",
    "arm_from_table": "the text names a miRNA without its arm; the arm is taken from a table of the review",
    "text_vs_source": "the review describes the cited study differently from what the study is about",
}


@dataclass
class Curation:
    """Everything the curation sources say, validated."""

    claims: list[Claim]
    issues: list[ReviewIssue]
    metadata: dict[str, Any]


# --------------------------------------------------------------------------- validation

class _Context:
    """What the validators need: tables, schema, review text, and the problem list."""

    def __init__(self, root: Path, schema: CurationSchema, prefixes: PrefixRegistry,
                 tables: ReferenceTables, review: ReviewText):
        self.root = root
        self.schema = schema
        self.prefixes = prefixes
        self.tables = tables
        self.review = review
        self.problems: Problems = []
        self.unusable = False
        self.local_terms: set[str] = set()      # exo: terms the ontology declares

    def problem(self, file: str, line: int, reason: str) -> None:
        self.problems.append(CurationProblem(file, line, reason))

    def refuse(self, error: UnusableCuration) -> None:
        """Record the problems of a file that cannot be used at all (the run then exits 2)."""
        self.problems.extend(error.problems)
        self.unusable = True

    def refuse_at(self, file: str, line: int, reason: str) -> None:
        self.refuse(unusable(file, line, reason))

    def error(self) -> CurationError:
        """The error listing every problem: :class:`UnusableCuration` if a file was unusable."""
        return (UnusableCuration if self.unusable else CurationError)(self.problems)


def _parse_curie(ctx: _Context, spec: FieldSpec, raw: Any) -> Curie:
    curie = ctx.prefixes.parse(str(raw))
    if spec.prefixes and curie.prefix not in spec.prefixes:
        raise IdentifierError(f"{spec.name} must be a {' or '.join(spec.prefixes)} identifier, not {curie}")
    if curie.prefix == "exo":
        if curie.local_id not in ctx.local_terms:
            raise IdentifierError(f"{curie} is not declared in ontology/exomir.ttl")
    else:
        ctx.tables.label(curie)      # raises UnknownIdentifier
    return curie


def _parse_value(ctx: _Context, spec: FieldSpec, raw: Any) -> Any:
    """Parse one field value by its kind; raise ExomirError/ValueError with a plain reason."""
    if spec.kind == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError(f"{spec.name} must be non-empty text")
        if spec.pattern and not re.fullmatch(spec.pattern.strip("^$"), raw):
            raise ValueError(f"{spec.name} {raw!r} does not match {spec.pattern}")
        return raw.strip()
    if spec.kind == "enum":
        if raw not in spec.values:
            raise ValueError(f"{spec.name} must be one of {', '.join(spec.values)}, not {raw!r}")
        return raw
    if spec.kind == "curie":
        return _parse_curie(ctx, spec, raw)
    if spec.kind == "curies":
        items = raw if isinstance(raw, list) else [raw]
        return [_parse_curie(ctx, spec, item) for item in items]
    if spec.kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ValueError(f"{spec.name} must be a number, not {raw!r}")
        if not is_finite_number(raw):
            raise ValueError(f"{spec.name} must be a finite number, not {raw!r}")
        if (spec.minimum is not None and raw < spec.minimum) or (spec.maximum is not None and raw > spec.maximum):
            raise ValueError(f"{spec.name} {raw} is outside [{spec.minimum}, {spec.maximum}]")
        return float(raw)
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"{spec.name} must be true or false, not {raw!r}")
        return raw
    if spec.kind == "ints":
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            raise ValueError(f"{spec.name} must be a list of reference numbers, not {raw!r}")
        return [int(i) for i in items]
    if spec.kind == "mirna":
        names = raw if isinstance(raw, list) else [raw]
        if not names or not all(isinstance(n, str) for n in names):
            raise ValueError("mirna must be a miRNA name or a list of names")
        return [ctx.tables.resolve_mirna(n) for n in names]     # raises UnknownMiRNA
    if spec.kind == "list":
        if not isinstance(raw, list):
            raise ValueError(f"{spec.name} must be a list")
        return raw
    raise ValueError(f"unknown field kind {spec.kind}")


CLAIM_FILE_KEYS = ("section", "pathway", "statements")
"""The keys of a claim file: its review section, the pathway that section is about (optional), its statements."""
PATHWAY_FIELD = FieldSpec(name="pathway", kind="curie", prefixes=("GO",))

INHERITED_FIELDS = ("evidence", "system")
"""Fields a statement may give for all its claims (a claim's own value wins)."""


def _check_claim(ctx: _Context, file: str, statement: Lined, record: Any, section: str,
                 refs: list[int], block: bool, seen: dict[str, str]) -> Claim | None:
    if not isinstance(record, Lined):
        ctx.problem(file, line_of(record) or line_of(statement), "a claim must be a mapping of fields")
        return None
    line = record.line
    claim_id = record.get("id")
    if not isinstance(claim_id, str) or not re.fullmatch(r"C\d{3,}", claim_id):
        ctx.problem(file, line_of(record, "id"), f"claim id must look like C001, not {claim_id!r}")
        return None
    if claim_id in seen:
        ctx.problem(file, line_of(record, "id"), f"{claim_id}: duplicate claim id (first at {seen[claim_id]})")
        return None
    seen[claim_id] = f"{file}:{line}"
    type_name = record.get("type")
    if type_name not in ctx.schema.claim_types:
        ctx.problem(file, line_of(record, "type"),
                    f"{claim_id}: type must be one of {', '.join(ctx.schema.claim_types)}, not {type_name!r}")
        return None
    ctype = ctx.schema.claim_types[type_name]
    values: dict[str, Any] = {}
    ok = True
    for key, raw in record.items():
        if key in ("id", "type"):
            continue
        spec = ctx.schema.fields.get(key)
        if spec is None:
            ctx.problem(file, line_of(record, key), f"{claim_id}: unknown field {key!r}")
            ok = False
            continue
        try:
            values[key] = _parse_value(ctx, spec, raw)
        except (ExomirError, ValueError) as error:
            ctx.problem(file, line_of(record, key), f"{claim_id}: {error}")
            ok = False
    for name in ctype.required:
        if name not in record:
            ctx.problem(file, line, f"{claim_id}: a {type_name} claim needs {name!r}")
            ok = False
    for group in ctype.one_of:
        if not any(name in record for name in group):
            ctx.problem(file, line, f"{claim_id}: a {type_name} claim needs one of {', '.join(group)}")
            ok = False
    if "mirna" not in record and "exosome_source" not in record:
        ctx.problem(file, line, f"{claim_id}: a claim needs 'mirna' (or 'exosome_source' for an exosome-level claim)")
        ok = False
    claim_refs = values.pop("refs", None) or refs
    if not claim_refs:
        ctx.problem(file, line, f"{claim_id}: no reference number (give refs on the statement or the claim)")
        ok = False
    references = []
    for number in claim_refs:
        reference = ctx.tables.references.get(number)
        if reference is None:
            ctx.problem(file, line_of(record, "refs") if "refs" in record else line_of(statement, "refs"),
                        f"{claim_id}: reference [{number}] is not in references.tsv")
            ok = False
        else:
            references.append(reference)
    for name, spec in ctx.schema.fields.items():
        if spec.default is not None and name not in values and ok:
            values[name] = _parse_value(ctx, spec, spec.default)
    for name in INHERITED_FIELDS:           # a statement's value holds for each of its claims without one
        if name not in record and name in statement and name in ctx.schema.fields:
            try:
                values[name] = _parse_value(ctx, ctx.schema.fields[name], statement[name])
            except (ExomirError, ValueError) as error:
                ctx.problem(file, line_of(statement, name), str(error))
                ok = False
    if not ok:
        return None
    mirnas = tuple(values.pop("mirna", ()))
    return Claim(id=claim_id, type=ctype, file=file, line=line, section=section, values=values,
                 mirnas=mirnas, references=tuple(references), block_citation=block)


def _check_statement(ctx: _Context, file: str, section: str, statement: Any, seen: dict[str, str],
                     claims: dict[str, Claim], supports: list[tuple[str, int, str, Quote]]) -> None:
    if not isinstance(statement, Lined):
        ctx.problem(file, line_of(statement), "a statement must be a mapping with quote, refs and claims")
        return
    for key in statement:
        if key not in ctx.schema.statement_fields:
            ctx.problem(file, line_of(statement, key), f"unknown statement field {key!r}")
    quote_text = statement.get("quote")
    quote: Quote | None = None
    if not isinstance(quote_text, str) or not quote_text.strip():
        ctx.problem(file, statement.line, "statement has no quote (the review's words are required)")
    else:
        match = ctx.review.find(quote_text)
        location = statement.get("location", "text")
        location_pattern = ctx.schema.statement_fields["location"].pattern or ""   # the schema check requires one
        if not re.fullmatch(location_pattern.strip("^$"), str(location)):
            ctx.problem(file, line_of(statement, "location"), f"location {location!r} must be 'text' or 'Table N row M'")
        if match is None:
            ctx.problem(file, line_of(statement, "quote"), f"quote not found in the review text: {quote_text[:70]!r}")
        else:
            quote = Quote(" ".join(quote_text.split()), statement.get("section", section), str(location),
                          match, file, line_of(statement, "quote"))
            if "cells" in statement:
                quote = replace(quote, cells=_table_cells(ctx, file, statement, quote))
    refs: list[int] = []
    if "refs" in statement:
        try:
            refs = _parse_value(ctx, ctx.schema.statement_fields["refs"], statement["refs"])
        except ValueError as error:
            ctx.problem(file, line_of(statement, "refs"), str(error))
    block = bool(statement.get("block_citation", False))
    records = statement.get("claims", []) or []
    if not isinstance(records, list):
        ctx.problem(file, line_of(statement, "claims"), "claims must be a list")
        records = []
    if not records and not statement.get("supports"):
        ctx.problem(file, statement.line, "statement supports no claim (give claims or supports)")
    for record in records:
        claim = _check_claim(ctx, file, statement, record, statement.get("section", section), refs, block, seen)
        if claim is not None and quote is not None:
            claim.quotes.append(quote)
            claims[claim.id] = claim
    targets = statement.get("supports", []) or []
    if not isinstance(targets, list):
        ctx.problem(file, line_of(statement, "supports"), "supports must be a list of claim ids")
        targets = []
    for target in targets:
        if quote is not None:
            supports.append((str(target), line_of(statement, "supports"), file, quote))


def _table_cells(ctx: _Context, file: str, statement: Lined, quote: Quote) -> tuple[tuple[str, str], ...]:
    """A table row's printed cells, checked: one per column of its table (schema.yaml ``tables``), the
    cells but the last joined by spaces equal to the quote, the last equal to the statement's refs."""
    line = line_of(statement, "cells")
    cells = statement["cells"]
    if quote.table is None or quote.table[0] not in ctx.schema.tables:
        ctx.problem(file, line, f"cells belong to a table row of a table schema.yaml lists (location {quote.location!r})")
        return ()
    columns = ctx.schema.tables[quote.table[0]]
    if not is_text_list(cells) or len(cells) != len(columns):
        ctx.problem(file, line, f"cells must be a list of {len(columns)} texts, one per column of Table "
                                f"{quote.table[0]}: {', '.join(columns)}")
        return ()
    texts = [" ".join(c.split()) for c in cells]
    joined = " ".join(t for t in texts[:-1] if t)
    if joined != quote.text:
        ctx.problem(file, line, f"the cells, joined, are not the row's quote: {joined[:70]!r}")
    refs = statement.get("refs") or []
    printed = "[" + ", ".join(str(r) for r in refs) + "]" if isinstance(refs, list) else ""
    if texts[-1] != printed:
        ctx.problem(file, line, f"the last cell ({columns[-1]}) must be the row's references as printed, {printed!r}")
    return tuple(zip(columns, texts, strict=True))


def _load_issues(ctx: _Context, path: Path, claims: dict[str, Claim]) -> list[ReviewIssue]:
    file = relative(path, ctx.root)
    try:
        data = load_yaml(path, ctx.root)
    except UnusableCuration as error:
        ctx.refuse(error)
        return []
    records = data.get("issues") if isinstance(data, Lined) else None
    if not isinstance(records, list):
        ctx.refuse_at(file, line_of(data, "issues") or 1, "review-issues.yaml must be a mapping with 'issues' (a list)")
        return []
    issues = []
    for record in records:
        if not isinstance(record, Lined) or not isinstance(record.get("id"), str):
            ctx.problem(file, line_of(record) or line_of(data, "issues"), "an issue must be a mapping with an 'id'")
            continue
        wrong = [key for key in ("quotes", "claims", "refs") if not isinstance(record.get(key, []), list)]
        if wrong:
            ctx.problem(file, line_of(record, wrong[0]), f"issue {record['id']}: {wrong[0]} must be a list")
            continue
        kind = record.get("kind")
        if kind not in ISSUE_KINDS:
            ctx.problem(file, line_of(record, "kind"), f"issue kind must be one of {', '.join(ISSUE_KINDS)}")
            continue
        section = record.get("section")
        if not isinstance(section, str) or not section.strip():
            ctx.problem(file, record.line, f"issue {record.get('id')}: needs the review section it is in")
            section = ""
        quotes = []
        for item in record.get("quotes", []):
            # a quote is the text alone, or {quote, location, section} for a table row
            unknown = [str(k) for k in item if k not in ("quote", "location", "section")] if isinstance(item, dict) else []
            if unknown:      # e.g. an unquoted text with a comma, which YAML splits into keys
                ctx.problem(file, line_of(item) or line_of(record, "quotes"),
                            f"issue {record.get('id')}: a quote has quote, location and section only, not "
                            f"{', '.join(map(repr, unknown))} (put a text with commas in quotes)")
                continue
            text = item.get("quote", "") if isinstance(item, dict) else str(item)
            location = item.get("location", "text") if isinstance(item, dict) else "text"
            item_section = item.get("section", section) if isinstance(item, dict) else section
            match = ctx.review.find(text)
            if match is None:
                ctx.problem(file, line_of(item) or line_of(record, "quotes"),
                            f"quote not found in the review text: {text[:70]!r}")
            else:
                quotes.append(Quote(" ".join(text.split()), item_section, str(location), match, file,
                                    line_of(item) or line_of(record, "quotes")))
        for claim_id in record.get("claims", []):
            if claim_id not in claims:
                ctx.problem(file, line_of(record, "claims"), f"issue {record.get('id')}: unknown claim {claim_id}")
            else:
                claims[claim_id].issues.append(record["id"])
        if not record.get("quotes"):
            ctx.problem(file, record.line, f"issue {record.get('id')}: needs at least one quote")
        issues.append(ReviewIssue(record["id"], kind, " ".join(str(record.get("description", "")).split()),
                                  tuple(quotes), tuple(record.get("claims", [])), tuple(record.get("refs", [])),
                                  file, record.line))
    return issues


def _load_metadata(ctx: _Context, path: Path) -> dict[str, Any]:
    """``dataset.yaml`` as a plain dict: a mapping with ``created`` (a date) and, if given,
    ``creators``: each a name, or ``{name: ..., orcid: ...}`` with an ORCID iD (checked, check
    character included). The result's ``creators`` are the names, ``orcids`` maps names to ORCID
    IRIs; anything else is recorded as unusable."""
    file = relative(path, ctx.root)
    try:
        data = load_yaml(path, ctx.root)
    except UnusableCuration as error:
        ctx.refuse(error)
        return {}
    if not isinstance(data, Lined) or "created" not in data:
        ctx.refuse_at(file, line_of(data) or 1, "dataset.yaml must be a mapping with 'created' (a date) "
                      "and the dataset's title, creators, license and source_review")
        return {}
    created = data["created"]
    if not isinstance(created, date) or isinstance(created, datetime):
        ctx.refuse_at(file, line_of(data, "created"), f"created must be a date (YYYY-MM-DD), not {created!r}")
    result = plain(data)
    if "creators" in data:
        names, orcids = _creators(ctx, file, data)
        result["creators"], result["orcids"] = names, orcids
    return result


def _creators(ctx: _Context, file: str, data: Any) -> tuple[list[str], dict[str, str]]:
    """The creators' names and their ORCID IRIs, each bad entry recorded as unusable."""
    entries = data["creators"]
    if not isinstance(entries, list) or not entries:
        ctx.refuse_at(file, line_of(data, "creators"), "creators must be a list of names or {name, orcid} entries")
        return [], {}
    names, orcids = [], {}
    for entry in entries:
        if is_text_list([entry]):
            names.append(str(entry))
            continue
        if not isinstance(entry, dict) or not is_text_list([entry.get("name")]) or set(entry) - {"name", "orcid"}:
            ctx.refuse_at(file, line_of(entry) or line_of(data, "creators"),
                          f"a creator is a name or {{name: ..., orcid: ...}}, not {plain(entry)!r}")
            continue
        names.append(str(entry["name"]))
        if entry.get("orcid") is not None:
            try:
                orcids[str(entry["name"])] = orcid_iri(str(entry["orcid"]))
            except IdentifierError as error:
                ctx.refuse_at(file, line_of(entry, "orcid") or line_of(data, "creators"), str(error))
    return names, orcids


def load_curation(root: Path, curation_dir: Path, schema: CurationSchema, prefixes: PrefixRegistry,
                  tables: ReferenceTables, review: ReviewText, local_terms: set[str]) -> Curation:
    """Read and check every curation file; raise :class:`CurationError` listing all problems."""
    ctx = _Context(root, schema, prefixes, tables, review)
    ctx.local_terms = local_terms
    claims: dict[str, Claim] = {}
    seen: dict[str, str] = {}
    supports: list[tuple[str, int, str, Quote]] = []
    claim_files = sorted((curation_dir / "claims").glob("*.yaml"))
    if not claim_files:
        ctx.problem(relative(curation_dir / "claims", root), 0, "no claim files (*.yaml)")
    for path in claim_files:
        file = relative(path, root)
        try:
            data = load_yaml(path, root)
        except UnusableCuration as error:
            ctx.refuse(error)
            continue
        if not isinstance(data, Lined) or not isinstance(data.get("statements"), (list, type(None))) \
                or "statements" not in data or not isinstance(data.get("section"), str):
            ctx.problem(file, 1, "a claim file needs 'section' (text) and 'statements' (a list)")
            continue
        unknown = [str(key) for key in data if key not in CLAIM_FILE_KEYS]
        if unknown:
            ctx.problem(file, line_of(data, unknown[0]), f"unknown key(s) {', '.join(map(repr, unknown))}: a claim file "
                        f"has {', '.join(CLAIM_FILE_KEYS)}")
        pathway = None
        if "pathway" in data:
            try:
                pathway = _parse_curie(ctx, PATHWAY_FIELD, data["pathway"])
            except ExomirError as error:
                ctx.problem(file, line_of(data, "pathway"), str(error))
        before = set(claims)
        for statement in data["statements"] or []:
            _check_statement(ctx, file, data["section"], statement, seen, claims, supports)
        for claim_id in set(claims) - before:
            claims[claim_id].pathway = pathway
    for target, line, file, quote in supports:
        if target not in claims:
            if target not in seen:
                ctx.problem(file, line, f"supports unknown claim {target!r}")
        elif quote not in claims[target].quotes:
            claims[target].quotes.append(quote)
    issues_path = curation_dir / "review-issues.yaml"
    issues = _load_issues(ctx, issues_path, claims) if issues_path.exists() else []
    metadata_path = curation_dir / "dataset.yaml"
    metadata = _load_metadata(ctx, metadata_path) if metadata_path.exists() or metadata_path.is_symlink() else {}
    if ctx.problems:
        raise ctx.error()
    return Curation(sorted(claims.values(), key=lambda c: c.id), issues, metadata)

