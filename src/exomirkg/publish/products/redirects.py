"""The w3id.org redirects of the release's IRIs: ``w3id/exomir-kg/.htaccess`` and ``README.md``, the
folder to submit to the w3id.org repository (see :mod:`exomirkg.publish.w3id` and the README)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...publish.w3id import FOLDER, htaccess, readme

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

W3ID_FILES = (f"w3id/{FOLDER}/.htaccess", f"w3id/{FOLDER}/README.md")


def w3id_files(ctx: ReleaseContext) -> Files:
    metadata = ctx.built.curation.metadata
    creators = list(metadata.get("creators", ["exomir-kg curators"]))
    return {W3ID_FILES[0]: htaccess(ctx.server_url, ctx.version),
            W3ID_FILES[1]: readme(ctx.server_url, ctx.version, creators, metadata.get("orcids", {}))}
