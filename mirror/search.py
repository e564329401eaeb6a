"""Advanced search `/search/title/?title_type=…&num_votes=MIN,&genres=…&release_date=A,B&sort=…`.

The page holds the first 50 results (in `__NEXT_DATA__` and as list items); its "50 more" button runs
inline JavaScript that fetches `/search/title/_next?…&after=CURSOR&token=T` and appends the next 50, so
only a browser pages further: T is the WAF challenge's proof of work (`waf.SOLVE_JS`) over a signed nonce
the page (then each batch) hands out, valid for `TOKEN_TTL` seconds; without it the endpoint answers 403.
CURSOR is opaque (offset and an HMAC bound to the query), so it cannot be made up either. Filters run
on numpy columns built lazily on the first search from at most
`SCAN_LIMIT` titles (the first 50,000 of a bigger catalog; searches see only those, and the first
search on a 50,000-title catalog takes a few seconds to index it).
Semantics: several title types = any of them, several genres = all of them; titles without a vote
count never match `num_votes`; a missing release date falls back to 1 January of the year.
"""
from __future__ import annotations

import base64
import hmac
import json
import threading
from functools import lru_cache
from html import escape

import numpy as np

from .base import Catalog
from .frame import head, short_count, tail
from .http import Response
from .pagedata import TYPE_TEXT, next_data, poster_url
from .waf import SOLVE_JS, Challenge

PAGE_SIZE = 50
SCAN_LIMIT = 50_000
TOKEN_TTL = 300  # seconds a page's (or batch's) paging nonce stays valid
TYPE_PARAM = {"feature": "movie", "tv_movie": "tvMovie", "tv_series": "tvSeries", "tv_episode": "tvEpisode",
              "short": "short", "video": "video", "video_game": "videoGame"}
SORTS = ("moviemeter", "num_votes", "user_rating", "year", "release_date")


class SearchError(ValueError):
    """A query parameter that cannot be understood."""


