"""Quotes are found in the extracted review text despite its line breaks, and only then."""
from __future__ import annotations

import pytest

from exomirkg.curation.review import ReviewText


@pytest.fixture(scope="module")
def review(project) -> ReviewText:
    return ReviewText(project.review_path)


def test_soft_hyphen_at_line_end_reads_as_one_word(review):
    # the text has "occur-\nrence" and "moni-\ntor"
    assert review.find("play a key role in the occurrence, development, prognosis, monitor") is not None


def test_real_hyphen_at_line_end_is_kept(review):
    # the text has "exo-\nmiR-122" with a real hyphen
    assert review.find("They found that the expression of exo-miR-122, exo-miR-148a") is not None


def test_table_rows_spanning_lines_and_blank_lines(review):
    assert review.find("miR-210 HCC cells Endothelial cells Upregulated SMAD4, STAT6 Promote tumor angiogenesis") is not None


@pytest.mark.parametrize("quote", [
    "the expression level of exo-miR-21 in patients with HCC was significantly lower",
    "exo-miR-1247-3p in exosomes released by macrophages",
    "",
])
def test_altered_quotes_are_not_found(review, quote):
    assert review.find(quote) is None


def test_line_number_points_into_the_text(review):
    match = review.find("Exo-miR-451a, as a tumor suppressor")
    assert "Exo-miR-451a" in review.text.splitlines()[match.line - 1]
