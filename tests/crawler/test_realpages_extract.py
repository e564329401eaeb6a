"""The field table on real IMDb pages of every era, saved by other projects (../shared/data/realpages/SOURCES.md).

Expected values were read off each page by hand. Skips when ../shared is absent, fails in CI."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler import extract, list_pages, scripts
from crawler.fields import FIELD_NAMES
from crawler.items import MovieItem
from tests.helpers.env import SHARED, require_shared

REAL = SHARED / "data" / "realpages"
NOT_TITLE_PAGES = ("find_", "search", "advanced", "case-5")  # search, /find and keywords pages


def real(rel: str) -> Path:
    return require_shared("data", "realpages", rel)


def text(rel: str) -> str:
    body = real(rel).read_text(encoding="utf-8", errors="replace")
    if rel.endswith(".json"):  # imdbinfo keeps the 2025 __NEXT_DATA__ alone: put it back in a page
        body = f'<html><body><script id="__NEXT_DATA__" type="application/json">{body}</script></body></html>'
    return body


def parse(rel: str, tt: str = "tt0000001") -> dict[str, Any]:
    fields, warnings = extract.parse_title_page(text(rel), f"https://www.imdb.com/title/{tt}/")
    fields["_warnings"] = warnings
    return fields


def title_pages() -> list[str]:
    if not REAL.exists():
        return []
    found = sorted(str(p.relative_to(REAL)) for p in REAL.glob("*/*.html") if not any(s in p.name for s in NOT_TITLE_PAGES))
    return found + sorted(str(p.relative_to(REAL)) for p in REAL.glob("imdbinfo/*.json"))


def state_pages_2022() -> list[str]:
    real("SOURCES.md")  # skips without ../shared (fails in CI), before the count below is asserted
    return [p for p in title_pages() if p.startswith("flexget/") and "__NEXT_DATA__" in text(p)]


def test_the_real_pages_are_there() -> None:
    real("SOURCES.md")
    assert len(title_pages()) >= 35


# --- 2022–23 page state (FlexGet cassettes, drogers141) -----------------------------------------------------------
def test_countries_come_from_countries_of_origin_on_every_2022_23_page() -> None:
    pages = state_pages_2022()
    assert len(pages) >= 13
    for rel in pages:
        fields = parse(rel)
        assert fields["countries"], rel
        assert fields["field_sources"]["countries"] == "next:mainColumnData.countriesOfOrigin.countries[].text", rel
    assert parse("flexget/tt0133093_72aa1657ba.html")["countries"] == ["United States", "Australia"]


def test_display_title_and_original_title_of_foreign_films() -> None:
    for rel, title, original in [("flexget/tt0119698_c815526940.html", "Princess Mononoke", "Mononoke-hime"),
                                 ("flexget/tt0468492_67e1334f85.html", "The Host", "Gwoemul"),
                                 ("flexget/tt1167638_d7a3909fb4.html", "22 Bullets", "L'immortel"),
                                 ("flexget/tt0245429_749bf27ba9.html", "Spirited Away", "Sen to Chihiro no kamikakushi")]:
        fields = parse(rel)
        assert (fields["title"], fields["original_title"]) == (title, original), rel


def test_genres_plot_and_keyword_total_are_complete_from_the_page_state() -> None:
    frozen = parse("flexget/tt2294629_406527db91.html")
    assert frozen["genres"] == ["Animation", "Adventure", "Comedy", "Family", "Fantasy", "Musical"]
    ld = json.loads(next(scripts.scripts(text("flexget/tt2294629_406527db91.html"), "application/ld+json")))
    assert len(ld["genre"]) == 3 and ld["description"].endswith("...")  # what JSON-LD alone gives
    assert frozen["description"].startswith(ld["description"][:-3]) and not frozen["description"].endswith("...")
    assert frozen["description"].endswith("curse.") or len(frozen["description"]) > len(ld["description"])
    matrix = parse("flexget/tt0133093_72aa1657ba.html")
    assert matrix["_keyword_total"] == 389 and len(matrix["keywords"]) == 5  # the spider follows /keywords/
    assert parse("flexget/tt0114814_e45a94a52b.html")["keywords"] == [
        "surprise ending", "criminal mastermind", "criminal", "suspect", "unreliable narrator"]  # FlexGet's own test


def test_cast_credits_and_trailers_from_the_page_state() -> None:
    usual = parse("flexget/tt0114814_e45a94a52b.html")
    assert usual["directors"] == ["Bryan Singer"] and usual["writers"] == ["Christopher McQuarrie"]
    assert {"Kevin Spacey", "Gabriel Byrne", "Benicio Del Toro"} <= set(usual["actors"]) and len(usual["actors"]) >= 15
    assert usual["languages"] == ["English", "Hungarian", "Spanish", "French"]
    assert usual["trailer_urls"] and all(u.startswith("https://imdb-video.media-imdb.com/") for u in usual["trailer_urls"])
    assert parse("flexget/tt0425112_5ccb4437d7.html")["writers"][:2] == ["Edgar Wright", "Simon Pegg"]


def test_every_filled_field_names_its_source_and_2022_pages_have_no_warnings() -> None:
    for rel in title_pages():
        fields = parse(rel)
        filled = {k for k in FIELD_NAMES if fields[k] is not None}
        assert set(fields["field_sources"]) == filled, rel
        item = MovieItem(**{k: v for k, v in fields.items() if not k.startswith("_")}, warnings=fields["_warnings"])
        assert item.validate().warnings == fields["_warnings"], (rel, item.warnings)  # every value passes the rules
    for rel in state_pages_2022():
        assert parse(rel)["_warnings"] == [], rel


def test_an_unread_look_alike_key_is_named_when_a_field_goes_missing() -> None:
    page = text("flexget/tt2294629_406527db91.html").replace('"countriesOfOrigin":', '"countriesOfOriginV2":')
    fields, warnings = extract.parse_title_page(page, "https://www.imdb.com/title/tt2294629/")
    assert fields["countries"] is None
    assert any(w.startswith("countries:") and "mainColumnData.countriesOfOriginV2" in w for w in warnings), warnings


def test_a_moved_page_state_field_is_named_even_when_json_ld_stands_in() -> None:
    page = text("flexget/tt2294629_406527db91.html").replace('"genres":{"genres":', '"titleGenresV9":{"genres":')
    fields, warnings = extract.parse_title_page(page, "https://www.imdb.com/title/tt2294629/")
    assert fields["field_sources"]["genres"] == "jsonld:genre" and len(fields["genres"]) == 3  # capped: 3 of 6
    assert any(w.startswith("genres:") and "titleGenresV9" in w for w in warnings), warnings


# --- 2021 page state (urqlState) --------------------------------------------------------------------------------------
def test_2021_page_state_under_urql_state() -> None:
    star_wars = parse("node-imdb-parser/case-4.html")
    assert star_wars["imdb_id"] == "tt0076759" and star_wars["title"] == "Star Wars" and star_wars["year"] == 1977
    assert star_wars["genres"] == ["Action", "Adventure", "Fantasy", "Sci-Fi"]
    assert star_wars["countries"] == ["United States"] and star_wars["directors"] == ["George Lucas"]
    assert star_wars["keywords"] == ["rebellion", "galactic war", "princess", "lightsaber", "space opera"]
    assert star_wars["_keyword_total"] == 436 and star_wars["metascore"] == 90
    assert star_wars["field_sources"]["title"] == "urql:titleText.text"
    foundation = parse("node-imdb-parser/case-1.html")
    assert foundation["countries"] == ["Ireland"] and foundation["content_rating"] == "TV-14"
    assert foundation["description"].startswith("A complex saga of humans scattered on planets throughout the galaxy")
    archer = parse("drogers141/archer-title-page.35aa282e.html")  # urqlState beside pageProps, other titles in it
    assert archer["imdb_id"] == "tt1486217" and archer["title"] == "Archer" and archer["rating"] == 8.6
    assert archer["description"] == ("Covert black ops and espionage take a back seat to zany personalities and "
                                     "relationships between secret agents and drones.")


# --- 2025 page state (imdbinfo, it-IT display title) ----------------------------------------------------------------
def test_2025_page_state_paths() -> None:
    matrix = parse("imdbinfo/sample_resource.json")
    assert (matrix["title"], matrix["original_title"]) == ("Matrix", "The Matrix")
    assert matrix["countries"] == ["United States", "Australia"] and matrix["genres"] == ["Action", "Sci-Fi"]
    assert matrix["release_date"] == "1999-05-07" and matrix["metascore"] == 73 and matrix["runtime_min"] == 136
    assert matrix["directors"] == ["Lana Wachowski", "Lilly Wachowski"]
    assert matrix["actors"][:3] == ["Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss"]
    assert matrix["keywords"][0] == "artificial reality" and matrix["_keyword_total"] == 805
    assert len(matrix["trailer_urls"]) >= 2
    episode = parse("imdbinfo/sample_episode.json")
    assert episode["title_type"] == "tvEpisode" and episode["genres"] == ["Drama", "Horror", "Thriller"]
    assert episode["countries"] == ["United States"] and episode["directors"] == ["Gwyneth Horder-Payton"]
    assert episode["_keyword_total"] == 118


# --- legacy markup ----------------------------------------------------------------------------------------------------
def test_2019_21_json_ld_and_title_wrapper_pages() -> None:
    mononoke = parse("flexget/tt0119698_f486e97fd2.html")
    assert (mononoke["title"], mononoke["original_title"]) == ("Princess Mononoke", "Mononoke-hime")
    assert mononoke["countries"] == ["Japan"] and mononoke["metascore"] == 76 and mononoke["_keyword_total"] == 117
    frozen = parse("flexget/tt2294629_fe9142b7a1.html")
    assert frozen["genres"] == ["Animation", "Adventure", "Comedy", "Family", "Fantasy", "Musical"]  # JSON-LD has 3
    assert frozen["trailer_urls"] == ["https://www.imdb.com/video/imdb/vi2482677785"]  # JSON-LD embedUrl, no contentUrl
    futurama = parse("flexget/tt1054487_7adfd9309c.html")
    assert futurama["writers"] == ["Matt Groening", "David X. Cohen", "Ken Keeler"]  # not just the cut summary row
    assert futurama["title_type"] == "video"


def test_companies_are_never_writers_on_legacy_pages() -> None:
    for rel in title_pages():
        assert "Warner Bros." not in (parse(rel)["writers"] or []), rel
    assert parse("flexget/tt0133093_c5b7ddb86d.html")["writers"] == ["Lilly Wachowski", "Lana Wachowski"]
    assert parse("imdbphp/1027544.Title.html")["writers"] == ["Dave Jenkins"]  # not 'Chapman Entertainment'


def test_2014_itemprop_pages() -> None:
    matrix = parse("imdbphp/0133093.Title.html")
    assert matrix["title"] == "The Matrix" and matrix["year"] == 1999 and matrix["runtime_min"] == 136
    assert matrix["directors"] == ["Andy Wachowski", "Lana Wachowski"] and matrix["rating"] == 8.7
    assert matrix["description"].startswith("A computer hacker learns from mysterious rebels")
    assert matrix["poster_url"].startswith("http://ia.media-imdb.com/images/M/")
    assert matrix["release_date"] == "1999-06-11" and matrix["genres"] == ["Action", "Sci-Fi"]
    assert matrix["languages"] == ["English"] and matrix["metascore"] == 73 and matrix["content_rating"] == "R"
    assert matrix["keywords"][:3] == ["computer", "hacker", "computer hacker"] and matrix["_keyword_total"] > 5
    assert parse("imdbphp/0284717.Title.html")["title_type"] == "tvMovie"
    assert parse("imdbphp/0078788.Title.html")["runtime_min"] == 153  # the first of its two runtimes
    assert parse("imdbphp/1027544.Title.html")["description"] is None  # "Add a Plot" is no plot


# --- keywords and /find pages -----------------------------------------------------------------------------------------
def test_keywords_page_without_its_vote_texts() -> None:
    words = list_pages.parse_keywords_page(text("node-imdb-parser/case-5.html"))
    assert len(words) == 566 and words[:3] == ["wisecrack humor", "one liner", "sabotage"]
    assert not [w for w in words if "found this" in w or "relevant" in w.lower() and " of " in w]


def test_find_pages_give_only_their_result_rows() -> None:
    ids, _ = list_pages.parse_search_page(text("flexget/find_6addc16be3.html"))
    assert len(ids) == 200 and ids[0] == "tt0133093"
    assert list_pages.parse_search_page(text("drogers141/imdb-search-archer.html"))[0][0] == "tt1486217"
    assert list_pages.parse_search_page(text("drogers141/imdb-search-archer-alt-html-format.html"))[0][0] == "tt1486217"
    assert list_pages.parse_search_page(text("drogers141/imdb-search-looney-tunes-golden-collection.html"))[0] == []


# --- the fast path against the DOM path ---------------------------------------------------------------------------
@pytest.mark.parametrize("rel", title_pages() or ["flexget/absent.html"])
def test_fast_path_gives_the_items_of_the_dom_path(rel: str) -> None:
    page = text(rel)
    url = "https://www.imdb.com/title/tt0000001/"
    assert extract.parse_title_page(page, url) == extract.parse_title_page(page, url, dom=True)


def body(rel: str, compact: bool = False) -> bytes:
    """The page as a response's body (bytes); ``compact``: a saved 2025 state without its indentation, as served."""
    if not rel.endswith(".json"):
        return real(rel).read_bytes()
    state = real(rel).read_bytes()
    if compact:
        state = json.dumps(json.loads(state), separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c").encode()
    return b'<html><body><script id="__NEXT_DATA__" type="application/json">' + state + b"</script></body></html>"


@pytest.mark.parametrize("rel", title_pages() or ["flexget/absent.html"])
def test_the_response_body_gives_the_items_of_the_dom_path(rel: str) -> None:
    url = "https://www.imdb.com/title/tt0000001/"
    for compact in (False, True) if rel.endswith(".json") else (False,):
        page = body(rel, compact)
        assert extract.parse_title_page(page, url) == extract.parse_title_page(page.decode(errors="replace"), url, dom=True)


@pytest.mark.parametrize("rel", title_pages() or ["flexget/absent.html"])
def test_the_title_objects_of_every_2022_25_page_are_cut_as_the_whole_pass_reads_them(rel: str) -> None:
    """Every real page whose state holds both title objects (2022–25, compact or indented, bytes or text) takes the
    cut (``crawler/title_slices.py``), and it gives what the one typed pass over the whole state gives."""
    from crawler import blocks, state_schema, title_slices

    bodies = (body(rel), body(rel, compact=True)) if rel.endswith(".json") else (body(rel),)
    for page in [*bodies, *(b.decode() for b in bodies)]:  # a response's body, and a page read as text
        start = next(scripts.script_starts(page, blocks._NEXT_WORD, backwards=True), None)
        if start is None:
            continue  # 2014-21 markup
        stop = scripts.script_end(page, start)
        state = page[start:stop]
        whole = state_schema.state_decoder(blocks.TITLE_STATE_KEYS, extract.STATE_DECODERS).decode(
            state if isinstance(state, bytes) else state.encode())
        page_props = whole["props"]["pageProps"]
        cut = title_slices.title_objects(page, start, stop, blocks.TITLE_STATE_KEYS, extract.STATE_DECODERS)
        if not {"aboveTheFoldData", "mainColumnData"} <= page_props.keys():
            assert cut is None  # 2021: urqlState
            continue
        assert cut is not None and cut[0] == {key: page_props[key] for key in blocks.TITLE_STATE_KEYS}
