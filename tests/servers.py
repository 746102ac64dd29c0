"""Real servers for the tests, started on 127.0.0.1 and stopped afterwards: the Oxigraph server
(PyPI ``oxigraph``) and Virtuoso (Debian ``virtuoso-opensource``). In CI a missing one is a failure;
on a developer machine it is a skip, with the install command."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from exomirkg.web.launch import free_port, stop, wait_until_up

CHECKOUT = Path(__file__).resolve().parents[1]


def shared_candidates(relative: str, root: Path = CHECKOUT) -> list[Path]:
    """Where ``shared/<relative>`` may be: under ``$EXOMIRKG_SHARED`` when that variable is set, else
    in ``shared/`` beside the checkout ``root`` or one of its parents (CI clones the repo with a copy
    of ``shared/`` beside it)."""
    if os.environ.get("EXOMIRKG_SHARED"):
        return [Path(os.environ["EXOMIRKG_SHARED"]) / relative]
    return [folder / "shared" / relative for folder in root.parents]


def find_shared(relative: str, root: Path = CHECKOUT) -> Path | None:
    """``shared/<relative>`` if it exists in one of :func:`shared_candidates`, else None."""
    return next((path for path in shared_candidates(relative, root) if path.exists()), None)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to read, not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, accept: str = "text/html", follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    """GET ``url``: status, headers and body, an HTTP error included; redirects followed unless ``follow`` is False."""
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
    try:
        with opener.open(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def require_shared(relative: str, root: Path = CHECKOUT) -> Path:
    """``shared/<relative>``; when missing, a failure under CI and a skip elsewhere, saying where it looked."""
    found = find_shared(relative, root)
    if found is None:
        message = (f"shared/{relative} was not found (looked at {', '.join(map(str, shared_candidates(relative, root)))}); "
                   "set EXOMIRKG_SHARED to the shared/ folder")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def require(binary: str, install: str) -> str:
    found = shutil.which(binary) or (str(Path(sys.executable).parent / binary)
                                     if (Path(sys.executable).parent / binary).exists() else None)
    if found:
        return found
    message = f"{binary} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_kgx() -> Path:
    """The Python of the kgx environment (``make kgx-env``; or ``EXOMIRKG_KGX_PYTHON``)."""
    given = os.environ.get("EXOMIRKG_KGX_PYTHON")
    python = Path(given) if given else Path(__file__).resolve().parents[1] / ".venv-kgx" / "bin" / "python"
    if python.exists() and list(python.parent.parent.glob("lib/python*/site-packages/kgx/validator.py")):
        return python
    message = f"kgx is not installed at {python} (make kgx-env)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_jena() -> None:
    """Java and Debian's Jena jars, for the tests of the Jena engine only (never the others)."""
    require("java", "apt-get install default-jre-headless")
    from exomirkg.validate.jena import JenaUnavailable, classpath
    try:
        classpath()
    except JenaUnavailable as error:
        message = f"Jena SHACL is not installed: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def require_engine(engine: str) -> None:
    """What a SHACL engine needs: Jena needs Java and its jars; pyshacl and rudof are Python packages."""
    if engine == "jena":
        require_jena()


def wait_for(url: str, seconds: float = 60) -> None:
    wait_until_up(url, None, seconds)


@contextlib.contextmanager
def oxigraph_server(folder: Path):
    binary = require("oxigraph", "pip install oxigraph")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/query?query=ASK%7B%7D")
        yield base
    finally:
        stop(process)


@contextlib.contextmanager
def virtuoso_server(folder: Path):
    """The project's own throwaway Virtuoso (:mod:`exomirkg.bench.virtuoso`): base URL and isql port."""
    require("virtuoso-t", "apt-get install virtuoso-opensource")
    from exomirkg.bench.virtuoso import virtuoso_server as started
    with started(folder) as found:
        yield found


APACHE_CONF = """LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule dir_module {modules}/mod_dir.so
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
User www-data
Group www-data
PidFile {d}/httpd.pid
DefaultRuntimeDir {d}
ErrorLog {d}/error.log
LogLevel warn
DocumentRoot {d}/root
<Directory {d}/root>
  AllowOverride All
  Require all granted
</Directory>
"""


@contextlib.contextmanager
def apache_server(folders: dict[str, Path]):
    """Apache httpd (Debian ``apache2``) on 127.0.0.1 serving each of ``folders`` (name -> folder with an
    ``.htaccess``) at ``/name/`` with ``AllowOverride All``, as w3id.org serves its repository's folders;
    yields its base URL. Its files live in a world-readable temporary folder (the workers run as www-data)."""
    import tempfile
    binary = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
    modules = Path("/usr/lib/apache2/modules")
    if binary is None or not (modules / "mod_rewrite.so").exists():
        message = "Apache httpd with mod_rewrite is not installed (apt-get install apache2)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    home = Path(tempfile.mkdtemp(prefix="exomirkg-apache-"))
    try:
        home.chmod(0o755)
        for name, folder in folders.items():
            shutil.copytree(folder, home / "root" / name)
        for path in [home / "root", *(home / "root").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        port = free_port()
        (home / "httpd.conf").write_text(APACHE_CONF.format(modules=modules, port=port, d=home))
        process = subprocess.Popen([binary, "-f", str(home / "httpd.conf"), "-DFOREGROUND"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up_any(base, process)
            yield base
        finally:
            stop(process)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def wait_until_up_any(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    """Wait until ``url`` answers anything at all (a 404 too)."""
    import time
    import urllib.error
    import urllib.request
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")
