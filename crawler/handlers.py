"""The plain HTTP download handler, and the download failures the handlers raise.

Rendering handlers live in ``crawler/browser.py`` (Selenium) and scrapy-playwright; both are subclasses
or peers of this one, so every failure reaches the retry middleware and is counted in ``stats.json``.
"""
from __future__ import annotations

import logging

import scrapy
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    NotConfigured,
)
from twisted.web.client import HTTPConnectionPool

from crawler.control import stopper

logger = logging.getLogger(__name__)

# the network's answer when nothing is there: retried, and after the last retry one sentence (no storm)
UNREACHABLE = (DownloadConnectionRefusedError, CannotResolveHostError, DownloadTimeoutError)


class BrowserCrashed(DownloadFailedError):
    """chromedriver or Chromium died while rendering a page (retried like any failed download)."""


class AccountedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler without Twisted's silent second try of a GET whose reused keep-alive
    connection was reset: the reset reaches the retry middleware, so stats.json counts every failure."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)  # Scrapy's base handler takes the crawler (settings, TLS, the pool's size)
        try:
            no_silent_resends(self)
        except RuntimeError as exc:
            # built with the engine: Scrapy would log a traceback, then fail every request as an unsupported
            # scheme; the crawl closes as the spider opens, with the sentence, and NotConfigured keeps Scrapy quiet
            stopper(crawler)("scrapy_incompatible", str(exc), log=logger, error=True)
            raise NotConfigured(str(exc)) from exc


def no_silent_resends(handler: HTTP11DownloadHandler) -> None:
    """Turn off Twisted's ``HTTPConnectionPool.retryAutomatically`` on the handler's connection pool.

    There is no public route: Scrapy 2.19 builds the pool inside ``HTTP11DownloadHandler.__init__`` and
    keeps it as ``_pool`` (no setting, no constructor argument, no hook), and Twisted only offers the
    flag on the pool itself. So this one line reads Scrapy's private attribute, and raises a one-sentence
    ``RuntimeError``, not silently, if a Scrapy release renames it; the handler then stops the crawl with that
    sentence (``imdb/error``, ``finish_reason`` ``scrapy_incompatible``, exit 1). ``tests/crawler/test_handlers.py``
    guards both, and what it is for: a reset kept-alive connection reaches the retry middleware and is counted."""
    pool = getattr(handler, "_pool", None)
    if not isinstance(pool, HTTPConnectionPool):
        raise RuntimeError(f"Scrapy {scrapy.__version__}'s HTTP11DownloadHandler no longer keeps its Twisted "
                           "connection pool as _pool; update crawler/handlers.py (no_silent_resends).")
    pool.retryAutomatically = False
