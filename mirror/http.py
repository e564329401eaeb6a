"""A minimal asyncio HTTP/1.1 server (keep-alive, HEAD, pipelining in order) fast enough not to be a crawl's bottleneck.

The application is a callable `handle(Request) -> Response`. A response can ask for slow work to run
in a thread pool (`work`), to be delayed without blocking other connections (`delay`), or to end the
connection badly (`action="reset"` / `"truncate"`) for fault injection.
"""
from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate

REASONS = {200: "OK", 202: "Accepted", 301: "Moved Permanently", 304: "Not Modified", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}
MAX_HEADER = 65536


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    peer: str = ""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    action: str | None = None  # "reset" | "truncate"
    delay: float = 0.0
    work: Callable[[], Response] | None = None  # run in a worker thread, its result is sent instead


_date_cache: list = [0, b""]


def _http_date() -> bytes:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[:] = [now, formatdate(now, usegmt=True).encode()]
    return _date_cache[1]


class HTTPProtocol(asyncio.Protocol):
    """One connection: parse requests from the buffer, answer them one after another."""

    def __init__(self, handle: Callable[[Request], Response], pool: ThreadPoolExecutor, server_name: bytes) -> None:
        self.handle, self.pool, self.server_name = handle, pool, server_name
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.closing = False
        self.peer = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else ""
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > MAX_HEADER * 4 and not self.busy:
            self._send(Response(431, b"request too large"), keep_alive=False, head=False)
            return
        self._process()

    def _process(self) -> None:
        while not self.busy and not self.closing and self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end > MAX_HEADER or end < 0 and len(self.buffer) > MAX_HEADER:
                self._send(Response(431, b"header too large", "text/plain"), keep_alive=False, head=False)
                return
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                self._send(Response(400, b"bad request line"), keep_alive=False, head=False)
                return
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            del self.buffer[: end + 4 + length]
            conn = headers.get("connection", "").lower()
            keep = conn != "close" if parts[2] == "HTTP/1.1" else conn == "keep-alive"
            request = Request(parts[0], parts[1], headers, self.peer)
            try:
                response = self.handle(request)
            except Exception as exc:  # a bug must not kill the connection loop silently
                response = Response(500, f"mirror error: {type(exc).__name__}: {exc}".encode(), "text/plain")
            self._dispatch(response, keep, request.method == "HEAD")

    def _dispatch(self, response: Response, keep: bool, head: bool) -> None:
        loop = asyncio.get_running_loop()
        if response.work is not None:
            self.busy = True
            future = loop.run_in_executor(self.pool, response.work)
            future.add_done_callback(lambda f: self._after_work(f, keep, head))
        elif response.delay > 0:
            self.busy = True
            delayed = Response(**{**response.__dict__, "delay": 0.0})
            loop.call_later(response.delay, self._resume, delayed, keep, head)
        else:
            self._send(response, keep, head)

    def _after_work(self, future: asyncio.Future, keep: bool, head: bool) -> None:
        try:
            response = future.result()
        except Exception as exc:
            response = Response(500, f"mirror error: {type(exc).__name__}: {exc}".encode(), "text/plain")
        self.busy = False
        self._dispatch(response, keep, head)
        self._process()

    def _resume(self, response: Response, keep: bool, head: bool) -> None:
        self.busy = False
        self._send(response, keep, head)
        self._process()

    def _send(self, r: Response, keep_alive: bool, head: bool) -> None:
        transport = self.transport
        if transport is None:
            return
        if r.action == "reset":
            sock = transport.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: close() sends RST, as a dropped connection does
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            self.closing = True
            return
        keep_alive = keep_alive and r.action is None
        head_lines = [b"HTTP/1.1 %d %s" % (r.status, REASONS.get(r.status, "Unknown").encode()),
                      b"Server: " + self.server_name, b"Date: " + _http_date(),
                      b"Content-Type: " + r.content_type.encode(), b"Content-Length: %d" % len(r.body),
                      b"Connection: keep-alive" if keep_alive else b"Connection: close"]
        head_lines += [f"{k}: {v}".encode("latin-1") for k, v in r.headers]
        payload = b"\r\n".join(head_lines) + b"\r\n\r\n"
        if not head:
            payload += r.body[: len(r.body) // 2] if r.action == "truncate" else r.body
        transport.write(payload)
        if not keep_alive:
            self.closing = True
            transport.close()
