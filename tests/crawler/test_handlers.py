"""The plain HTTP download handler: a kept-alive connection reset before its answer is a counted failure.

Twisted's connection pool would silently send such a GET again on a fresh connection (``retryAutomatically``),
so the failure never reached the retry middleware and stats.json under-counted what the site did."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from unittest import mock

import pytest
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler

from crawler.handlers import AccountedHTTPDownloadHandler
from mirror.app import MirrorApp
from mirror.catalog import load_catalog
from mirror.faults import Faults
from tests.helpers.crawl import read_items, run_crawl, stats


def test_a_renamed_pool_fails_with_one_sentence() -> None:
    """The one private attribute the handler needs: a Scrapy release without it must stop the crawl, not
    quietly bring the silent resends back."""
    from types import SimpleNamespace

    from crawler.handlers import no_silent_resends

    with pytest.raises(RuntimeError, match=r"no longer keeps its Twisted connection pool as _pool; update"):
        no_silent_resends(SimpleNamespace())


def _scrapy_init_with_a_renamed_pool(handler: HTTP11DownloadHandler, crawler: Crawler) -> None:
    _SCRAPY_INIT(handler, crawler)
    handler._connection_pool = handler.__dict__.pop("_pool")


_SCRAPY_INIT = HTTP11DownloadHandler.__init__


class RenamedPoolHandler(AccountedHTTPDownloadHandler):
    """The handler over a Scrapy release that keeps its connection pool under another name."""

    def __init__(self, crawler: Crawler) -> None:
        with mock.patch.object(HTTP11DownloadHandler, "__init__", _scrapy_init_with_a_renamed_pool):
            super().__init__(crawler)


@pytest.mark.slow
def test_a_crawl_without_the_pool_stops_with_the_sentence_not_a_traceback(mirror, tmp_path) -> None:
    """Scrapy builds the handler with the engine and logs a failed build with a traceback, then fails every
    request as an unsupported scheme: the handler stops the crawl with its one sentence instead, exit 1."""
    handlers = json.dumps({"http": f"{__name__}.RenamedPoolHandler"})
    done = run_crawl(mirror.base_url, tmp_path / "out", {"ids": "tt0000001,tt0000002"}, timeout=120,
                     DOWNLOAD_HANDLERS=handlers, IMDB_FOLLOW_KEYWORDS="0")
    assert done.returncode == 1, done.stdout[-3000:]
    crawl = stats(tmp_path / "out")
    assert crawl["finish_reason"] == "scrapy_incompatible", crawl
    assert "no longer keeps its Twisted connection pool as _pool" in crawl["error"], crawl
    assert "Traceback" not in done.stdout and "Loading \"" not in done.stdout, done.stdout[-3000:]
    errors = [line for line in done.stdout.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and errors[0].endswith(crawl["error"]), done.stdout[-3000:]  # no request was sent


class ResettingSite:
    """Mirror title pages over HTTP/1.1 keep-alive on 127.0.0.1; the first request that arrives on an
    already used connection is answered with a TCP reset instead (once in the whole run)."""

    def __init__(self) -> None:
        catalog = load_catalog("synthetic:5", seed=0)
        self.ids = list(catalog.ids())[:3]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.app = MirrorApp(catalog, self.base_url, Faults(), seed=0)
        self.resets = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.connection, args=(conn,), daemon=True).start()

    def connection(self, conn: socket.socket) -> None:
        with conn:
            for number, path in enumerate(self.requests(conn)):
                with self.lock:
                    reset = number > 0 and self.resets == 0
                    self.resets += reset
                if reset:  # SO_LINGER 0: close() sends RST, the client sees the connection lost, no answer
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                conn.sendall(self.answer(path))

    @staticmethod
    def requests(conn: socket.socket) -> Iterator[str]:
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)  # GETs only: no body
            yield head.split(b"\r\n", 1)[0].split(b" ")[1].decode()

    def answer(self, path: str) -> bytes:
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "title" and parts[1] in self.ids:
            status, body = "200 OK", self.app.page(parts[1], "title")
        else:
            status, body = "404 Not Found", b"not found"
        head = (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                "Connection: keep-alive\r\n\r\n")
        return head.encode() + body

    def close(self) -> None:
        self.listener.close()


@pytest.mark.slow
@pytest.mark.hardening
def test_a_reset_kept_alive_connection_reaches_the_retry_middleware_and_is_counted(tmp_path) -> None:
    site = ResettingSite()
    try:
        done = run_crawl(site.base_url, tmp_path / "out", {"ids": ",".join(site.ids)}, timeout=120,
                         CONCURRENT_REQUESTS="1", CONCURRENT_REQUESTS_PER_DOMAIN="1", IMDB_FOLLOW_KEYWORDS="0")
    finally:
        site.close()
    assert done.returncode == 0, done.stdout[-3000:]
    assert site.resets == 1
    assert sorted(r["imdb_id"] for r in read_items(tmp_path / "out")) == sorted(site.ids)
    requests = stats(tmp_path / "out")["requests"]
    assert sum(requests["failed_by_exception"].values()) == 1, requests  # Twisted's silent resend counted none
    assert sum(v for k, v in requests["retries"].items() if k != "retry_after_honoured") == 1, requests
