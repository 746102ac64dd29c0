"""A loopback HTTP proxy in front of a real server, for the tests of lost answers and broken
connections: a rule decides, per request, whether it is forwarded, forwarded with its answer lost
(the server applies it, the client sees the connection close), or refused unforwarded."""
from __future__ import annotations

import contextlib
import http.client
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FORWARD = "forward"
LOSE_ANSWER = "lose-answer"       # forward, then close the connection without answering
REFUSE = "refuse"                 # close the connection without forwarding

Rule = Callable[[str, str, str], str]
"""(method, path, request text with forms decoded) -> FORWARD, LOSE_ANSWER or REFUSE."""


def request_text(body: bytes, content_type: str) -> str:
    """The request body as text; form bodies (SPARQLWrapper's queries and updates) decoded."""
    text = body.decode("utf-8", "replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "\n".join(v for values in urllib.parse.parse_qs(text).values() for v in values)
    return text


def _handler(upstream: tuple[str, int], rule: Rule) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = rule(self.command, self.path, request_text(body, self.headers.get("Content-Type", "")))
            self.close_connection = True
            if action == REFUSE:
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept", "authorization")}
            connection = http.client.HTTPConnection(*upstream, timeout=60)
            try:
                connection.request(self.command, self.path, body=body or None, headers=headers)
                answer = connection.getresponse()
                content = answer.read()
            finally:
                connection.close()
            if action == LOSE_ANSWER:
                return
            self.send_response(answer.status)
            for name in ("Content-Type", "WWW-Authenticate"):
                if answer.getheader(name):
                    self.send_header(name, answer.getheader(name))
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _relay

    return Handler


@contextlib.contextmanager
def faulty_proxy(upstream_base: str, rule: Rule) -> Iterator[str]:
    """Run a proxy on 127.0.0.1 in front of ``upstream_base``; yield its base URL."""
    parsed = urllib.parse.urlsplit(upstream_base)
    assert parsed.hostname == "127.0.0.1", "loopback only"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler((parsed.hostname, parsed.port), rule))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
