"""``exomirkg release VERSION``: a complete, self-describing, verifiable and reproducible release.

Everything is written into a hidden folder next to the target and swapped into place at the end
(:mod:`exomirkg.publish.atomic`): a failed or interrupted release leaves the previous one as it was, and one
release of a version runs at a time (a lock in the out folder); an existing version is never
overwritten unless ``force`` is given. What is written is the table of products
(:data:`exomirkg.publish.products.PRODUCTS`), walked in order: the data products, the manifest of
their files with checksums, the metadata made from that manifest, and ``SHA256SUMS`` of every file.
The same inputs give byte-identical files.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import build
from ..curation.sources import Curation
from ..dataset import DEFAULT_CREATED
from ..errors import ExomirError
from ..project import Project
from .atomic import building_folder, clean_stale_folders, swap_into_place, version_lock
from .products import CHECKSUMS, PRODUCTS, Product, ReleaseContext, Signing, manifest
from .products.context import VERSION_PATTERN, ProductError
from .products.nanopubs import UnusablePreviousRelease
from .w3id import SERVER_PLACEHOLDER, checked_server_url


class ReleaseError(ExomirError):
    """The release could not be made; nothing was written."""


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    files: list[str]
    changes: dict[str, list[str]]
    notes: tuple[str, ...] = ()      # hidden folders of killed releases removed, restored or left


def release(project: Project, version: str, out: Path, force: bool = False, date: str | None = None,
            signing: Signing | None = None, server_url: str = SERVER_PLACEHOLDER,
            progress: Callable[[str], None] | None = None, curation: Curation | None = None) -> ReleaseResult:
    """Cut release ``version`` into ``out/version``; raise ReleaseError (leaving the previous
    release as it was) on failure, and :class:`exomirkg.publish.atomic.VersionLocked` at once when another
    release of ``version`` is under way in ``out``. With ``signing``, its nanopublications are signed.
    ``server_url`` is the public URL of ``exomirkg serve --release``, where its w3id.org rules redirect;
    ``progress`` is told the name of each step as it starts (the build, then each product);
    ``curation``: release these claims instead of the project's curation files (the benchmark's)."""
    if not VERSION_PATTERN.match(version):
        raise ReleaseError(f"version {version!r} must look like 1.2.3")
    try:
        server_url = checked_server_url(server_url)
    except ValueError as error:
        raise ReleaseError(str(error)) from error
    target = out / version
    out.mkdir(parents=True, exist_ok=True)
    with version_lock(out, version):
        notes = clean_stale_folders(out, version)
        if target.exists() and not force:
            raise ReleaseError("; ".join([f"{target} exists; use --force to replace it", *notes]))
        staging = building_folder(out, version)
        try:
            files, changes, signing_notes = _write_release(project, version, staging, out, date, signing, server_url,
                                                           progress or (lambda name: None), curation)
            left = swap_into_place(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return ReleaseResult(target, files, changes, tuple(notes + signing_notes + ([left] if left else [])))


def _write_release(project: Project, version: str, folder: Path, out: Path, date: str | None,
                   signing: Signing | None, server_url: str, progress: Callable[[str], None],
                   curation: Curation | None = None) -> tuple[list[str], dict, list[str]]:
    """Walk the product table into ``folder``; the release's files, the claims changed and what the
    publisher of its nanopublications must know."""
    with tempfile.TemporaryDirectory(prefix="exomirkg-release-") as scratch:
        progress("build and validate")
        built = build(project, Path(scratch), curation=curation)
        ctx = ReleaseContext(project, version, date or str(built.curation.metadata.get("created", DEFAULT_CREATED)),
                             folder, out, built, signing, server_url)
        for product in PRODUCTS:
            if not product.from_manifest:
                progress(product.name)
                _write_product(ctx, product)
        ctx.manifest = manifest(ctx, _checksums(folder))
        for product in PRODUCTS:
            if product.from_manifest:
                progress(product.name)
                _write_product(ctx, product)
    listing = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    (folder / CHECKSUMS).write_text("".join(f"{_sha256(folder / rel)}  {rel}\n" for rel in listing), encoding="utf-8")
    return [*listing, CHECKSUMS], ctx.changes, ctx.nanopubs.notes


def _write_product(ctx: ReleaseContext, product: Product) -> None:
    """Write the files of ``product``, refusing any it does not declare or a declared one it left out."""
    try:
        files = product.make(ctx)
    except (ProductError, UnusablePreviousRelease) as error:
        raise ReleaseError(str(error)) from error
    undeclared = sorted(rel for rel in files if not product.declares(rel))
    missing = sorted(set(product.fixed) - set(files))
    if undeclared or missing:
        raise ReleaseError(f"product {product.name}: wrote undeclared {undeclared}, did not write {missing}")
    for rel, content in files.items():
        path = ctx.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        ctx.written_paths.add(rel)


def _checksums(folder: Path) -> dict[str, dict[str, Any]]:
    """Every file written so far: path -> its size in bytes and SHA-256."""
    return {str(p.relative_to(folder)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
