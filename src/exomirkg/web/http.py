"""HTTP plumbing of the server: requests, bodies read within a bound, and responses that carry
the headers every answer needs (CORS, nosniff; CSP, Referrer-Policy and X-Frame-Options on HTML)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from ..errors import ExomirError
from .jobs import Answer
from .pages import (
    error_page,
)

HTML = "text/html"
HTML_TYPE = "text/html; charset=utf-8"
# pages have inline styles and forms to themselves, nothing else: no script, no frame, no foreign form target
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


# ---------------------------------------------------------------------------- requests
class RequestRefused(ExomirError):
    """A request the server will not serve: answered with ``status`` (and the connection closed
    when ``close``, because the rest of the request was not read)."""

    def __init__(self, status: int, message: str, close: bool = False, html: bool = False):
        super().__init__(message)
        self.status, self.close, self.html = status, close, html


@dataclass
class Request:
    """What a route handler gets: the method, the path, the query parameters and the body."""

    method: str
    path: str
    params: dict[str, list[str]]
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter."""
        values = self.params.get(name)
        return values[-1] if values else default

    def single_params(self) -> dict[str, str]:
        return {name: values[-1] for name, values in self.params.items()}


def parse_params(text: str) -> dict[str, list[str]]:
    """Query parameters (a new dict the caller may change); a value that is not UTF-8 is a 400."""
    return {name: list(values) for name, values in _parsed_params(text)}


@lru_cache(maxsize=256)
def _parsed_params(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parameters of the last 256 query strings, remembered: a client repeats its requests, and
    decoding a query of a few kilobytes costs more than answering it from the cache."""
    try:
        parsed = parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise RequestRefused(400, f"the request's parameters are not valid UTF-8: {error}") from error
    return tuple((name, tuple(values)) for name, values in parsed.items())


def utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestRefused(400, f"the {what} is not valid UTF-8: {error}") from error


class BodyReader:
    """Reads a request body within ``limit`` bytes: by Content-Length or chunked, nothing else."""

    def __init__(self, handler: BaseHTTPRequestHandler, limit: int):
        self.handler, self.limit = handler, limit

    def read(self) -> bytes:
        headers = self.handler.headers
        encoding = headers.get("Transfer-Encoding")
        length = headers.get("Content-Length")
        if encoding is not None:
            if length is not None:
                raise RequestRefused(400, "a request may not have both Content-Length and Transfer-Encoding", close=True)
            if encoding.strip().lower() != "chunked":
                raise RequestRefused(501, f"Transfer-Encoding {encoding!r} is not supported (only chunked)", close=True)
            return self._chunked()
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise RequestRefused(400, f"Content-Length {length!r} is not a number of bytes", close=True)
        size = int(length)
        self._check(size)
        body = self.handler.rfile.read(size)
        if len(body) < size:
            raise RequestRefused(400, f"the body ended after {len(body)} of its {size} bytes", close=True)
        return body

    def _check(self, size: int) -> None:
        if size > self.limit:
            raise RequestRefused(413, f"the request body ({size} bytes) is larger than this server's limit of "
                                      f"{self.limit} bytes (--max-body)", close=True)

    def _chunked(self) -> bytes:
        rfile, body = self.handler.rfile, bytearray()
        while True:
            line = rfile.readline(1026)
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise RequestRefused(400, "malformed chunked body: a chunk size is not a hexadecimal number",
                                     close=True) from None
            if size < 0:
                raise RequestRefused(400, "malformed chunked body: negative chunk size", close=True)
            self._check(len(body) + size)
            if size == 0:
                break
            chunk = rfile.read(size)
            if len(chunk) < size or rfile.read(2) != b"\r\n":
                raise RequestRefused(400, "malformed chunked body: a chunk is shorter than its size", close=True)
            body += chunk
        for _ in range(100):                    # trailer fields, up to the empty line
            line = rfile.readline(8192)
            if line in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise RequestRefused(400, "malformed chunked body: too many trailer lines", close=True)


class Responder:
    """Writes answers with the headers every answer carries (CORS, nosniff; CSP on HTML)."""

    def __init__(self, handler: BaseHTTPRequestHandler):
        self.handler = handler

    def send(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        handler = self.handler
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Access-Control-Allow-Origin", "*")
        handler.send_header("Access-Control-Expose-Headers", "Retry-After, Content-Length")
        handler.send_header("Vary", "Accept")
        handler.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith(HTML):
            handler.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            handler.send_header("Referrer-Policy", "no-referrer")
            handler.send_header("X-Frame-Options", "DENY")
        for name, value in (extra or {}).items():
            handler.send_header(name, value)
        if getattr(handler, "close_connection", False):
            handler.send_header("Connection", "close")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    def text(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self.send(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), extra)

    def html(self, status: int, body: bytes) -> None:
        self.send(status, HTML_TYPE, body)

    def answer(self, answer: Answer) -> None:
        extra = {"Retry-After": str(answer.retry_after)} if answer.retry_after else None
        self.send(answer.status, answer.content_type, answer.body, extra)

    def failed_page(self, answer: Answer) -> None:
        """A page whose query did not answer: its status, as HTML."""
        extra = {"Retry-After": str(answer.retry_after)} if answer.retry_after else None
        self.send(answer.status, HTML_TYPE, error_page(answer.status, answer.body.decode("utf-8", "replace")), extra)
