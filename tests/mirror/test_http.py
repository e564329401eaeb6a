"""The HTTP layer: keep-alive with pipelining in order, HEAD, bad requests, robots.txt, trailer pages."""
from __future__ import annotations

import socket

from tests.helpers.mirror_pages import Client


def _raw(base_url: str, payload: bytes) -> bytes:
    host, port = base_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_pipelined_requests_are_answered_in_order(mirror):
    a, b = list(mirror.catalog.ids())[:2]
    reply = _raw(mirror.base_url, (f"GET /title/{a}/ HTTP/1.1\r\nHost: x\r\n\r\n"
                                   f"HEAD /title/{b}/ HTTP/1.1\r\nHost: x\r\n\r\n"
                                   "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode())
    assert reply.count(b"HTTP/1.1 200 OK") == 3
    assert reply.index(a.encode()) < reply.index(b"HTTP/1.1 200 OK", reply.index(a.encode()))
    assert b.encode() not in reply  # HEAD: headers only
    assert reply.rstrip().endswith(b"Disallow: /search/title/_next")


def test_bad_requests(mirror):
    assert _raw(mirror.base_url, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert _raw(mirror.base_url, b"POST /title/ HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc").startswith(
        b"HTTP/1.1 405")
    assert _raw(mirror.base_url, b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n").startswith(b"HTTP/1.1 431")


def test_robots_and_trailer_page(mirror):
    client = Client(mirror.base_url)
    status, headers, body = client.get("/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /find" in lines
    assert not any(line.startswith("Crawl-delay") for line in lines)  # policy is in a comment instead
    rec = next(r for r in map(mirror.catalog.record, mirror.catalog.ids()) if r["trailer_ids"])
    status, _, body = client.get(f"/video/{rec['trailer_ids'][0]}/")
    assert status == 200 and f"/video/{rec['trailer_ids'][0]}.mp4".encode() in body
    assert client.get("/")[0] == 200
