"""``/release/VERSION/...``: the files of the release that ``serve --release DIR`` serves, where the
w3id.org rules of that release (:mod:`exomirkg.publish.w3id`) send its version IRI and its download URLs.

Only the files that the release's ``SHA256SUMS`` lists are served (and ``SHA256SUMS``), each with its
media type; ``/release/VERSION/`` itself is its landing page, its DCAT description (Turtle) or its
RO-Crate (JSON-LD), by content negotiation or ``?format=``. ``/release/VERSION`` redirects to
``/release/VERSION/`` (the landing page's links are relative). Any other version is 404.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExomirError

MEDIA_TYPES = {".trig": "application/trig", ".nq": "application/n-quads", ".ttl": "text/turtle",
               ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".owl": "application/rdf+xml",
               ".tsv": "text/tab-separated-values", ".rq": "application/sparql-query", ".html": "text/html",
               ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json", ".md": "text/markdown",
               ".cff": "text/plain", ".txt": "text/plain", ".dot": "text/vnd.graphviz", ".htaccess": "text/plain"}
"""The media types of a release's files, by suffix (``.htaccess`` by name); the crate's, tested to agree."""

INDEX = {"html": ("index.html", "text/html; charset=utf-8"),
         "turtle": ("metadata/dataset.ttl", "text/turtle; charset=utf-8"),
         "json-ld": ("ro-crate-metadata.json", "application/ld+json; charset=utf-8")}
"""What ``/release/VERSION/`` is in each format: a file of the release, and its media type."""


@dataclass(frozen=True)
class ReleaseSite:
    """The files of one release folder, by their path in it."""

    folder: Path
    version: str
    files: frozenset[str]

    @classmethod
    def of(cls, folder: Path) -> ReleaseSite:
        """The site of a release folder: its version from ``manifest.json``, its files from ``SHA256SUMS``."""
        try:
            version = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"]
            listed = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError, KeyError) as error:
            raise ExomirError(f"{folder} is not a complete release (manifest.json, SHA256SUMS): {error}") from error
        files = {line.split("  ", 1)[1] for line in listed if "  " in line}
        return cls(folder, str(version), frozenset(files | {"SHA256SUMS"}))

    def media_type(self, rel: str) -> str:
        name = Path(rel)
        media = MEDIA_TYPES.get(name.suffix or name.name, "application/octet-stream")
        return f"{media}; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "+xml")) else media

    def read(self, rel: str) -> bytes | None:
        """The bytes of a listed file; None for anything else."""
        return (self.folder / rel).read_bytes() if rel in self.files else None


__all__ = ["INDEX", "ReleaseSite"]
