"""Small HTTP and page-reading helpers for the mirror tests (an independent reader of what the mirror serves),
and an in-memory log of the title pages a mirror is asked for."""
from __future__ import annotations

import http.client
import json
import re
import time
from urllib.parse import urlsplit

from mirror.paths import LD_PATHS, STATE_PATHS, dig, unescape_ld

_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
_NEXT = re.compile(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', re.S)


class Client:
    """One keep-alive connection; reconnects after the server closes it."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("GET", path, headers=headers or {})
            resp = self.conn.getresponse()
            body = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def blocks(body: bytes | str) -> tuple[dict | None, dict | None]:
    """(JSON-LD, __NEXT_DATA__) of a page, each None when absent."""
    text = body.decode() if isinstance(body, bytes) else body
    ld, nd = _LD.search(text), _NEXT.search(text)
    return (json.loads(ld.group(1)) if ld else None), (json.loads(nd.group(1)) if nd else None)


def next_value(props: dict, field: str, base: str, era: str = "2025"):
    """A record field as read from `props.pageProps` through the mirror's path table of `era`, in record form."""
    value = dig(props, STATE_PATHS[era][field])
    if field == "trailer_ids":
        return [u.rsplit("/", 1)[1].removesuffix(".mp4") for u in value or []]
    if value in (None, []) or field == "votes" and value == 0:  # voteCount 0 means "no ratings yet"
        return None
    if field == "release_date":
        return f"{value['year']:04d}-{value['month']:02d}-{value['day']:02d}"
    if field == "runtime_min":
        return value // 60
    if field == "color":
        return value[0]
    if field == "poster_id":
        prefix = f"{base}/images/M/"
        assert value.startswith(prefix) and value.endswith("._V1_.jpg"), value
        return value[len(prefix): -len("._V1_.jpg")]
    return value


def ld_value(ld: dict, field: str):
    """A record field as read from JSON-LD (entities unescaped, numbers coerced), or None."""
    path = LD_PATHS.get(field)
    if path is None:
        return None
    if field in ("directors", "writers", "actors"):
        people = ld.get(path.split("[")[0]) or []
        people = people if isinstance(people, list) else [people]
        names = [unescape_ld(p["name"]) for p in people if p.get("@type") == "Person"]
        return names or None
    value = unescape_ld(dig(ld, path))
    if value is None:
        return None
    if field == "rating":
        return float(value)
    if field == "votes":
        return int(value)
    if field == "runtime_min":
        m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", value)
        return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    return value


def record_title_requests(server, agents: list[str] | None = None) -> list[float]:
    """Arrival times (monotonic) of title-page requests at the mirror: its access log, in memory.
    With `agents`, each request's User-Agent is appended to it too."""
    arrivals: list[float] = []
    handle = server.app.handle

    def logged(request):
        if re.fullmatch(r"/title/tt\d+/", request.target):
            arrivals.append(time.monotonic())
            if agents is not None:
                agents.append(request.headers.get("user-agent", ""))
        return handle(request)

    server.app.handle = logged
    return arrivals
