"""Title-page extraction as data: one row per Contract-1 field, its sources in priority order.

IMDb has shipped several page shapes; each row lists where the field sits in each, newest first:
``next`` is the page state (``__NEXT_DATA__`` ``props.pageProps``: ``aboveTheFoldData`` /
``mainColumnData``, 2022–23 and 2025 paths side by side), ``urql`` the 2021 page state (the title
objects under ``urqlState.<hash>.data.title``, merged into one), then JSON-LD (schema.org: its
``genre``, ``actor`` and ``keywords`` are capped and its ``description`` is cut with "...", so it only
fills what the page state lacks), then the HTML of the legacy markups (2019–21 ``title_wrapper`` /
``txt-block``, 2014–18 ``itemprop``), read only on pages without a page state. The first source that
parses wins and is recorded in ``field_sources``; a source that fails to parse becomes a warning and
the next one is tried. A site change is a new row entry here; ``expected`` is the fill rate a healthy
crawl of the live site reaches (the stats pipeline warns when a field falls well below it), ``hints``
the key fragments that, found unread in a page state whose known paths all missed, name the new path.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from crawler import parsers
from crawler.blocks import HTML, JSONLD, NEXT, TITLE_STATE_KEYS, URQL, Blocks, read_blocks, read_blocks_dom
from crawler.items import ID_PATTERN, IMDB_ID

__all__ = ["FIELDS", "TITLE_STATE_KEYS", "Blocks", "parse_keywords_page", "parse_search_page", "parse_title_page",
           "read_blocks", "read_blocks_dom", "resolve"]

Parser = Callable[[Any], Any]
STATE_BLOCKS = (NEXT, URQL)

_ID_RE = re.compile(rf"/title/({ID_PATTERN})")
_STEP_RE = re.compile(r"^([^\[]+)(?:\[(.*)\])?$")


def _compile(path: str) -> list[tuple[str, str | None]]:
    """``a.b[].c`` → [(a, None), (b, ''), (c, None)]: '' iterates, 'k=v' (k may be dotted) iterates and filters."""
    steps = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        match = _STEP_RE.match(part)
        if not match:
            raise ValueError(f"bad path step {part!r} in {path!r}")
        steps.append((match[1], match[2]))
    return steps


@dataclass(frozen=True)
class Source:
    """Where one field lives in one block: a dotted path (``a.b[].c``, ``a[@type=Person].name``) or an XPath.

    ``label`` is what ``field_sources`` records: ``block:path``, or ``html:<markup>`` for an XPath."""

    block: str
    path: str
    label: str = ""
    stateless_only: bool = False  # read only on pages without a page state (like every HTML source)
    also: tuple[str, ...] = ()  # further paths of the same block whose lists continue this one's
    steps: tuple[tuple[str, str | None], ...] = field(init=False, repr=False, compare=False)
    also_steps: tuple[tuple[tuple[str, str | None], ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.block != HTML:
            object.__setattr__(self, "steps", tuple(_compile(self.path)))
            object.__setattr__(self, "also_steps", tuple(tuple(_compile(p)) for p in self.also))
        if not self.label:
            object.__setattr__(self, "label", f"{self.block}:{'+'.join((self.path, *self.also))}")


@dataclass(frozen=True)
class Field:
    name: str
    sources: tuple[Source, ...]
    parse: Parser
    expected: float = 0.0
    hints: tuple[str, ...] = ()  # lower-case key fragments that look like this field in a page state


def N(path: str, *also: str) -> Source:  # noqa: N802 - reads like the table's column header
    """The page state (``props.pageProps``) of 2022–23 and 2025 pages; ``also``: paths whose lists continue it."""
    return Source(NEXT, path, also=also)


def U(path: str, *also: str) -> Source:  # noqa: N802
    """The 2021 page state: the page's title object from ``urqlState.<hash>.data.title``, merged."""
    return Source(URQL, path, also=also)


def J(path: str, stateless_only: bool = False) -> Source:  # noqa: N802
    return Source(JSONLD, path, stateless_only=stateless_only)


def H(markup: str, xpath: str) -> Source:  # noqa: N802
    """An XPath over the HTML, named by the markup it reads (``2014:itemprop``, ``2019:title_wrapper``)."""
    return Source(HTML, xpath, f"html:{markup}")


