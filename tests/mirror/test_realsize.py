"""Real-size mirror pages: the shape of real title pages around the data, and the very same items as compact pages."""
from __future__ import annotations

import json
import re
from functools import cache

import pytest
from lxml import html as lxml_html

from crawler import extract, list_pages
from mirror import keywords, pages
from mirror.app import MirrorApp
from mirror.catalog import load_catalog
from mirror.faults import parse_faults
from mirror.http import Request
from mirror.realsize import shell_of
from mirror.realsize_legacy import legacy_shell
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


# --- keywords pages -----------------------------------------------------------------------------------------------
_KEYWORD_TABLE = '//table[contains(@class,"dataTable")]'


def chrome_shape(page: str) -> dict[str, float]:
    """`shape` of a 2021–22 keywords page without its keyword table (the real page lists 566 keywords, a mirror
    title a few dozen at most: the table's size follows the title, the chrome around it does not)."""
    found = shape(page)
    table = lxml_html.fromstring(page).xpath(_KEYWORD_TABLE)
    if table:
        found["kb"] -= len(lxml_html.tostring(table[0])) / 1024
        found["elements"] -= sum(1 for e in table[0].iter() if isinstance(e.tag, str))
    return found


@cache
def real_keywords_shapes() -> list[dict[str, float]]:
    """`chrome_shape` of every real 2021–22 keywords page (no page state, `td.sodavote` cells) in ../shared."""
    out = []
    for path in sorted(require_shared("data", "realpages").glob("*/*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "__NEXT_DATA__" not in text and "sodavote" in text:
            out.append(chrome_shape(text))
    return out


def test_real_size_2021_keywords_pages_have_the_chrome_of_real_ones() -> None:
    """Around the keyword table: size, scripts, SVG icons, inline CSS, elements and depth each within 15% of what
    the real 2021–22 keywords pages carry."""
    real = real_keywords_shapes()
    assert real, "a real 2021–22 keywords page"
    for rec in records()[:5]:
        mine = chrome_shape(keywords.keywords_page_2021(rec, BASE, 3, real_size=True))
        for key, value in mine.items():
            lo, hi = min(r[key] for r in real), max(r[key] for r in real)
            assert 0.85 * lo <= value <= 1.15 * hi, (key, value, lo, hi)


def test_real_size_current_keywords_pages_have_the_shape_of_real_title_pages() -> None:
    """The current keywords page is a Next.js page with a current title page's chrome and page-state keys: its
    size, scripts, icons, CSS, page state, elements and depth are within the real title pages' range."""
    real = real_shapes()
    for rec in records()[:5]:
        mine = shape(keywords.keywords_page(rec, BASE, 3, real_size=True))
        for key, value in mine.items():
            lo, hi = min(r[key] for r in real), max(r[key] for r in real)
            assert 0.9 * lo <= value <= 1.1 * hi, (key, value, lo, hi)


KEYWORD_PAGES = {"current": keywords.keywords_page, "2021": keywords.keywords_page_2021}


@pytest.mark.parametrize("shape_name", KEYWORD_PAGES)
def test_real_size_keywords_pages_give_the_keywords_of_small_pages(shape_name: str) -> None:
    """The crawler's keywords-page parser reads every keyword, and nothing else, from a real-size page (as text,
    and as the response's bytes the spider hands it)."""
    render = KEYWORD_PAGES[shape_name]
    for rec in records():
        small, big = (render(rec, BASE, 3, real_size=size) for size in (False, True))
        assert len(big) > len(small) + 150_000
        want = rec["keywords"] or []
        assert list_pages.parse_keywords_page(big) == list_pages.parse_keywords_page(small) == want
        assert list_pages.parse_keywords_page(big.encode()) == want


@pytest.mark.parametrize("shape_name", KEYWORD_PAGES)
def test_keywords_page_bytes_are_the_page_encoded(shape_name: str) -> None:
    """What the server sends (the shell's parts encoded once per shell) is the page's text, encoded."""
    render = KEYWORD_PAGES[shape_name]
    for rec in records():
        for size in (False, True):
            sent = keywords.keywords_page_bytes(rec, BASE, 3, real_size=size, legacy=shape_name == "2021")
            assert sent == render(rec, BASE, 3, real_size=size).encode()


def test_the_mirror_serves_keywords_pages_at_real_size_unless_small() -> None:
    catalog = load_catalog("synthetic:50", seed=3)
    iid = next(i for i in catalog.ids() if catalog.record(i)["keywords"])
    request = Request("GET", f"/title/{iid}/keywords/", {})
    sizes = {}
    for spec in ("", "small=1", "layout2021=1", "layout2021=1,small=1"):
        response = MirrorApp(catalog, BASE, parse_faults(spec), seed=3).handle(request)
        assert response.status == 200
        sizes[spec] = len(response.body)
        assert list_pages.parse_keywords_page(response.body.decode()) == catalog.record(iid)["keywords"]
    assert sizes[""] > 500_000 and sizes["layout2021=1"] > 200_000, sizes
    assert sizes["small=1"] < 40_000 and sizes["layout2021=1,small=1"] < 40_000, sizes


# what a shell must never carry: an attribute the crawler reads or a link to a page with data
_DATA_MARKERS = re.compile(r'<[a-z][^>]*\s(?:id|itemprop|data-testid)=|href="[^"]*/(?:title|name|video|images/M)/'
                           r"|keyword|sodavote|list-summary-item|__NEXT_DATA__|application/ld\+json", re.I)


@pytest.mark.parametrize("shell", [*ERAS, "keywords-2021"])
def test_shells_carry_nothing_a_parser_reads(shell: str) -> None:
    sh = legacy_shell(3) if shell == "keywords-2021" else shell_of(shell, 3)
    for part in ("head", "nav", "sections", "footer", "after_state"):
        found = _DATA_MARKERS.search(getattr(sh, part))
        assert found is None, (shell, part, found and found.group())
