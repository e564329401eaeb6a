"""Downloader middlewares: the bot challenge, polite retries, resume skips and on-site redirects.

Rendering lives in ``crawler/browser.py``: both browsers are download handlers (scrapy-playwright,
and ``SeleniumDownloadHandler``) switched on by the spider's ``update_settings``. The plain download
handler is ``crawler/handlers.py``, the cache policy ``crawler/cache.py``, extensions ``crawler/extensions.py``.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message

from crawler.config import POSTER_HOSTS, RetryConfig
from crawler.control import StopCrawl, stopper
from crawler.extensions import quiet_network_tracebacks
from crawler.handlers import UNREACHABLE, BrowserCrashed
from crawler.responses import DATA_SELECTOR, is_challenge, is_truncated_page, retry_after_seconds
from crawler.state import crawl_state

logger = logging.getLogger(__name__)

WAF_MESSAGE = (  # {status}: a 202 from most edges, a 200 from some
    "IMDb answered with a bot challenge (HTTP {status}, x-amzn-waf-action: challenge) that only a real "
    "browser can pass; stopping early so nothing empty is written. Re-run with "
    "-s IMDB_RENDER=challenge (imdbkit crawl --render challenge), which lets Chromium pass the challenge "
    "once and crawls on over plain HTTP with its cookie."
)


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (works under both the asyncio and default reactors)."""
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    if seconds > 0:
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries plus exponential backoff with jitter, ``Retry-After`` honoured on 429/503
    (the whole domain pauses, not just the one request), and truncated pages retried."""

    def __init__(self, settings: BaseSettings, retry: RetryConfig, stats: StatsCollector, stop: StopCrawl) -> None:
        super().__init__(settings)  # Scrapy's RETRY_* settings
        self.retry_config, self.stats, self.stop = retry, stats, stop
        self.spider: Spider | None = None  # get_retry_request counts and logs through it (spider_opened)
        self.paused_until: dict[str, float] = {}  # domain -> monotonic time its Retry-After pause ends

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        quiet_network_tracebacks()
        middleware = cls(crawler.settings, crawl_state(crawler).config.retry, crawler.stats, stopper(crawler))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider

    async def process_request(self, request: Request) -> None:
        """A request to a domain under a Retry-After pause waits here until the pause ends."""
        domain = urlsplit(request.url).hostname or ""
        while (left := self.paused_until.get(domain, 0.0) - time.monotonic()) > 0:
            await sleep(left)

    def backoff(self, request: Request) -> float:
        tries = request.meta.get("retry_times", 0)
        base = self.retry_config.backoff_base * (2**tries)
        return min(self.retry_config.backoff_max, base * random.uniform(0.5, 1.5))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        if response.status not in self.retry_http_codes and not is_truncated_page(request, response):
            return response
        reason = "truncated page" if response.status == 200 else response_status_message(response.status)
        stats = self.stats
        stats.inc_value(f"imdb/retry/{'truncated' if response.status == 200 else response.status}")
        wait = None
        if response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                wait = min(wait, self.retry_config.after_max)
                stats.inc_value("imdb/retry/retry_after_honoured")
                self.pause_domain(request, wait)
        retry = self.retry_request(request, reason)
        if retry is None:
            if response.status == 200:  # a page still cut off after every retry is a failure, never an item
                raise IgnoreRequest(f"page still cut off or not HTML after {request.meta.get('retry_times', 0)} retries")
            return response
        await sleep(self.backoff(request) if wait is None else wait)
        return retry

    def retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        """Scrapy's public ``get_retry_request`` with this middleware's RETRY_* settings (meta overrides them)."""
        meta = request.meta
        return get_retry_request(request, spider=self.spider, reason=reason,
                                 max_retry_times=meta.get("max_retry_times", self.max_retry_times),
                                 priority_adjust=meta.get("priority_adjust", self.priority_adjust),
                                 give_up_log_level=meta.get("give_up_log_level", self.give_up_log_level))

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        retry = None
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            retry = self.retry_request(request, exception)  # Scrapy 2.19 RetryMiddleware's rule, without its crawler
        if isinstance(retry, Request):
            self.stats.inc_value(f"imdb/retry/{type(exception).__name__}")
            await sleep(self.backoff(request))
        elif isinstance(exception, UNREACHABLE) and not self.stats.get_value("downloader/response_count"):
            self.give_up_unreachable(request, exception)
        return retry

    def give_up_unreachable(self, request: Request, exception: Exception) -> None:
        """Nothing ever answered and retries are spent: one sentence instead of a retry storm."""
        host = urlsplit(request.url).netloc
        self.stop("unreachable",
                  f"cannot reach {host} ({type(exception).__name__}); check -a base_url and that the site is up, "
                  "then run the same command again (with the same JOBDIR it resumes)", log=logger)

    def pause_domain(self, request: Request, seconds: float) -> None:
        """Hold every request to this domain for ``seconds`` (a longer pause already running stays)."""
        domain = urlsplit(request.url).hostname or ""
        self.paused_until[domain] = max(self.paused_until.get(domain, 0.0), time.monotonic() + seconds)


class BrowserFailureMiddleware:
    """With ``IMDB_RENDER`` set, a browser that cannot render even one page (Chromium will not start, or
    dies at once) stops the crawl with one sentence instead of failing every title to the end."""

    LIMIT = 3  # browser errors before the first rendered page

    def __init__(self, render: str, binary: str, chromium: str, stop: StopCrawl) -> None:
        self.render = render  # IMDB_RENDER (not "none")
        self.binary, self.chromium = binary, chromium  # what the render starts, and Chromium: for the message
        self.stop = stop
        self.rendered = False
        self.failures = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserFailureMiddleware:
        config = crawl_state(crawler).config
        if config.render == "none":
            raise NotConfigured("no browser to watch")
        return cls(config.render, config.browser_binary, config.browsers.chromium, stopper(crawler))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("imdb_page"):
            self.rendered = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        module = type(exception).__module__
        from_browser = isinstance(exception, BrowserCrashed) or module.startswith(("playwright", "selenium"))
        if self.rendered or not from_browser:
            return None
        self.failures += 1
        if self.failures < self.LIMIT:
            return None
        first = (str(exception).strip().splitlines() or [""])[0][:200]
        message = (f"IMDB_RENDER={self.render}: the browser rendered no page ({self.failures} failures, "
                   f"last {type(exception).__name__}: {first}); check that {self.binary} starts here "
                   f"(`{self.chromium} --headless --no-sandbox --dump-dom about:blank`), "
                   "or drop IMDB_RENDER to crawl without a browser")
        self.stop("browser_failed", message, log=logger, error=True)
        return None


class WafChallengeMiddleware:
    """Never lets a challenge page become an item: counts it, retries it through the browser when
    one is configured, and otherwise closes the crawl once, with one message naming the setting."""

    MAX_BROWSER_TRIES = 3

    def __init__(self, render: str, stats: StatsCollector, stop: StopCrawl) -> None:
        self.render, self.stats, self.stop = render, stats, stop  # render: IMDB_RENDER

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WafChallengeMiddleware:
        return cls(crawl_state(crawler).config.render, crawler.stats, stopper(crawler))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if not request.meta.get("imdb_page") or not is_challenge(response):
            return response
        stats = self.stats
        stats.inc_value("imdb/waf/challenges")
        if self.render == "none":
            stats.inc_value("imdb/waf/ignored")
            self.stop("waf_challenge", WAF_MESSAGE.format(status=response.status), log=logger)
            raise IgnoreRequest("WAF challenge")
        tries = request.meta.get("imdb_waf_tries", 0) + 1
        if tries > self.MAX_BROWSER_TRIES:
            stats.inc_value("imdb/waf/gave_up")
            logger.warning("still challenged after %d browser tries: %s", tries - 1, request.url)
            raise IgnoreRequest("WAF challenge persisted in the browser")
        stats.inc_value("imdb/waf/browser_retries")
        meta = {**request.meta, "imdb_waf_tries": tries, **browser_meta(self.render)}
        return request.replace(meta=meta, dont_filter=True)


def browser_meta(render: str) -> dict[str, Any]:
    """Request meta that sends a page through the configured browser."""
    if render == "playwright":
        from scrapy_playwright.page import PageMethod

        return {"playwright": True, "playwright_page_methods": [
            PageMethod("wait_for_selector", DATA_SELECTOR, state="attached", timeout=15_000)]}
    if render == "selenium":
        return {"selenium": True}
    return {}


class SkipCollectedMiddleware:
    """On resume, drop requests for titles already in items.jsonl (the JOBDIR queue may hold some)."""

    def __init__(self, stats: StatsCollector, collected: set[str]) -> None:
        self.stats, self.collected = stats, collected  # the live set the JSONL writer fills

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipCollectedMiddleware:
        return cls(crawler.stats, crawl_state(crawler).collected_ids)

    def process_request(self, request: Request) -> None:
        imdb_id = request.meta.get("imdb_id")
        if imdb_id and request.meta.get("imdb_page") and imdb_id in self.collected:
            self.stats.inc_value("imdb/skipped_already_collected")
            raise IgnoreRequest(f"{imdb_id} is already in the items file")


class OnSiteRedirectsMiddleware:
    """Redirects stay on the spider's allowed domains over http(s). Title requests carry ``dont_filter``
    (a resumed or re-queued title must not be deduplicated away), which also makes Scrapy's offsite
    check let their redirects go anywhere; this refuses them, and the spider's errback records it."""

    def __init__(self, stats: StatsCollector, allowed_domains: Iterable[str] = ()) -> None:
        self.stats = stats
        self.allow(allowed_domains)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OnSiteRedirectsMiddleware:
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """The spider's ``allowed_domains`` (as Scrapy's offsite middleware reads them)."""
        self.allow(getattr(spider, "allowed_domains", None) or [])

    def allow(self, domains: Iterable[str]) -> None:
        """Posters may go to every allowed domain; pages only to those that are not image hosts."""
        self.poster_domains = [d for d in domains if d]
        self.page_domains = [d for d in self.poster_domains if d not in POSTER_HOSTS]

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return
        domains = self.poster_domains if request.meta.get("imdb_poster") else self.page_domains
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if parts.scheme in ("http", "https") and any(host == d or host.endswith(f".{d}") for d in domains):
            return
        self.stats.inc_value("imdb/redirects_off_site")
        raise IgnoreRequest(f"redirected off site to {request.url[:200]} from {request.meta['redirect_urls'][0]}")
