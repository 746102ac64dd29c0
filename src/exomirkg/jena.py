"""Jena SHACL (Debian ``libapache-jena-java``) as a validation engine for large graphs.

Debian ships the jars without wrapper scripts; the classpath is assembled here, and a packaging bug
is worked around: jena-core.jar relocates xerces classes to ``xerces.*`` but leaves their
``.properties`` resources under ``org/apache/jena/ext/xerces/``, so every command dies in
``XSSimpleTypeDecl``. A small extra jar re-homes those resources (see ../shared/notes/tooling.md).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

from .errors import ExomirError

JARS = ("jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index jena-dboe-storage "
        "jena-dboe-trans-data jena-dboe-transaction jena-iri jena-rdfconnection jena-shacl jena-shex "
        "jena-tdb jena-tdb2 commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 "
        "dexx.collection gson guava httpclient httpcore jackson-core jackson-databind jackson-annotations "
        "jsonld-java jakarta.json-api protobuf slf4j-api slf4j-nop thrift titanium-json-ld").split()


class JenaUnavailable(ExomirError):
    """Java or the Debian Jena jars are missing."""


@lru_cache(maxsize=1)
def classpath() -> str:
    java = shutil.which("java")
    core = Path("/usr/share/java/jena-core.jar")
    if java is None or not core.exists():
        raise JenaUnavailable("Jena SHACL needs Java and Debian's libapache-jena-java (apt-get install libapache-jena-java)")
    folder = core.parent
    fix = Path(tempfile.gettempdir()) / "exomirkg-jena-xerces-fix.jar"
    if not fix.exists():
        partial = fix.with_suffix(".tmp")
        with zipfile.ZipFile(core) as source, zipfile.ZipFile(partial, "w") as target:
            for name in source.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith("/"):
                    target.writestr("xerces/" + name[len("org/apache/jena/ext/xerces/"):], source.read(name))
        partial.replace(fix)
    jars = [str(fix)] + [str(folder / f"{name}.jar") for name in JARS if (folder / f"{name}.jar").exists()]
    return ":".join(jars)


def heap_for(data_nt: Path) -> str:
    """A JVM heap for validating an N-Triples file: six times its size, 512 MB to 8 GB (a capped
    heap made Jena both smaller and faster; 1.2 GB holds a 216 MB part of 1.5 million triples)."""
    size_mb = data_nt.stat().st_size / 2**20
    return f"{int(min(8192, max(512, 6 * size_mb)))}m"


def shacl_validate(data_nt: Path, shapes_ttl: Path, heap: str | None = None, gc_threads: int | None = None) -> str:
    """Run ``shacl validate`` and return the Turtle validation report.

    ``gc_threads``: garbage-collector threads of this JVM; when several JVMs run side by side, one
    core's share each (2 JVMs on 2 cores: 20.0 s instead of 24.8 s for 100,000 claims)."""
    gc = [f"-XX:ParallelGCThreads={gc_threads}"] if gc_threads else []
    run = subprocess.run(["java", f"-Xmx{heap or heap_for(data_nt)}", "-XX:+UseParallelGC", *gc, "-cp", classpath(),
                          "shacl.shacl", "validate",
                          "--shapes", str(shapes_ttl), "--data", str(data_nt)],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise ExomirError(f"Jena SHACL failed: {run.stderr.strip()[-500:]}")
    return run.stdout
