"""Real-size mirror pages: the shape of real title pages around the data, and the very same items as compact pages."""
from __future__ import annotations

import json
import re
from functools import cache

import pytest
from lxml import html as lxml_html

from crawler import extract
from mirror import pages
from mirror.catalog import load_catalog
from tests.helpers.env import require_shared

BASE = "http://127.0.0.1:1"
ERAS = ("2025", "2022", "2021")
_NEXT = re.compile(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', re.S)


def shape(page: str) -> dict[str, float]:
    """What a page is made of: KB, script and SVG elements, inline CSS and page-state KB, element count and depth."""
    root = lxml_html.fromstring(page)

    def depth(element, level: int = 0) -> int:
        return max([depth(c, level + 1) for c in element if isinstance(c.tag, str)] + [level])

    state = root.xpath('//script[@id="__NEXT_DATA__"]/text()')
    return {"kb": len(page.encode()) / 1024, "scripts": len(root.xpath("//script")), "svgs": len(root.xpath("//svg")),
            "css_kb": sum(len(s) for s in root.xpath("//style/text()")) / 1024,
            "state_kb": len(state[0]) / 1024 if state else 0.0,
            "elements": sum(1 for e in root.iter() if isinstance(e.tag, str)), "depth": depth(root)}


@cache
def real_shapes() -> list[dict[str, float]]:
    """The shape of every real title page with a page state in ../shared/data/realpages."""
    out = []
    for path in sorted(require_shared("data", "realpages").glob("*/*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found = _NEXT.search(text)
        page = json.loads(found.group(1)).get("page", "") if found else ""
        if page.startswith("/title/") and not page.endswith("/keywords"):
            out.append(shape(text))
    return out


@cache
def records() -> list[dict]:
    catalog = load_catalog("synthetic:400", seed=3)
    return [catalog.record(i) for i in list(catalog.ids())[::20]]


@pytest.mark.parametrize("era", ERAS)
def test_real_size_pages_have_the_shape_of_real_pages(era: str) -> None:
    """Size, scripts, SVG icons, inline CSS, page-state size, elements and nesting depth each within the range the
    real page-state title pages span (10% either side)."""
    real = real_shapes()
    assert len(real) >= 10, "real title pages with a page state"
    for rec in records()[:5]:
        mine = shape(pages.title_page(rec, BASE, 3, era=era, real_size=True))
        for key, value in mine.items():
            lo, hi = min(r[key] for r in real), max(r[key] for r in real)
            assert 0.9 * lo <= value <= 1.1 * hi, (key, value, lo, hi)


def test_small_pages_stay_small() -> None:
    for era in ERAS:
        assert len(pages.title_page(records()[0], BASE, 3, era=era).encode()) < 40_000


# every era's title page with and without its page state; /reference exists only as the 2025 page
PAGES = [(era, kind) for era in ERAS for kind in ("title", "nonext")] + [("2025", "reference")]


@pytest.mark.parametrize(("era", "kind"), PAGES)
def test_real_size_pages_give_the_items_of_small_pages(era: str, kind: str) -> None:
    """The field table reads the same item from a real-size page as from the compact one, on the fast path and on
    the DOM path (the HTML fallback reads the whole real-size page when there is no page state)."""
    for rec in records():
        url = f"{BASE}/title/{rec['imdb_id']}/"
        small, big = (pages.title_page(rec, BASE, 3, era=era, real_size=size, reference=kind == "reference",
                                       with_next=kind != "nonext") for size in (False, True))
        assert len(big) > 10 * len(small)
        want = extract.parse_title_page(small, url)
        assert extract.parse_title_page(big, url) == want
        assert extract.parse_title_page(big, url, dom=True) == want


def test_real_size_pages_are_pure_functions_of_their_inputs() -> None:
    rec = records()[1]
    assert pages.title_page(rec, BASE, 3, real_size=True) == pages.title_page(rec, BASE, 3, real_size=True)
    assert pages.title_page(rec, BASE, 3, real_size=True) != pages.title_page(rec, BASE, 4, real_size=True)