class SearchIndex:
    def __init__(self, catalog: Catalog, base: str) -> None:
        self.catalog, self.base = catalog, base
        self._lock = threading.Lock()
        self._cols: dict[str, np.ndarray] | None = None
        self._genres: dict[str, int] = {}
        self.results = lru_cache(maxsize=64)(self._results)
        self.tokens = Challenge(ttl=TOKEN_TTL)  # its own secret: a WAF cookie is no paging token

    def _columns(self) -> dict[str, np.ndarray]:
        with self._lock:
            if self._cols is None:
                n = min(len(self.catalog), SCAN_LIMIT)
                types, votes, rating, date, gmask = (np.zeros(n, np.int8), np.full(n, -1, np.int64),
                                                     np.full(n, np.nan), np.zeros(n, np.int32), np.zeros(n, np.int64))
                type_codes = {t: i + 1 for i, t in enumerate(TYPE_TEXT)}
                for i in range(n):
                    f = self.catalog.search_fields(i)
                    types[i] = type_codes.get(f.get("title_type") or "", 0)
                    votes[i] = f["votes"] if f.get("votes") is not None else -1
                    rating[i] = f["rating"] if f.get("rating") is not None else np.nan
                    day = f.get("release_date")
                    date[i] = int(day.replace("-", "")) if day else (f.get("year") or 0) * 10000 + 101
                    for g in f.get("genres") or []:
                        bit = self._genres.setdefault(g.lower(), len(self._genres))
                        gmask[i] |= 1 << bit
                self._cols = {"type": types, "votes": votes, "rating": rating, "date": date, "genres": gmask}
                self._type_codes = type_codes
            return self._cols

    @staticmethod
    def normalise(query: dict[str, list[str]]) -> tuple:
        """The query as a hashable key of the filters that matter."""
        def one(name: str) -> str:
            return (query.get(name) or [""])[-1].strip()
        return tuple((name, one(name)) for name in ("title_type", "num_votes", "user_rating", "genres", "release_date", "sort"))

    def _results(self, key: tuple) -> np.ndarray:
        q = dict(key)
        cols = self._columns()
        keep = np.ones(len(cols["type"]), bool)
        if q["title_type"]:
            codes = [self._type_codes[TYPE_PARAM[t]] for t in q["title_type"].split(",") if t in TYPE_PARAM]
            keep &= np.isin(cols["type"], codes)
        lo, hi = _range(q["num_votes"], "num_votes", float)
        if lo is not None or hi is not None:
            keep &= cols["votes"] >= 0
            keep &= cols["votes"] >= (lo or 0)
            if hi is not None:
                keep &= cols["votes"] <= hi
        lo, hi = _range(q["user_rating"], "user_rating", float)
        if lo is not None:
            keep &= cols["rating"] >= lo
        if hi is not None:
            keep &= cols["rating"] <= hi
        lo, hi = _range(q["release_date"], "release_date", _date)
        if lo is not None:
            keep &= cols["date"] >= lo
        if hi is not None:
            keep &= cols["date"] <= hi
        for g in filter(None, q["genres"].lower().split(",")):
            bit = self._genres.get(g.strip())
            keep &= False if bit is None else (cols["genres"] >> bit) & 1 == 1
        idx = np.flatnonzero(keep)
        field, _, order = (q["sort"] or "moviemeter,asc").partition(",")
        if field not in SORTS:
            raise SearchError(f"sort={q['sort']} is not one of {', '.join(SORTS)} (with ,asc or ,desc)")
        desc = order != "asc" if field != "moviemeter" else order == "desc"
        value = {"moviemeter": -cols["votes"], "num_votes": cols["votes"], "year": cols["date"] // 10000,
                 "release_date": cols["date"], "user_rating": np.nan_to_num(cols["rating"], nan=-1.0)}[field][idx]
        return idx[np.lexsort((idx, -value if desc else value))]

    def _items(self, idx: np.ndarray, start: int) -> list[dict]:
        items = []
        for i in idx[start: start + PAGE_SIZE]:
            rec = self.catalog.record(self.catalog.id_at(int(i))) or {}
            image = None
            if rec.get("poster_id"):
                image = {"url": poster_url(self.base, rec["poster_id"]), "width": 400, "height": 600,
                         "caption": rec["title"]}
            items.append({"titleId": rec["imdb_id"], "titleText": rec["title"], "originalTitleText": rec["original_title"],
                          "titleType": {"id": rec["title_type"], "text": TYPE_TEXT.get(rec["title_type"] or "", "")},
                          "primaryImage": image,
                          "ratingSummary": {"aggregateRating": rec["rating"], "voteCount": rec["votes"] or 0},
                          "genres": rec["genres"] or [], "releaseYear": rec["year"],
                          "runtime": rec["runtime_min"] * 60 if rec["runtime_min"] else None,
                          "certificate": rec["content_rating"], "plot": rec["description"]})
        return items

    def _query_or_error(self, query: dict[str, list[str]]) -> tuple[np.ndarray, tuple] | Response:
        key = self.normalise(query)
        try:
            return self.results(key), key
        except SearchError as exc:
            return Response(400, f"{exc}.".encode(), "text/plain; charset=utf-8")

    def page(self, query: dict[str, list[str]]) -> Response:
        found = self._query_or_error(query)
        if isinstance(found, Response):
            return found
        idx, key = found
        items = self._items(idx, 0)
        total = len(idx)
        qs = "&".join(f"{k}={v}" for k, v in key if v)
        props = {"searchResults": {"titleResults": {"titleListItems": items, "total": total, "hasNextPage": total > PAGE_SIZE}},
                 "searchInput": dict((k, v) for k, v in key if v)}
        lis = "".join(_item_html(item, n + 1) for n, item in enumerate(items))
        button = ""
        if total > PAGE_SIZE:
            button = (f'<div class="ipc-see-more"><button class="ipc-btn ipc-btn--single-padding ipc-btn--default-height '
                      f'ipc-btn--core-base ipc-see-more__button" data-query="{escape(qs)}" '
                      f'data-cursor="{self._cursor(key, PAGE_SIZE)}" data-challenge="{self.tokens.new_nonce()}" '
                      f'data-offset="{PAGE_SIZE}"><span class="ipc-btn__text"><span class="ipc-see-more__text">50 more</span>'
                      f"</span></button></div><script>{SOLVE_JS}{_MORE_JS}</script>")
        body = (f'<main class="ipc-page-wrapper"><h1 class="ipc-title__text">Advanced title search</h1>'
                f'<div>1-{min(total, PAGE_SIZE):,} of {total:,}</div>'
                f'<ul class="ipc-metadata-list ipc-metadata-list--dividers-between ipc-metadata-list--base detailed-list-view">'
                f"{lis}</ul>{button}</main>")
        head_html = head("Advanced title search - IMDb", "IMDb's advanced search", f"{self.base}/search/title/?{qs}", None)
        return Response(200, (head_html + body + tail(next_data("/search/title", dict(key), props))).encode())

    def next_batch(self, query: dict[str, list[str]]) -> Response:
        """The JSON behind "50 more": 403 without the token the page's script computes, 400 on a foreign cursor."""
        if not self.tokens.check((query.get("token") or [""])[-1]):
            return Response(403, b"Paging needs the token the search page's script computes: "
                                 b"click '50 more' in a browser.", "text/plain; charset=utf-8")
        found = self._query_or_error(query)
        if isinstance(found, Response):
            return found
        idx, key = found
        start = self._offset(key, (query.get("after") or [""])[-1])
        if start is None:
            return Response(400, b"after= is not a cursor from this search.", "text/plain")
        end = start + PAGE_SIZE
        more = end < len(idx)
        data = {"titleListItems": self._items(idx, start), "total": len(idx), "hasNextPage": more,
                "endCursor": self._cursor(key, end) if more else None,
                "challenge": self.tokens.new_nonce() if more else None, "offset": start}
        return Response(200, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _cursor(self, key: tuple, offset: int) -> str:
        """Opaque to clients: the offset with an HMAC over (query, offset), so no cursor can be made up."""
        return base64.urlsafe_b64encode(f"{offset}.{self.tokens.sign(f'{key!r}|{offset}')}".encode()).decode()

    def _offset(self, key: tuple, cursor: str) -> int | None:
        try:
            offset, _, sig = base64.urlsafe_b64decode(cursor.encode()).decode().partition(".")
        except ValueError:  # binascii.Error is a ValueError
            return None
        if not offset.isdigit() or not hmac.compare_digest(sig, self.tokens.sign(f"{key!r}|{offset}")):
            return None
        return int(offset)

    def home(self) -> str:
        ids = [self.catalog.id_at(i) for i in range(min(20, len(self.catalog)))]
        links = "".join(f'<li><a href="/title/{i}/">{i}</a></li>' for i in ids)
        return (head("IMDb offline mirror", "imdbkit offline mirror", f"{self.base}/", None)
                + f'<main><h1>imdbkit offline mirror</h1><p>{self.catalog.name}, {len(self.catalog):,} titles. '
                  f'<a href="/search/title/?sort=num_votes,desc">Most voted</a></p><ul>{links}</ul></main>' + tail(None))


def _date(text: str) -> int:
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() for p in parts)):
        raise SearchError(f"release_date value {text!r} is not YYYY-MM-DD")
    y, m, d = (list(map(int, parts)) + [1, 1])[:3]
    return y * 10000 + m * 100 + d


