"""Reading the curation sources: claim files, review issues, and the curation schema.

A claim file (``kg/curation/claims/*.yaml``) has a ``section`` and a list of ``statements``;
each statement is a verbatim quote of the review with its reference numbers and the atomic
claims it supports. Loading keeps the line of every key, so that each problem is reported as
``file:line: reason``; :func:`load_curation` collects all problems before raising.

Every curation file is read by one loader, :class:`CurationLoader`: UTF-8 only, no duplicate
keys, no anchors or aliases (so no alias can be expanded without limit). A file it refuses is
*unusable* (:class:`UnusableCuration`); a value that breaks a rule is a plain problem.
"""
from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import CurationError, CurationProblem, ExomirError, IdentifierError, UnusableCuration, relative
from ..ids.prefixes import Curie, PrefixRegistry
from ..ids.reference import Reference, ReferenceTables, ResolvedMiRNA
from .review import QuoteMatch, ReviewText

# --------------------------------------------------------------------------- YAML with lines
ALIASES_REFUSED = "YAML aliases/anchors are not allowed in curation files"
MAX_DEPTH = 50          # a claim file nests 5 levels; far deeper nesting only exhausts the stack
MERGE_TAG = "tag:yaml.org,2002:merge"


class Lined(dict):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LinedList(list):
    """A YAML sequence that remembers its line (1-based)."""

    line: int = 0


