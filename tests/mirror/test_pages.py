"""Title, reference and keywords pages: they parse, carry every documented path, and are deterministic."""
from __future__ import annotations

import collections

import pytest
from parsel import Selector

from mirror import MirrorServer
from mirror.keywords import keywords_page_2021
from mirror.pages import title_page
from mirror.paths import (
    KEYWORDS_PAGE_2021_XPATH,
    KEYWORDS_PAGE_PATH,
    KEYWORDS_PAGE_TOTAL_PATH,
    KEYWORDS_TOTAL_PATHS,
    STATE_ERAS,
    STATE_PATHS,
    dig,
)
from tests.helpers.mirror_pages import Client, blocks, ld_value, next_value

PLAIN_FIELDS = [f for f in STATE_PATHS["2025"] if f != "keywords"]


def _check_state(props: dict, rec: dict, base: str, era: str) -> None:
    for field in PLAIN_FIELDS:
        assert next_value(props, field, base, era) == rec[field], (rec["imdb_id"], era, field)
    kws = rec["keywords"] or []
    assert (next_value(props, "keywords", base, era) or []) == kws[:5]
    assert dig(props, KEYWORDS_TOTAL_PATHS[era]) == len(kws)


def _check_ld(ld: dict, rec: dict) -> None:
    """JSON-LD as real pages write it: name = original title, alternateName = display title, cut lists and plot."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    assert ld["url"] == f"/title/{iid}/"
    assert ld_value(ld, "original_title") == rec["original_title"]
    assert ld_value(ld, "title") == (rec["title"] if rec["title"] != rec["original_title"] else None)
    for field in ("rating", "votes", "content_rating", "release_date", "directors", "writers", "runtime_min"):
        assert ld_value(ld, field) == rec[field], (iid, field)
    assert ld_value(ld, "genres") == (rec["genres"][:3] if rec["genres"] else None)
    plot = rec["description"]
    assert ld_value(ld, "description") == (plot if plot is None or len(plot) <= 230 else plot[:230] + "...")
    assert ld_value(ld, "actors") == (rec["actors"][:3] if rec["actors"] else None)
    assert ld_value(ld, "keywords") == (",".join(kws[:5]) if kws else None)
    assert "contentUrl" not in ld.get("trailer", {})
    assert ("trailer" in ld) == bool(rec["trailer_ids"])


def test_every_title_page_carries_its_record(mirror):
    """All 1,000 titles: both blocks parse, every field with a value sits at its path, absent ones are absent."""
    client = Client(mirror.base_url)
    seen = collections.Counter()
    for imdb_id in mirror.catalog.ids():
        rec = mirror.catalog.record(imdb_id)
        status, headers, body = client.get(f"/title/{imdb_id}/")
        assert status == 200 and headers["content-type"].startswith("text/html")
        ld, nd = blocks(body)
        assert ld is not None and nd is not None, imdb_id
        _check_state(nd["props"]["pageProps"], rec, mirror.base_url, "2025")
        _check_ld(ld, rec)
        for field in PLAIN_FIELDS:
            seen[field, rec[field] is None] += 1
    client.close()
    # the catalog really exercises both present and missing values of the optional fields
    for field in ("rating", "poster_id", "directors", "budget", "metascore", "description", "release_date"):
        assert seen[field, False] > 50 and seen[field, True] > 5, field


@pytest.mark.parametrize("era", STATE_ERAS)
def test_every_page_state_era_carries_the_record_at_its_paths(mirror, era):
    places = set()
    for imdb_id in list(mirror.catalog.ids())[:300]:
        rec = mirror.catalog.record(imdb_id)
        ld, nd = blocks(title_page(rec, mirror.base_url, mirror.seed, era=era))
        props = nd["props"]["pageProps"]
        if era == "2021" and "urqlState" not in props:
            props = {"urqlState": nd["props"]["urqlState"]}
            places.add("props")
        _check_state(props, rec, mirror.base_url, era)
        _check_ld(ld, rec)
    assert bool(places) == (era == "2021"), "about half the 2021 pages keep urqlState beside pageProps"


def test_keywords_and_reference_pages(mirror):
    client = Client(mirror.base_url)
    with_many = [r for r in map(mirror.catalog.record, list(mirror.catalog.ids())[:200]) if len(r["keywords"] or []) > 5]
    assert with_many, "the catalog should have titles with more keywords than the title page shows"
    for rec in with_many[:20]:
        status, _, body = client.get(f"/title/{rec['imdb_id']}/keywords/")
        props = blocks(body)[1]["props"]["pageProps"]
        assert status == 200
        assert dig(props, KEYWORDS_PAGE_PATH) == rec["keywords"]
        assert dig(props, KEYWORDS_PAGE_TOTAL_PATH) == len(rec["keywords"])
        old = Selector(text=keywords_page_2021(rec, mirror.base_url))
        assert old.xpath(KEYWORDS_PAGE_2021_XPATH).getall() == rec["keywords"]
        votes = old.xpath('//div[@class="interesting-count-text"]/a/text()').getall()
        assert len(votes) == len(rec["keywords"]) and all("found this relevant" in v for v in votes)
        status, _, body = client.get(f"/title/{rec['imdb_id']}/reference/")
        nd = blocks(body)[1]
        assert status == 200 and nd["page"] == "/title/[tconst]/reference"
        for field in PLAIN_FIELDS:
            assert next_value(nd["props"]["pageProps"], field, mirror.base_url) == rec[field]
    assert client.get("/title/tt0000001/")[0] == 404
    assert client.get("/title/tt0000001/keywords/")[0] == 404
    assert client.get("/no/such/page")[0] == 404


def test_real_page_variation_is_present(mirror):
    """Every trap of the real site: entities in JSON-LD, numbers as strings (2019), foreign titles, more than three
    genres, plots JSON-LD cuts, keyword totals past the five shown, companies among the creators, many types."""
    from mirror.legacy import page_2019

    recs = [mirror.catalog.record(i) for i in mirror.catalog.ids()]
    pages = {r["imdb_id"]: title_page(r, mirror.base_url, mirror.seed) for r in recs[:300]}
    assert any("&apos;" in p for p in pages.values())
    assert all('"ratingValue":"' not in p for p in pages.values())
    old = [page_2019(r, mirror.base_url, mirror.seed) for r in recs[:100] if r["rating"] is not None]
    assert old and all('"ratingValue":"' in p for p in old)
    assert sum(len(r["genres"] or []) > 3 for r in recs) > 50
    assert sum(len(r["description"] or "") > 230 for r in recs) > 50
    assert sum(len(r["keywords"] or []) > 5 for r in recs) > 300
    assert sum('"@type":"Organization"' in p for p in pages.values()) > 100
    episodes = [r for r in recs[:300] if r["title_type"] == "tvEpisode"]
    assert episodes
    for rec in episodes:  # an episode's page state also names its series: another titleText
        series = blocks(pages[rec["imdb_id"]])[1]["props"]["pageProps"]["mainColumnData"]["series"]["series"]
        assert series["titleText"]["text"] != rec["title"] and series["id"] != rec["imdb_id"]
    assert sum(len(r["directors"] or []) > 1 for r in recs) > 20
    assert sum(r["title"] != r["original_title"] for r in recs) > 50
    assert sum(any(ord(c) > 0x2000 for c in r["original_title"]) for r in recs) > 20
    assert {r["budget"]["currency"] for r in recs if r["budget"]} >= {"USD", "EUR", "GBP", "INR", "JPY", "FRF"}
    assert {r["title_type"] for r in recs} >= {"movie", "tvSeries", "tvEpisode", "short", "videoGame"}


def test_same_seed_byte_identical_other_seed_different(mirror, mirror_factory):
    twin = mirror_factory(f"synthetic:{len(mirror.catalog)}", seed=0)
    other = mirror_factory(f"synthetic:{len(mirror.catalog)}", seed=1)
    a, b = Client(mirror.base_url), Client(twin.base_url)
    for imdb_id in list(mirror.catalog.ids())[:100]:
        for suffix in ("", "reference/", "keywords/"):
            pa = a.get(f"/title/{imdb_id}/{suffix}")[2].replace(mirror.base_url.encode(), b"BASE")
            pb = b.get(f"/title/{imdb_id}/{suffix}")[2].replace(twin.base_url.encode(), b"BASE")
            assert pa == pb, (imdb_id, suffix)
    rec = mirror.catalog.record(next(mirror.catalog.ids()))
    assert title_page(rec, "http://x", 0) == title_page(rec, "http://x", 0)
    assert list(other.catalog.ids())[:50] != list(mirror.catalog.ids())[:50]
    first = next(other.catalog.ids())
    assert other.catalog.record(first) != MirrorServer("synthetic:1000", seed=0).catalog.record(first)


def test_huge_synthetic_catalog_costs_no_memory_up_front():
    from mirror.catalog import load_catalog

    big = load_catalog("synthetic:1000000", seed=3)
    assert len(big) == 1_000_000
    last = big.id_at(999_999)
    rec = big.record(last)
    assert rec["imdb_id"] == last and big.index_of(last) == 999_999
    assert len({big.id_at(i) for i in range(0, 1_000_000, 997)}) == len(range(0, 1_000_000, 997))
    with pytest.raises(ValueError, match="synthetic:N"):
        load_catalog("synthetic:0")


def test_html_shows_the_details_where_real_pages_do(mirror):
    """Without the page state a parser has only the HTML: the modern body marks countries, languages, colour,
    budget and gross with IMDb's data-testids, the old layout with `txt-block` <h4> labels; non-movies carry
    their type label (paths.TITLE_TYPE_HINTS) in the hero list."""
    from parsel import Selector

    from mirror.legacy import page_2019
    from mirror.paths import OLD_LAYOUT_LABELS, TITLE_HTML_TESTIDS, TITLE_TYPE_HINTS

    client = Client(mirror.base_url)
    for imdb_id in list(mirror.catalog.ids())[:150]:
        rec = mirror.catalog.record(imdb_id)
        modern = Selector(text=client.get(f"/title/{imdb_id}/")[2].decode())
        old = Selector(text=page_2019(rec, mirror.base_url, mirror.seed))
        for field, testid in TITLE_HTML_TESTIDS.items():
            shown = modern.xpath(f'//li[@data-testid="{testid}"]//li//text()').getall()
            label = OLD_LAYOUT_LABELS[field]
            block = f'//div[@class="txt-block"][h4="{label}"]'
            shown_old = [t.strip() for t in old.xpath(f"{block}/a/text()|{block}/text()").getall() if t.strip()]
            value = rec[field]
            if value is None:
                assert shown == [] and shown_old == [], (imdb_id, field)
            elif field in ("budget", "gross_worldwide"):
                amount = f"{value['amount']:,.0f}"
                assert amount in shown[0] and amount in shown_old[0], (imdb_id, field, shown, shown_old)
            else:
                assert shown == shown_old == ([value] if isinstance(value, str) else value), (imdb_id, field)
        hero = modern.xpath('//h1[@data-testid="hero__pageTitle"]/following-sibling::ul[1]/li[1]/text()').getall()
        hint = TITLE_TYPE_HINTS.get(rec["title_type"])
        assert hero[:1] == [hint] if hint else not set(hero) & set(TITLE_TYPE_HINTS.values()), (imdb_id, hero)
        if rec["metascore"] is not None:
            assert modern.css("span.score-meta::text").get() == str(rec["metascore"])
            assert old.css("div.metacriticScore span::text").get() == str(rec["metascore"])
    client.close()


def test_legacy_pages_link_the_first_trailer_by_its_page(mirror):
    """Without a page state a page links one trailer, by the page the mirror serves (never by its .mp4)."""
    from mirror.legacy import page_2014, page_2019
    from mirror.paths import LEGACY_TRAILER_LINK

    client = Client(mirror.base_url)
    rec = next(r for r in map(mirror.catalog.record, mirror.catalog.ids()) if len(r["trailer_ids"]) > 1)
    vid = rec["trailer_ids"][0]
    ld19 = blocks(page_2019(rec, mirror.base_url, mirror.seed))[0]
    assert ld19["trailer"]["embedUrl"] == LEGACY_TRAILER_LINK["2019"].format(vid) and ".mp4" not in str(ld19)
    links = Selector(text=page_2014(rec, mirror.base_url, mirror.seed)).css('a[itemprop="trailer"]::attr(href)').getall()
    assert links == [LEGACY_TRAILER_LINK["2014"].format(vid)]
    for link in (LEGACY_TRAILER_LINK["2019"].format(vid), links[0]):
        status, _, body = client.get(link)
        assert status == 200 and f"/video/{vid}.mp4".encode() in body
