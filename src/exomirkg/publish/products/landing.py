"""The landing page, ``index.html``: what the release is, its figure, how to cite it, and every file
with its size and checksum; the Bioschemas Dataset JSON-LD is embedded for search engines.

Made from the manifest with the autoescaped template ``templates/index.html``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...dataset import REVIEW_DOI
from .metadata import LICENSE_NAME, bioschemas
from .render import render

if TYPE_CHECKING:
    from .context import Files, ReleaseContext


def landing_page(ctx: ReleaseContext) -> Files:
    m = ctx.manifest
    return {"index.html": render("index.html", m=m, jsonld=bioschemas(m), changes=ctx.changes,
                                 files=sorted(m["files"].items()), license_name=LICENSE_NAME, review_doi=REVIEW_DOI)}
