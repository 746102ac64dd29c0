"""A throwaway Virtuoso (Debian ``virtuoso-opensource``) on 127.0.0.1, to measure the endpoint side
by side with an established store on the same KG: started in a folder, loaded with the bulk loader,
stopped. Used by the benchmark and by the tests that load releases into Virtuoso."""
from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from ..errors import ExomirError
from ..web.launch import free_port, stop, wait_until_up


class VirtuosoUnavailable(ExomirError):
    """Virtuoso (``virtuoso-t``, ``isql-vt``) is not installed, or a statement of its loader failed."""


INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
DirsAllowed = ., {d}{allowed}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""


def buffers_for(quads: int) -> int:
    """8 KB buffers: about 1 per 12 quads (Virtuoso's guide: 85,000 per GB), at least 20,000."""
    return max(20000, quads // 12)


@contextlib.contextmanager
def virtuoso_server(folder: Path, buffers: int = 20000, allowed: list[Path] | None = None) -> Iterator[tuple[str, int]]:
    """Virtuoso in ``folder`` (created fresh): yields its HTTP base URL and its isql port. Its loader
    reads files in ``folder`` and in the ``allowed`` folders."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise VirtuosoUnavailable("virtuoso-t not found: apt-get install virtuoso-opensource")
    isql, http = free_port(), free_port()
    (folder / "vsp").mkdir(parents=True, exist_ok=True)
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, isql=isql, http=http, buffers=buffers,
                                                    dirty=buffers * 3 // 4,
                                                    allowed="".join(f", {a}" for a in allowed or [])), encoding="utf-8")
    process = subprocess.Popen([binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", process, timeout=90)
        yield f"http://127.0.0.1:{http}", isql
    finally:
        stop(process)


def isql(port: int, statement: str, timeout: float = 3600) -> str:
    """Run one statement with ``isql-vt`` as dba; :class:`VirtuosoUnavailable` if it fails."""
    binary = shutil.which("isql-vt") or shutil.which("isql")
    if binary is None:
        raise VirtuosoUnavailable("isql-vt not found: apt-get install virtuoso-opensource")
    done = subprocess.run([binary, f"127.0.0.1:{port}", "dba", "dba", f"exec={statement}"], capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise VirtuosoUnavailable(f"isql {statement!r}: {(done.stdout + done.stderr).strip()[-500:]}")
    return done.stdout


def bulk_load(port: int, folder: Path, pattern: str, graph: str) -> None:
    """Load the files of ``folder`` (inside the server's folder) matching ``pattern`` with the bulk
    loader; quads keep their graphs, triples go to ``graph``."""
    isql(port, f"ld_dir('{folder}', '{pattern}', '{graph}'); rdf_loader_run(); checkpoint;")


__all__ = ["VirtuosoUnavailable", "buffers_for", "bulk_load", "isql", "virtuoso_server"]
