"""Downloader middlewares: the bot challenge, polite retries, resume skips and a careful cache.

Rendering lives in ``crawler/browser.py``: both browsers are download handlers (scrapy-playwright,
and ``SeleniumDownloadHandler``) switched on by the spider's ``update_settings``.
"""
from __future__ import annotations

import logging
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message

from crawler.config import POSTER_HOSTS, CrawlConfig
from crawler.stats import stop_crawl

logger = logging.getLogger(__name__)
UNREACHABLE = (DownloadConnectionRefusedError, CannotResolveHostError, DownloadTimeoutError)
# a rendered title page is ready once its data is in the DOM (both browser modes wait for it)
DATA_SELECTOR = "script#__NEXT_DATA__, script[type='application/ld+json']"


class BrowserCrashed(DownloadFailedError):
    """chromedriver or Chromium died while rendering a page (retried like any failed download)."""

WAF_MESSAGE = (  # {status}: a 202 from most edges, a 200 from some
    "IMDb answered with a bot challenge (HTTP {status}, x-amzn-waf-action: challenge) that only a real "
    "browser can pass; stopping early so nothing empty is written. Re-run with "
    "-s IMDB_RENDER=challenge (imdbkit crawl --render challenge), which lets Chromium pass the challenge "
    "once and crawls on over plain HTTP with its cookie."
)


def is_challenge(response: Response) -> bool:
    """A WAF challenge: ``x-amzn-waf-action: challenge`` (on a 202, or a 200 from some edges), or a
    2xx with an empty body. A Playwright page reports the status and headers of its first
    navigation, so a rendered page counts as passed once its content holds the page's data blocks."""
    if not 200 <= response.status < 300:
        return False
    body = response.body
    if not body.strip():
        return True
    action = response.headers.get(b"x-amzn-waf-action", b"").strip().lower()
    if action != b"challenge":
        return False
    rendered = "playwright" in response.flags or "selenium" in response.flags
    return not (rendered and (b"application/ld+json" in body or b"__NEXT_DATA__" in body))


def is_truncated_page(request: Request, response: Response) -> bool:
    """An HTML page cut off in transit: it never reaches ``</html>``."""
    if not request.meta.get("imdb_page") or response.status != 200 or not response.body:
        return False
    return b"</html>" not in response.body[-512:].lower()


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (works under both the asyncio and default reactors)."""
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    if seconds > 0:
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or garbage."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 and seconds == seconds else None
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class NetworkErrorsWithoutTracebacks(logging.Filter):
    """A refused connection or a timeout is the network's fault, not a bug: log the line, not the stack."""

    QUIET = (*UNREACHABLE, ResponseDataLossError, DownloadFailedError)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.QUIET):
            record.exc_info, record.exc_text = None, None
        return True


def quiet_network_tracebacks() -> None:
    for name in ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt", "scrapy.pipelines.files"):
        log = logging.getLogger(name)
        if not any(isinstance(f, NetworkErrorsWithoutTracebacks) for f in log.filters):
            log.addFilter(NetworkErrorsWithoutTracebacks())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries plus exponential backoff with jitter, ``Retry-After`` honoured on 429/503
    (the whole domain pauses, not just the one request), and truncated pages retried."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.config = CrawlConfig.from_settings(crawler.settings)
        quiet_network_tracebacks()
        return middleware

    def backoff(self, request: Request) -> float:
        tries = request.meta.get("retry_times", 0)
        base = self.config.retry_backoff_base * (2**tries)
        return min(self.config.retry_backoff_max, base * random.uniform(0.5, 1.5))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        if response.status not in self.retry_http_codes and not is_truncated_page(request, response):
            return response
        reason = "truncated page" if response.status == 200 else response_status_message(response.status)
        stats = self.crawler.stats
        stats.inc_value(f"imdb/retry/{'truncated' if response.status == 200 else response.status}")
        wait = None
        if response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                wait = min(wait, self.config.retry_after_max)
                stats.inc_value("imdb/retry/retry_after_honoured")
                self.pause_slot(request, wait)
        retry = self._retry(request, reason)
        if retry is None:
            if response.status == 200:  # a page still cut off after every retry is a failure, never an item
                raise IgnoreRequest(f"page still cut off or not HTML after {request.meta.get('retry_times', 0)} retries")
            return response
        await sleep(self.backoff(request) if wait is None else wait)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self.crawler.stats.inc_value(f"imdb/retry/{type(exception).__name__}")
            await sleep(self.backoff(request))
        elif isinstance(exception, UNREACHABLE) and not self.crawler.stats.get_value("downloader/response_count"):
            self.give_up_unreachable(request, exception)
        return retry

    def give_up_unreachable(self, request: Request, exception: Exception) -> None:
        """Nothing ever answered and retries are spent: one sentence instead of a retry storm."""
        host = urlsplit(request.url).netloc
        stop_crawl(self.crawler, "unreachable",
                   f"cannot reach {host} ({type(exception).__name__}); check -a base_url and that the site is up, "
                   "then run the same command again (with the same JOBDIR it resumes)", log=logger)

    def pause_slot(self, request: Request, seconds: float) -> None:
        """Hold every request to this domain for ``seconds`` through the downloader slot's timer."""
        try:
            from scrapy.utils.asyncio import call_later

            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            slot = downloader.slots.get(key)
            if slot is not None and slot.latercall is None:
                slot.latercall = call_later(seconds, downloader._latercall, slot)
        except (AttributeError, ImportError, TypeError):  # private API moved: the per-request wait still holds
            logger.debug("could not pause the downloader slot for %s", request.url)


