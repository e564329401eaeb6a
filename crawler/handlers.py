"""The plain HTTP download handler, and the download failures the handlers raise.

Rendering handlers live in ``crawler/browser.py`` (Selenium) and scrapy-playwright; both are subclasses
or peers of this one, so every failure reaches the retry middleware and is counted in ``stats.json``.
"""
from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)

# the network's answer when nothing is there: retried, and after the last retry one sentence (no storm)
UNREACHABLE = (DownloadConnectionRefusedError, CannotResolveHostError, DownloadTimeoutError)


class BrowserCrashed(DownloadFailedError):
    """chromedriver or Chromium died while rendering a page (retried like any failed download)."""


class AccountedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler without Twisted's silent second try of a GET whose reused keep-alive
    connection was reset: the reset reaches the retry middleware, so stats.json counts every failure."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool.retryAutomatically = False
