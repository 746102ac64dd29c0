"""Jena SHACL (Debian ``libapache-jena-java``) as a validation engine for large graphs.

Debian ships the jars without wrapper scripts; the classpath is assembled here, and a packaging bug
is worked around: jena-core.jar relocates xerces classes to ``xerces.*`` but leaves their
``.properties`` resources under ``org/apache/jena/ext/xerces/``, so every command dies in
``XSSimpleTypeDecl``. A small extra jar re-homes those resources (see ../shared/notes/tooling.md).

That jar comes first on the classpath, so it must be ours: it is built in a private per-user cache
folder (``$XDG_CACHE_HOME/exomir-kg`` or ``~/.cache/exomir-kg``, mode 0700, refused when another
user owns it or others may write to it), named by the hash of its contents, and its contents are
checked against that hash before every use (a jar planted there is rebuilt, never run).

The JVM heap is sized to the data (:func:`heap_for`: its triples and size, within a share of the
memory), or set with ``EXOMIRKG_JENA_HEAP`` (e.g. ``6g``); when Jena runs out of it, the error says
so in plain words, with the heap, the part and its number of triples.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

from ..errors import ExomirError

JARS = ["jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri", "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2", "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java", "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld"]


XERCES = "org/apache/jena/ext/xerces/"
HEAP_VARIABLE = "EXOMIRKG_JENA_HEAP"


class JenaUnavailable(ExomirError):
    """Java or the Debian Jena jars are missing."""


class JenaFailed(ExomirError):
    """Jena SHACL ended with an error."""


class JenaOutOfMemory(JenaFailed):
    """Jena SHACL ran out of its JVM heap."""


def _fix_entries(core: Path) -> list[tuple[str, bytes]]:
    """The xerces resources of jena-core.jar, at the names the relocated classes look for."""
    with zipfile.ZipFile(core) as source:
        return sorted(("xerces/" + name[len(XERCES):], source.read(name)) for name in source.namelist()
                      if name.startswith(XERCES) and not name.endswith("/"))


def _entries_digest(entries: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in entries:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _jar_digest(path: Path) -> str | None:
    """The digest of a jar's entries, or None when it is not a readable jar."""
    try:
        with zipfile.ZipFile(path) as jar:
            return _entries_digest(sorted((name, jar.read(name)) for name in jar.namelist()))
    except (OSError, zipfile.BadZipFile):
        return None


def private_cache() -> Path:
    """This user's cache folder for exomir-kg (created 0700); :class:`JenaFailed` when it is not private."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(configured) if os.path.isabs(configured) else Path.home() / ".cache"    # relative: ignored (XDG)
    folder = base / "exomir-kg"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise JenaFailed(f"{folder} is not private (owned by uid {status.st_uid}, mode {oct(status.st_mode & 0o777)}): "
                         "refusing to run a jar from it; make it yours with mode 0700, or set XDG_CACHE_HOME")
    return folder


def xerces_fix_jar(core: Path) -> Path:
    """The helper jar, in the private cache, named by and checked against the hash of its contents."""
    entries = _fix_entries(core)
    digest = _entries_digest(entries)
    path = private_cache() / f"jena-xerces-fix-{digest[:20]}.jar"
    if path.exists() and not path.is_symlink() and _jar_digest(path) == digest:
        return path
    handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    os.close(handle)
    with zipfile.ZipFile(partial, "w") as target:
        for name, data in entries:
            target.writestr(name, data)
    os.replace(partial, path)
    if _jar_digest(path) != digest:
        raise JenaFailed(f"{path}: the helper jar changed while it was written")
    return path


def classpath() -> str:
    """Jena's classpath, the checked helper jar first (checked anew on each call)."""
    core = _jena_core()
    folder = core.parent
    jars = [str(xerces_fix_jar(core))] + [str(folder / f"{name}.jar") for name in JARS if (folder / f"{name}.jar").exists()]
    return ":".join(jars)


@lru_cache(maxsize=1)
def _jena_core() -> Path:
    java = shutil.which("java")
    core = Path("/usr/share/java/jena-core.jar")
    if java is None or not core.exists():
        raise JenaUnavailable("Jena SHACL needs Java and Debian's libapache-jena-java (apt-get install libapache-jena-java)")
    return core


HEAP_SIZE = re.compile(r"[1-9][0-9]*[kKmMgG]?")
MB_PER_TRIPLE = 1 / 1024        # 1 KB a triple: 500,000 short triples thrash at 256 MB, run at 384 MB
MB_PER_FILE_MB = 6              # 6x the N-Triples size: 1.2 GB held a 216 MB part of 1.5 million triples
BASE_MB, FLOOR_MB, CEILING_MB = 256, 512, 31 * 1024


