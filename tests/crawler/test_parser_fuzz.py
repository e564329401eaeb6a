"""Fuzz the title-page parser with mutated real-structure pages from the mirror: truncated JSON,
deleted keys, wrong types, random bytes. No exception may escape and every item built from the
output (as the spider builds it) validates against the item schema."""

from __future__ import annotations

import json
import random
import re
from dataclasses import fields
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler import extract, list_pages
from crawler.items import _RULES, ITEM_FIELDS, MovieItem
from mirror.app import MirrorApp
from mirror.catalog import load_catalog
from mirror.faults import Faults

pytestmark = pytest.mark.hardening

BASE = "http://127.0.0.1:9"
VARIANTS = ("title-2025", "reference-2025", "title-nonext", "title-2022", "title-2021", "title-2019", "title-2014")
BLOCKS = re.compile(r'(<script[^>]*(?:application/ld\+json|__NEXT_DATA__)[^>]*>)(.*?)(</script>)', re.S)
WRONG = [None, 0, -1, 1e308, float("nan"), "", "x" * 5000, "&amp;apos;", [], [None], {}, {"text": None},
         True, "PT", "$", "1,2,3", "\u202e\ud7ff\x00", [{"@type": "Person"}], {"amount": "lots", "currency": 7}]


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str]]:
    catalog = load_catalog("synthetic:40", seed=3)
    app = MirrorApp(catalog, BASE, Faults(), seed=3)
    out = []
    for i, imdb_id in enumerate(catalog.ids()):
        out.append((imdb_id, app.page(imdb_id, VARIANTS[i % len(VARIANTS)]).decode()))
    return out


def mutate_json(data: Any, rng: random.Random, edits: int) -> Any:
    """Delete keys, swap values for wrong types, shuffle lists, at random places in a JSON tree."""
    for _ in range(edits):
        node, parent, key = data, None, None
        for _depth in range(rng.randint(1, 8)):
            if isinstance(node, dict) and node:
                parent, key = node, rng.choice(sorted(node))
            elif isinstance(node, list) and node:
                parent, key = node, rng.randrange(len(node))
            else:
                break
            node = parent[key]
        if parent is None:
            continue
        action = rng.random()
        if action < 0.4 and isinstance(parent, dict):
            del parent[key]
        elif action < 0.9:
            parent[key] = rng.choice(WRONG)
        elif isinstance(node, list):
            rng.shuffle(node)
    return data


def mutate(page: str | bytes, rng: random.Random) -> str | bytes:
    """One random damage; "bytes" gives the body as bytes (random bytes, so not all UTF-8), as the spider hands a
    response's body to the parser."""
    kind = rng.choice(["truncate", "json", "json", "bytes", "block_cut", "strip_blocks"])
    if kind == "truncate":
        return page[: rng.randrange(len(page))]
    if kind == "bytes":
        raw = bytearray(page.encode() if isinstance(page, str) else page)
        for _ in range(rng.randint(1, 40)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    page = page if isinstance(page, str) else page.decode("utf-8", errors="replace")
    if kind == "strip_blocks":
        return BLOCKS.sub("", page)

    def edit(match: re.Match[str]) -> str:
        body = match.group(2)
        if kind == "block_cut":
            return match.group(1) + body[: rng.randrange(max(1, len(body)))] + match.group(3)
        try:
            data = mutate_json(json.loads(body), rng, rng.randint(1, 25))
            return match.group(1) + json.dumps(data) + match.group(3)
        except ValueError:
            return match.group(0)

    return BLOCKS.sub(edit, page)


def assert_schema(item: MovieItem) -> None:
    hints = {f.name: f.type for f in fields(MovieItem)}
    record = item.to_dict()
    assert set(record) == set(ITEM_FIELDS)
    for name, value in record.items():
        if value is None:
            continue
        if isinstance(value, list):
            assert all(isinstance(v, str) and v for v in value), name
        elif isinstance(value, dict) and name == "field_sources":
            assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()), value
        else:
            kinds = tuple(k for k in get_args(eval(hints[name], {"Any": Any})) or (object,) if k is not type(None))
            kinds = tuple(getattr(k, "__origin__", k) for k in kinds)
            assert isinstance(value, kinds) and not isinstance(value, bool), (name, value)
        if name in _RULES and value != []:
            assert _RULES[name](value) is None, (name, value)
    json.dumps(record, allow_nan=False)  # the line the writer emits must be strict JSON


def build_item(page: str | bytes, imdb_id: str) -> MovieItem:
    """What ImdbSpider.parse_title + ValidatePipeline make of a page."""
    fields_, warnings = extract.parse_title_page(page, f"{BASE}/title/{imdb_id}/")
    fields_.pop("_keyword_total")
    page_id = fields_.pop("imdb_id") or imdb_id
    item = MovieItem(imdb_id=page_id, url=f"{BASE}/title/{page_id}/", **fields_, scraped_at="2026-01-01T00:00:00Z",
                     source="imdb:test", warnings=warnings)
    return item.validate()


