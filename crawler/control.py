"""Crawl control: the one way a component stops the crawl early (unreachable site, WAF, browser, Redis).

A component gets a ``StopCrawl`` in ``__init__`` (``stopper(crawler)``, built in its ``from_crawler``), so it
can be built in a test from plain values: ``partial(stop, stats, closed.append)`` records the closes."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


class StopCrawl(Protocol):
    """``stop(reason, message, log=..., error=False)``: close the crawl once; False when already stopping."""

    def __call__(self, reason: str, message: str, log: logging.Logger = ..., error: bool = ...) -> bool: ...


def stop(stats: StatsCollector, close: Callable[[str], Any], reason: str, message: str,
         log: logging.Logger = logger, error: bool = False) -> bool:
    """Close the crawl once, for ``reason``, with one logged sentence; False when it is already stopping.

    ``imdb/stopped_by`` (the reason ``stats.json`` reports) marks the first stop; ``error`` also keeps the
    sentence as ``imdb/error``. ``close(reason)`` starts the engine's close."""
    if stats.get_value("imdb/stopped_by"):
        return False
    log.error(message)
    stats.set_value("imdb/stopped_by", reason)
    if error:
        stats.set_value("imdb/error", message)
    close(reason)
    return True


def stopper(crawler: Crawler) -> StopCrawl:
    """``stop`` on this crawler's stats and engine. The close is not awaited: it waits for in-flight
    downloads, and the caller may be handling one of them (a deadlock). The engine is looked up at call
    time: components are built before it exists, and one that stops the crawl while being built (the download
    handler) closes it as soon as the spider opens."""
    def close(reason: str) -> None:
        try:
            engine = crawler.engine
        except RuntimeError:  # Scrapy: "Crawler.engine is not set yet"
            crawler.signals.connect(lambda: close(reason), signal=signals.spider_opened, weak=False)
            return
        deferred_from_coro(engine.close_spider_async(reason=reason))

    return partial(stop, crawler.stats, close)

