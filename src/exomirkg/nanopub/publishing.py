"""Sending nanopublications to a nanopub server, as nanopub-java and nanopub-py do: one HTTP POST of
the nanopublication's TriG (``Content-Type: application/trig``) to the server's URL.

Each nanopublication is checked here first (:func:`~.check.check`): an invalid or unsigned one is not
sent (the network accepts signed nanopublications only). A server error (5xx, 429) or a failed
connection is retried with a growing pause (``Retry-After`` honoured, up to :data:`MAX_PAUSE`); a
refusal (other 4xx) is not. Every nanopublication gets one :class:`Outcome`.

Servers of the network: ``https://np.knowledgepixels.com/``, ``https://np.petapico.org/``; the test
server ``https://np.test.knowledgepixels.com/`` takes nanopublications that do not last.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .check import check, files_under
from .model import NanopubError
from .rdfio import format_of, read_file, read_quads, write_trig
from .structure import segments

Status = Literal["accepted", "rejected", "failed", "not sent"]
MAX_PAUSE = 30.0
TEST_SERVER = "https://np.test.knowledgepixels.com/"
RELEASE_LISTING = Path("nanopubs") / "nanopubs.tsv"
"""A folder holding this file is a release: its nanopublications are in ``nanopubs/``."""


class UnusableServer(NanopubError):
    """A server URL that is not http(s)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one nanopublication: its IRI, the file it came from, the status, the HTTP
    status (0 when none), the number of attempts and the server's or the checker's message."""

    uri: str
    source: Path
    status: Status
    http_status: int = 0
    attempts: int = 0
    message: str = ""

    def __str__(self) -> str:
        code = f" (HTTP {self.http_status})" if self.http_status else ""
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self.status}: {self.uri}{code}{tries}{': ' + self.message if self.message else ''}"


def nanopub_files(paths: Iterable[Path]) -> list[Path]:
    """The nanopublication files of ``paths``: a file as given; a release folder's ``nanopubs/`` (not
    its KG files); in any other folder, its TriG, N-Quads and TriX files (walked, in sorted order)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            if (path / RELEASE_LISTING).is_file():
                path = path / RELEASE_LISTING.parent
            found += files_under(path)
        else:
            found.append(path)
    return found


def nanopubs_of(path: Path) -> Iterator[tuple[str | None, str, str]]:
    """Each nanopublication of a file: its IRI (None when unreadable), its TriG, and why it cannot be
    sent ("" when it can)."""
    text, fmt = read_file(path)
    reports = check(text, fmt)
    quads, prefixes = read_quads(text, fmt)
    for report, segment in zip(reports, segments(quads), strict=False):
        if not report.valid:
            problem = "; ".join(f.message for f in report.errors)
        elif not report.signed:
            problem = "not signed (the nanopub network takes signed nanopublications only; see 'exomirkg nanopub sign')"
        else:
            problem = ""
        yield report.uri, write_trig(segment, prefixes) if fmt != "trig" or len(reports) > 1 else text, problem


def checked_server(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; :class:`UnusableServer` otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port                                  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise UnusableServer(f"{url!r} is not a usable URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnusableServer(f"{url!r} is not an http(s) URL of a nanopub server")
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers, not followed: a POST that urllib would follow turns into a GET whose
    200 would be mistaken for an acceptance."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(server: str, trig: str, timeout: float) -> tuple[int, str, float | None]:
    """POST ``trig`` to ``server``: the HTTP status, the start of the answer (of a redirect: where it
    points), and the Retry-After seconds when given. Raises OSError when no answer came."""
    request = urllib.request.Request(server, data=trig.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/trig", "Accept": "text/plain, */*"})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return answer.status, answer.read(2000).decode("utf-8", "replace").strip(), None
    except urllib.error.HTTPError as error:
        retry = error.headers.get("Retry-After") if error.headers else None
        body = error.read(2000).decode("utf-8", "replace").strip()
        if 300 <= error.code < 400:
            body = (error.headers.get("Location") if error.headers else None) or "nowhere"
        return error.code, body, float(retry) if retry and retry.isdigit() else None


def publish(paths: Iterable[Path], server: str, retries: int = 3, timeout: float = 30.0, pause: float = 1.0,
            progress: Callable[[Iterable[tuple[str | None, str, str, Path]]], Iterable[tuple[str | None, str, str, Path]]]
            | None = None) -> list[Outcome]:
    """Send every signed, valid nanopublication of ``paths`` to ``server``; one outcome each.

    ``retries`` more attempts follow a server error or a lost connection, ``pause`` seconds apart,
    doubling each time. ``progress`` wraps the iteration (e.g. ``tqdm``).
    """
    server = checked_server(server)
    items = [(uri, trig, problem, path) for path in nanopub_files(paths) for uri, trig, problem in _safe(path)]
    outcomes = []
    for uri, trig, problem, path in (progress(items) if progress else items):
        name = uri or str(path)
        if problem:
            outcomes.append(Outcome(name, path, "not sent", message=problem))
            continue
        outcomes.append(_send(server, name, path, trig, retries, timeout, pause))
    return outcomes


def _safe(path: Path) -> Iterator[tuple[str | None, str, str]]:
    """:func:`nanopubs_of`, with an unreadable file as one item that is not sent."""
    try:
        format_of(path)
        yield from nanopubs_of(path)
    except NanopubError as error:
        yield None, "", str(error)


def _send(server: str, uri: str, path: Path, trig: str, retries: int, timeout: float, pause: float) -> Outcome:
    attempt, wait = 0, pause
    while True:
        attempt += 1
        try:
            status, body, retry_after = post(server, trig, timeout)
        except OSError as error:
            status, body, retry_after = 0, f"no answer: {error}", None
        if 200 <= status < 300:
            return Outcome(uri, path, "accepted", status, attempt, body[:200])
        if 300 <= status < 400:
            return Outcome(uri, path, "rejected", status, attempt, f"the server redirects to {body}; "
                           "give the URL it redirects to as --server")
        if status and status < 500 and status != 429:
            return Outcome(uri, path, "rejected", status, attempt, body[:500])
        if attempt > retries:
            return Outcome(uri, path, "failed", status, attempt, body[:500])
        time.sleep(min(MAX_PAUSE, retry_after if retry_after is not None else wait))
        wait *= 2