def _range(text: str, name: str, conv) -> tuple:
    if not text:
        return None, None
    lo, _, hi = text.partition(",")
    try:
        return (conv(lo) if lo else None), (conv(hi) if hi else None)
    except ValueError:
        raise SearchError(f"{name}={text} is not a range MIN,MAX") from None


def _item_html(item: dict, n: int) -> str:
    """One result as the 2025 list writes it (cinemagoer's capture): summary item > dli-parent > dli-title link,
    dli-title-metadata spans, and the rating group."""
    rating = item["ratingSummary"]["aggregateRating"]
    meta = "".join(f'<span class="dli-title-metadata-item">{escape(str(v))}</span>'
                   for v in (item["releaseYear"], item["certificate"]) if v)
    kind = item["titleType"]["text"] if item["titleType"]["id"] not in (None, "movie") else ""
    if kind:
        meta += f'<span class="dli-title-type-data">{escape(kind)}</span>'
    stars = ('<div class="dli-ratings-container" data-testid="ratingGroup--container"><span class="ipc-rating-star '
             'ipc-rating-star--base ipc-rating-star--imdb ratingGroup--imdb-rating" data-testid="ratingGroup--imdb-rating">'
             f'<span class="ipc-rating-star--rating">{rating}</span><span class="ipc-rating-star--voteCount">'
             f'&nbsp;({short_count(item["ratingSummary"]["voteCount"])})</span></span></div>' if rating is not None else "")
    return ('<li class="ipc-metadata-list-summary-item"><div class="ipc-metadata-list-summary-item__c">'
            '<div class="ipc-metadata-list-summary-item__tc"><div class="dli-parent"><div class="ipc-title ipc-title--base '
            f'ipc-title--title dli-title"><a href="/title/{item["titleId"]}/?ref_=sr_t_{n}" class="ipc-title-link-wrapper">'
            f'<h3 class="ipc-title__text">{n}. {escape(item["titleText"] or "")}</h3></a></div>'
            f'<div class="dli-title-metadata">{meta}</div>{stars}</div></div></div></li>')


