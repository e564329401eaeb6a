"""Expected values written from reading each real page, field comparison, and the per-era table.

What counts as right (``same``): equal value and Python type; ``poster_url`` names the same image (the
``/images/M/<id>`` part; the ``_V1_`` size modifiers and the CDN host may differ); ``trailer_urls`` name the
same videos (the ``vi…`` ids in the URLs, in order; expected files store just the ids); where a legacy page
states two values for one field (``also_right``: the JSON-LD ``datePublished`` beside the displayed release
date), either is right. A partial list is wrong. ``keywords`` are those the title page shows: offline, the
``/keywords/`` page of these titles does not exist, so the full list cannot be compared; that the spider
asked for it is checked separately (``keyword_total`` > shown).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).parent / "expected"
FIELDS = ("title", "original_title", "title_type", "year", "release_date", "runtime_min", "rating", "votes",
          "metascore", "content_rating", "genres", "countries", "languages", "color", "directors", "writers",
          "actors", "keywords", "description", "budget", "gross_worldwide", "poster_url", "trailer_urls")
ERAS = ("2025", "2022-23", "2021", "legacy-jsonld", "legacy-itemprop")
CURRENT = ("2025", "2022-23", "2021")  # pages with a page state (__NEXT_DATA__)
_IMAGE = re.compile(r"/images/M/([A-Za-z0-9@+_-]+?)(?:\._|\.jpg|$)")
_VIDEO = re.compile(r"vi[0-9]+")


@dataclass
class TitlePage:
    page: str
    imdb_id: str
    era: str
    keyword_total: int | None
    fields: dict[str, Any]
    also_right: dict[str, list[Any]] = field(default_factory=dict)
    not_on_page: list[str] = field(default_factory=list)

    @property
    def more_keywords(self) -> bool:
        """The page says it has more keywords than it shows, so the spider must ask for ``/keywords/``."""
        return (self.keyword_total or 0) > len(self.fields["keywords"] or ())


def title_pages() -> list[TitlePage]:
    pages = []
    for path in sorted(EXPECTED.glob("*.json")):
        if path.name.startswith(("search__", "keywords__")):
            continue
        pages.append(TitlePage(**json.loads(path.read_text(encoding="utf-8"))))
    return pages


def expected_file(prefix: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob(f"{prefix}__*.json"))]


def image_key(url: Any) -> str | None:
    found = _IMAGE.search(url) if isinstance(url, str) else None
    return found.group(1) if found else None


def video_ids(urls: Any) -> list[str] | None:
    if not isinstance(urls, list):
        return None
    ids: list[str] = []
    for url in urls:
        found = _VIDEO.search(url) if isinstance(url, str) else None
        if found and found.group(0) not in ids:
            ids.append(found.group(0))
    return ids


def same(name: str, got: Any, want: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if name == "poster_url":
        return image_key(got) is not None and image_key(got) == image_key(want)
    if name == "trailer_urls":
        return video_ids(got) == want
    return got == want and type(got) is type(want)


def verdict(page: TitlePage, name: str, item: dict[str, Any] | None) -> str:
    """``right``, ``wrong`` or ``n/a`` (a legacy page whose markup does not show the field)."""
    if name in page.not_on_page:
        return "n/a"
    if item is None:
        return "wrong"
    wants = [page.fields[name], *page.also_right.get(name, [])]
    return "right" if any(same(name, item.get(name), want) for want in wants) else "wrong"


def table(pages: list[TitlePage], items: dict[str, dict[str, Any] | None]) -> tuple[str, dict[tuple[str, str], float]]:
    """Per-era, per-field 'right/checked' as text, and the share right per (era group, field)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for page in pages:
        for name in FIELDS:
            v = verdict(page, name, items.get(page.page))
            if v == "n/a":
                continue
            for group in (page.era, "current" if page.era in CURRENT else "legacy"):
                cell = counts.setdefault((group, name), [0, 0])
                cell[0] += v == "right"
                cell[1] += 1
    columns = [*ERAS, "current", "legacy"]
    n_pages = {era: sum(p.era == era for p in pages) for era in ERAS}
    head = ["field".ljust(16)] + [f"{c} ({n_pages[c]})" if c in n_pages else c for c in columns]
    lines = [" | ".join(h.rjust(15) for h in head)]
    for name in FIELDS:
        row = [name.ljust(16)]
        for c in columns:
            right, checked = counts.get((c, name), [0, 0])
            row.append(f"{right}/{checked}" if checked else "-")
        lines.append(" | ".join(r.rjust(15) for r in row))
    shares = {k: right / checked for k, (right, checked) in counts.items()}
    return "\n".join(lines), shares


def mismatches(pages: list[TitlePage], items: dict[str, dict[str, Any] | None]) -> list[str]:
    out = []
    for page in pages:
        item = items.get(page.page)
        for name in FIELDS:
            if verdict(page, name, item) == "wrong":
                got = None if item is None else item.get(name)
                out.append(f"{page.page} [{page.era}] {name}: expected {page.fields[name]!r}, got {got!r}"[:400])
    return out
