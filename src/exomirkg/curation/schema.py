"""The curation schema (``kg/curation/schema.yaml``): claim types, their fields and value kinds,
the statement fields, and the checks that the schema file itself is well formed."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CurationProblem, UnusableCuration, relative
from .yaml_lines import Lined, line_of, load_yaml, plain

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
    qualifier: bool = False      # the claim is true only in this context: its direct edges carry it


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
    tables: dict[int, tuple[str, ...]] = field(default_factory=dict)    # table number -> its printed columns

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
                   {n: _field_spec(n, s) for n, s in data["statement_fields"].items()},
                   {int(n): tuple(str(c) for c in columns) for n, columns in (data.get("tables") or {}).items()})


SCHEMA_SECTIONS = ("claim_types", "fields", "statement_fields")
FIELD_KINDS = ("text", "enum", "curie", "curies", "number", "bool", "ints", "mirna", "list")
STATEMENT_FIELDS_USED = ("quote", "location", "refs", "evidence")   # the loader reads these specs


def _field_spec(name: str, spec: Lined) -> FieldSpec:
    return FieldSpec(
        name=name, kind=spec["kind"], predicate=spec.get("predicate"),
        prefixes=tuple(spec.get("prefixes", ())), values=dict(spec.get("values", {})),
        pattern=spec.get("pattern"), minimum=spec.get("min"), maximum=spec.get("max"),
        measure=spec.get("measure"), default=plain(spec.get("default")),
        description=spec.get("description", ""), qualifier=bool(spec.get("qualifier", False)))


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


def is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_names(value: Any, names: set[str]) -> bool:
    return is_text_list(value) and all(name in names for name in value)


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
    if "qualifier" in spec and not isinstance(spec["qualifier"], bool):
        problems.append(CurationProblem(file, line_of(spec, "qualifier"), f"field {name!r}: qualifier must be true or false"))
    if "prefixes" in spec and not is_text_list(spec["prefixes"]):
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
    tables = data.get("tables", {})
    if not isinstance(tables, Lined) or not all(isinstance(n, int) and is_text_list(c) and c for n, c in tables.items()):
        problems.append(CurationProblem(file, line_of(data, "tables") or 1,
                                        "tables must map a table number to the list of its column names"))
    fields = {str(n) for n in data["fields"]}
    for name, spec in data["claim_types"].items():
        problems += _claim_type_problems(file, str(name), spec, line_of(data["claim_types"], name), fields)
    return problems


