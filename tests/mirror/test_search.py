"""Advanced search: filters and sorts, 50 results per page, further pages only through the browser's button."""
from __future__ import annotations

import base64
import html
import json
import re
import tempfile
from urllib.parse import parse_qs

import pytest

from mirror.paths import SEARCH_ITEMS_PATH, SEARCH_TOTAL_PATH, dig
from mirror.waf import BITS, fnv1a32
from tests.helpers.env import CHROMIUM_ARGS, require_binary
from tests.helpers.mirror_pages import Client, blocks

QUERY = "/search/title/?title_type=feature&num_votes=20,&sort=num_votes,desc"


def _expected(mirror, kind="movie", min_votes=20):
    recs = [mirror.catalog.record(i) for i in mirror.catalog.ids()]
    return [r for r in recs if r["title_type"] == kind and r["votes"] is not None and r["votes"] >= min_votes]


def test_first_page_holds_exactly_50_sorted_filtered_results(mirror):
    status, _, body = Client(mirror.base_url).get(QUERY)
    assert status == 200
    props = blocks(body)[1]["props"]["pageProps"]
    items = dig(props, SEARCH_ITEMS_PATH)
    expected = _expected(mirror)
    assert len(expected) > 100
    assert dig(props, SEARCH_TOTAL_PATH) == len(expected)
    assert len(items) == 50
    assert body.decode().count('<li class="ipc-metadata-list-summary-item"') == 50
    votes = [it["ratingSummary"]["voteCount"] for it in items]
    assert votes == sorted(votes, reverse=True)
    assert votes[0] == max(r["votes"] for r in expected)
    first = mirror.catalog.record(items[0]["titleId"])
    assert first["title_type"] == "movie" and items[0]["titleText"] == first["title"]
    assert set(items[0]) >= {"titleId", "titleText", "primaryImage", "ratingSummary", "genres", "releaseYear"}
    # no other result is anywhere in the page: paging needs the JavaScript button
    ids_in_page = set(re.findall(r"tt\d{7}", body.decode()))
    assert not ids_in_page & {r["imdb_id"] for r in expected} - {it["titleId"] for it in items}
    assert "ipc-see-more__button" in body.decode() and "50 more" in body.decode()


def test_filters_genres_dates_and_sorts(mirror):
    client = Client(mirror.base_url)
    _, _, body = client.get("/search/title/?genres=drama,romance&release_date=1990-01-01,2009-12-31&sort=year,desc")
    props = blocks(body)[1]["props"]["pageProps"]
    items = dig(props, SEARCH_ITEMS_PATH)
    assert items and all({"Drama", "Romance"} <= set(it["genres"]) for it in items)
    assert all(1990 <= it["releaseYear"] <= 2009 for it in items)
    years = [it["releaseYear"] for it in items]
    assert years == sorted(years, reverse=True)
    _, _, body = client.get("/search/title/?title_type=tv_series,video_game&sort=user_rating,desc")
    items = dig(blocks(body)[1]["props"]["pageProps"], SEARCH_ITEMS_PATH)
    assert {it["titleType"]["id"] for it in items} <= {"tvSeries", "videoGame"}
    ratings = [it["ratingSummary"]["aggregateRating"] or 0 for it in items]
    assert ratings == sorted(ratings, reverse=True)
    status, _, body = client.get("/search/title/?sort=bogus,desc")
    assert status == 400 and b"sort=bogus" in body


def _button(body: bytes) -> dict[str, str]:
    """The "50 more" button's data attributes (what the page's script reads)."""
    tag = re.search(r'<button[^>]*ipc-see-more__button[^>]*>', body.decode()).group(0)
    return {k: html.unescape(v) for k, v in re.findall(r'data-(\w+)="([^"]*)"', tag)}


def _solve(nonce: str) -> str:
    """What the page's script (waf.SOLVE_JS) computes; a plain client would have to re-implement it."""
    k = 0
    while fnv1a32(f"{nonce}:{k}") & ((1 << BITS) - 1):
        k += 1
    return f"{nonce}:{k}"