def _memory_mb() -> int:
    """The memory this machine can give now (MemAvailable), else its physical memory, in MB."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):
        return 8192


def count_triples(data_nt: Path) -> int:
    """The number of lines (one triple each) of an N-Triples file, read in 8 MB blocks."""
    count = 0
    with open(data_nt, "rb") as handle:
        while block := handle.read(8 * 2**20):
            count += block.count(b"\n")
    return count


def heap_for(data_nt: Path, jvms: int = 1, triples: int | None = None) -> str:
    """The JVM heap for validating an N-Triples file: 256 MB plus the larger of 1 KB a triple and six
    times the file size, at least 512 MB, at most this JVM's share (of ``jvms`` side by side) of
    70 % of the memory available now, and under 31 GB. ``EXOMIRKG_JENA_HEAP`` (``768m``, ``4g``)
    overrides it. (The file size alone under-sizes short triples: a part of a million short
    triples, 64 MB, got 512 MB and ran out.)"""
    override = os.environ.get(HEAP_VARIABLE, "").strip()
    if override:
        if not HEAP_SIZE.fullmatch(override):
            raise JenaFailed(f"{HEAP_VARIABLE}={override!r} is not a JVM heap size (e.g. 768m, 4g)")
        return override
    return f"{_budget_mb(data_nt, jvms, triples)}m"


def _budget_mb(data_nt: Path, jvms: int = 1, triples: int | None = None) -> int:
    """The heap :func:`heap_for` gives without ``EXOMIRKG_JENA_HEAP``, in MB."""
    triples = count_triples(data_nt) if triples is None else triples
    size_mb = data_nt.stat().st_size / 2**20
    need = BASE_MB + max(MB_PER_TRIPLE * triples, MB_PER_FILE_MB * size_mb)
    share = 0.7 * _memory_mb() / max(jvms, 1)
    return int(max(FLOOR_MB, min(need, share, CEILING_MB)))


def _heap_mb(heap: str) -> int:
    """A JVM heap size (``8m``, ``4g``, ``65536k``, bytes) in MB."""
    number, unit = (heap[:-1], heap[-1].lower()) if heap[-1].isalpha() else (heap, "")
    return int(int(number) * {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / 2**20}[unit])


def shacl_validate(data_nt: Path, shapes_ttl: Path, heap: str | None = None, gc_threads: int | None = None,
                   jvms: int = 1, part: tuple[int, int] | None = None) -> str:
    """Run ``shacl validate`` and return the Turtle validation report.

    ``gc_threads``: garbage-collector threads of this JVM; when several JVMs run side by side, one
    core's share each (2 JVMs on 2 cores: 20.0 s instead of 24.8 s for 100,000 claims), and with
    one, the serial collector: the same CPU as the parallel one with one thread and half the memory
    (a part of 1.64 million triples: 23.2 against 23.6 CPU seconds, 523 against 1,188 MB). ``jvms``:
    how many run side by side (the heap is a share of the memory). ``part``: (K, N) when the file
    is part K of N, else it is the whole graph (for the messages). Raises :class:`JenaOutOfMemory` when the heap was too small,
    :class:`JenaFailed` on any other failure."""
    gc = ["-XX:+UseSerialGC"] if gc_threads == 1 else ["-XX:+UseParallelGC"] + ([f"-XX:ParallelGCThreads={gc_threads}"] if gc_threads else [])
    triples = count_triples(data_nt)
    heap = heap or heap_for(data_nt, jvms, triples)
    run = subprocess.run(["java", f"-Xmx{heap}", *gc, "-XX:+ExitOnOutOfMemoryError",
                          "-cp", classpath(), "shacl.shacl", "validate",
                          "--shapes", str(shapes_ttl), "--data", str(data_nt)],
                         capture_output=True, text=True, check=False)
    if run.returncode == 0:
        return run.stdout
    what = f"part {part[0]} of {part[1]}" if part else "the whole graph"
    size = f"{triples:,} triples, {data_nt.stat().st_size / 2**20:.1f} MB of N-Triples"
    # with -XX:+ExitOnOutOfMemoryError the JVM stops at once ("Terminating due to
    # java.lang.OutOfMemoryError: Java heap space", exit code 3) instead of thrashing on
    said = [line.strip() for line in (run.stderr + "\n" + run.stdout[-2000:]).splitlines() if line.strip()]
    out_of_memory = next((line for line in said if "OutOfMemoryError" in line), None)
    if out_of_memory is not None:
        raise JenaOutOfMemory(f"Jena ran out of memory (heap -Xmx{heap}) validating {what} ({size}): {out_of_memory}; "
                              f"raise it with {HEAP_VARIABLE}={max(2 * _heap_mb(heap), _budget_mb(data_nt, jvms, triples))}m, "
                              "or validate in more parts "
                              "(--parts)")
    cause = next((line for line in said if "Exception" in line or "Error" in line), said[-1] if said else "")
    raise JenaFailed(f"Jena SHACL failed validating {what} ({size}; exit code {run.returncode}): {cause}")
