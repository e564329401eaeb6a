"""Real-browser rendering in Debian's Chromium: Playwright settings and a Selenium download handler.

Never downloads a browser or a driver: Playwright gets ``executable_path`` and Selenium a
``Service(executable_path=...)`` for /usr/bin/chromedriver, so Selenium Manager is not consulted.
"""
from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings

from crawler.config import CHROMIUM_FLAGS, BrowserConfig, CrawlConfig, SeleniumConfig
from crawler.handlers import AccountedHTTPDownloadHandler, BrowserCrashed
from crawler.responses import DATA_SELECTOR
from crawler.state import crawl_state

logger = logging.getLogger(__name__)


def apply_playwright_settings(settings: BaseSettings, config: CrawlConfig) -> None:
    """Route http(s) through scrapy-playwright (only requests with ``meta['playwright']`` use it)."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
    options = dict(config.playwright.launch_options)
    options.setdefault("executable_path", config.browsers.chromium)
    options.setdefault("headless", True)
    options.setdefault("args", list(CHROMIUM_FLAGS))
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")


def apply_selenium_settings(settings: BaseSettings) -> None:
    """Route http(s) through ``SeleniumDownloadHandler`` (only ``meta['selenium']`` requests render)."""
    handler = "crawler.browser.SeleniumDownloadHandler"
    settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")


def selenium_options(chromium: str, user_agent: str, profile: str) -> Any:
    """ChromeOptions for Debian's Chromium: the project's flags, a throw-away profile, and the same
    honest user agent (with IMDB_CONTACT) as plain requests: a polite browser says who it is."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--user-agent={user_agent}"):
        options.add_argument(flag)
    return options


@dataclass(frozen=True)
class Document:
    """What Chromium's network log says about the main frame's last document."""

    status: int | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None


# Headers that described the bytes on the wire, not the rendered DOM Scrapy gets.
WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}
NET_ERRORS: dict[str, type[Exception]] = {
    "ERR_CONNECTION_REFUSED": DownloadConnectionRefusedError, "ERR_NAME_NOT_RESOLVED": CannotResolveHostError,
    "ERR_TIMED_OUT": DownloadTimeoutError, "ERR_CONNECTION_TIMED_OUT": DownloadTimeoutError,
    "ERR_CONTENT_LENGTH_MISMATCH": ResponseDataLossError, "ERR_INCOMPLETE_CHUNKED_ENCODING": ResponseDataLossError,
}


def main_document(messages: list[dict[str, Any]], frame_id: str) -> Document:
    """Status, headers and network error of the main frame's last Document, from CDP Network events
    (a WAF challenge page and the page its script reloads are two documents: the last one counts)."""
    last: str | None = None
    found: dict[str, Document] = {}
    for message in messages:
        method, params = message.get("method"), message.get("params", {})
        if params.get("type") != "Document":
            continue
        request_id = params.get("requestId")
        if method == "Network.responseReceived" and params.get("frameId") == frame_id:
            response = params.get("response", {})
            headers = {name: str(value).split("\n") for name, value in response.get("headers", {}).items()
                       if name.lower() not in WIRE_HEADERS}
            found[request_id], last = Document(int(response.get("status", 0)), headers), request_id
        elif method == "Network.requestWillBeSent" and params.get("frameId") == frame_id:
            last = request_id
        elif method == "Network.loadingFailed" and request_id == last:
            doc = found.get(request_id, Document())
            found[request_id] = Document(doc.status, doc.headers, str(params.get("errorText", "net::ERR_FAILED")))
    return found.get(last, Document()) if last else Document()


def network_error(text: str, url: str) -> Exception:
    """Chromium's ``net::ERR_…`` as the Scrapy exception the retry middleware knows."""
    cls = next((c for n, c in NET_ERRORS.items() if n in text), DownloadFailedError)
    return cls(f"{text.strip().splitlines()[0]} ({url})")


@dataclass(frozen=True)
class Rendered:
    url: str
    status: int
    headers: dict[str, list[str]]
    html: str


