"""Advanced-search paging in a real browser: click "50 more" until enough results are listed.

The first 50 results are in the page state; later batches are fetched by the page's own
JavaScript when the button is clicked, which only a browser (here Playwright) can do.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.items import ID_PATTERN

logger = logging.getLogger(__name__)
MORE_BUTTON = ".ipc-see-more__button, button:has-text('50 more')"
RESULT_LINKS = ".ipc-metadata-list-summary-item a[href*='/title/tt']"
_ID = re.compile(rf"/title/({ID_PATTERN})")
_COUNT_JS = "([sel, n]) => document.querySelectorAll(sel).length > n"


async def listed_ids(page: Any) -> list[str]:
    hrefs = await page.eval_on_selector_all(RESULT_LINKS, "els => els.map(e => e.getAttribute('href'))")
    found = (_ID.search(h or "") for h in hrefs)
    return list(dict.fromkeys(m[1] for m in found if m))


async def click_more(page: Any, max_results: int, stats: Any, timeout_ms: int = 20_000) -> list[str]:
    """Ids listed after clicking "50 more" as often as needed (or until the button disappears)."""
    from playwright.async_api import Error as PlaywrightError

    ids = await listed_ids(page)
    while len(ids) < max_results:
        button = page.locator(MORE_BUTTON).first
        if not await button.count():
            break
        links = await page.eval_on_selector_all(RESULT_LINKS, "els => els.length")
        try:
            await button.click(timeout=timeout_ms)
            await page.wait_for_function(_COUNT_JS, arg=[RESULT_LINKS, links], timeout=timeout_ms)
        except PlaywrightError as exc:
            logger.warning("search: '50 more' stopped answering after %d results (%s)", len(ids),
                           str(exc).splitlines()[0])
            break
        stats.inc_value("imdb/search/more_clicks")
        ids = await listed_ids(page)
    return ids
