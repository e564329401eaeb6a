"""`/find?q=`: the current shape (page state + summary items) and the old `findList` one under a layout fault."""
from __future__ import annotations

import re

from parsel import Selector

from mirror.find import matches
from tests.helpers.mirror_pages import Client, blocks


def test_find_lists_the_matching_titles_in_both_shapes(mirror_factory):
    server = mirror_factory("synthetic:400", seed=3)
    old_server = mirror_factory("synthetic:400", seed=3, faults="layout=2019")
    query = "the"
    want = [r["imdb_id"] for r in matches(server.catalog, query)]
    assert len(want) > 10
    status, _, body = Client(server.base_url).get(f"/find?q={query}&s=tt")
    results = blocks(body)[1]["props"]["pageProps"]["titleResults"]["results"]
    assert status == 200 and [r["id"] for r in results] == want
    links = Selector(text=body.decode()).css("li.find-title-result a.ipc-metadata-list-summary-item__t::attr(href)").getall()
    assert [re.search(r"tt\d+", h)[0] for h in links] == want
    status, _, body = Client(old_server.base_url).get(f"/find/?q={query}")
    page = Selector(text=body.decode())
    assert status == 200 and blocks(body) == (None, None)
    rows = page.css("td.result_text > a::attr(href)").getall()
    assert [re.search(r"tt\d+", h)[0] for h in rows] == want
    every_link = set(re.findall(r"/title/(tt\d+)/", body.decode()))
    episodes = [r for r in matches(server.catalog, query) if r["title_type"] == "tvEpisode"]
    assert episodes and len(every_link) > len(set(want)), "episode rows link their series too (a trap for link collectors)"
    assert Client(server.base_url).get("/find?q=")[2].count(b"find-title-result") == 0
