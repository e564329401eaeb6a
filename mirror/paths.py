"""Where each Contract-1 field sits on a mirror page, per era: declarative tables taken from real pages
(`../shared/data/realpages/`; tests/mirror/test_real_structure.py keeps the mirror to their shapes).

The mirror's tests resolve these paths on every served page and compare them to the catalog record,
so this table is also a tested description of the pages other components parse.
Path syntax: dots between keys, `[]` maps over a list, `[k=v]` filters it, `*` is any key.
Page-state paths start under `props.pageProps`; each era has its own table (STATE_PATHS).
"""
from __future__ import annotations

import html
from typing import Any

ERAS = ("2025", "2022", "2021", "2019", "2014")  # newest first; "2025" is the default page
STATE_ERAS = ("2025", "2022", "2021")  # eras whose title page carries a page state
_ATF, _MAIN = "aboveTheFoldData.", "mainColumnData."
# 2025 credit groupings are named by concept id (their text is localised)
_DIRECTORS = "amzn1.imdb.concept.name_credit_category.ace5cb4c-8708-4238-9542-04641e7c8171"
_WRITERS = "amzn1.imdb.concept.name_credit_category.c84ecaff-add5-4f2e-81db-102a41881fe3"
_CAST = "amzn1.imdb.concept.name_credit_group.7caf7d16-5db9-4f4f-8864-d4c6e711c686"
GROUPING = {"Directors": _DIRECTORS, "Writers": _WRITERS, "Creators": _WRITERS, "Stars": _CAST, "Cast": _CAST}
# field -> path under `props.pageProps` of the 2025 title page (`[k=a|b]` keeps list items whose k is a or b)
_STATE_2025: dict[str, str] = {
    "imdb_id": _ATF + "id",
    "title": _ATF + "titleText.text",
    "original_title": _ATF + "originalTitleText.text",
    "title_type": _ATF + "titleType.id",
    "year": _ATF + "releaseYear.year",
    "release_date": _MAIN + "releaseDate",
    "runtime_min": _ATF + "runtime.seconds",
    "rating": _ATF + "ratingsSummary.aggregateRating",
    "votes": _ATF + "ratingsSummary.voteCount",
    "metascore": _MAIN + "metacritic.metascore.score",
    "content_rating": _ATF + "certificate.rating",
    "genres": _ATF + "titleGenres.genres[].genre.text",
    "countries": _MAIN + "countriesDetails.countries[].text",
    "languages": _MAIN + "spokenLanguages.spokenLanguages[].text",
    "color": _MAIN + "technicalSpecifications.colorations.items[].text",
    "directors": _MAIN + f"principalCreditsV2[grouping.groupingId={_DIRECTORS}].credits[].name.nameText.text",
    "writers": _MAIN + f"principalCreditsV2[grouping.groupingId={_WRITERS}].credits[].name.nameText.text",
    "actors": _MAIN + f"categories[id={_CAST}].section.items[].rowTitle",
    "keywords": _MAIN + "storylineKeywords.edges[].node.text",
    "description": _ATF + "plot.plotText.plainText",
    "budget": _MAIN + "productionBudget.budget",
    "gross_worldwide": _MAIN + "worldwideGross.total",
    "poster_id": _ATF + "primaryImage.url",
    "trailer_ids": _MAIN + "primaryVideos.edges[].node.playbackURLs[].url",
}
_STATE_2022 = _STATE_2025 | {
    "release_date": _ATF + "releaseDate",
    "metascore": _ATF + "metacritic.metascore.score",
    "genres": _ATF + "genres.genres[].text",
    "countries": _MAIN + "countriesOfOrigin.countries[].text",
    "directors": _MAIN + "directors[].credits[].name.nameText.text",
    "writers": _MAIN + "writers[].credits[].name.nameText.text",
    "actors": _MAIN + "cast.edges[].node.name.nameText.text",
    "keywords": _ATF + "keywords.edges[].node.text",
    "trailer_ids": _ATF + "primaryVideos.edges[].node.playbackURLs[].url",
}
# 2021: both halves are GraphQL results under urqlState.<query hash>.data.title (`*` = any key, first match:
# the page's own results come first; some pages add a related title's after them). urqlState sits in
# props.pageProps or, on about half the pages, beside it in props (then read these paths from
# {"urqlState": props["urqlState"]}).
_STATE_2021 = {f: "urqlState.*.data.title." + p.split(".", 1)[1] for f, p in _STATE_2022.items()}
STATE_PATHS: dict[str, dict[str, str]] = {"2025": _STATE_2025, "2022": _STATE_2022, "2021": _STATE_2021}
# the keyword total a title page states (more keywords than shown: the spider must open /keywords/)
KEYWORDS_TOTAL_PATHS = {"2025": _MAIN + "storylineKeywords.total", "2022": _ATF + "keywords.total",
                        "2021": "urqlState.*.data.title.keywords.total"}
