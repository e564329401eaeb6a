"""Real-browser rendering in Debian's Chromium: Playwright settings and a Selenium middleware.

Never downloads a browser or a driver: Playwright gets ``executable_path`` and Selenium a
``Service(executable_path=...)`` for /usr/bin/chromedriver, so Selenium Manager is not consulted.
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.settings import BaseSettings

from crawler.config import CHROMIUM_FLAGS, CrawlConfig

logger = logging.getLogger(__name__)
READY_SELECTOR = "script#__NEXT_DATA__, script[type='application/ld+json'], #__next, main"


def apply_playwright_settings(settings: BaseSettings, config: CrawlConfig) -> None:
    """Route http(s) through scrapy-playwright (only requests with ``meta['playwright']`` use it)."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    options.setdefault("executable_path", config.chromium)
    options.setdefault("headless", True)
    options.setdefault("args", list(CHROMIUM_FLAGS))
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")


class SeleniumMiddleware:
    """Renders requests marked ``meta['selenium']`` in headless Chromium through chromedriver.

    WebDriver calls block, so they run in a small thread pool, one driver per thread; each driver
    is restarted every ``IMDB_SELENIUM_RESTART_EVERY`` pages so memory stays flat on long crawls.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.config = CrawlConfig.from_settings(crawler.settings)
        if self.config.render != "selenium":
            raise NotConfigured
        self.crawler = crawler
        self.workers = max(1, crawler.settings.getint("IMDB_SELENIUM_DRIVERS", 2))
        self.restart_every = crawler.settings.getint("IMDB_SELENIUM_RESTART_EVERY", 200)
        self.timeout = crawler.settings.getfloat("IMDB_SELENIUM_TIMEOUT", 20.0)
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="selenium")
        self.local = threading.local()
        self.drivers: list[tuple[Any, str]] = []
        self.lock = threading.Lock()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeleniumMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> HtmlResponse | None:
        if not request.meta.get("selenium"):
            return None
        loop = asyncio.get_running_loop()
        url, html = await loop.run_in_executor(self.pool, self._render, request.url)
        self.crawler.stats.inc_value("imdb/selenium/pages")
        return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            flags=["selenium"])

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
        options = webdriver.ChromeOptions()
        options.binary_location = self.config.chromium
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=self.config.chromedriver), options=options)
        driver.set_page_load_timeout(self.timeout)
        with self.lock:
            self.drivers.append((driver, profile))
        return driver

    def _render(self, url: str) -> tuple[str, str]:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        driver = self._driver()
        driver.get(url)
        try:  # a challenge page runs its script and reloads; wait until the real page is there
            WebDriverWait(driver, self.timeout).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "script#__NEXT_DATA__, script[type='application/ld+json']"))
        except TimeoutException:
            logger.debug("no page state after %.0fs: %s", self.timeout, url)
        return driver.current_url, driver.page_source

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
        for driver, _ in list(self.drivers):
            self._quit(driver)
        self.pool.shutdown(wait=False, cancel_futures=True)
