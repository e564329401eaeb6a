"""Crawl control: the one way a component stops the crawl early (unreachable site, WAF, browser, Redis)."""
from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


def stop_crawl(crawler: Crawler, reason: str, message: str, log: logging.Logger = logger,
               error: bool = False) -> bool:
    """Close the crawl once, for ``reason``, with one logged sentence; False when it is already stopping.

    ``imdb/stopped_by`` (the reason ``stats.json`` reports) marks the first stop; ``error`` also keeps the
    sentence as ``imdb/error``. The close is not awaited: it waits for in-flight downloads, and the caller
    may be handling one of them (a deadlock)."""
    stats = crawler.stats
    if stats.get_value("imdb/stopped_by"):
        return False
    log.error(message)
    stats.set_value("imdb/stopped_by", reason)
    if error:
        stats.set_value("imdb/error", message)
    deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
    return True
