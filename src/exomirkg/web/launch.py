"""Running a server as a child process: a free loopback port, waiting until it answers, stopping it.

Used by the benchmark and by the tests that start ``exomirkg serve``, Oxigraph or Virtuoso.
"""
from __future__ import annotations

import subprocess
import time


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Wait until ``url`` answers; fail early when the server ``process`` exits."""
    import urllib.request
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:           # noqa: BLE001 - refused, reset, half-started: not up yet
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server process: terminate, and kill it if it has not exited after ``timeout`` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
