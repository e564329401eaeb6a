"""Where each Contract-1 field sits on a mirror page: one declarative table (as imdb-pages.md documents it).

The mirror's tests resolve these paths on every served page and compare them to the catalog record,
so this table is also a tested description of the pages other components parse.
Path syntax: dots between keys, `[]` maps over a list. NEXT paths start under `props.pageProps`.
"""
from __future__ import annotations

import html
from typing import Any

# field -> (JSON-LD path or None, __NEXT_DATA__ path on the title and reference pages)
TITLE_PATHS: dict[str, tuple[str | None, str]] = {
    "imdb_id": (None, "aboveTheFoldData.id"),
    "title": ("name", "aboveTheFoldData.titleText.text"),
    "original_title": ("alternateName", "aboveTheFoldData.originalTitleText.text"),
    "title_type": ("@type", "aboveTheFoldData.titleType.id"),
    "year": (None, "aboveTheFoldData.releaseYear.year"),
    "release_date": ("datePublished", "aboveTheFoldData.releaseDate"),
    "runtime_min": ("duration", "aboveTheFoldData.runtime.seconds"),
    "rating": ("aggregateRating.ratingValue", "aboveTheFoldData.ratingsSummary.aggregateRating"),
    "votes": ("aggregateRating.ratingCount", "aboveTheFoldData.ratingsSummary.voteCount"),
    "metascore": (None, "aboveTheFoldData.metacritic.metascore.score"),
    "content_rating": ("contentRating", "aboveTheFoldData.certificate.rating"),
    "genres": ("genre", "aboveTheFoldData.genres.genres[].text"),
    "countries": (None, "mainColumnData.countriesDetails.countries[].text"),
    "languages": (None, "mainColumnData.spokenLanguages.spokenLanguages[].text"),
    "color": (None, "mainColumnData.technicalSpecifications.colorations.items[].text"),
    "directors": ("director[].name", "mainColumnData.directors[].credits[].name.nameText.text"),
    "writers": ("creator[].name", "mainColumnData.writers[].credits[].name.nameText.text"),
    "actors": ("actor[].name", "mainColumnData.cast.edges[].node.name.nameText.text"),
    "keywords": ("keywords", "mainColumnData.keywords.edges[].node.text"),
    "description": ("description", "aboveTheFoldData.plot.plotText.plainText"),
    "budget": (None, "mainColumnData.productionBudget.budget"),
    "gross_worldwide": (None, "mainColumnData.worldwideGross.total"),
    "poster_id": ("image", "aboveTheFoldData.primaryImage.url"),
    "trailer_ids": ("trailer.contentUrl", "aboveTheFoldData.primaryVideos.edges[].node.playbackURLs[].url"),
}
# the title page shows only the first few keywords; the full list is on /title/ID/keywords/
TITLE_PAGE_KEYWORDS = 5
KEYWORDS_TOTAL_PATH = "mainColumnData.keywords.total"
KEYWORDS_PAGE_PATH = "contentData.data.title.keywords.edges[].node.keyword.text.text"
KEYWORDS_PAGE_TOTAL_PATH = "contentData.data.title.keywords.total"
SEARCH_ITEMS_PATH = "searchResults.titleResults.titleListItems"
SEARCH_TOTAL_PATH = "searchResults.titleResults.total"
# What a page without `__NEXT_DATA__` still shows in its HTML (the crawler's XPaths are in crawler/extract.py):
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
    """Resolve a table path; missing steps give None, `[]` steps give lists (flattened)."""
    current: list[Any] = [obj]
    many = False
    for step in path.split("."):
        mapped = step.endswith("[]")
        key = step[:-2] if mapped else step
        nxt: list[Any] = []
        for item in current:
            value = item.get(key) if isinstance(item, dict) else None
            if value is None:
                continue
            if mapped:
                nxt.extend(value if isinstance(value, list) else [value])
            else:
                nxt.append(value)
        current, many = nxt, many or mapped
    if many:
        return current
    return current[0] if current else None


def unescape_ld(value: Any) -> Any:
    """JSON-LD strings carry HTML entities (`O&apos;Brien`); undo them recursively."""
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):
        return [unescape_ld(v) for v in value]
    if isinstance(value, dict):
        return {k: unescape_ld(v) for k, v in value.items()}
    return value