class BrowserFailureMiddleware:
    """With ``IMDB_RENDER`` set, a browser that cannot render even one page (Chromium will not start, or
    dies at once) stops the crawl with one sentence instead of failing every title to the end."""

    LIMIT = 3  # browser errors before the first rendered page

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config = CrawlConfig.from_settings(crawler.settings)
        if self.config.render == "none":
            raise NotConfigured("no browser to watch")
        self.rendered = False
        self.failures = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserFailureMiddleware:
        return cls(crawler)

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
        message = (f"IMDB_RENDER={self.config.render}: the browser rendered no page ({self.failures} failures, "
                   f"last {type(exception).__name__}: {first}); check that {self.config.browser_binary} starts here "
                   f"(`{self.config.chromium} --headless --no-sandbox --dump-dom about:blank`), "
                   "or drop IMDB_RENDER to crawl without a browser")
        stop_crawl(self.crawler, "browser_failed", message, log=logger, error=True)
        return None


class WafChallengeMiddleware:
    """Never lets a challenge page become an item: counts it, retries it through the browser when
    one is configured, and otherwise closes the crawl once, with one message naming the setting."""

    MAX_BROWSER_TRIES = 3

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config = CrawlConfig.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WafChallengeMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if not request.meta.get("imdb_page") or not is_challenge(response):
            return response
        stats = self.crawler.stats
        stats.inc_value("imdb/waf/challenges")
        if self.config.render == "none":
            stats.inc_value("imdb/waf/ignored")
            stop_crawl(self.crawler, "waf_challenge", WAF_MESSAGE.format(status=response.status), log=logger)
            raise IgnoreRequest("WAF challenge")
        tries = request.meta.get("imdb_waf_tries", 0) + 1
        if tries > self.MAX_BROWSER_TRIES:
            stats.inc_value("imdb/waf/gave_up")
            logger.warning("still challenged after %d browser tries: %s", tries - 1, request.url)
            raise IgnoreRequest("WAF challenge persisted in the browser")
        stats.inc_value("imdb/waf/browser_retries")
        meta = {**request.meta, "imdb_waf_tries": tries, **browser_meta(self.config.render)}
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

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipCollectedMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        imdb_id = request.meta.get("imdb_id")
        collected = getattr(self.crawler.spider, "collected_ids", ())
        if imdb_id and request.meta.get("imdb_page") and imdb_id in collected:
            self.crawler.stats.inc_value("imdb/skipped_already_collected")
            raise IgnoreRequest(f"{imdb_id} is already in the items file")


class OnSiteRedirectsMiddleware:
    """Redirects stay on the spider's allowed domains over http(s). Title requests carry ``dont_filter``
    (a resumed or re-queued title must not be deduplicated away), which also makes Scrapy's offsite
    check let their redirects go anywhere; this refuses them, and the spider's errback records it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OnSiteRedirectsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        if not request.meta.get("imdb_poster"):  # the image hosts are allowed for posters; pages stay on the site
            domains = [d for d in domains if d not in POSTER_HOSTS]
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if parts.scheme in ("http", "https") and any(host == d or host.endswith(f".{d}") for d in domains if d):
            return
        self.crawler.stats.inc_value("imdb/redirects_off_site")
        raise IgnoreRequest(f"redirected off site to {request.url[:200]} from {request.meta['redirect_urls'][0]}")


class NoErrorsCachePolicy(DummyPolicy):
    """HTTP cache that keeps only complete 200 pages: never errors, challenges or truncated pages."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or is_challenge(response) or is_truncated_page(request, response):
            return False
        return super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        """A cache filled by an older, less careful policy must not replay a challenge."""
        return cachedresponse.status == 200 and not is_challenge(cachedresponse)


class AccountedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler without Twisted's silent second try of a GET whose reused keep-alive
    connection was reset: the reset reaches the retry middleware, so stats.json counts every failure."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool.retryAutomatically = False


class CrashSafeJobdir:
    """Scrapy writes a JOBDIR's request-queue bookkeeping only on a clean stop; after a SIGKILL its
    disk queues replay stale entries and silently lose new ones. A marker file tells a killed run
    from a paused one; a killed run's queue is discarded, and resuming relies on what is safe: the
    spider requests every title again and skips those already in items.jsonl."""

    MARKER = "imdbkit.running"

    def __init__(self, crawler: Crawler) -> None:
        import shutil
        from pathlib import Path

        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        self.marker = Path(jobdir) / self.MARKER
        if self.marker.exists():
            logger.warning("the previous run in JOBDIR=%s was killed; its request queue is not crash-safe and is "
                           "discarded (titles already in items.jsonl are skipped, the rest requested again)", jobdir)
            shutil.rmtree(Path(jobdir) / "requests.queue", ignore_errors=True)
            crawler.stats.inc_value("imdb/resume/killed_run_queue_discarded")
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("a crawl is running or was killed\n")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrashSafeJobdir:
        return cls(crawler)

    def spider_closed(self) -> None:
        self.marker.unlink(missing_ok=True)  # a clean stop or pause (Ctrl-C): the queue is trustworthy
