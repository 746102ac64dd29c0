"""What the dataset is: the review it curates, its licence, its default date.

The one place for these facts in code. ``kg/curation/dataset.yaml`` states them for curators; a
data-integrity test (``tests/test_dataset.py``) holds the two in agreement.
"""
from __future__ import annotations

from typing import Final

REVIEW_TITLE: Final = "Exosomal microRNAs in hepatocellular carcinoma"
REVIEW_JOURNAL: Final = "Cancer Cell International"
REVIEW_YEAR: Final = 2021
REVIEW_DOI: Final = "10.1186/s12935-021-01941-9"
REVIEW_DOI_IRI: Final = f"https://doi.org/{REVIEW_DOI}"
REVIEW_CITATION: Final = f"{REVIEW_JOURNAL} {REVIEW_YEAR}, doi:{REVIEW_DOI}"
"""How the review is named in prose: ``Cancer Cell International 2021, doi:10.1186/...``."""

LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
"""The licence of the KG and of the review it quotes (CC BY 4.0)."""
LICENSE_SPDX_ID: Final = "CC-BY-4.0"
LICENSE_SPDX: Final = f"http://spdx.org/licenses/{LICENSE_SPDX_ID}"

DEFAULT_CREATED: Final = "2026-11-28"
"""The dataset's date when ``dataset.yaml`` gives none (release and SSSOM dates fall back to it)."""
