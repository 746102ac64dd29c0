"""The claim-level changelog: ``CHANGELOG.md`` and ``reports/changes.json``.

A claim is compared with the same claim of the previous release (the newest older version in the
same out folder) by a hash of its assertion and provenance graphs.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ...build import KG_STEM
from .render import render

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

KINDS = ("added", "removed", "changed")


def claim_fingerprints(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """Claim id -> hash of its assertion and provenance graphs (each statement as its graph's IRI and
    its N-Triples line, sorted)."""
    from ...validate.engines import nanopublication_of
    lines: dict[str, list[str]] = {}
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        claim = nanopublication_of(name)
        if claim is not None and name.endswith(("/assertion", "/provenance")):
            lines.setdefault(claim, []).append(f"{name} {quad.subject} {quad.predicate} {quad.object} .")
    return {claim: hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest() for claim, found in lines.items()}


def previous_release(out: Path, version: str, pattern: re.Pattern[str]) -> str | None:
    """The newest version in ``out`` older than ``version`` that holds its data, or None."""
    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))
    older = [p.name for p in out.iterdir() if p.is_dir() and pattern.match(p.name)
             and key(p.name) < key(version) and (p / "data" / f"{KG_STEM}.trig").exists()] if out.exists() else []
    return max(older, key=key) if older else None


def released_fingerprints(folder: Path) -> dict[str, str]:
    """The claim fingerprints of the release in ``folder``: from its ``nanopubs/nanopubs.tsv``, or
    computed from its KG for a release made before nanopublications were released."""
    from .nanopubs import previous_entries
    rows = previous_entries(folder)
    if rows:
        return {row["id"]: row["fingerprint"] for row in rows.values() if row["kind"] == "claim"}
    return claim_fingerprints(ox.parse(path=str(folder / "data" / f"{KG_STEM}.trig"), format=ox.RdfFormat.TRIG))


def compare(quads: Iterable[ox.Quad], previous: dict[str, str] | None) -> dict[str, list[str]]:
    """Claim ids added, removed and changed in ``quads`` (a KG) against the fingerprints of the
    previous release."""
    current, previous = claim_fingerprints(quads), previous or {}
    return {"added": sorted(set(current) - set(previous)), "removed": sorted(set(previous) - set(current)),
            "changed": sorted(c for c in set(current) & set(previous) if current[c] != previous[c])}


def changelog_files(ctx: ReleaseContext) -> Files:
    """``CHANGELOG.md`` for people, ``reports/changes.json`` for programs."""
    released = ctx.nanopubs
    nanopubs = {"index": released.index.uri, "kept": len(released.kept), "superseded": released.superseded,
                "retracted": released.retracted, "restored": released.restored, "new": released.new,
                "notes": released.notes}
    text = render("CHANGELOG.md", version=ctx.version, previous=ctx.previous, changes=ctx.changes, kinds=KINDS,
                  nanopubs=nanopubs, uris={e.id: e.uri for e in released.entries})
    report = {**ctx.changes, "nanopublications": nanopubs}
    return {"CHANGELOG.md": text, "reports/changes.json": json.dumps(report, indent=1, sort_keys=True) + "\n"}
