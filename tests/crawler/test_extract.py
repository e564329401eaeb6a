"""The field table on small hand-written pages in IMDb's structure (docs: imdb-pages.md)."""
from __future__ import annotations

import json

import pytest

from crawler import extract, list_pages, sources
from crawler.items import ITEM_FIELDS, MovieItem
from tests.helpers.title_page import LD, PROPS, page

URL = "https://www.imdb.com/title/tt0133093/"


def test_every_contract_field_from_both_blocks() -> None:
    fields, warnings = extract.parse_title_page(page(), URL)
    assert warnings == []
    assert fields["imdb_id"] == "tt0133093" and fields["_keyword_total"] == 12
    assert fields["title"] == "The Matrix" and fields["title_type"] == "movie" and fields["year"] == 1999
    assert fields["release_date"] == "1999-03-31" and fields["runtime_min"] == 136
    assert fields["rating"] == 8.7 and fields["votes"] == 2134567 and fields["metascore"] == 73
    assert fields["description"] == "Neo & Trinity fight Agent Smith's machines."  # entities unescaped
    assert fields["genres"] == ["Action", "Sci-Fi"]  # de-duplicated in order
    assert fields["writers"] == ["Lilly Wachowski"]  # the Organization creator is not a writer
    assert fields["actors"][:2] == ["Keanu Reeves", "Laurence Fishburne"]  # full billing from the cast edges
    assert fields["countries"] == ["United States", "Australia"] and fields["languages"] == ["English"]
    assert fields["budget"] == {"amount": 63000000.0, "currency": "USD"}
    assert fields["gross_worldwide"] == {"amount": 467222728.0, "currency": "USD"}
    assert fields["color"] == "Color" and fields["keywords"] == ["simulation", "hacker"]
    assert fields["trailer_urls"] == ["https://imdb-video/vi1.mp4"]
    assert set(fields) - {"_keyword_total"} == set(ITEM_FIELDS) - {
        "url", "poster_path", "poster_sha1", "scraped_at", "source", "warnings"}


def test_json_ld_alone_still_gives_its_fields_and_says_what_is_missing() -> None:
    fields, warnings = extract.parse_title_page(page(props=None), URL)
    assert fields["title"] == "The Matrix" and fields["rating"] == 8.7 and fields["votes"] == 2134567
    assert fields["year"] == 1999 and fields["runtime_min"] == 136
    assert fields["keywords"] == ["simulation", "artificial reality", "hacker"]
    assert fields["countries"] is None and fields["budget"] is None  # only __NEXT_DATA__ carries them
    assert any("no __NEXT_DATA__" in w for w in warnings)


OLD_LAYOUT = """<div class="title_wrapper"><h1 itemprop="name">Heat&nbsp;<span id="titleYear">(<a href="/year/1995/">1995</a>)</span></h1>
<span itemprop="ratingValue">8.3</span><span itemprop="ratingCount">712,345</span></div>
<div class="summary_text">A group of professional bank robbers.</div>
<div class="txt-block"><h4>Country:</h4><a>USA</a></div><div class="txt-block"><h4>Budget:</h4>$60,000,000 (estimated)</div>
<div class="see-more inline canwrap" itemprop="keywords"><a href="/keyword/heist"><span class="itemprop">heist</span></a>
<nobr><a href="/title/tt0113277/keywords">See All (57) &raquo;</a></nobr></div>"""


def test_old_layout_html_fallback() -> None:
    fields, warnings = extract.parse_title_page(page(ld=None, props=None, body=OLD_LAYOUT),
                                                "https://www.imdb.com/title/tt0113277/")
    assert fields["imdb_id"] == "tt0113277" and fields["title"] == "Heat" and fields["year"] == 1995
    assert fields["rating"] == 8.3 and fields["votes"] == 712345
    assert fields["countries"] == ["USA"] and fields["budget"] == {"amount": 60000000.0, "currency": "USD"}
    assert fields["keywords"] == ["heist"] and fields["_keyword_total"] == 57
    assert any("neither JSON-LD nor __NEXT_DATA__" in w for w in warnings)


@pytest.mark.parametrize("html", [
    "", "<html></html>", "<script type='application/ld+json'>{not json</script>",
    '<script id="__NEXT_DATA__" type="application/json">{"props": []}</script>',
    page(ld={"@type": "Movie", "aggregateRating": {"ratingValue": "eight"}, "duration": "forever"}, props=None),
])
def test_broken_pages_give_warnings_not_exceptions(html: str) -> None:
    fields, warnings = extract.parse_title_page(html, URL)
    assert fields["imdb_id"] == "tt0133093"  # from the URL
    item = MovieItem(**{k: v for k, v in fields.items() if not k.startswith("_")}, warnings=warnings).validate()
    assert item.imdb_id == "tt0133093" and warnings


