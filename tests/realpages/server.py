"""The real saved pages served under IMDb-shaped URLs from a static HTTP server on 127.0.0.1 (port 0).

Each crawl gets its own base path (``/<slot>/``), so several captures of one title (different eras) can be
served as ``/<slot>/title/ttNNNNNNN/`` in separate crawls. Anything not routed answers 404. The one
synthetic part: an imdbinfo ``*.json`` file is bare 2025 ``__NEXT_DATA__`` JSON, so it is wrapped in a
minimal HTML page (one ``<script id="__NEXT_DATA__" type="application/json">`` element) when served.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def page_body(path: Path) -> bytes:
    """The bytes to serve for one saved page: the file itself, or bare page-state JSON wrapped in HTML."""
    data = path.read_bytes()
    if path.suffix != ".json":
        return data
    state = data.decode("utf-8").replace("</", "<\\/")  # same JSON, cannot close the script element
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
            f'<script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>').encode()


class RealSite:
    """Routes (exact paths) and per-slot fallbacks (a search page answers any non-title path of its slot)."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.fallbacks: dict[str, bytes] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def add(self, path: str, body: bytes) -> None:
        self.routes[path] = body

    def add_fallback(self, slot: str, body: bytes) -> None:
        self.fallbacks[slot] = body

    def answer(self, raw_path: str) -> bytes | None:
        path = urlsplit(raw_path).path
        with self._lock:
            self.requests.append(path)
        if path in self.routes:
            return self.routes[path]
        slot = path.strip("/").split("/")[0]
        if slot in self.fallbacks and not path.startswith(f"/{slot}/title/"):
            return self.fallbacks[slot]
        return None

    def requested(self, slot: str) -> list[str]:
        """Paths asked for under one slot, without the slot prefix, in arrival order."""
        prefix = f"/{slot}"
        with self._lock:
            return [p[len(prefix):] for p in self.requests if p.startswith(prefix + "/")]

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RealSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = site.answer(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                # http.server answers HTTP/1.0 and closes the connection without saying so; Twisted would pool it
                # and a next request could meet the close (ConnectionDone), a retry the test did not ask for
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