def test_json_endpoint_refuses_a_plain_client(mirror):
    """Query and cursor are in the HTML, but without the script's proof-of-work token the endpoint says 403."""
    client = Client(mirror.base_url)
    button = _button(client.get(QUERY)[2])
    url = f"/search/title/_next?{button['query']}&after={button['cursor']}"
    for token in ("", "&token=", "&token=abc.def:12", f"&token={button['challenge']}:1",
                  "&token=" + _solve("0123456789abcdef.0123456789abcdef")):  # a solved but unsigned nonce
        status, _, body = client.get(url + token)
        assert status == 403 and b"50 more" in body, token
    # the cursor is opaque: the old plain base64 offset and a cursor of another query are refused
    token = _solve(button["challenge"])
    forged = base64.urlsafe_b64encode(json.dumps({"o": 50}).encode()).decode()
    assert client.get(f"/search/title/_next?{button['query']}&after={forged}&token={token}")[0] == 400
    other = "title_type=tv_series&sort=num_votes,desc"
    assert client.get(f"/search/title/_next?{other}&after={button['cursor']}&token={token}")[0] == 400


def test_json_endpoint_serves_the_next_batch_to_the_scripts_token(mirror):
    client = Client(mirror.base_url)
    _, _, body = client.get(QUERY)
    button = _button(body)
    first_ids = [it["titleId"] for it in dig(blocks(body)[1]["props"]["pageProps"], SEARCH_ITEMS_PATH)]
    seen = set(first_ids)
    for offset in (50, 100):
        status, headers, data = client.get(f"/search/title/_next?{button['query']}&after={button['cursor']}"
                                           f"&token={_solve(button['challenge'])}")
        assert status == 200 and headers["content-type"].startswith("application/json")
        batch = json.loads(data)
        ids = {it["titleId"] for it in batch["titleListItems"]}
        assert batch["offset"] == offset and len(ids) == 50 and not ids & seen
        seen |= ids
        button = {**button, "cursor": batch["endCursor"], "challenge": batch["challenge"]}  # as the script does


def test_paging_tokens_expire(mirror):
    from mirror.search import TOKEN_TTL, SearchIndex

    now = [1_000_000.0]
    index = SearchIndex(mirror.catalog, mirror.base_url)
    index.tokens.clock = lambda: now[0]
    query = parse_qs(QUERY.split("?", 1)[1])
    button = _button(index.page(query).body)
    paging = {**query, "after": [button["cursor"]], "token": [_solve(button["challenge"])]}
    assert index.next_batch(paging).status == 200
    now[0] += TOKEN_TTL + 1
    assert index.next_batch(paging).status == 403


def test_verified_tokens_are_remembered_up_to_a_bound_and_forgotten_ones_still_verify():
    from mirror.waf import Challenge

    challenge = Challenge(remember=4)
    tokens = [_solve(challenge.new_nonce()) for _ in range(10)]
    assert all(challenge.check(t) for t in tokens)
    assert list(challenge.valid) == tokens[-4:]  # the newest four, not all ten
    assert challenge.check(tokens[0])  # forgotten, so hashed again, and still good
    assert list(challenge.valid) == [*tokens[-3:], tokens[0]]
    assert not challenge.check(tokens[0][:-1] + "x")  # remembering never accepts a bad token


@pytest.mark.browser
def test_headless_chromium_clicks_50_more(mirror):
    chromium = require_binary("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS,
                                                       headless=True)
        try:
            page = context.new_page()
            page.goto(mirror.base_url + QUERY)
            items = page.locator("li.ipc-metadata-list-summary-item")
            assert items.count() == 50
            for shown in (100, 150):  # each batch hands the script a fresh nonce for the next click
                page.click("button.ipc-see-more__button")
                page.wait_for_function(f"document.querySelectorAll('li.ipc-metadata-list-summary-item').length >= {shown}")
                assert items.count() == shown
            titles = items.locator("h3.ipc-title__text").all_inner_texts()
            assert titles[50].startswith("51. ") and titles[100].startswith("101. ") and len(set(titles)) == 150
        finally:
            context.close()
