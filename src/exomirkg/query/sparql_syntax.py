"""What the server needs to know of a query's text before running it, read without running it.

:func:`dataset_clauses` tells whether a query names its own RDF dataset (``FROM`` / ``FROM NAMED``):
the server then runs it on those graphs instead of the union of all graphs. The text is scanned
with a small lexer that skips comments, strings and IRIs, so the word "from" in a comment, a
string, an IRI, a variable (``?from``) or a prefixed name (``ex:from``) is not taken for a clause.
"""
from __future__ import annotations

import re
from functools import lru_cache

# one token at a time: the alternatives that may hide a keyword come first
_TOKEN = re.compile(r'''
      (?P<comment>\#[^\n]*)
    | (?P<long_string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[?$]?[A-Za-z_][\w.\-]*(?::[\w.\-%:]*)?|:[\w.\-%:]*)
    | (?P<brace>[{}])
    | (?P<other>.)
''', re.VERBOSE | re.DOTALL)


def keywords_outside_groups(text: str) -> list[str]:
    """The bare words of a query that stand outside every ``{...}`` group, upper-cased (comments,
    strings, IRIs, variables and prefixed names left out)."""
    words: list[str] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "brace":
            depth += 1 if match.group() == "{" else -1
        elif kind == "word" and depth == 0:
            word = match.group()
            if not word.startswith(("?", "$")) and ":" not in word:
                words.append(word.upper())
    return words


@lru_cache(maxsize=512)
def dataset_clauses(text: str) -> bool:
    """True when the query has a ``FROM`` or ``FROM NAMED`` clause of its own (remembered for the
    last 512 texts: a server sees the same queries again and again)."""
    if not re.search(r"(?i)\bfrom\b", text):         # the common case, without lexing
        return False
    return "FROM" in keywords_outside_groups(text)


__all__ = ["dataset_clauses", "keywords_outside_groups"]