class SeleniumDownloadHandler(AccountedHTTPDownloadHandler):
    """Renders requests marked ``meta['selenium']`` in headless Chromium through chromedriver; all
    other requests (robots.txt, posters) go through the plain HTTP handler.

    Being a download handler, not a middleware, keeps rendered pages inside Scrapy's per-domain
    slots, so DOWNLOAD_DELAY, AutoThrottle, CONCURRENT_REQUESTS_PER_DOMAIN and Retry-After pauses
    hold as for plain pages. The response carries the real status and headers of the main document
    (from Chromium's network log), so 429/503/500 are retried like any other. WebDriver calls block:
    they run in ``IMDB_SELENIUM_DRIVERS`` threads, one driver per thread, each restarted every
    ``IMDB_SELENIUM_RESTART_EVERY`` pages so memory stays flat on long crawls.
    """

    def __init__(self, crawler: Crawler, selenium: SeleniumConfig, browsers: BrowserConfig, user_agent: str) -> None:
        super().__init__(crawler)  # Scrapy's HTTP handler (robots.txt, posters) requires the crawler
        self.browsers, self.user_agent = browsers, user_agent
        self.stats = crawler.stats
        self.workers = selenium.drivers
        self.restart_every = selenium.restart_every
        self.timeout = selenium.timeout
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="selenium")
        self.local = threading.local()
        self.drivers: list[tuple[Any, str]] = []
        self.lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeleniumDownloadHandler:
        config = crawl_state(crawler).config
        handler = cls(crawler, config.selenium, config.browsers, config.user_agent)
        crawler.signals.connect(handler.spider_closed, signal=signals.spider_closed)
        return handler

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("selenium"):
            return await super().download_request(request)
        loop = asyncio.get_running_loop()
        page = await loop.run_in_executor(self.pool, self._render, request.url)
        self.stats.inc_value("imdb/selenium/pages")
        return HtmlResponse(page.url, status=page.status, headers=page.headers, body=page.html.encode("utf-8"),
                            encoding="utf-8", request=request, flags=["selenium"])

    def _driver(self) -> Any:
        driver = getattr(self.local, "driver", None)
        if driver is not None and self.local.pages >= self.restart_every:
            self._quit(driver)
            driver = None
        if driver is None:
            driver = self._start()
            self.local.driver, self.local.pages = driver, 0
        self.local.pages += 1
        return driver

    def _start(self) -> Any:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        profile = tempfile.mkdtemp(prefix="imdbkit-selenium-")
        options = selenium_options(self.browsers.chromium, self.user_agent, profile)
        # the network log is the only place WebDriver exposes a document's status and headers
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        driver = webdriver.Chrome(service=Service(executable_path=self.browsers.chromedriver), options=options)
        driver.set_page_load_timeout(self.timeout)
        self.stats.inc_value("imdb/selenium/sessions")
        with self.lock:
            self.drivers.append((driver, profile))
        return driver

    def _render(self, url: str) -> Rendered:
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        driver = self._driver()
        try:
            driver.get(url)
        except TimeoutException:
            raise DownloadTimeoutError(f"page load took over {self.timeout:g}s ({url})") from None
        except WebDriverException as exc:
            if "net::ERR_" in (exc.msg or ""):
                raise network_error(exc.msg[exc.msg.index("net::ERR_"):], url) from None
            self._quit(driver)  # chromedriver or Chromium died: the next page starts a fresh one
            self.local.driver = None
            raise BrowserCrashed(f"chromedriver failed: {(exc.msg or type(exc).__name__).splitlines()[0]}") from None
        status = self._navigation_status(driver)
        if status is None or 200 <= status < 300:
            try:  # a challenge page runs its script and reloads; wait until the real page is there
                WebDriverWait(driver, self.timeout).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, DATA_SELECTOR))
            except TimeoutException:
                logger.debug("no page state after %.0fs: %s", self.timeout, url)
        frame_id = driver.execute_cdp_cmd("Page.getFrameTree", {})["frameTree"]["frame"]["id"]
        messages = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
        document = main_document(messages, frame_id)
        if document.error:
            raise network_error(document.error, url)
        status = document.status or self._navigation_status(driver)
        if not status:
            raise DownloadFailedError(f"Chromium loaded no document ({url})")
        return Rendered(driver.current_url, status, document.headers, driver.page_source)

    @staticmethod
    def _navigation_status(driver: Any) -> int | None:
        """The HTTP status of the document now shown (Navigation Timing Level 2)."""
        status = driver.execute_script(
            "const e = performance.getEntriesByType('navigation')[0]; return e ? e.responseStatus : null;")
        return int(status) if status else None

    def _quit(self, driver: Any) -> None:
        with self.lock:
            entry = next((e for e in self.drivers if e[0] is driver), None)
            if entry:
                self.drivers.remove(entry)
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 - a driver that died on its own is already gone
            pass
        if entry:
            shutil.rmtree(entry[1], ignore_errors=True)

    def spider_closed(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for driver, _ in list(self.drivers):
            self._quit(driver)

    async def close(self) -> None:
        self.spider_closed()
        await super().close()