def test_string_numbers_that_do_not_parse_are_named_in_warnings() -> None:
    props = json.loads(json.dumps(PROPS))
    props["aboveTheFoldData"]["ratingsSummary"] = {"aggregateRating": "eight", "voteCount": "many"}
    fields, warnings = extract.parse_title_page(page(props=props), URL)
    assert fields["rating"] == 8.7 and fields["votes"] == 2134567  # the next source (JSON-LD) answered
    assert fields["field_sources"]["rating"] == "jsonld:aggregateRating.ratingValue"
    assert any(w.startswith("rating: next") for w in warnings)


def test_a_value_the_rules_null_loses_its_source() -> None:
    ld = {"@type": "Movie", "name": "X", "aggregateRating": {"ratingValue": "11.5", "ratingCount": "12"}}
    fields, warnings = extract.parse_title_page(page(ld=ld, props=None), URL)
    assert fields["field_sources"]["rating"] == "jsonld:aggregateRating.ratingValue"
    item = MovieItem(**{k: v for k, v in fields.items() if not k.startswith("_")}, warnings=warnings).validate()
    assert item.rating is None and "rating" not in item.field_sources and item.field_sources["votes"]


def test_zero_votes_is_no_vote_count() -> None:
    props = json.loads(json.dumps(PROPS))
    props["aboveTheFoldData"]["ratingsSummary"] = {"aggregateRating": None, "voteCount": 0}
    ld = {k: v for k, v in LD.items() if k != "aggregateRating"}
    fields, _ = extract.parse_title_page(page(ld=ld, props=props), URL)
    assert fields["rating"] is None and fields["votes"] is None


def test_keywords_page_and_search_page() -> None:
    edges = [{"node": {"keyword": {"text": {"text": k}}}} for k in ("hacker", "simulation", "hacker")]
    kw_page = page(ld=None, props={"contentData": {"data": {"title": {"keywords": {"edges": edges}}}}})
    assert list_pages.parse_keywords_page(kw_page) == ["hacker", "simulation"]
    items = [{"titleId": f"tt{i:07d}"} for i in range(1, 51)]
    search = page(ld=None, props={"searchResults": {"titleResults": {"titleListItems": items, "total": 812}}})
    assert list_pages.parse_search_page(search) == ([f"tt{i:07d}" for i in range(1, 51)], 812)


def test_resolve_paths() -> None:
    data = {"a": [{"b": 1}, {"b": 2}, {"c": 3}], "d": {"e": "x"}, "p": [{"@type": "Person", "n": "A"}, {"n": "B"}]}
    assert sources.resolve(data, tuple(sources._compile("a[].b"))) == [1, 2]
    assert sources.resolve(data, tuple(sources._compile("d.e"))) == "x"
    assert sources.resolve(data, tuple(sources._compile("p[@type=Person].n"))) == ["A"]
    assert sources.resolve(data, tuple(sources._compile("d.missing.deeper"))) is None


MODERN_DETAILS = """<h1 data-testid="hero__pageTitle"><span>Chernobyl</span></h1>
<ul class="ipc-inline-list" role="presentation"><li class="ipc-inline-list__item">TV Mini Series</li>
<li class="ipc-inline-list__item"><a href="/title/tt7366338/releaseinfo/">2019</a></li><li>5h 30m</li></ul>
<ul data-testid="reviewContent-all-reviews"><li><a><span class="score"><span class="score-meta">82</span></span></a></li></ul>
<section data-testid="Details"><ul><li data-testid="title-details-origin"><span>Countries of origin</span><div><ul>
<li><a href="/search/title/?country_of_origin=US">United States</a></li><li><a>United Kingdom</a></li></ul></div></li>
<li data-testid="title-details-languages"><span>Language</span><div><ul><li><a>English</a></li></ul></div></li></ul></section>
<section data-testid="BoxOffice"><ul><li data-testid="title-boxoffice-budget"><span>Budget</span><div><ul><li>
<span class="ipc-metadata-list-item__list-content-item">€12,500,000 (estimated)</span></li></ul></div></li>
<li data-testid="title-boxoffice-cumulativeworldwidegross"><span>Gross worldwide</span><div><ul><li>
<span class="ipc-metadata-list-item__list-content-item">$1,234</span></li></ul></div></li></ul></section>
<section data-testid="TechSpecs"><ul><li data-testid="title-techspec_color"><span>Color</span><div><ul>
<li><a href="/search/title/?colors=color">Color</a></li></ul></div></li></ul></section>"""