def _first(parse: Parser) -> Parser:
    """Apply a scalar parser to the first non-empty element when a path yields a list."""

    def wrapped(value: Any) -> Any:
        if isinstance(value, list):
            value = next((v for v in value if v not in (None, "") and (not isinstance(v, str) or v.strip())), None)
        return parse(value)

    return wrapped


def _title_type(value: Any) -> str | None:
    """``titleType.id`` as is; schema.org ``@type`` and the HTML's type label ("TV Movie",
    "TV Series (2008–2013)", 2014's "(TV Movie 2001)") mapped onto the same vocabulary; other HTML text
    (a runtime, a date) is None."""
    if isinstance(value, list):  # HTML text nodes: the first one that names a type
        return next((t for t in map(_title_type, value) if t), None)
    value = parsers.text(value)
    value = value.strip("( )") if value else None
    if not value:
        return None
    if value in _SCHEMA_TYPES:
        return _SCHEMA_TYPES[value]
    if value.startswith(("http://schema.org/", "https://schema.org/")):  # a 2014 page's microdata itemtype
        return _SCHEMA_TYPES.get(value.rsplit("/", 1)[1])
    for label, type_id in _TYPE_LABELS:
        if value == label or value.startswith(label + " "):
            return type_id
    if re.fullmatch(r"[A-Za-z]+", value):
        return value[:1].lower() + value[1:]  # an id, or a schema.org type this table does not know yet
    return None


_SCHEMA_TYPES = {"Movie": "movie", "TVSeries": "tvSeries", "TVEpisode": "tvEpisode",
                 "VideoGame": "videoGame", "TVMiniSeries": "tvMiniSeries", "TVMovie": "tvMovie",
                 "TVSpecial": "tvSpecial", "TVShort": "tvShort", "CreativeWork": None}
# The label IMDb writes before the year for titles that are not plain movies (JSON-LD calls movies,
# TV movies, shorts and videos all "Movie"); longest first, so "Video Game" wins over "Video".
_TYPE_LABELS = sorted({"TV Movie": "tvMovie", "Short": "short", "Video": "video", "Video Game": "videoGame",
                       "TV Series": "tvSeries", "TV Mini Series": "tvMiniSeries", "TV Mini-Series": "tvMiniSeries",
                       "TV Special": "tvSpecial", "TV Short": "tvShort", "TV Episode": "tvEpisode",
                       "Episode aired": "tvEpisode", "Music Video": "musicVideo", "Podcast Series": "podcastSeries",
                       "Podcast Episode": "podcastEpisode"}.items(), key=lambda kv: -len(kv[0]))
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")


