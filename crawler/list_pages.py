"""The other pages the spider reads: search results (advanced search, /find) and a title's /keywords/ page."""
from __future__ import annotations

import re

from crawler import parsers
from crawler.blocks import read_blocks
from crawler.field_values import _keywords
from crawler.items import ID_PATTERN
from crawler.scripts import Page
from crawler.sources import _compile, resolve

_ID_RE = re.compile(rf"/title/({ID_PATTERN})")


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

def parse_keywords_page(html: Page) -> list[str]:
    """Every plot keyword of a ``/keywords/`` page (``__NEXT_DATA__`` first, then HTML); ``html`` may be the
    response's bytes. Of the page state only the keys the keyword paths start at are decoded (one typed pass,
    `read_blocks`): a real page's state is mostly request, CMS and translation context (~0.2 MB), skipped unbuilt."""
    blocks = read_blocks(html, KEYWORD_STATE_KEYS)
    if blocks.next:
        for path in KEYWORD_PAGE_PATHS:
            found = resolve(blocks.next, path)
            if found:
                return _keywords(found)
    return _keywords(blocks.xpath(KEYWORD_PAGE_XPATH))


_KEYWORD_PATHS = (
    "contentData.data.title.keywords.edges[].node.keyword.text.text",
    "contentData.section.items[].rowTitle",
    "keywords.edges[].node.text",
)
KEYWORD_PAGE_PATHS = tuple(tuple(_compile(p)) for p in _KEYWORD_PATHS)
KEYWORD_STATE_KEYS = tuple(dict.fromkeys(p.split(".", 1)[0] for p in _KEYWORD_PATHS))  # of props.pageProps
# 2022–: the summary list; 2014–22: `td.sodavote` rows, whose keyword is the `.sodatext` link (the other
# links in the row are votes: "69 of 70 found this relevant").
KEYWORD_PAGE_XPATH = (
    '//li[@data-testid="list-summary-item"]//a[contains(@class,"ipc-metadata-list-summary-item__t")]/text()'
    '|//td[contains(@class,"sodavote")]/div[@class="sodatext"]/a/text()'
)
