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

from crawler import parsers
from crawler.blocks import NEXT
from crawler.field_values import (
    _first,
    _int,
    _keywords,
    _names,
    _num,
    _original,
    _prose,
    _score,
    _text,
    _title_type,
    _year,
)
from crawler.sources import STATE_BLOCKS, Field, H, J, N, U


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

_HINTS = {spec.name: re.compile(r"^[^\t\n]*(?:" + "|".join(map(re.escape, spec.hints)) + r")[^\t\n]*\t([^\n]*)$",
                                re.M | re.I) for spec in FIELDS if spec.hints}
