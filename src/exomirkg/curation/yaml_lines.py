"""Curation YAML, read strictly and with lines: every mapping and list remembers the line it starts
on, so each problem is reported as ``file:line: reason``.

:class:`CurationLoader` reads UTF-8 only, refuses duplicate keys, anchors, aliases, merge keys and
deep nesting (so no alias can be expanded without limit). A file it refuses is *unusable*
(:class:`~exomirkg.errors.UnusableCuration`).
"""
from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from ..errors import CurationProblem, UnusableCuration, relative

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


def unusable(file: str, line: int, reason: str) -> UnusableCuration:
    return UnusableCuration([CurationProblem(file, line, reason)])


def _read_text(path: Path, file: str) -> str:
    """The file's text; refuse a folder, a non-regular file, an unreadable one, or non-UTF-8 bytes."""
    if path.is_dir():
        raise unusable(file, 0, "is a folder, not a YAML file")
    if path.exists() and not path.is_file():
        raise unusable(file, 0, "is not a regular file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise unusable(file, 0, f"cannot be read: {error.strerror or error}") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise unusable(file, line, f"not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded "
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
        raise unusable(file, *_yaml_problem(error, text)) from error
    try:
        return loader.get_single_data()
    except _Refused as refused:
        raise unusable(file, refused.line, refused.reason) from refused
    except yaml.YAMLError as error:
        raise unusable(file, *_yaml_problem(error, text)) from error
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