# appends items built exactly like _item_html; textContent keeps titles inert; solvePow comes from waf.SOLVE_JS
_MORE_JS = """(function(){var b=document.querySelector('.ipc-see-more__button');
var list=document.querySelector('ul.detailed-list-view');
function el(t,c,x){var e=document.createElement(t);if(c)e.className=c;if(x!=null)e.textContent=x;return e;}
b.addEventListener('click',function(){b.disabled=true;
fetch('/search/title/_next?'+b.dataset.query+'&after='+encodeURIComponent(b.dataset.cursor)
+'&token='+encodeURIComponent(solvePow(b.dataset.challenge)),{credentials:'same-origin'})
.then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();}).then(function(d){var n=+b.dataset.offset;
d.titleListItems.forEach(function(it){n+=1;var li=el('li','ipc-metadata-list-summary-item');var c=el('div','ipc-metadata-list-summary-item__c');
var tc=el('div','ipc-metadata-list-summary-item__tc');var p=el('div','dli-parent');var t=el('div','ipc-title dli-title');
var a=el('a','ipc-title-link-wrapper');a.href='/title/'+it.titleId+'/?ref_=sr_t_'+n;
a.appendChild(el('h3','ipc-title__text',n+'. '+it.titleText));t.appendChild(a);p.appendChild(t);var m=el('div','dli-title-metadata');
if(it.releaseYear)m.appendChild(el('span','dli-title-metadata-item',it.releaseYear));p.appendChild(m);
if(it.ratingSummary.aggregateRating!=null){var r=el('div','dli-ratings-container');
r.appendChild(el('span','ipc-rating-star--rating',it.ratingSummary.aggregateRating));p.appendChild(r);}
tc.appendChild(p);c.appendChild(tc);li.appendChild(c);list.appendChild(li);});b.dataset.offset=n;
if(d.hasNextPage){b.dataset.cursor=d.endCursor;b.dataset.challenge=d.challenge;b.disabled=false;}
else{b.parentNode.removeChild(b);}}).catch(function(){b.disabled=false;});});})();"""
