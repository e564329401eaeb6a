"""Browsers that pass a WAF challenge once and hand back the cookies they end with (``IMDB_RENDER=challenge``).

A solver opens one page in Debian's Chromium, lets the site's own challenge script run (it earns the
``aws-waf-token`` cookie and reloads), waits until that cookie exists, and returns every cookie the
browser holds. The token is earned by the browser running the site's script; nothing here computes one.
Each solve starts a fresh browser and closes it, so no idle Chromium holds memory between solves.
"""
from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from crawler.config import CHROMIUM_FLAGS, CrawlConfig

WAF_COOKIE = "aws-waf-token"
POLL_S = 0.1


class SolveFailed(Exception):
    """The browser did not start, did not load the page, or ended without a WAF token (one line)."""


@dataclass(frozen=True)
class BrowserCookie:
    name: str
    value: str
    domain: str
    path: str = "/"
    expires: float | None = None  # Unix time; None for a session cookie
    secure: bool = False
    http_only: bool = False


class Solver(Protocol):
    name: str

    async def solve(self, url: str) -> list[BrowserCookie]: ...

    def close(self) -> None: ...


def first_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def has_token(cookies: list[BrowserCookie]) -> bool:
    return any(c.name == WAF_COOKIE and c.value for c in cookies)


class PlaywrightSolver:
    """Headless Chromium through Playwright's async API, in the crawl's own asyncio loop (no blocking)."""

    name = "playwright"

    def __init__(self, config: CrawlConfig) -> None:
        self.config = config

    async def solve(self, url: str) -> list[BrowserCookie]:
        from playwright.async_api import Error, async_playwright

        deadline = time.monotonic() + self.config.challenge.timeout
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=self.config.browsers.chromium, headless=True,
                                                  args=list(CHROMIUM_FLAGS),
                                                  timeout=self.config.challenge.timeout * 1000)
                try:
                    context = await browser.new_context(user_agent=self.config.user_agent)
                    page = await context.new_page()
                    # "commit": the challenge page reloads itself, so its load event may never come
                    await page.goto(url, wait_until="commit", timeout=self.config.challenge.timeout * 1000)
                    while True:
                        cookies = [playwright_cookie(c) for c in await context.cookies()]
                        if has_token(cookies) or time.monotonic() > deadline:
                            return cookies
                        await asyncio.sleep(POLL_S)
                finally:
                    await browser.close()
        except Error as exc:
            raise SolveFailed(first_line(exc)) from None

    def close(self) -> None:
        return None


def playwright_cookie(c: dict[str, Any]) -> BrowserCookie:
    expires = c.get("expires")
    return BrowserCookie(c["name"], c["value"], c.get("domain", ""), c.get("path") or "/",
                         float(expires) if expires and expires > 0 else None,
                         bool(c.get("secure")), bool(c.get("httpOnly")))


class SeleniumSolver:
    """Headless Chromium through chromedriver; WebDriver blocks, so a solve runs in a worker thread."""

    name = "selenium"

    def __init__(self, config: CrawlConfig) -> None:
        self.config = config
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="challenge-selenium")

    async def solve(self, url: str) -> list[BrowserCookie]:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._solve, url)

    def _solve(self, url: str) -> list[BrowserCookie]:
        from selenium import webdriver
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.chrome.service import Service

        from crawler.browser import selenium_options

        deadline = time.monotonic() + self.config.challenge.timeout
        profile = tempfile.mkdtemp(prefix="imdbkit-challenge-")
        driver = None
        try:
            driver = webdriver.Chrome(service=Service(executable_path=self.config.browsers.chromedriver),
                                      options=selenium_options(self.config.browsers.chromium, self.config.user_agent, profile))
            driver.set_page_load_timeout(self.config.challenge.timeout)
            try:
                driver.get(url)
            except TimeoutException:
                pass  # the cookie is what counts, not the load event
            while True:
                cookies = [selenium_cookie(c) for c in driver.get_cookies()]
                if has_token(cookies) or time.monotonic() > deadline:
                    return cookies
                time.sleep(POLL_S)  # a worker thread, not the reactor's
        except (WebDriverException, OSError) as exc:
            if isinstance(exc, OSError):
                raise SolveFailed(f"chromedriver: {first_line(exc)}") from None
            raise SolveFailed(f"chromedriver: {(exc.msg or type(exc).__name__).strip().splitlines()[0][:200]}") from None
        finally:
            if driver is not None:
                try:
                    driver.quit()
                except WebDriverException:
                    pass
            shutil.rmtree(profile, ignore_errors=True)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def selenium_cookie(c: dict[str, Any]) -> BrowserCookie:
    expiry = c.get("expiry")
    return BrowserCookie(c["name"], c["value"], c.get("domain", ""), c.get("path") or "/",
                         float(expiry) if expiry else None, bool(c.get("secure")), bool(c.get("httpOnly")))


def make_solver(config: CrawlConfig) -> Solver:
    return SeleniumSolver(config) if config.challenge.solver == "selenium" else PlaywrightSolver(config)
