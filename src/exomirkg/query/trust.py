"""What not to trust in this review: the review's own problems, conflicts between studies, and the
claims that rest on retracted studies, problematic cell lines or references that could not be
verified. Each section is a stored query (``queries/``), so the page (``/problems``), the release
document (``WHAT-NOT-TO-TRUST.md``) and a user's own SPARQL client see the same answer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ids.prefixes import PrefixRegistry
from .catalogue import StoredQuery
from .store import QueryResult


@dataclass(frozen=True)
class Section:
    """One section: its anchor, title, what it means for a reader, and the stored query it runs."""

    key: str
    title: str
    explanation: str
    query: str


SECTIONS = (
    Section("issues", "Problems of the review itself",
            "Where the review disagrees with itself (text against Table 1), states the opposite of the study it "
            "cites, or slips in its wording; recorded, never silently fixed. Each names the claims it touches.",
            "review-issues"),
    Section("conflicts", "Conflicts between studies",
            "miRNAs reported up in one study and down in another: a different comparison group, or two studies "
            "that disagree about the same comparison.", "opposite-directions"),
    Section("retracted", "Claims resting on retracted studies",
            "The cited study has been retracted since the review was published; its notice is quoted.",
            "retracted-claims"),
    Section("cell-lines", "Claims resting on problematic cell lines",
            "Cellosaurus flags the cell line as misidentified or contaminated: the finding may not be about "
            "liver cancer cells at all.", "problematic-cell-lines"),
    Section("unverified", "Claims resting on references that could not be verified",
            "The review's reference could not be matched to a DOI or PMID with certainty (probable: a likely "
            "match; unknown: none found): check the study before relying on the claim.", "unverified-references"),
)


def gathered(queries: dict[str, StoredQuery], registry: PrefixRegistry,
             run: Callable[[str], QueryResult]) -> list[tuple[Section, QueryResult]]:
    """Each section with every answer of its query (all pages); a section whose query the project
    does not have (a checkout without ``queries/``) is left out."""
    answers = []
    for section in SECTIONS:
        stored = queries.get(section.query)
        if stored is None:
            continue
        values = {p.name: "*" for p in stored.parameters if p.variable == "LIMIT"}
        answers.append((section, run(stored.bind(values, registry))))
    return answers


__all__ = ["SECTIONS", "Section", "gathered"]