# field -> JSON-LD path (2021–2025; the 2019 block has no alternateName). `name` is the ORIGINAL title,
# `alternateName` the display title; genre, actor, keywords and description are cut (see jsonld.py).
LD_PATHS: dict[str, str] = {
    "original_title": "name", "title": "alternateName", "title_type": "@type", "release_date": "datePublished",
    "runtime_min": "duration", "rating": "aggregateRating.ratingValue", "votes": "aggregateRating.ratingCount",
    "content_rating": "contentRating", "genres": "genre", "directors": "director[].name",
    "writers": "creator[@type=Person].name", "actors": "actor[].name", "keywords": "keywords",
    "description": "description", "poster_id": "image",
}
# Contract-1 fields a title page of an era cannot carry at all (the spider must leave them null)
ERA_MISSING: dict[str, frozenset[str]] = {"2025": frozenset(), "2022": frozenset(), "2021": frozenset(),
                                          "2019": frozenset(), "2014": frozenset({"gross_worldwide"})}
# A page without a page state links only its first trailer, and by the trailer's page, not its file:
# JSON-LD `trailer.embedUrl` (2019, and the 2025 page without `__NEXT_DATA__`), `a[itemprop=trailer]` (2014).
# the poster a 2014 page shows is a resized copy (`img[itemprop=image]`); other eras link the original
LEGACY_POSTER_MODIFIERS = {"2014": "SX214_AL_"}
LEGACY_TRAILER_LINK = {"2019": "/video/imdb/{}", "nonext": "/video/imdb/{}", "2014": "/video/screenplay/{}/"}
# the title page shows only the first few keywords; the full list is on /title/ID/keywords/
TITLE_PAGE_KEYWORDS = 5
KEYWORDS_PAGE_PATH = "contentData.section.items[].rowTitle"
KEYWORDS_PAGE_TOTAL_PATH = "contentData.section.total"
# the 2021–22 keywords page (no page state): keyword links, with a vote text in the same cell
KEYWORDS_PAGE_2021_XPATH = '//td[contains(@class,"sodavote")]/div[@class="sodatext"]/a/text()'
SEARCH_ITEMS_PATH = "searchResults.titleResults.titleListItems"
SEARCH_TOTAL_PATH = "searchResults.titleResults.total"
# What a page without `__NEXT_DATA__` still shows in its HTML (the crawler's XPaths are in crawler/fields.py):
# the 2025–26 layout marks each item with a data-testid, the pre-2020 layout labels a `txt-block` with an <h4>.
TITLE_HTML_TESTIDS = {"countries": "title-details-origin", "languages": "title-details-languages",
                      "color": "title-techspec_color", "budget": "title-boxoffice-budget",
                      "gross_worldwide": "title-boxoffice-cumulativeworldwidegross"}
OLD_LAYOUT_LABELS = {"countries": "Country:", "languages": "Language:", "color": "Color:", "budget": "Budget:",
                     "gross_worldwide": "Cumulative Worldwide Gross:", "runtime_min": "Runtime:"}
# The label IMDb shows before the year for titles that are not plain movies: first item of the modern hero
# list, start of the old layout's release-date link (which had none for shorts: "Short" was a genre there).
# JSON-LD says "Movie" for movie, tvMovie, short and video alike, so this label is the only HTML hint.
TITLE_TYPE_HINTS = {"tvMovie": "TV Movie", "short": "Short", "video": "Video", "tvSeries": "TV Series",
                    "tvMiniSeries": "TV Mini Series", "tvSpecial": "TV Special", "tvShort": "TV Short",
                    "videoGame": "Video Game"}
# the JSON-LD @type of each title type (several types share "Movie", so @type alone cannot tell them apart)
JSONLD_TYPES = {"movie": "Movie", "tvMovie": "Movie", "short": "Movie", "video": "Movie",
                "tvSeries": "TVSeries", "tvEpisode": "TVEpisode", "videoGame": "VideoGame"}


def dig(obj: Any, path: str) -> Any:
    """Resolve a table path; missing steps give None, `[]` steps give lists (flattened).

    `key[a.b=x|y]` keeps the items of `key` (a list, or one object) whose `a.b` is x or y; `*` tries every
    value of an object and keeps the first in which the rest of the path exists (an empty list counts).
    """
    step, rest = _split(path)
    if step == "*":
        for value in obj.values() if isinstance(obj, dict) else ():
            found = dig(value, rest)
            if found is not None:
                return found
        return None
    key, sel = step, None
    if step.endswith("]") and "[" in step:
        key, _, sel = step[:-1].partition("[")
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        return None
    if sel is None:
        return dig(value, rest) if rest else value
    items = value if isinstance(value, list) else [value]
    if sel:
        attr, _, wanted = sel.partition("=")
        items = [i for i in items if dig(i, attr) in wanted.split("|")]
        if not isinstance(value, list):  # a filtered single object stays a single step
            return (dig(items[0], rest) if rest else items[0]) if items else None
    out: list[Any] = []
    for item in items:
        found = dig(item, rest) if rest else item
        if isinstance(found, list) and rest and _maps(rest):
            out.extend(found)
        elif found is not None:
            out.append(found)
    return out


def _split(path: str) -> tuple[str, str]:
    """The first step of a path and the rest (dots inside a `[...]` filter do not split)."""
    depth = 0
    for i, ch in enumerate(path):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "." and depth == 0:
            return path[:i], path[i + 1:]
    return path, ""


def _maps(path: str) -> bool:
    return "[" in path


def unescape_ld(value: Any) -> Any:
    """JSON-LD strings carry HTML entities (`O&apos;Brien`); undo them recursively."""
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):
        return [unescape_ld(v) for v in value]
    if isinstance(value, dict):
        return {k: unescape_ld(v) for k, v in value.items()}
    return value
