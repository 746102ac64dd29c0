"""How to cite and reuse the release: ``CITATION.cff`` (from the manifest) and ``LICENSE.txt``.

Both are text templates (``templates/CITATION.cff``, ``templates/LICENSE.txt``); the review, the
licence and its SPDX id come from :mod:`exomirkg.dataset`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...dataset import LICENSE, LICENSE_SPDX_ID, REVIEW_DOI, REVIEW_JOURNAL, REVIEW_TITLE, REVIEW_YEAR
from .metadata import LICENSE_NAME
from .render import render

if TYPE_CHECKING:
    from .context import Files, ReleaseContext


def license_text(ctx: ReleaseContext) -> Files:
    return {"LICENSE.txt": render("LICENSE.txt", license=LICENSE, license_name=LICENSE_NAME,
                                  license_spdx_id=LICENSE_SPDX_ID, review_doi=REVIEW_DOI)}


def citation_cff(ctx: ReleaseContext) -> Files:
    m = ctx.manifest
    return {"CITATION.cff": render("CITATION.cff", title=m["title"], version=m["version"], date=m["date"],
                                   download_base=m["download_base"], version_iri=m["version_iri"],
                                   creators=m["creators"], orcids=ctx.built.curation.metadata.get("orcids", {}), keywords=m["keywords"], license_spdx_id=LICENSE_SPDX_ID,
                                   review_title=REVIEW_TITLE, review_journal=REVIEW_JOURNAL, review_year=REVIEW_YEAR,
                                   review_doi=REVIEW_DOI)}
