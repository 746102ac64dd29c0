"""The review's text, shipped in ``kg/review/``, and the search for curators' quotes in it.

The text was extracted from the typeset article: words break at line ends with a hyphen
("occur-\\nrence"), real hyphens can fall at a line end ("exo-\\nmiR-21"), and blank lines split
columns. A quote is found when it matches the text with any run of whitespace standing for any
other, and a line-end hyphen read either as a soft break or as a real hyphen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

_SOFT_BREAK = r"(?:-[ \t]*\n\s*)?"


@lru_cache(maxsize=4096)
def quote_pattern(quote: str) -> re.Pattern[str]:
    """A regular expression that finds ``quote`` in the extracted text despite line breaks."""
    parts: list[str] = []
    words = quote.split()
    for w_index, word in enumerate(words):
        if w_index:
            parts.append(r"\s+")
        for c_index, char in enumerate(word):
            if c_index:
                parts.append(_SOFT_BREAK if word[c_index - 1] != "-" else r"\s*")
            parts.append(re.escape(char))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class QuoteMatch:
    start: int
    end: int
    line: int


@dataclass
class ReviewText:
    """The review's plain text, searchable for quotes."""

    path: Path

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def find(self, quote: str) -> QuoteMatch | None:
        """Where ``quote`` occurs in the review (first occurrence), or None."""
        if not quote.strip():
            return None
        match = quote_pattern(quote).search(self.text)
        if match is None:
            return None
        return QuoteMatch(match.start(), match.end(), self.text.count("\n", 0, match.start()) + 1)
