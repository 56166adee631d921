"""The HTTP front door: a threading HTTP server that hands each request to the HttpApi emulation."""

from __future__ import annotations

import logging
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .apigw import HttpApi

log = logging.getLogger("autograph.local")


def make_server(api: HttpApi, host: str, port: int, max_body: int = 10 * 1024 * 1024) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "autograph-local"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as two writes; without this, Nagle + delayed ACK add ~40 ms.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("content-length") or 0)
            if length > max_body:  # API Gateway's own payload limit is 10 MB
                self._write(413, [("content-type", "application/json")], b'{"message":"Request Entity Too Large"}')
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            response = api.handle(self.command, path, query, list(self.headers.items()), body,
                                  self.client_address[0])
            self._write(response.status, response.headers, response.body)

        def _write(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, CONNECT, PROPFIND ...) goes to the API emulation too, which
            # answers as API Gateway's $default route would (problem+json 404/405), not http.server's
            # HTML 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, fmt: str, *args: Any) -> None:
            log.info("%s - %s", self.address_string(), fmt % args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