def test_modern_html_fallback_reads_the_data_testid_items() -> None:
    ld = {"@type": "TVSeries", "name": "Chernobyl"}
    fields, _ = extract.parse_title_page(page(ld=ld, props=None, body=MODERN_DETAILS), URL)
    assert fields["countries"] == ["United States", "United Kingdom"] and fields["languages"] == ["English"]
    assert fields["color"] == "Color" and fields["metascore"] == 82 and fields["year"] == 2019
    assert fields["budget"] == {"amount": 12500000.0, "currency": "EUR"}
    assert fields["gross_worldwide"] == {"amount": 1234.0, "currency": "USD"}
    assert fields["title_type"] == "tvMiniSeries"  # the hero's label, more precise than @type


@pytest.mark.parametrize(("label", "ld_type", "want"), [
    ("TV Movie", "Movie", "tvMovie"), ("Short", "Movie", "short"), ("Video Game", "VideoGame", "videoGame"),
    ("1h 38m", "Movie", "movie"), (None, "TVEpisode", "tvEpisode"),
])
def test_title_type_from_the_hero_label_before_json_ld(label: str | None, ld_type: str, want: str) -> None:
    hero = f'<h1 data-testid="hero__pageTitle">X</h1><ul><li>{label}</li><li><a>1999</a></li></ul>' if label else ""
    fields, _ = extract.parse_title_page(page(ld={"@type": ld_type, "name": "X"}, props=None, body=hero), URL)
    assert fields["title_type"] == want


def test_mirror_pages_without_page_state_keep_every_field_their_html_shows() -> None:
    """The mirror's pages without a page state (the 2025 page stripped of it, the 2019 and 2014 eras), for 300
    titles: every field equals what such a page shows (conftest.expected_item_in) except keywords past the
    first five (the spider fetches those) and, on the stripped 2025 page, the plot (JSON-LD's is cut)."""
    from mirror.app import MirrorApp
    from mirror.catalog import load_catalog
    from mirror.faults import Faults
    from tests.helpers.catalog_crawl import expected_item_in

    base = "http://127.0.0.1:9"
    catalog = load_catalog("synthetic:300", seed=5)
    app = MirrorApp(catalog, base, Faults(), seed=5)
    types = set()
    for imdb_id in catalog.ids():
        for era in ("nonext", "2019", "2014"):
            want = expected_item_in(catalog.record(imdb_id), base, era)
            partial = {"keywords", "url"} | ({"description"} if era == "nonext" else set())
            fields, _ = extract.parse_title_page(app.page(imdb_id, f"title-{era}").decode(), want["url"])
            assert {k: fields[k] for k in want if k not in partial} == {k: v for k, v in want.items() if k not in partial}, \
                (imdb_id, era)
            assert fields["keywords"] == ((want["keywords"] or [])[:5] or None)
            types.add(fields["title_type"])
    assert types >= {"movie", "tvMovie", "short", "video", "tvSeries", "tvEpisode", "videoGame"}


def test_a_legacy_plot_with_a_linked_name_is_read_whole() -> None:
    """2019–21 markup links names inside the summary; the plot goes on after the link."""
    body = ('<div class="title_wrapper"><h1>Tasting Menu&nbsp;<span id="titleYear">(<a href="/year/2013/">2013</a>)'
            '</span></h1></div><div class="plot_summary"><div class="summary_text">A chef, '
            '<a href="/name/nm0000001/">Adam Jones</a> (Bradley Cooper), sets out to restore his name.</div></div>')
    fields, _ = extract.parse_title_page(page(ld=None, props=None, body=body), URL)
    assert fields["description"] == "A chef, Adam Jones (Bradley Cooper), sets out to restore his name."
    assert fields["title"] == "Tasting Menu" and fields["year"] == 2013
    assert fields["field_sources"]["description"] == "html:summary_text"


def test_a_cut_legacy_plot_yields_to_the_json_ld_description() -> None:
    body = ('<div class="summary_text">A chef sets out...<a href="/title/tt0000001/plotsummary">See full summary</a>'
            '&nbsp;&raquo;</div>')
    ld = {"@type": "Movie", "name": "Burnt", "description": "A chef sets out to restore his name and his kitchen."}
    fields, _ = extract.parse_title_page(page(ld=ld, props=None, body=body), URL)
    assert fields["description"] == ld["description"]
    fields, _ = extract.parse_title_page(page(ld=None, props=None, body=body), URL)
    assert fields["description"] == "A chef sets out..."  # no JSON-LD: the cut plot as shown, without its link