def test_unmutated_pages_parse_cleanly(pages) -> None:
    for imdb_id, page in pages:
        item = build_item(page, imdb_id)
        assert item.imdb_id == imdb_id and item.title
        assert_schema(item)


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 39))
def test_mutated_pages_never_crash_and_always_validate(pages, seed: int, which: int) -> None:
    rng = random.Random(seed)
    imdb_id, page = pages[which]
    mutated = page
    for _ in range(rng.randint(1, 3)):
        mutated = mutate(mutated, rng)
    item = build_item(mutated, imdb_id)
    assert_schema(item)
    assert item.imdb_id is None or re.fullmatch(r"tt\d{7,9}", item.imdb_id)


def test_page_with_neither_block_is_an_item_with_warnings() -> None:
    item = build_item("<html><body><p>Nothing machine-readable here.</p></body></html>", "tt0000001")
    assert item.imdb_id == "tt0000001" and item.title is None
    assert any("neither JSON-LD nor __NEXT_DATA__" in w for w in item.warnings)
    assert_schema(item)


@pytest.fixture(scope="module")
def other_pages() -> list[tuple[str, str]]:
    """Keyword pages (current and 2021–22 shapes), an advanced-search page and both /find shapes, from the same mirror."""
    from mirror.find import find_page, find_page_old

    catalog = load_catalog("synthetic:40", seed=3)
    app = MirrorApp(catalog, BASE, Faults(), seed=3)
    out = [("keywords", app.page(i, "keywords" if k % 2 else "keywords-2021").decode())
           for k, i in enumerate(list(catalog.ids())[:18])]
    search = app.search.page({"title_type": ["feature"], "sort": ["num_votes,desc"]})
    out += [("search", search.body.decode()), ("search", find_page(catalog, BASE, "the")),
            ("search", find_page_old(catalog, BASE, "the"))]
    assert all(list_pages.parse_search_page(p)[0] for _, p in out[-3:])
    assert any(list_pages.parse_keywords_page(p) for _, p in out[:-3])
    return out


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 20))
def test_mutated_keyword_and_search_pages_never_crash(other_pages, seed: int, which: int) -> None:
    rng = random.Random(seed)
    kind, page = other_pages[which % len(other_pages)]
    mutated = mutate(page, rng)
    if kind == "keywords":
        words = list_pages.parse_keywords_page(mutated)
        assert isinstance(words, list) and all(isinstance(w, str) and w for w in words)
        assert len(words) == len(set(words))
    else:  # the spider hands a search page over as its text
        text = mutated if isinstance(mutated, str) else mutated.decode("utf-8", errors="replace")
        ids, total = list_pages.parse_search_page(text)
        assert all(isinstance(i, str) and re.fullmatch(r"tt\d{7,9}", i) for i in ids), ids[:5]
        assert total is None or isinstance(total, int)


@pytest.fixture(scope="module")
def spider():
    from scrapy.utils.test import get_crawler

    from crawler.spiders.imdb import ImdbSpider

    crawler = get_crawler(ImdbSpider, {"IMDB_FOLLOW_KEYWORDS": False, "RETRY_TIMES": 2})
    return ImdbSpider.from_crawler(crawler, base_url=BASE, ids="tt0000001")


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 39), tries=st.integers(0, 2))
def test_the_spider_writes_a_page_with_data_or_retries_it_never_an_empty_item(spider, pages, seed: int, which: int,
                                                                           tries: int) -> None:
    """Issue 15 #7 as a property: whatever a page has become, parse_title yields one item holding at least
    one field, or a retry request (a counted failure after the last try) — never an all-null item."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.stats import filled

    rng = random.Random(seed)
    imdb_id, page = pages[which]
    mutated = mutate(page, rng) if seed % 5 else rng.choice(["", "{}", "<html></html>", page[:200], "\x00" * 50])
    request = spider.title_request(imdb_id)
    request.meta["retry_times"] = tries
    body = mutated if isinstance(mutated, bytes) else mutated.encode()
    out = list(spider.parse_title(HtmlResponse(request.url, body=body, request=request)))
    if not out:  # an empty body is a bot challenge (the WAF middleware's); else the retries are spent
        assert not mutated.strip() or tries == 2
        return
    (result,) = out
    if isinstance(result, Request):
        assert tries < 2 and result.url == request.url and result.meta["retry_times"] == tries + 1
        return
    assert isinstance(result, MovieItem)
    assert any(filled(v) for k, v in result.to_dict().items()
               if k not in {"imdb_id", "url", "scraped_at", "source", "warnings"})
    assert_schema(result.validate())
