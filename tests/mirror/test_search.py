"""Advanced search: filters and sorts, 50 results per page, further pages only through the browser's button."""
from __future__ import annotations

import re
import tempfile

import pytest

from crawler.mirror.paths import SEARCH_ITEMS_PATH, SEARCH_TOTAL_PATH, dig
from tests.conftest import require_binary

from .helpers import Client, blocks

QUERY = "/search/title/?title_type=feature&num_votes=20,&sort=num_votes,desc"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


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


def test_json_endpoint_serves_the_next_batch(mirror):
    client = Client(mirror.base_url)
    _, _, body = client.get(QUERY)
    page = body.decode()
    query = re.search(r'data-query="([^"]+)"', page).group(1).replace("&amp;", "&")
    cursor = re.search(r'data-cursor="([^"]+)"', page).group(1)
    import json
    status, headers, data = client.get(f"/search/title/_next?{query}&after={cursor}")
    batch = json.loads(data)
    assert status == 200 and headers["content-type"].startswith("application/json")
    first_ids = [it["titleId"] for it in dig(blocks(body)[1]["props"]["pageProps"], SEARCH_ITEMS_PATH)]
    assert len(batch["titleListItems"]) == 50
    assert not set(first_ids) & {it["titleId"] for it in batch["titleListItems"]}


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
            page.click("button.ipc-see-more__button")
            page.wait_for_function("document.querySelectorAll('li.ipc-metadata-list-summary-item').length >= 100")
            assert items.count() == 100
            titles = items.locator("h3.ipc-title__text").all_inner_texts()
            assert titles[50].startswith("51. ") and len(set(titles)) == 100
        finally:
            context.close()