def _year(value: Any) -> int | None:
    """An int year, or the first year written in text ("1999-03-31", "(2007– )", "1999")."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            if found := _YEAR.search(item):
                return int(found[1])
        elif item is not None:
            return parsers.integer(item)
    return None


def _score(value: Any) -> int | None:
    """A metascore: a number, or the leading number of "73/100"."""
    value = _first(lambda v: v)(value)
    if isinstance(value, str) and (found := re.match(r"\s*([0-9]+)\s*/\s*100", value)):
        return int(found[1])
    return parsers.integer(value)


_MORE = re.compile(r"\s*(?:See full (?:summary|synopsis))?\s*»?\s*$")  # the link's tail; "..." says it is cut


def _prose(value: Any) -> str | None:
    """A plot: a string, or the text nodes of one element joined (a linked name inside does not cut it)."""
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    text = parsers.text(value)
    if text is None:
        return None
    trimmed = _MORE.sub("", text) if text.endswith("»") else text
    return None if _NO_PLOT.match(trimmed) else trimmed or None


_NO_PLOT = re.compile(r"^(?:Add a Plot|Plot unknown|Plot under wraps)\W*$", re.I)  # placeholders, not plots


def _original(value: Any) -> str | None:
    """An original title; 2014 pages quote it ("Mononoke-hime" (original title)), 2022– pages prefix it
    ("Original title: Mononoke-hime")."""
    text = _first(parsers.text)(value)
    if text and text.startswith("Original title:"):
        text = text[len("Original title:"):].strip()
    return text.strip('"') or None if text else None


def _names(value: Any) -> list[str]:
    """A list of names in page order, each once (a name billed in two lists stays where it first appears)."""
    return parsers.dedupe(parsers.text_list(value))


def _keywords(value: Any) -> list[str]:
    return parsers.dedupe(parsers.keyword(v) for v in parsers.text_list(value))


_text, _int, _num = _first(parsers.text), _first(parsers.integer), _first(parsers.number)


def _old(*labels: str) -> str:
    """A pre-2022 details row: ``<div class="txt-block"><h4 class="inline">Country:</h4>…``."""
    return '//div[@class="txt-block"][' + " or ".join(f'normalize-space(h4)="{lab}"' for lab in labels) + "]"


def _summary(*labels: str) -> str:
    """A 2019–21 credit row: ``<div class="credit_summary_item"><h4>Writers:</h4><a href="/name/…">``."""
    row = " or ".join(f'normalize-space(h4)="{lab}"' for lab in labels)
    return f'//div[@class="credit_summary_item"][{row}]/a[contains(@href,"/name/")]/text()'


def _testid(name: str) -> str:
    """The values of a 2022–26 metadata item: ``<li data-testid=NAME>…<ul><li>value</li>…``."""
    return f'//li[@data-testid="{name}"]//li//text()'


# A legacy plot cut short ends with a "See full summary" link: then JSON-LD's (longer) description is preferred.
_CUT = 'a[contains(@href,"plotsummary") or contains(@href,"synopsis")]'
# 2025 credit groupings are named by concept id (the text beside them is localised).
_DIRECTORS_2025 = "amzn1.imdb.concept.name_credit_category.ace5cb4c-8708-4238-9542-04641e7c8171"
_WRITERS_2025 = "amzn1.imdb.concept.name_credit_category.c84ecaff-add5-4f2e-81db-102a41881fe3"
_CAST_2025 = "amzn1.imdb.concept.name_credit_group.7caf7d16-5db9-4f4f-8864-d4c6e711c686"
_NAME = "name.nameText.text"
_CREDITS = ("directors", "writers", "cast", "credit", "crew")

# fmt: off
FIELDS: tuple[Field, ...] = (
    # The display title: the page state's titleText; JSON-LD's alternateName (set when it differs from
    # `name`, which is the original title); the legacy <h1>; JSON-LD `name` last.
    Field("title", (N("aboveTheFoldData.titleText.text"), U("titleText.text"),
                    H("h1", '//h1[@data-testid="hero__pageTitle"]//text()|//h1[@data-testid="hero-title-block__title"]//text()'
                      '|//div[@class="title_wrapper"]/h1/text()|//h1[@itemprop="name"]/text()'
                      '|//h1[@class="header"]/span[@itemprop="name"]/text()'),
                    J("alternateName"), J("name")), _text, 0.99, ("titletext",)),
    Field("original_title", (N("aboveTheFoldData.originalTitleText.text"), U("originalTitleText.text"),
                             H("original-title", '//div[@data-testid="hero-title-block__original-title"]/text()'
                               '|//div[@class="originalTitle"]/text()|//span[@class="title-extra"][@itemprop="name"]/text()'),
                             J("name", stateless_only=True)), _original, 0.99, ("originaltitle",)),
    # JSON-LD's @type is "Movie" for TV movies, shorts and videos too: the HTML's type label comes first.
    Field("title_type", (N("aboveTheFoldData.titleType.id"), U("titleType.id"),
                         H("type-label", '//h1[@data-testid="hero__pageTitle"]/following-sibling::ul[1]/li[1][not(a)]/text()'
                           '|//div[@class="subtext"]/a[@title="See more release dates"]/text()'
                           '|//h1[@class="header"]/span[@class="nobr"]/text()|//div[@class="infobar"]/text()'),
                         J("@type"),
                         # 2014–18 pages label only non-movies; the page's own microdata item says Movie
                         H("itemtype", '//*[@itemtype][not(ancestor::*[@itemtype])]/@itemtype')),
          _title_type, 0.99, ("titletype",)),
    # datePublished is the release date, whose year can differ from the title's year: last resort.
    Field("year", (N("aboveTheFoldData.releaseYear.year"), U("releaseYear.year"),
                   H("year", '//span[@id="titleYear"]/a/text()|//h1[@class="header"]/span[@class="nobr"]//text()'
                     '|//h1[@data-testid="hero__pageTitle"]/following-sibling::ul[1]/li//text()'),
                   J("datePublished")), _year, 0.98, ("releaseyear",)),
    Field("release_date", (N("mainColumnData.releaseDate"), N("aboveTheFoldData.releaseDate"), U("releaseDate"),
                           J("datePublished"),
                           # a user review on the page carries its own datePublished: never the title's
                           H("itemprop", '//meta[@itemprop="datePublished"][not(ancestor::*[@itemprop="review"])]/@content'
                             '|' + _old("Release Date:") + "/text()")),
          _first(parsers.iso_date), 0.9, ("releasedate",)),
    Field("runtime_min", (N("aboveTheFoldData.runtime.seconds"), N("mainColumnData.runtime.seconds"),
                          U("runtime.seconds"), J("duration"),
                          H("runtime", _old("Runtime:") + '/time/text()|//time[@itemprop="duration"]/@datetime'
                            '|//div[@class="subtext"]/time/@datetime')),
          _first(parsers.duration_seconds_to_minutes), 0.85, ("runtime",)),
    Field("rating", (N("aboveTheFoldData.ratingsSummary.aggregateRating"), U("ratingsSummary.aggregateRating"),
                     J("aggregateRating.ratingValue"),
                     H("rating", '//div[@data-testid="hero-rating-bar__aggregate-rating__score"]/span[1]/text()'
                       '|//span[@itemprop="ratingValue"]/text()|//div[@class="ratingValue"]/strong/span/text()')),
          _num, 0.9, ("ratingssummary",)),
    Field("votes", (N("aboveTheFoldData.ratingsSummary.voteCount"), U("ratingsSummary.voteCount"),
                    J("aggregateRating.ratingCount"),
                    H("votes", '//span[@itemprop="ratingCount"]/text()|//div[@class="imdbRating"]/a/span[@class="small"]/text()')),
          _int, 0.9, ("ratingssummary",)),
    Field("metascore", (N("aboveTheFoldData.metacritic.metascore.score"), N("mainColumnData.metacritic.metascore.score"),
                        U("metacritic.metascore.score"),
                        H("metascore", '//span[contains(@class,"metacritic-score-box") or contains(@class,"score-meta")]/text()'
                          '|//div[contains(@class,"metacriticScore")]/span/text()'
                          '|//div[@class="star-box-details"]/a[contains(@href,"criticreviews")]/text()')),
          _score, 0.2, ("metacritic", "metascore")),
    Field("content_rating", (N("aboveTheFoldData.certificate.rating"), N("mainColumnData.certificate.rating"),
                             U("certificate.rating"), J("contentRating"),
                             H("itemprop", '//meta[@itemprop="contentRating"]/@content|//span[@itemprop="contentRating"]/@content')),
          _text, 0.5, ("certificate",)),
    # JSON-LD caps genres at three; the page state and the legacy storyline list them all.
    Field("genres", (N("aboveTheFoldData.genres.genres[].text"), N("mainColumnData.genres.genres[].text"),
                     N("aboveTheFoldData.titleGenres.genres[].genre.text"), U("genres.genres[].text"),
                     H("genres", '//div[@data-testid="genres"]//span/text()|//div[@itemprop="genre"]/a/text()'
                       '|//span[@itemprop="genre"]/text()|//div[contains(@class,"canwrap")][normalize-space(h4)="Genres:"]/a/text()'),
                     J("genre")), parsers.text_list, 0.98, ("genre",)),
    Field("countries", (N("mainColumnData.countriesDetails.countries[].text"),
                        N("mainColumnData.countriesOfOrigin.countries[].text"), U("countriesOfOrigin.countries[].text"),
                        H("countries", _testid("title-details-origin") + "|" + _old("Country:", "Countries:") + "/a/text()")),
          parsers.text_list, 0.95, ("countr",)),
    Field("languages", (N("mainColumnData.spokenLanguages.spokenLanguages[].text"),
                        U("spokenLanguages.spokenLanguages[].text"),
                        H("languages", _testid("title-details-languages") + "|" + _old("Language:", "Languages:") + "/a/text()")),
          parsers.text_list, 0.9, ("language",)),
    Field("color", (N("mainColumnData.technicalSpecifications.colorations.items[].text"),
                    U("technicalSpecifications.colorations.items[].text"),
                    H("color", _testid("title-techspec_color") + "|" + _old("Color:") + "/a/text()")),
          _text, 0.8, ("color",)),
    Field("directors", (N(f"mainColumnData.directors[].credits[].{_NAME}"),
                        N("mainColumnData.categories[id=director].section.items[].rowTitle"),
                        N(f"mainColumnData.categories[id={_DIRECTORS_2025}].section.items[].rowTitle"),
                        N(f"mainColumnData.principalCreditsV2[grouping.groupingId={_DIRECTORS_2025}].credits[].{_NAME}"),
                        N(f"aboveTheFoldData.directorsPageTitle[].credits[].{_NAME}"),
                        U(f"directors[].credits[].{_NAME}"), U(f"directorsPageTitle[].credits[].{_NAME}"),
                        J("director[].name"),
                        H("directors", _summary("Director:", "Directors:")
                          + '|//*[@itemprop="director"]//span[@itemprop="name"]/text()')),
          parsers.text_list, 0.95, _CREDITS),
    # itemprop="creator" and JSON-LD `creator` also tag companies (schema.org Organization): never writers.
    Field("writers", (N(f"mainColumnData.writers[].credits[].{_NAME}"),
                      N("mainColumnData.categories[id=writer].section.items[].rowTitle"),
                      N(f"mainColumnData.categories[id={_WRITERS_2025}].section.items[].rowTitle"),
                      N(f"mainColumnData.principalCreditsV2[grouping.groupingId={_WRITERS_2025}].credits[].{_NAME}"),
                      U(f"writers[].credits[].{_NAME}"),
                      J("creator[@type=Person].name"),  # complete on legacy pages; their summary row stops at 2-3
                      H("writers", _summary("Writer:", "Writers:")
                        + '|//*[@itemprop="creator"][not(contains(@itemtype,"Organization"))]//span[@itemprop="name"]/text()')),
          parsers.text_list, 0.85, _CREDITS),
    # JSON-LD lists only the top-billed few; the page state's cast holds the billing order.
    # 2021–22 pages split the billing: principalCast first (the names atop the cast list), then cast.
    Field("actors", (N(f"mainColumnData.principalCast[].credits[].{_NAME}", f"mainColumnData.cast.edges[].node.{_NAME}"),
                     N("mainColumnData.categories[id=cast].section.items[].rowTitle"),
                     N(f"mainColumnData.categories[id={_CAST_2025}].section.items[].rowTitle"),
                     U(f"principalCast[].credits[].{_NAME}", f"cast.edges[].node.{_NAME}"),
                     # the top-billed shortlists: only when no full cast list is anywhere on the page
                     N(f"aboveTheFoldData.castV2[].credits[].{_NAME}"),
                     N(f"aboveTheFoldData.castPageTitle.edges[].node.{_NAME}"),
                     U(f"castPageTitle.edges[].node.{_NAME}"),
                     H("cast_list", '//table[@class="cast_list"]//td[@itemprop="actor"]//span[@itemprop="name"]/text()'
                       '|//table[@class="cast_list"]//tr/td[2]/a/text()'),
                     J("actor[].name")), _names, 0.95, _CREDITS),
    # The page shows some keywords; the spider completes them from /keywords/ (see KEYWORD_TOTAL).
    Field("keywords", (N("aboveTheFoldData.keywords.edges[].node.text"),
                       N("mainColumnData.storylineKeywords.edges[].node.text"),
                       U("keywords.edges[].node.text"), U("storylineKeywords.edges[].node.text"),
                       H("keywords", '//div[@itemprop="keywords"]/a/span/text()'
                         '|//div[contains(@class,"canwrap")][normalize-space(h4)="Plot Keywords:"]/a/span/text()'),
                       J("keywords")), _keywords, 0.8, ("keyword",)),
    # JSON-LD's description is cut near 230 characters with "..." on page-state pages: last.
    Field("description", (N("aboveTheFoldData.plot.plotText.plainText"), N("mainColumnData.plot.plotText.plainText"),
                          U("plot.plotText.plainText"),
                          # the 2022– hero's plot, whole (JSON-LD's is cut): for a page whose page state is missing
                          H("plot-xl", '//span[@data-testid="plot-xl"]//text()'),
                          H("summary_text", f'//div[@class="summary_text"][not({_CUT})]//text()'),
                          H("itemprop", f'//p[@itemprop="description"][not({_CUT})]//text()'),
                          # a cut legacy summary's whole text is the Storyline's (less its "Written by" credit)
                          H("storyline", '//div[@id="titleStoryLine"]/div[contains(@class,"canwrap")]/p//text()'
                            '[not(ancestor::em)]'),
                          J("description"),
                          H("summary_text-cut", f'//div[@class="summary_text"]//text()[not(ancestor::{_CUT})]'
                            f'|//p[@itemprop="description"]//text()[not(ancestor::{_CUT})]')),
          _prose, 0.95, ("plot", "outline", "summaries", "synops")),
    Field("budget", (N("mainColumnData.productionBudget.budget"), U("productionBudget.budget"),
                     H("budget", _testid("title-boxoffice-budget") + "|" + _old("Budget:") + "/text()")),
          _first(parsers.money), 0.2, ("budget",)),
    Field("gross_worldwide", (N("mainColumnData.worldwideGross.total"), U("worldwideGross.total"),
                              H("gross", _testid("title-boxoffice-cumulativeworldwidegross") + "|"
                                + _old("Cumulative Worldwide Gross:") + "/text()")),
          _first(parsers.money), 0.2, ("gross",)),
    Field("poster_url", (N("aboveTheFoldData.primaryImage.url"), N("mainColumnData.primaryImage.url"),
                         U("primaryImage.url"), J("image"),
                         H("poster", '//div[@class="poster"]//img/@src|//td[@id="img_primary"]//img/@src')),
          _text, 0.9, ("image",)),
    # Playback URLs where the page state has them; JSON-LD trailers carry no contentUrl on real pages, so
    # its embedUrl (the video page, /video/imdb/viNNN) stands in, like the legacy trailer button's link.
    Field("trailer_urls", (N("aboveTheFoldData.primaryVideos.edges[].node.playbackURLs[].url"),
                           N("mainColumnData.primaryVideos.edges[].node.playbackURLs[].url"),
                           U("primaryVideos.edges[].node.playbackURLs[].url"),
                           J("trailer.contentUrl"), J("trailer.embedUrl"),
                           H("trailer", '//a[@itemprop="trailer"]/@href'
                             '|//div[@class="slate"]/a[contains(@class,"slate_button")]/@href')),
          parsers.text_list, 0.3, ("video", "trailer")),
)
# fmt: on
FIELD_NAMES = tuple(f.name for f in FIELDS)
EXPECTED_FILL = {f.name: f.expected for f in FIELDS}
# The keyword total, where the page states it: the spider follows /keywords/ when it is above what is shown.
KEYWORD_TOTAL = (N("aboveTheFoldData.keywords.total"), N("mainColumnData.storylineKeywords.total"),
                 U("keywords.total"), U("storylineKeywords.total"))
# Page-state keys looked at and found to hold something else than the field their name suggests (counts,
# other credits, other money, the video strip, upload links): never named in a look-alike warning.
_UNRELATED = frozenset({
    "credits", "crazyCredits", "principalCast", "principalCredits", "creators", "creatorsPageTitle",
    "lifetimeGross", "openingWeekendGross", "videos", "videoStrip", "images", "titleMainImages", "imageUploadLink",
    "plotContributionLink", "inIframeAddLink", "notInIframeAddLink", "companyCreditCategories",
    "summaries", "outlines", "synopses"})  # user summaries and synopses, not the plot outline the table reads
# The page-state keys some row reads (at the level under aboveTheFoldData / mainColumnData / the 2021 title):
# an unread key that looks like a missing field is the warning sign of a new layout.
_KNOWN_KEYS = frozenset(
    step[0] for spec in FIELDS for s in (*spec.sources, *KEYWORD_TOTAL) if s.block in STATE_BLOCKS
    for steps in (s.steps, *s.also_steps) for step in steps[(1 if s.block == NEXT else 0):][:1]) | _UNRELATED


def _attr(item: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        item = item.get(key) if isinstance(item, dict) else None
    return item


def resolve(data: Any, steps: tuple[tuple[str, str | None], ...]) -> Any:
    """Follow compiled steps; iterating steps flatten into one list. Missing → None."""
    values, many = [data], False
    for key, selector in steps:
        nxt: list[Any] = []
        for value in values:
            child = value.get(key) if isinstance(value, dict) else None
            if child is None:
                continue
            if selector is None:
                nxt.append(child)
                continue
            many = True
            items = child if isinstance(child, list) else [child]
            if selector:
                attr, _, wanted = selector.partition("=")
                attr, wanted = attr.strip(), wanted.strip()
                items = [i for i in items if _attr(i, attr) == wanted]
            nxt.extend(items)
        values = nxt
        if not values:
            return None
    return values if many else values[0]


def _lookup(blocks: Blocks, source: Source) -> Any:
    if (source.block == HTML or source.stateless_only) and blocks.has_state:
        return None  # a fallback for pages without a page state, not a second opinion
    if source.block == HTML:
        return blocks.xpath(source.path) or None
    data = blocks.block(source.block)
    if not data:
        return None
    value = resolve(data, source.steps)
    for steps in source.also_steps:  # one list split over several keys (principal cast, then the rest)
        more = resolve(data, steps)
        if more is not None:
            value = [*_as_list(value), *_as_list(more)]
    return value


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _unread_keys(blocks: Blocks) -> str:
    """One line ``key<TAB>where.key`` per key one level under the page state's title objects that no row
    reads and that is not known to be unrelated (one string, so each field's hints are one regex scan)."""
    lines = []
    for where, obj in (("aboveTheFoldData", (blocks.next or {}).get("aboveTheFoldData")),
                       ("mainColumnData", (blocks.next or {}).get("mainColumnData")),
                       ("urqlState…data.title", blocks.urql)):
        if isinstance(obj, dict):
            lines.extend(f"{key}\t{where}.{key}" for key in obj if key not in _KNOWN_KEYS)
    return "\n".join(lines)


def _unread_lookalikes(unread: str, spec: Field) -> list[str]:
    """Unread page-state keys whose name looks like ``spec``'s field (the next layout change)."""
    return _HINTS[spec.name].findall(unread) if unread else []


_HINTS = {spec.name: re.compile(r"^[^\t\n]*(?:" + "|".join(map(re.escape, spec.hints)) + r")[^\t\n]*\t([^\n]*)$",
                                re.M | re.I) for spec in FIELDS if spec.hints}


def extract_fields(blocks: Blocks) -> tuple[dict[str, Any], list[str]]:
    """Every table field: the first source that parses wins (named in ``field_sources``); problems become warnings."""
    out: dict[str, Any] = {}
    sources: dict[str, str] = {}
    warnings = list(blocks.problems)
    unread: str | None = None
    for spec in FIELDS:
        value: Any = None  # missing is null, lists included (Contract 1)
        for source in spec.sources:
            raw = _lookup(blocks, source)
            if raw is None or raw == [] or raw == "":
                continue
            try:
                parsed = spec.parse(raw)
            except (ValueError, TypeError, OverflowError) as exc:
                warnings.append(f"{spec.name}: {source.block} {source.path}: {exc}")
                continue
            if parsed is not None and parsed != []:
                value = parsed
                sources[spec.name] = source.label
                break
        # a field the page state should hold but no known path found: JSON-LD's capped stand-in is no reason to
        # stay quiet about a page-state key that looks like it (the first sign of a layout change)
        if blocks.has_state and spec.hints and sources.get(spec.name, "").split(":")[0] not in STATE_BLOCKS:
            unread = _unread_keys(blocks) if unread is None else unread
            for key in _unread_lookalikes(unread, spec):
                warnings.append(f"{spec.name}: no known page-state path holds it, but the page state has an "
                                f"unread key {key}; a new layout? (add its path to crawler/extract.py)")
        out[spec.name] = value
    if out.get("votes") == 0:
        out["votes"] = None  # the page state writes voteCount 0 for "no ratings yet"
        sources.pop("votes", None)
    out["field_sources"] = sources
    return out, warnings


def imdb_id_of(blocks: Blocks, url: str) -> str | None:
    """The tt id from the page state, the JSON-LD url, or the page URL, in that order."""
    nxt = blocks.next or {}
    for candidate in (
        _attr(nxt, "aboveTheFoldData.id"), nxt.get("tconst"), (blocks.urql or {}).get("id"),
        blocks.jsonld.get("url") if blocks.jsonld else None,
        url,
    ):
        if isinstance(candidate, str):
            found = _ID_RE.search(candidate) or IMDB_ID.match(candidate)
            if found:
                return found[1] if found.re is _ID_RE else found[0]
    return None


_SEE_ALL_COUNT = re.compile(r"See All \((\d[\d,]*)\)")
_N_MORE = re.compile(r'href="[^"]*/keywords/?"[^>]*>\s*(\d[\d,]*) more\s*<')
_SEE_MORE = re.compile(r'href="[^"]*/keywords[/?][^"]*"[^>]*>\s*See more\s*<')


def keyword_total(blocks: Blocks, shown: int) -> int | None:
    """How many keywords the title has in all (the page shows only some): the page state, else the 2019–21
    "See All (N)" link, else the chip list's "N more" link; 2014 pages only say "See more" (at least one more)."""
    for source in KEYWORD_TOTAL:
        data = blocks.block(source.block)
        if data:
            try:
                total = parsers.integer(resolve(data, source.steps))
            except ValueError:
                continue
            if total is not None:
                return total
    if blocks.has_state:
        return None
    if found := _SEE_ALL_COUNT.search(blocks.html):
        return int(found[1].replace(",", ""))
    if found := _N_MORE.search(blocks.html):
        return shown + int(found[1].replace(",", ""))
    if shown and _SEE_MORE.search(blocks.html):
        return shown + 1
    return None


# Result rows of a /find page: the 2019–22 table (`td.result_text`, whose text may link the series an episode
# belongs to: only the first link is the result) and the 2022– list (`li.find-title-result`).
_FIND_ROWS = (re.compile(rf'class="result_text"[^>]*>\s*<a[^>]*href="[^"]*/title/({ID_PATTERN})'),
              re.compile(rf'find-title-result[^>]*>.*?href="[^"]*/title/({ID_PATTERN})', re.S))


def parse_search_page(html: str) -> tuple[list[str], int | None]:
    """Title ids of a search page (advanced search's first batch, or a /find page) and the total the query matches."""
    blocks = read_blocks(html)
    ids: list[str] = []
    total = None
    if blocks.next:
        for path in (SEARCH_IDS, FIND_IDS):
            ids = [i for i in resolve(blocks.next, path) or [] if isinstance(i, str)]
            if ids:
                break
        try:
            total = parsers.integer(resolve(blocks.next, SEARCH_TOTAL))
        except ValueError:
            total = None
    if not ids and ("findSection" in html or "find-title-result" in html):
        ids = [found for row in _FIND_ROWS for found in row.findall(html)]
    elif not ids:  # no page state, no /find rows: the result links themselves
        ids = _ID_RE.findall(html)
    return parsers.dedupe(ids), total


SEARCH_IDS = tuple(_compile("searchResults.titleResults.titleListItems[].titleId"))
SEARCH_TOTAL = tuple(_compile("searchResults.titleResults.total"))
FIND_IDS = tuple(_compile("titleResults.results[].id"))


def parse_title_page(html: str, url: str, *, dom: bool = False) -> tuple[dict[str, Any], list[str]]:
    """All Contract-1 page fields of one title page (with ``field_sources``), plus the warnings met on the way.

    ``dom=True`` takes the reference path (``read_blocks_dom``); the items are the same, only slower."""
    blocks = read_blocks_dom(html) if dom else read_blocks(html, TITLE_STATE_KEYS)
    fields, warnings = extract_fields(blocks)
    fields["imdb_id"] = imdb_id_of(blocks, url)
    if fields["trailer_urls"]:  # JSON-LD and legacy links are site-relative (/video/imdb/vi…)
        fields["trailer_urls"] = parsers.dedupe(urljoin(url, u) for u in fields["trailer_urls"])
    if fields["poster_url"]:
        fields["poster_url"] = urljoin(url, fields["poster_url"])
    fields["_keyword_total"] = keyword_total(blocks, len(fields["keywords"] or ()))
    return fields, warnings


def parse_keywords_page(html: str) -> list[str]:
    """Every plot keyword of a ``/keywords/`` page (``__NEXT_DATA__`` first, then HTML)."""
    blocks = read_blocks(html)
    if blocks.next:
        for path in KEYWORD_PAGE_PATHS:
            found = resolve(blocks.next, path)
            if found:
                return _keywords(found)
    return _keywords(blocks.xpath(KEYWORD_PAGE_XPATH))


KEYWORD_PAGE_PATHS = tuple(
    tuple(_compile(p))
    for p in (
        "contentData.data.title.keywords.edges[].node.keyword.text.text",
        "contentData.section.items[].rowTitle",
        "keywords.edges[].node.text",
    )
)
# 2022–: the summary list; 2014–22: `td.sodavote` rows, whose keyword is the `.sodatext` link (the other
# links in the row are votes: "69 of 70 found this relevant").
KEYWORD_PAGE_XPATH = (
    '//li[@data-testid="list-summary-item"]//a[contains(@class,"ipc-metadata-list-summary-item__t")]/text()'
    '|//td[contains(@class,"sodavote")]/div[@class="sodatext"]/a/text()'
)
