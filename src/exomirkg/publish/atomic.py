"""Release folders written safely: one release of a version at a time, swapped into place atomically.

* :func:`version_lock` holds an exclusive ``flock`` on ``OUT/.VERSION.lock`` (non-blocking): a
  second release of the same version fails at once with :class:`VersionLocked`.
* :func:`building_folder` is the hidden folder beside the target that a release is written into;
  :func:`swap_into_place` renames an existing release aside, renames the new one into place and
  only then removes the old one, so a complete release is in place at every moment but the one
  between the two renames (which :func:`clean_stale_folders` repairs).
* :func:`clean_stale_folders` removes the hidden folders killed releases left behind, restores a
  release set aside by a swap that was killed between its renames, and reports (never touches) the
  folders of a version whose release is under way.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import ConflictError

BUILDING = "building"
SET_ASIDE = "old"
TEMP_FOLDER = re.compile(r"^\.(?P<version>\d+\.\d+\.\d+)(?:\.(?P<kind>building|old))?-[A-Za-z0-9_]+$")
"""Hidden folders of a release in its out folder: ``.1.2.3.building-…``, ``.1.2.3.old-…`` and the
``.1.2.3-…`` of releases before the lock (a building folder)."""
LOCK_ATTEMPTS = 5


class VersionLocked(ConflictError):
    """Another release of the same version is under way in the same out folder."""


def lock_path(out: Path, version: str) -> Path:
    """The lock file of ``version`` in ``out``."""
    return out / f".{version}.lock"


@contextlib.contextmanager
def version_lock(out: Path, version: str) -> Iterator[Path]:
    """Hold the exclusive lock of release ``version`` in ``out``; raise :class:`VersionLocked` at
    once when another process (or thread) holds it. The lock file is removed on release."""
    path = lock_path(out, version)
    descriptor = _acquire(path, version)
    try:
        yield path
    finally:
        _release(path, descriptor)


def _acquire(path: Path, version: str) -> int:
    """Open, create and flock ``path`` without waiting; return its descriptor."""
    for _ in range(LOCK_ATTEMPTS):
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            raise VersionLocked(f"another release of {version} is under way in {path.parent}{holder} "
                                f"(it holds {path.name}); try again when it has finished") from None
        if _is_current(path, descriptor):
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
            return descriptor
        os.close(descriptor)        # a finishing release removed the file we locked: lock the new one
    raise VersionLocked(f"could not take the lock {path} of release {version}: it keeps being replaced")


def _is_current(path: Path, descriptor: int) -> bool:
    """``descriptor`` is still the file at ``path`` (not one removed by the release that held it)."""
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


def _holder(descriptor: int) -> str:
    """' (process N)' from the lock file, when the holder wrote its process id."""
    try:
        text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""


def _release(path: Path, descriptor: int) -> None:
    """Remove the lock file while still holding it, then unlock."""
    try:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _try_lock(out: Path, version: str) -> int | None:
    """The lock of ``version`` if it is free, else None."""
    try:
        return _acquire(lock_path(out, version), version)
    except VersionLocked:
        return None


def building_folder(out: Path, version: str) -> Path:
    """A new hidden folder beside ``out/version`` to write the release into."""
    return Path(tempfile.mkdtemp(prefix=f".{version}.{BUILDING}-", dir=out))


def swap_into_place(new: Path, target: Path) -> str | None:
    """Rename the complete folder ``new`` to ``target``; an existing ``target`` is renamed aside
    first, put back if the new one cannot be put in place, and removed last. Returns a note when
    the old copy could not be removed (the release itself is then done)."""
    aside = None
    if target.exists():
        aside = target.parent / f".{target.name}.{SET_ASIDE}-{secrets.token_hex(4)}"
        os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        if aside is not None:
            os.rename(aside, target)
        raise
    if aside is None:
        return None
    try:
        shutil.rmtree(aside)
    except OSError as error:
        return f"could not remove the replaced release {aside.name} ({error}); remove it by hand"
    return None


def clean_stale_folders(out: Path, held: str) -> list[str]:
    """Clean the hidden folders killed releases left in ``out``; ``held`` is the version whose lock
    the caller holds. Returns one note per folder removed, restored or left (in use)."""
    found: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(out.iterdir()) if out.is_dir() else []:
        match = TEMP_FOLDER.match(path.name)
        if match and path.is_dir() and not path.is_symlink():
            found.setdefault(match["version"], []).append((match["kind"] or BUILDING, path))
    notes: list[str] = []
    for version, folders in sorted(found.items()):
        if version == held:
            notes += _clean_version(out, version, folders)
            continue
        descriptor = _try_lock(out, version)
        if descriptor is None:
            notes += [f"left {path.name}: a release of {version} is under way" for _, path in folders]
            continue
        try:
            notes += _clean_version(out, version, folders)
        finally:
            _release(lock_path(out, version), descriptor)
    return notes


def _clean_version(out: Path, version: str, folders: list[tuple[str, Path]]) -> list[str]:
    """Restore a set-aside release whose version folder is missing; remove the other folders."""
    notes = []
    target = out / version
    set_aside = sorted((path for kind, path in folders if kind == SET_ASIDE), key=lambda p: p.stat().st_mtime)
    if set_aside and not target.exists():
        os.rename(set_aside[-1], target)
        notes.append(f"restored {version} from {set_aside[-1].name}, set aside by a release that was killed")
        folders = [(kind, path) for kind, path in folders if path != set_aside[-1]]
    for _, path in folders:
        try:
            shutil.rmtree(path)
        except OSError as error:
            notes.append(f"could not remove {path.name}, left by a killed release ({error}); remove it by hand")
        else:
            notes.append(f"removed {path.name}, left by a killed release")
    return notes


__all__ = ["VersionLocked", "building_folder", "clean_stale_folders", "lock_path", "swap_into_place", "version_lock"]
