"""Routing of mirror URLs to pages, images and videos, with per-URL fault injection and the WAF challenge."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from crawler.items import ID_PATTERN

from . import find, frame, keywords, legacy, pages, posters, waf
from .base import Catalog, imdb_id_of_poster
from .faults import LAYOUTS, Faults
from .http import Request, Response

_TITLE = re.compile(rf"^/title/({ID_PATTERN})(?:/(reference|keywords))?/?\Z")
_POSTER = re.compile(r"^/images/M/([A-Za-z0-9+/@]+)\._V1_([A-Za-z0-9_,]*)\.jpg$")
# a trailer's file and its page; JSON-LD links the page as /video/imdb/vi…, the 2014 markup as /video/screenplay/vi…/
_VIDEO = re.compile(r"^/video/(?:imdb/|screenplay/)?(vi\d{10,11})(\.mp4|/?)$")
_LAYOUT_FAULTS = ("nonext", "oldlayout", *LAYOUTS)
# the era a layout fault serves a title page in ("2025" without a fault)
ERA_OF_FAULT = {"oldlayout": "2019"} | {name: name.removeprefix("layout") for name in LAYOUTS}
PAGE_CACHE = 4096
# title pages of ~0.55 MB, keywords pages of ~0.55 MB (current) or ~0.25 MB (2021–22): at most ~150 MB, as a
# crawl asks for each page about once
REAL_SIZE_PAGE_CACHE = 256
IMAGE_CACHE = 2048


def _host(request: Request) -> str:
    """The Host header a WAF token is bound to (a token earned on one host is no good on another)."""
    return request.headers.get("host", "").strip().lower()


class MirrorApp:
    """Everything the server answers; `handle(Request) -> Response`."""

    def __init__(self, catalog: Catalog, base_url: str, faults: Faults, seed: int, cache_dir: str | None = None) -> None:
        self.catalog, self.base, self.faults, self.seed = catalog, base_url, faults, seed
        self.attempts: dict[str, int] = {}
        self.waf = waf.Challenge(ttl=faults.waf_ttl or None, max_uses=int(faults.waf_max) or None)
        self.page = lru_cache(maxsize=PAGE_CACHE if faults.small else REAL_SIZE_PAGE_CACHE)(self._render)
        self.poster_bytes = lru_cache(maxsize=IMAGE_CACHE)(self._poster_bytes)
        self.original = lru_cache(maxsize=64)(self._original)
        from .search import SearchIndex
        from .trailers import TrailerStore
        self.search = SearchIndex(catalog, base_url)
        self.trailers = TrailerStore(catalog, seed, cache_dir)
        self.stats = {"requests": 0, "faults": 0}

    # --- faults ------------------------------------------------------------------------------------
    def _fault(self, request: Request, page: bool) -> tuple[str | None, bool, str | None]:
        if not self.faults.any or not (page or self.faults.assets):
            return None, False, None
        key = f"{request.method} {request.target}"
        attempt = self.attempts.get(key, 0)
        self.attempts[key] = attempt + 1
        fault, delayed, challenge = self.faults.decide(self.seed, key, attempt)
        if not page and fault in _LAYOUT_FAULTS:
            fault = None
        if challenge and (not page or self.waf.passes(request.headers.get("cookie", ""), _host(request))):
            challenge = None
        return fault, delayed, challenge

    def _faulty(self, fault: str | None, response: Response) -> Response:
        if fault in ("429", "503"):
            after = self.faults.retry_after
            text = f"{after:g}" if after != int(after) else str(int(after))
            return Response(int(fault), b"Too many requests, slow down." if fault == "429" else b"Service unavailable.",
                            "text/plain", headers=[("Retry-After", text)] if after > 0 else [])
        if fault == "500":
            return Response(500, b"Internal server error.", "text/plain")
        if fault in ("reset", "truncate"):
            response.action = fault
        return response

    # --- routing -----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        self.stats["requests"] += 1
        if request.method not in ("GET", "HEAD"):
            return Response(405, b"method not allowed", "text/plain", headers=[("Allow", "GET, HEAD")])
        url = urlsplit(request.target)
        path = url.path
        if m := _TITLE.match(path):
            return self._title(request, m.group(1), m.group(2) or "title")
        if m := _POSTER.match(path):
            return self._asset(request, lambda: self._poster(m.group(1), m.group(2)))
        if m := _VIDEO.match(path):
            return self._asset(request, lambda: self._video(m.group(1), m.group(2)))
        if path in ("/search/title/", "/search/title"):
            return self._page_with_faults(request, lambda v: self.search.page(parse_qs(url.query)))
        if path in ("/find", "/find/"):
            query = (parse_qs(url.query).get("q") or [""])[-1]
            return self._page_with_faults(request, lambda fault: Response(200, (
                find.find_page_old if fault in ERA_OF_FAULT else find.find_page)(self.catalog, self.base, query).encode()))
        if path == "/search/title/_next":
            return self.search.next_batch(parse_qs(url.query))
        if path == "/robots.txt":
            return Response(200, frame.ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        if path == "/":
            return Response(200, self.search.home().encode())
        return self._not_found(path)

    def _not_found(self, path: str) -> Response:
        return Response(404, frame.not_found_page(path).encode())

    def _page_with_faults(self, request: Request, render) -> Response:
        fault, delayed, challenge = self._fault(request, page=True)
        if challenge:
            response = self.waf.challenge_response(challenge, _host(request))
        elif fault in ("429", "503", "500"):
            response = self._faulty(fault, Response())
        else:
            response = render(fault)
            if response.status == 200:
                response = self._faulty(fault, response)
        if fault or challenge:
            self.stats["faults"] += 1
        response.delay = self.faults.delay_s if delayed else 0.0
        return response

    def _title(self, request: Request, imdb_id: str, kind: str) -> Response:
        if imdb_id not in self.catalog:
            return self._not_found(request.target)

        def render(fault: str | None) -> Response:
            if kind == "keywords":
                return Response(200, self.page(imdb_id, "keywords-2021" if fault in ERA_OF_FAULT else "keywords"))
            variant = f"{kind}-nonext" if fault == "nonext" else f"{kind}-{ERA_OF_FAULT.get(fault or '', '2025')}"
            return Response(200, self.page(imdb_id, variant))

        return self._page_with_faults(request, render)

    def _render(self, imdb_id: str, variant: str) -> bytes:
        rec = self.catalog.record(imdb_id)
        assert rec is not None
        if variant in ("keywords", "keywords-2021"):
            return keywords.keywords_page_bytes(rec, self.base, self.seed, real_size=not self.faults.small,
                                                legacy=variant == "keywords-2021")
        kind, _, era = variant.partition("-")
        era = era or "2025"  # "title" / "reference": the default, current page
        if era == "2019":
            return legacy.page_2019(rec, self.base, self.seed).encode()
        if era == "2014":
            return legacy.page_2014(rec, self.base, self.seed).encode()
        return pages.title_page_bytes(rec, self.base, self.seed, self.catalog.extras(imdb_id), self._poster_dims(rec),
                                      era="2025" if era == "nonext" else era, with_next=era != "nonext",
                                      reference=kind == "reference", real_size=not self.faults.small)

    def _poster_dims(self, rec: dict) -> tuple[int, int] | None:
        if rec["poster_id"] is None or self.catalog.poster_file(rec["imdb_id"]) is None:
            return None
        img = self.original(rec["poster_id"])
        return None if img is None else (img.shape[1], img.shape[0])

    # --- assets ------------------------------------------------------------------------------------
    def _asset(self, request: Request, work) -> Response:
        fault, delayed, _ = self._fault(request, page=False)
        if fault in ("429", "503", "500"):
            response = self._faulty(fault, Response())
        else:
            response = Response(work=lambda: self._faulty(fault, work()))
        response.delay = self.faults.delay_s if delayed else 0.0
        return response

    def _original(self, poster_id: str):
        imdb_id = imdb_id_of_poster(poster_id)
        rec = self.catalog.record(imdb_id) if imdb_id else None
        if rec is None or rec["poster_id"] != poster_id:
            return None
        path = self.catalog.poster_file(imdb_id)
        if path is not None:
            return posters.read_image(path)
        latent = self.catalog.latent(imdb_id)
        return posters.draw_poster(latent) if latent else None

    def _poster_bytes(self, poster_id: str, modifiers: str) -> bytes | None:
        if not modifiers:
            imdb_id = imdb_id_of_poster(poster_id)
            path = self.catalog.poster_file(imdb_id) if imdb_id else None
            if path is not None and self.original(poster_id) is not None:
                return path.read_bytes()  # a real original is served as the file it is
        img = self.original(poster_id)
        if img is None:
            return None
        img, quality = posters.apply_modifiers(img, posters.parse_modifiers(modifiers))
        return posters.encode_jpeg(img, quality)

    def _poster(self, poster_id: str, modifiers: str) -> Response:
        try:
            data = self.poster_bytes(poster_id, modifiers)
        except posters.ModifierError as exc:
            return Response(400, f"{exc}; sizes run from 1 to {posters.MAX_SIDE} px".encode(), "text/plain")
        if data is None:
            return self._not_found(f"/images/M/{poster_id}")
        return Response(200, data, "image/jpeg", headers=[("Cache-Control", "max-age=31536000")])

    def _video(self, trailer_id: str, suffix: str) -> Response:
        if suffix != ".mp4":
            page = self.trailers.page(trailer_id, self.base)
            return Response(200, page.encode()) if page else self._not_found(f"/video/{trailer_id}/")
        data = self.trailers.mp4(trailer_id)
        if data is None:
            return self._not_found(f"/video/{trailer_id}.mp4")
        return Response(200, data, "video/mp4", headers=[("Accept-Ranges", "none")])
