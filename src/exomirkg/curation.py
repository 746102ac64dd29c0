"""Reading the curation sources: claim files, review issues, and the curation schema.

A claim file (``kg/curation/claims/*.yaml``) has a ``section`` and a list of ``statements``;
each statement is a verbatim quote of the review with its reference numbers and the atomic
claims it supports. Loading keeps the line of every key, so that each problem is reported as
``file:line: reason``; :func:`load_curation` collects all problems before raising.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CurationError, CurationProblem, ExomirError, IdentifierError, relative
from .identifiers import Curie, PrefixRegistry
from .reference import Reference, ReferenceTables, ResolvedMiRNA
from .review import QuoteMatch, ReviewText


# --------------------------------------------------------------------------- YAML with lines
class Lined(dict):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LinedList(list):
    line: int = 0


def _to_python(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = Lined()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node)
            result[key] = _to_python(value_node)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LinedList(_to_python(v) for v in node.value)
        items.line = node.start_mark.line + 1
        return items
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into dicts/lists that carry line numbers. Raises yaml.YAMLError."""
    with open(path, encoding="utf-8") as handle:
        node = yaml.compose(handle, Loader=yaml.SafeLoader)
    return None if node is None else _to_python(node)


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, Lined):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return getattr(mapping, "line", 0)


# --------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    predicate: str | None = None
    prefixes: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    measure: str | None = None
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class EdgeSpec:
    predicate: str
    object_field: str
    when: dict[str, str]


@dataclass(frozen=True)
class ClaimTypeSpec:
    name: str
    class_name: str
    description: str
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...]
    edges: tuple[EdgeSpec, ...]


@dataclass(frozen=True)
class CurationSchema:
    claim_types: dict[str, ClaimTypeSpec]
    fields: dict[str, FieldSpec]
    statement_fields: dict[str, FieldSpec]

    @classmethod
    def load(cls, path: Path) -> "CurationSchema":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))

        def field_spec(name: str, spec: dict[str, Any]) -> FieldSpec:
            return FieldSpec(
                name=name, kind=spec["kind"], predicate=spec.get("predicate"),
                prefixes=tuple(spec.get("prefixes", ())), values=dict(spec.get("values", {})),
                pattern=spec.get("pattern"), minimum=spec.get("min"), maximum=spec.get("max"),
                measure=spec.get("measure"), default=spec.get("default"),
                description=spec.get("description", ""))

        types = {
            name: ClaimTypeSpec(
                name=name, class_name=spec["class"], description=spec["description"],
                required=tuple(spec.get("required", ())),
                one_of=tuple(tuple(group) for group in spec.get("one_of", ())),
                edges=tuple(EdgeSpec(e["predicate"], e["object"], dict(e.get("when", {})))
                            for e in spec.get("edges", ())))
            for name, spec in data["claim_types"].items()
        }
        return cls(types,
                   {n: field_spec(n, s) for n, s in data["fields"].items()},
                   {n: field_spec(n, s) for n, s in data["statement_fields"].items()})


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Quote:
    """A verbatim passage of the review that supports one or more claims."""

    text: str
    section: str
    location: str
    match: QuoteMatch
    file: str
    line: int

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


ISSUE_KINDS = {
    "donor_conflict": "the review names different donor cells in the text and in Table 1",
    "recipient_conflict": "the review names different recipient cells in the text and in Table 1",
    "direction_conflict_with_source": "the review states the opposite direction to the cited study",
    "text_slip": "a slip in the review's wording",
    "table_text_conflict": "the text and a table of the review disagree",
}


@dataclass
class Curation:
    """Everything the curation sources say, validated."""

    claims: list[Claim]
    issues: list[ReviewIssue]
    metadata: dict[str, Any]


# --------------------------------------------------------------------------- validation
Problems = list[CurationProblem]


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

    def problem(self, file: str, line: int, reason: str) -> None:
        self.problems.append(CurationProblem(file, line, reason))


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
    if "evidence" not in record and "evidence" in statement:
        try:
            values["evidence"] = _parse_value(ctx, ctx.schema.statement_fields["evidence"], statement["evidence"])
        except (ExomirError, ValueError) as error:
            ctx.problem(file, line_of(statement, "evidence"), str(error))
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
        if not re.fullmatch(ctx.schema.statement_fields["location"].pattern.strip("^$"), str(location)):
            ctx.problem(file, line_of(statement, "location"), f"location {location!r} must be 'text' or 'Table N row M'")
        if match is None:
            ctx.problem(file, line_of(statement, "quote"), f"quote not found in the review text: {quote_text[:70]!r}")
        else:
            quote = Quote(" ".join(quote_text.split()), statement.get("section", section), str(location),
                          match, file, line_of(statement, "quote"))
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
    for target in statement.get("supports", []) or []:
        if quote is not None:
            supports.append((str(target), line_of(statement, "supports"), file, quote))


def _load_issues(ctx: _Context, path: Path, claims: dict[str, Claim]) -> list[ReviewIssue]:
    file = relative(path, ctx.root)
    try:
        data = load_yaml(path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        ctx.problem(file, mark.line + 1 if mark else 1, f"not valid YAML: {error}")
        return []
    issues = []
    for record in (data or {}).get("issues", []):
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


def load_curation(root: Path, curation_dir: Path, schema: CurationSchema, prefixes: PrefixRegistry,
                  tables: ReferenceTables, review: ReviewText, local_terms: set[str]) -> Curation:
    """Read and check every curation file; raise :class:`CurationError` listing all problems."""
    ctx = _Context(root, schema, prefixes, tables, review)
    ctx.local_terms = local_terms  # type: ignore[attr-defined]
    claims: dict[str, Claim] = {}
    seen: dict[str, str] = {}
    supports: list[tuple[str, int, str, Quote]] = []
    claim_files = sorted((curation_dir / "claims").glob("*.yaml"))
    if not claim_files:
        ctx.problem(relative(curation_dir / "claims", root), 0, "no claim files (*.yaml)")
    for path in claim_files:
        file = relative(path, root)
        try:
            data = load_yaml(path)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            ctx.problem(file, mark.line + 1 if mark else 1, f"not valid YAML: {str(error).splitlines()[0]}")
            continue
        if not isinstance(data, Lined) or "statements" not in data or not isinstance(data.get("section"), str):
            ctx.problem(file, 1, "a claim file needs 'section' (text) and 'statements' (a list)")
            continue
        for statement in data["statements"] or []:
            _check_statement(ctx, file, data["section"], statement, seen, claims, supports)
    for target, line, file, quote in supports:
        if target not in claims:
            if target not in seen:
                ctx.problem(file, line, f"supports unknown claim {target!r}")
        elif quote not in claims[target].quotes:
            claims[target].quotes.append(quote)
    issues_path = curation_dir / "review-issues.yaml"
    issues = _load_issues(ctx, issues_path, claims) if issues_path.exists() else []
    metadata_path = curation_dir / "dataset.yaml"
    metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) if metadata_path.exists() else {}
    if ctx.problems:
        raise CurationError(ctx.problems)
    return Curation(sorted(claims.values(), key=lambda c: c.id), issues, metadata or {})

