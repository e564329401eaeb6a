"""Title-page extraction as data: one row per Contract-1 field.

Each row lists its sources in priority order: JSON-LD (schema.org, the most stable block) first,
``__NEXT_DATA__`` (richer, less stable) for what JSON-LD lacks — and first where JSON-LD is
lossy (``@type`` lumps several title types together, ``actor`` and ``keywords`` hold only the
first few) — then HTML XPaths (the modern ``data-testid`` layout and the pre-2020 ``itemprop``
layout), consulted only when a page has no usable ``__NEXT_DATA__``. The first source that
parses wins; a source that fails to parse becomes a warning and the next one is tried. A site change is a one-line fix here; ``expected`` is the fill rate a
healthy crawl of the live site reaches, and the stats pipeline warns when a field falls well
below it (layout drift).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from crawler import parsers
from crawler.items import ID_PATTERN, IMDB_ID

Parser = Callable[[Any], Any]
JSONLD, NEXT, HTML = "jsonld", "next", "html"

_JSONLD_RE = re.compile(r'<script[^>]*type=["\']application/ld\+json["\'][^>]*>(.*?)</script>', re.S | re.I)
_NEXT_RE = re.compile(r'<script[^>]*id=["\']__NEXT_DATA__["\'][^>]*>(.*?)</script>', re.S | re.I)
_ID_RE = re.compile(rf"/title/({ID_PATTERN})")
_STEP_RE = re.compile(r"^([^\[]+)(?:\[(.*)\])?$")


def _compile(path: str) -> list[tuple[str, str | None]]:
    """``a.b[].c`` → [(a, None), (b, ''), (c, None)]: '' iterates, 'k=v' iterates and filters."""
    steps = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        match = _STEP_RE.match(part)
        if not match:
            raise ValueError(f"bad path step {part!r} in {path!r}")
        steps.append((match[1], match[2]))
    return steps


@dataclass(frozen=True)
class Source:
    """Where one field lives in one block: a dotted path (``a.b[].c``, ``a[@type=Person].name``)."""

    block: str
    path: str
    steps: tuple[tuple[str, str | None], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.block != HTML:
            object.__setattr__(self, "steps", tuple(_compile(self.path)))


@dataclass(frozen=True)
class Field:
    name: str
    sources: tuple[Source, ...]
    parse: Parser
    expected: float = 0.0


def J(path: str) -> Source:  # noqa: N802 - reads like the table's column header
    return Source(JSONLD, path)


def N(path: str) -> Source:  # noqa: N802
    return Source(NEXT, path)


def H(xpath: str) -> Source:  # noqa: N802
    return Source(HTML, xpath)


def _first(parse: Parser) -> Parser:
    """Apply a scalar parser to the first non-empty element when a path yields a list."""

    def wrapped(value: Any) -> Any:
        if isinstance(value, list):
            value = next((v for v in value if v not in (None, "")), None)
        return parse(value)

    return wrapped


def _title_type(value: Any) -> str | None:
    """``titleType.id`` as is; schema.org ``@type`` and the HTML's type label ("TV Movie",
    "TV Series (2008–2013)") mapped onto the same vocabulary; other HTML text (a runtime, a date) is None."""
    value = _first(parsers.text)(value)
    if value is None:
        return None
    if value in _SCHEMA_TYPES:
        return _SCHEMA_TYPES[value]
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


def _year(value: Any) -> int | None:
    value = _first(lambda v: v)(value)
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])  # datePublished "1999-03-31" or "1999–2003"
    return parsers.integer(value)


def _keywords(value: Any) -> list[str]:
    return parsers.dedupe(parsers.keyword(v) for v in parsers.text_list(value))


_text, _int, _num = _first(parsers.text), _first(parsers.integer), _first(parsers.number)
_OLD = '//div[@class="txt-block"][h4="{}"]'  # pre-2020: <div class="txt-block"><h4 class="inline">Budget:</h4>…


def _testid(name: str) -> str:
    """The values of a 2025–26 metadata item: ``<li data-testid=NAME>…<ul><li>value</li>…``."""
    return f'//li[@data-testid="{name}"]//li//text()'


# fmt: off
FIELDS: tuple[Field, ...] = (
    Field("title", (J("name"), N("aboveTheFoldData.titleText.text"),
                    H('//h1[@data-testid="hero__pageTitle"]//text()|//h1[@itemprop="name"]/text()')),
          _text, 0.99),
    Field("original_title", (N("aboveTheFoldData.originalTitleText.text"), J("alternateName"),
                             H('//div[@data-testid="hero-title-block__original-title"]/text()'
                               '|//div[@class="originalTitle"]/text()')), _text, 0.99),
    # JSON-LD's @type is "Movie" for TV movies, shorts and videos too: the HTML's type label comes first.
    Field("title_type", (N("aboveTheFoldData.titleType.id"),
                         H('//h1[@data-testid="hero__pageTitle"]/following-sibling::ul[1]/li[1][not(a)]/text()'
                           '|//div[@class="subtext"]/a[@title="See more release dates"]/text()'),
                         J("@type")), _title_type, 0.99),
    # datePublished is the release date, whose year can differ from the title's year: last resort.
    Field("year", (N("aboveTheFoldData.releaseYear.year"),
                   H('//span[@id="titleYear"]/a/text()|//h1[@data-testid="hero__pageTitle"]'
                     "/following-sibling::ul[1]/li//text()[re:test(., '^(18|19|20)[0-9]{2}')]"),
                   J("datePublished")), _year, 0.98),
    Field("release_date", (J("datePublished"), N("aboveTheFoldData.releaseDate")),
          _first(parsers.iso_date), 0.9),
    Field("runtime_min", (J("duration"), N("aboveTheFoldData.runtime.seconds"),
                          H(_OLD.format("Runtime:") + "/time/text()")),
          _first(parsers.duration_minutes), 0.85),
    Field("rating", (J("aggregateRating.ratingValue"),
                     N("aboveTheFoldData.ratingsSummary.aggregateRating"),
                     H('//div[@data-testid="hero-rating-bar__aggregate-rating__score"]/span[1]/text()'
                       '|//span[@itemprop="ratingValue"]/text()')), _num, 0.9),
    Field("votes", (J("aggregateRating.ratingCount"), N("aboveTheFoldData.ratingsSummary.voteCount"),
                    H('//span[@itemprop="ratingCount"]/text()')), _int, 0.9),
    Field("metascore", (N("aboveTheFoldData.metacritic.metascore.score"),
                        H('//span[contains(@class,"metacritic-score-box") or contains(@class,"score-meta")]/text()'
                          '|//div[contains(@class,"metacriticScore")]/span/text()')), _int, 0.2),
    Field("content_rating", (J("contentRating"), N("aboveTheFoldData.certificate.rating"),
                             H('//meta[@itemprop="contentRating"]/@content')), _text, 0.5),
    Field("genres", (J("genre"), N("aboveTheFoldData.genres.genres[].text"),
                     H('//div[@data-testid="genres"]//span/text()|//div[@itemprop="genre"]/a/text()')),
          parsers.text_list, 0.98),
    Field("countries", (N("mainColumnData.countriesDetails.countries[].text"),
                        H(_testid("title-details-origin") + "|" + _OLD.format("Country:") + "/a/text()")),
          parsers.text_list, 0.95),
    Field("languages", (N("mainColumnData.spokenLanguages.spokenLanguages[].text"),
                        H(_testid("title-details-languages") + "|" + _OLD.format("Language:") + "/a/text()")),
          parsers.text_list, 0.9),
    Field("color", (N("mainColumnData.technicalSpecifications.colorations.items[].text"),
                    H(_testid("title-techspec_color") + "|" + _OLD.format("Color:") + "/a/text()")), _text, 0.8),
    Field("directors", (J("director[].name"), N("mainColumnData.directors[].credits[].name.nameText.text"),
                        H('//span[@itemprop="director"]//span[@itemprop="name"]/text()')),
          parsers.text_list, 0.95),
    Field("writers", (J("creator[@type=Person].name"),
                      N("mainColumnData.writers[].credits[].name.nameText.text"),
                      H('//span[@itemprop="creator"]//span[@itemprop="name"]/text()')),
          parsers.text_list, 0.85),
    # JSON-LD lists only the top-billed few; the cast edges hold the billing order in full.
    Field("actors", (N("mainColumnData.cast.edges[].node.name.nameText.text"), J("actor[].name"),
                     H('//table[@class="cast_list"]//td[@itemprop="actor"]//span[@itemprop="name"]/text()'
                       '|//table[@class="cast_list"]//tr/td[2]/a/text()')),
          parsers.text_list, 0.95),
    # The page shows some keywords; the spider completes them from /keywords/ (see keyword_total).
    Field("keywords", (N("mainColumnData.keywords.edges[].node.text"), J("keywords"),
                       H('//div[@itemprop="keywords"]/a/span/text()')), _keywords, 0.8),
    Field("description", (J("description"), N("aboveTheFoldData.plot.plotText.plainText"),
                          H('//div[@class="summary_text"]/text()')), _text, 0.95),
    Field("budget", (N("mainColumnData.productionBudget.budget"),
                     H(_testid("title-boxoffice-budget") + "|" + _OLD.format("Budget:") + "/text()")),
          _first(parsers.money), 0.2),
    Field("gross_worldwide", (N("mainColumnData.worldwideGross.total"),
                              H(_testid("title-boxoffice-cumulativeworldwidegross") + "|"
                                + _OLD.format("Cumulative Worldwide Gross:") + "/text()")),
          _first(parsers.money), 0.2),
    Field("poster_url", (J("image"), N("aboveTheFoldData.primaryImage.url"),
                         H('//div[@class="poster"]//img/@src')), _text, 0.9),
    Field("trailer_urls", (N("aboveTheFoldData.primaryVideos.edges[].node.playbackURLs[].url"),
                           J("trailer.contentUrl")),
          parsers.text_list, 0.3),
)
# fmt: on
FIELD_NAMES = tuple(f.name for f in FIELDS)
EXPECTED_FILL = {f.name: f.expected for f in FIELDS}

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
                items = [i for i in items if isinstance(i, dict) and i.get(attr.strip()) == wanted.strip()]
            nxt.extend(items)
        values = nxt
        if not values:
            return None
    return values if many else values[0]


@dataclass
class Blocks:
    """The machine-readable blocks of one page, parsed once."""

    jsonld: dict[str, Any] | None
    next: dict[str, Any] | None
    html: str
    problems: list[str]
    _selector: Any = None

    def xpath(self, query: str) -> list[str]:
        if self._selector is None:
            from parsel import Selector  # only pages without __NEXT_DATA__ pay for a DOM

            self._selector = Selector(text=self.html)
        return [v for v in self._selector.xpath(query).getall() if v.strip()]


def _title_jsonld(raw: str) -> dict[str, Any] | None:
    data = orjson.loads(raw)
    candidates = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    for node in candidates:
        if isinstance(node, dict) and node.get("@type") not in (None, "BreadcrumbList", "Organization"):
            return node
    return None


def _scripts(html: str, marker: str, pattern: re.Pattern[str]) -> list[str]:
    """Bodies of the script elements whose opening tag holds ``marker``: plain ``str.find`` on the
    usual spelling (several times faster than a regex over the page), the regex when that fails."""
    bodies, pos = [], 0
    while (at := html.find(marker, pos)) != -1:
        tag = html.rfind("<script", 0, at)
        start = html.find(">", at) + 1
        end = html.find("</script>", start)
        if tag == -1 or start == 0 or end == -1 or ">" in html[tag:at]:
            return pattern.findall(html)
        bodies.append(html[start:end])
        pos = end
    return bodies or pattern.findall(html)


def read_blocks(html: str) -> Blocks:
    """Find and decode JSON-LD and ``__NEXT_DATA__`` without a DOM, so parsing stays fast."""
    problems: list[str] = []
    jsonld = next_props = None
    for raw in _scripts(html, 'type="application/ld+json"', _JSONLD_RE):
        try:
            jsonld = _title_jsonld(raw)
        except (ValueError, AttributeError) as exc:
            problems.append(f"page: JSON-LD block is not valid JSON ({exc.__class__.__name__})")
        if jsonld:
            break
    next_raw = _scripts(html, 'id="__NEXT_DATA__"', _NEXT_RE)
    if next_raw:
        try:
            next_props = orjson.loads(next_raw[0])["props"]["pageProps"]
            if not isinstance(next_props, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            next_props = None
            problems.append("page: __NEXT_DATA__ block is not valid JSON or has no props.pageProps")
    if jsonld is None and next_props is None:
        problems.append("page: neither JSON-LD nor __NEXT_DATA__ found; fell back to HTML")
    elif next_props is None:
        problems.append("page: no __NEXT_DATA__ (old layout?); fields only it carries are null")
    return Blocks(jsonld, next_props, html, problems)


def _lookup(blocks: Blocks, source: Source) -> Any:
    if source.block == JSONLD:
        return resolve(blocks.jsonld, source.steps) if blocks.jsonld else None
    if source.block == NEXT:
        return resolve(blocks.next, source.steps) if blocks.next else None
    if blocks.next is not None:
        return None  # HTML is a fallback for pages that lack the page state, not a second opinion
    values = blocks.xpath(source.path)
    return values or None


def extract_fields(blocks: Blocks) -> tuple[dict[str, Any], list[str]]:
    """Every table field: the first source that parses wins; problems become warnings."""
    out: dict[str, Any] = {}
    warnings = list(blocks.problems)
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
                break
        out[spec.name] = value
    if out.get("votes") == 0:
        out["votes"] = None  # the page state writes voteCount 0 for "no ratings yet"
    return out, warnings


def imdb_id_of(blocks: Blocks, url: str) -> str | None:
    """The tt id from the page state, the JSON-LD url, or the page URL, in that order."""
    for candidate in (
        resolve(blocks.next, (("aboveTheFoldData", None), ("id", None))) if blocks.next else None,
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


def keyword_total(blocks: Blocks, shown: int) -> int | None:
    """How many keywords the title has in all (the page shows only some): the page state, else the
    old layout's "See All (N) »" link, else the modern chip list's "N more" link."""
    if blocks.next:
        total = resolve(blocks.next, (("mainColumnData", None), ("keywords", None), ("total", None)))
        try:
            return parsers.integer(total)
        except ValueError:
            return None
    if found := _SEE_ALL_COUNT.search(blocks.html):
        return int(found[1].replace(",", ""))
    if found := _N_MORE.search(blocks.html):
        return shown + int(found[1].replace(",", ""))
    return None


def parse_search_page(html: str) -> tuple[list[str], int | None]:
    """Title ids of an advanced-search page (first batch only) and the total the query matches."""
    blocks = read_blocks(html)
    ids: list[str] = []
    total = None
    if blocks.next:
        ids = [i for i in resolve(blocks.next, SEARCH_IDS) or [] if isinstance(i, str)]
        try:
            total = parsers.integer(resolve(blocks.next, SEARCH_TOTAL))
        except ValueError:
            total = None
    if not ids:  # no page state: the result links themselves
        ids = _ID_RE.findall(html)
    return parsers.dedupe(ids), total


SEARCH_IDS = tuple(_compile("searchResults.titleResults.titleListItems[].titleId"))
SEARCH_TOTAL = tuple(_compile("searchResults.titleResults.total"))


def parse_title_page(html: str, url: str) -> tuple[dict[str, Any], list[str]]:
    """All Contract-1 page fields of one title page, plus the warnings met on the way."""
    blocks = read_blocks(html)
    fields, warnings = extract_fields(blocks)
    fields["imdb_id"] = imdb_id_of(blocks, url)
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
KEYWORD_PAGE_XPATH = (
    '//li[@data-testid="list-summary-item"]//a[contains(@class,"ipc-metadata-list-summary-item__t")]/text()'
    '|//td[@class="soda sodavote"]//a/text()'
)