class _Refused(Exception):
    """Something a curation file may not contain, found while reading it at ``line``."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class CurationLoader(yaml.SafeLoader):
    """The one YAML loader of every curation file (claims, dataset, schema, review issues).

    It is PyYAML's SafeLoader, plus: mappings and sequences come back as :class:`Lined` and
    :class:`LinedList`; a duplicate key is refused; an anchor or an alias is refused while the
    file is composed, before any alias could be expanded (no "billion laughs"); so is nesting
    deeper than :data:`MAX_DEPTH`.
    """

    depth: int = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Refuse an alias (``*a``), an anchor (``&a``) or too deep a node at the event that starts it."""
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark.line + 1, ALIASES_REFUSED)
        if self.depth >= MAX_DEPTH:
            raise _Refused(event.start_mark.line + 1, f"YAML nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_lined_mapping(loader: CurationLoader, node: yaml.MappingNode) -> Lined:
    """Build a :class:`Lined` mapping; refuse a duplicate key, an unhashable key, a merge key."""
    mapping = Lined()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == MERGE_TAG:
            raise _Refused(line, "YAML merge keys (<<) are not allowed in curation files")
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise _Refused(line, "a mapping key must be a plain value, not a list or a mapping")
        if key in mapping.key_lines:
            raise _Refused(line, f"duplicate key {key!r} (first at line {mapping.key_lines[key]})")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_lined_list(loader: CurationLoader, node: yaml.SequenceNode) -> LinedList:
    """Build a :class:`LinedList` from a YAML sequence."""
    items = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    return items


CurationLoader.add_constructor("tag:yaml.org,2002:map", _construct_lined_mapping)
CurationLoader.add_constructor("tag:yaml.org,2002:seq", _construct_lined_list)


def _unusable(file: str, line: int, reason: str) -> UnusableCuration:
    return UnusableCuration([CurationProblem(file, line, reason)])


def _read_text(path: Path, file: str) -> str:
    """The file's text; refuse a folder, a non-regular file, an unreadable one, or non-UTF-8 bytes."""
    if path.is_dir():
        raise _unusable(file, 0, "is a folder, not a YAML file")
    if path.exists() and not path.is_file():
        raise _unusable(file, 0, "is not a regular file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _unusable(file, 0, f"cannot be read: {error.strerror or error}") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise _unusable(file, line, f"not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded "
                                    "(save the file as UTF-8)") from error


def _yaml_problem(error: yaml.YAMLError, text: str) -> tuple[int, str]:
    """Line and reason of a YAML syntax error (with where the broken construct began)."""
    if isinstance(error, yaml.reader.ReaderError):
        line = text[:error.position].count("\n") + 1
        code = ord(error.character) if isinstance(error.character, str) else error.character
        return line, f"not valid YAML: control character #x{code:04x} is not allowed"
    if not isinstance(error, yaml.MarkedYAMLError):
        return 1, f"not valid YAML: {error}"
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    reason = f"not valid YAML: {error.problem or error.context}"
    if error.problem and error.context:
        begun = error.context_mark
        where = f" begun at line {begun.line + 1}" if begun is not None and begun.line + 1 != line else ""
        reason += f" ({error.context}{where})"
    return line, reason


def load_yaml(path: Path, root: Path | None = None) -> Any:
    """Read one curation YAML file into :class:`Lined` / :class:`LinedList` values with lines.

    Raises :class:`UnusableCuration` (one ``file:line: reason``, the file named relative to
    ``root``) when the file is a folder, not UTF-8, not YAML, or holds a duplicate key, an
    anchor or an alias.
    """
    file = relative(path, root) if root is not None else str(path)
    text = _read_text(path, file)
    try:
        loader = CurationLoader(text)
    except yaml.YAMLError as error:           # the reader checks every character first
        raise _unusable(file, *_yaml_problem(error, text)) from error
    try:
        return loader.get_single_data()
    except _Refused as refused:
        raise _unusable(file, refused.line, refused.reason) from refused
    except yaml.YAMLError as error:
        raise _unusable(file, *_yaml_problem(error, text)) from error
    finally:
        loader.dispose()


def plain(value: Any) -> Any:
    """``value`` with every :class:`Lined` / :class:`LinedList` turned into a plain dict / list."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, Lined):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return getattr(mapping, "line", 0)


# --------------------------------------------------------------------------- schema
Problems = list[CurationProblem]


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
    def load(cls, path: Path, root: Path | None = None) -> CurationSchema:
        """Read ``schema.yaml``; raise :class:`UnusableCuration` (``file:line: reason``, the file
        named relative to ``root``) when it cannot be read or is not a usable schema."""
        data = load_yaml(path, root)
        problems = _schema_problems(relative(path, root) if root is not None else str(path), data)
        if problems:
            raise UnusableCuration(problems)
        types = {name: _claim_type(name, spec) for name, spec in data["claim_types"].items()}
        return cls(types,
                   {n: _field_spec(n, s) for n, s in data["fields"].items()},
                   {n: _field_spec(n, s) for n, s in data["statement_fields"].items()})


SCHEMA_SECTIONS = ("claim_types", "fields", "statement_fields")
FIELD_KINDS = ("text", "enum", "curie", "curies", "number", "bool", "ints", "mirna", "list")
STATEMENT_FIELDS_USED = ("quote", "location", "refs", "evidence")   # the loader reads these specs


def _field_spec(name: str, spec: Lined) -> FieldSpec:
    return FieldSpec(
        name=name, kind=spec["kind"], predicate=spec.get("predicate"),
        prefixes=tuple(spec.get("prefixes", ())), values=dict(spec.get("values", {})),
        pattern=spec.get("pattern"), minimum=spec.get("min"), maximum=spec.get("max"),
        measure=spec.get("measure"), default=plain(spec.get("default")),
        description=spec.get("description", ""))


def _claim_type(name: str, spec: Lined) -> ClaimTypeSpec:
    return ClaimTypeSpec(
        name=name, class_name=spec["class"], description=spec["description"],
        required=tuple(spec.get("required", ())),
        one_of=tuple(tuple(group) for group in spec.get("one_of", ())),
        edges=tuple(EdgeSpec(e["predicate"], e["object"], dict(e.get("when", {})))
                    for e in spec.get("edges", ())))


def is_finite_number(value: Any) -> bool:
    """True for an int or float that is neither a bool, NaN nor infinite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_names(value: Any, names: set[str]) -> bool:
    return _is_text_list(value) and all(name in names for name in value)


def _field_spec_problems(file: str, name: str, spec: Any, line: int) -> Problems:
    """What makes one field spec of schema.yaml unusable."""
    if not isinstance(spec, Lined):
        return [CurationProblem(file, line, f"field {name!r} must be a mapping (kind, predicate, ...)")]
    problems = []
    if "kind" not in spec:
        problems.append(CurationProblem(file, line, f"field {name!r} needs 'kind'"))
    elif spec["kind"] not in FIELD_KINDS:
        kinds = ", ".join(FIELD_KINDS)
        problems.append(CurationProblem(file, line_of(spec, "kind"),
                                        f"field {name!r}: kind must be one of {kinds}, not {spec['kind']!r}"))
    for bound in ("min", "max"):
        if bound in spec and not is_finite_number(spec[bound]):
            problems.append(CurationProblem(file, line_of(spec, bound),
                                            f"field {name!r}: {bound} must be a finite number, not {spec[bound]!r}"))
    if "pattern" in spec:
        try:
            re.compile(str(spec["pattern"]))
        except re.error as error:
            problems.append(CurationProblem(file, line_of(spec, "pattern"), f"field {name!r}: bad pattern: {error}"))
    if "values" in spec and not isinstance(spec["values"], Lined):
        problems.append(CurationProblem(file, line_of(spec, "values"), f"field {name!r}: values must be a mapping"))
    if "prefixes" in spec and not _is_text_list(spec["prefixes"]):
        problems.append(CurationProblem(file, line_of(spec, "prefixes"), f"field {name!r}: prefixes must be a list"))
    return problems


def _claim_type_problems(file: str, name: str, spec: Any, line: int, fields: set[str]) -> Problems:
    """What makes one claim type of schema.yaml unusable."""
    if not isinstance(spec, Lined):
        return [CurationProblem(file, line, f"claim type {name!r} must be a mapping (class, description, ...)")]
    problems = [CurationProblem(file, line, f"claim type {name!r} needs {key!r} (text)")
                for key in ("class", "description") if not isinstance(spec.get(key), str)]
    if "required" in spec and not _is_names(spec["required"], fields):
        problems.append(CurationProblem(file, line_of(spec, "required"),
                                        f"claim type {name!r}: required must be a list of fields"))
    groups = spec.get("one_of", [])
    if not isinstance(groups, list) or not all(_is_names(group, fields) for group in groups):
        problems.append(CurationProblem(file, line_of(spec, "one_of"),
                                        f"claim type {name!r}: one_of must be a list of lists of fields"))
    edges = spec.get("edges", [])
    if not isinstance(edges, list) or not all(
            isinstance(e, Lined) and isinstance(e.get("predicate"), str) and e.get("object") in fields
            and isinstance(e.get("when", {}), dict) for e in edges):
        problems.append(CurationProblem(file, line_of(spec, "edges"), f"claim type {name!r}: each edge needs "
                                        "a predicate, an object field and an optional when mapping"))
    return problems


def _schema_problems(file: str, data: Any) -> Problems:
    """Everything that makes a read schema.yaml unusable, as ``file:line: reason`` problems."""
    if not isinstance(data, Lined) or not all(isinstance(data.get(s), Lined) for s in SCHEMA_SECTIONS):
        return [CurationProblem(file, line_of(data) or 1, "schema.yaml must be a mapping with claim_types, "
                                "fields and statement_fields (each a mapping)")]
    problems: Problems = []
    for section in ("fields", "statement_fields"):
        for name, spec in data[section].items():
            problems += _field_spec_problems(file, str(name), spec, line_of(data[section], name))
    for name in STATEMENT_FIELDS_USED:
        if name not in data["statement_fields"]:
            problems.append(CurationProblem(file, line_of(data, "statement_fields"),
                                            f"statement_fields needs {name!r}"))
    location = data["statement_fields"].get("location")
    if isinstance(location, Lined) and not isinstance(location.get("pattern"), str):
        problems.append(CurationProblem(file, line_of(data["statement_fields"], "location"),
                                        "statement field 'location' needs a pattern"))
    fields = {str(n) for n in data["fields"]}
    for name, spec in data["claim_types"].items():
        problems += _claim_type_problems(file, str(name), spec, line_of(data["claim_types"], name), fields)
    return problems


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
        self.refuse(_unusable(file, line, reason))

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
        location_pattern = ctx.schema.statement_fields["location"].pattern or ""   # the schema check requires one
        if not re.fullmatch(location_pattern.strip("^$"), str(location)):
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
    targets = statement.get("supports", []) or []
    if not isinstance(targets, list):
        ctx.problem(file, line_of(statement, "supports"), "supports must be a list of claim ids")
        targets = []
    for target in targets:
        if quote is not None:
            supports.append((str(target), line_of(statement, "supports"), file, quote))


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
    ``creators`` (a list of names); anything else is recorded as unusable."""
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
    if "creators" in data and not (_is_text_list(data["creators"]) and data["creators"]):
        ctx.refuse_at(file, line_of(data, "creators"), "creators must be a list of names")
    return plain(data)


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
    metadata = _load_metadata(ctx, metadata_path) if metadata_path.exists() or metadata_path.is_symlink() else {}
    if ctx.problems:
        raise ctx.error()
    return Curation(sorted(claims.values(), key=lambda c: c.id), issues, metadata)

