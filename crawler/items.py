"""The crawled movie: a dataclass with exactly the Contract-1 fields, validated in one place.

Validation never raises: a value that breaks its rule becomes ``None`` and a string
in ``warnings``, so a strange page still yields an item and the problem stays visible in the data.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

# Contract 1: tt + 7-8 ASCII digits. The one definition every crawler and mirror regex builds on: `\d`
# would take any Unicode digit and `$` a trailing newline, and the lookahead keeps a longer id whole.
ID_PATTERN = r"tt[0-9]{7,8}(?![0-9])"
IMDB_ID = re.compile(rf"\A{ID_PATTERN}\Z")
SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class MovieItem:
    imdb_id: str | None = None
    url: str | None = None
    title: str | None = None
    original_title: str | None = None
    title_type: str | None = None
    year: int | None = None
    release_date: str | None = None
    runtime_min: int | None = None
    rating: float | None = None
    votes: int | None = None
    metascore: int | None = None
    content_rating: str | None = None
    genres: list[str] | None = None
    countries: list[str] | None = None
    languages: list[str] | None = None
    color: str | None = None
    directors: list[str] | None = None
    writers: list[str] | None = None
    actors: list[str] | None = None
    keywords: list[str] | None = None
    description: str | None = None
    budget: dict[str, Any] | None = None
    gross_worldwide: dict[str, Any] | None = None
    poster_url: str | None = None
    poster_path: str | None = None
    poster_sha1: str | None = None
    trailer_urls: list[str] | None = None
    scraped_at: str | None = None
    source: str | None = None
    # which source supplied each filled field: "next:<path>", "urql:<path>", "jsonld:<path>", "html:<markup>"
    # (crawler/fields.py), "keywords-page" when /keywords/ completed the list
    field_sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> MovieItem:
        """Check every rule below; a broken value is nulled and explained in ``warnings``."""
        for name, rule in _RULES.items():
            value = getattr(self, name)
            if value == []:
                setattr(self, name, None)  # missing is null, never an empty list
            if value is None or value == []:
                continue
            reason = rule(value)
            if reason:
                self.warnings.append(f"{name}: {reason}: {value!r}"[:300])
                setattr(self, name, None)
        for name in [n for n in self.field_sources if getattr(self, n, None) in (None, [])]:
            del self.field_sources[name]  # a nulled value has no source
        return self


ITEM_FIELDS = tuple(f.name for f in fields(MovieItem))
LIST_FIELDS = tuple(f.name for f in fields(MovieItem) if "list[" in str(f.type) and f.name != "warnings")


def _between(lo: float, hi: float, kind: type | tuple[type, ...]) -> Any:
    def rule(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, kind):
            return f"expected {getattr(kind, '__name__', 'a number')}"
        if not lo <= value <= hi:
            return f"outside {lo:g}..{hi:g}"
        return None

    return rule


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "expected non-empty text"


def _strings(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return "expected a list of text"
    return "duplicates" if len(set(value)) != len(value) else None


def _iso_date(value: Any) -> str | None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return "expected YYYY-MM-DD"
    return None


def _money(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        return "expected {amount, currency}"
    amount, currency = value["amount"], value["currency"]
    if isinstance(amount, bool) or not isinstance(amount, float) or amount < 0:
        return "amount must be a non-negative float"
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        return "currency must be a 3-letter code"
    return None


def _matches(pattern: re.Pattern[str], what: str) -> Any:
    return lambda v: None if isinstance(v, str) and pattern.match(v) else f"expected {what}"


_RULES = {
    "imdb_id": _matches(IMDB_ID, "tt + 7-8 digits"),
    "url": _matches(re.compile(r"^https?://"), "an http(s) URL"),
    "title": _str, "original_title": _str, "title_type": _str, "content_rating": _str,
    "color": _str, "description": _str, "poster_path": _str, "scraped_at": _str, "source": _str,
    "year": _between(1870, 2100, int),
    "release_date": _iso_date,
    "runtime_min": _between(1, 10000, int),
    "rating": _between(1.0, 10.0, float),
    "votes": _between(0, 10**10, int),
    "metascore": _between(0, 100, int),
    "genres": _strings, "countries": _strings, "languages": _strings, "directors": _strings,
    "writers": _strings, "actors": _strings, "keywords": _strings, "trailer_urls": _strings,
    "budget": _money, "gross_worldwide": _money,
    "poster_url": _matches(re.compile(r"^https?://"), "an http(s) URL"),
    "poster_sha1": _matches(SHA1, "40 hex digits"),
}
