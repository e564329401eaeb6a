"""Challenge mode without a browser: its settings, browser cookies as Scrapy's jar sends them, and the
middleware's waiting, re-solving and stopping with a fake solver."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler.challenge import ChallengeMiddleware, jar_cookie
from crawler.config import BrowserConfig, ChallengeConfig, ConfigError, CrawlConfig
from crawler.solvers import BrowserCookie, SolveFailed, has_token, playwright_cookie, selenium_cookie


def test_challenge_settings_are_typed_and_checked(tmp_path: Path) -> None:
    base = {"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_RENDER": "challenge"}
    config = CrawlConfig.from_settings(Settings(base))
    assert (config.render, config.challenge.solver, config.challenge.max_failures) == ("challenge", "playwright", 3)
    assert config.browser_binary == config.browsers.chromium
    selenium = CrawlConfig.from_settings(Settings({**base, "IMDB_CHALLENGE_SOLVER": "Selenium",
                                                   "IMDB_CHALLENGE_MAX_FAILURES": "5"}))
    assert (selenium.browser, selenium.browser_binary, selenium.challenge.max_failures) == (
        "selenium", "/usr/bin/chromedriver", 5)
    for bad, words in [({"IMDB_CHALLENGE_SOLVER": "firefox"}, "IMDB_CHALLENGE_SOLVER='firefox' is not one of"),
                       ({"COOKIES_ENABLED": "0"}, "drop COOKIES_ENABLED=0"),
                       ({"IMDB_CHALLENGE_MAX_FAILURES": "0"}, "at least 1"),
                       ({"IMDB_CHROMIUM": str(tmp_path / "none")}, "needs .*none")]:
        with pytest.raises(ConfigError, match=words):
            CrawlConfig.from_settings(Settings({**base, **bad}))


@pytest.mark.parametrize(("cookie", "url", "sent"), [
    # a host-only cookie on the mirror's address (the port is not part of a cookie's domain)
    ({"name": "aws-waf-token", "value": "abc:1", "domain": "127.0.0.1", "path": "/", "expires": -1},
     "http://127.0.0.1:8123/title/tt0133093/", True),
    # the live site's cookie, set for .imdb.com (Playwright's shape, then Selenium's)
    ({"name": "aws-waf-token", "value": "abc:1", "domain": ".imdb.com", "path": "/", "expires": 4102444800.0,
      "httpOnly": False, "secure": True}, "https://www.imdb.com/title/tt0133093/", True),
    ({"name": "aws-waf-token", "value": "abc:1", "domain": ".imdb.com", "path": "/", "expiry": 4102444800,
      "secure": True}, "https://www.imdb.com/title/tt0133093/", True),
    ({"name": "aws-waf-token", "value": "abc:1", "domain": ".imdb.com", "path": "/", "expires": 4102444800.0,
      "secure": True}, "http://www.imdb.com/title/tt0133093/", False),  # secure: https only
    ({"name": "aws-waf-token", "value": "abc:1", "domain": ".imdb.com", "path": "/", "expires": 1000.0},
     "https://www.imdb.com/title/tt0133093/", False),  # expired
    ({"name": "aws-waf-token", "value": "abc:1", "domain": "www.imdb.com", "path": "/"},
     "https://m.media-amazon.com/images/M/x.jpg", False),  # another site
])
def test_browser_cookies_reach_scrapys_cookie_header(cookie: dict, url: str, sent: bool) -> None:
    convert = selenium_cookie if "expiry" in cookie else playwright_cookie
    browser = convert(cookie)
    assert has_token([browser])
    middleware = CookiesMiddleware()
    middleware.jars[None].set_cookie(jar_cookie(browser))
    request = Request(url)
    middleware.process_request(request)
    assert (request.headers.get("Cookie") == b"aws-waf-token=abc:1") is sent, request.headers


def test_a_cookie_without_the_token_is_no_token() -> None:
    assert not has_token([BrowserCookie("session-id", "1", "127.0.0.1"), BrowserCookie("aws-waf-token", "", "x")])



class FakeSolver:
    """Hands out token after token (or fails), slowly enough for other requests to arrive meanwhile."""

    name = "fake"

    def __init__(self, fail: bool = False) -> None:
        self.fail, self.calls = fail, 0

    async def solve(self, url: str) -> list[BrowserCookie]:
        self.calls += 1
        await asyncio.sleep(0.05)
        if self.fail:
            raise SolveFailed("Chromium would not start")
        return [BrowserCookie("aws-waf-token", f"token{self.calls}", "127.0.0.1")]

    def close(self) -> None:
        return None


class Trip:
    """The middleware built from plain values (no crawler): a fake solver, the real cookie middleware after
    it, Scrapy's stats, and a stop that records closes."""

    def __init__(self, solver: FakeSolver) -> None:
        from functools import partial

        from scrapy.statscollectors import MemoryStatsCollector

        from crawler import control

        self.stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
        self.stats.open_spider()
        self.closed: list[str] = []
        self.cookies = CookiesMiddleware()
        self.middleware = ChallengeMiddleware(
            ChallengeConfig(), BrowserConfig(chromium=sys.executable), solver, self.stats,
            partial(control.stop, self.stats, self.closed.append),
            lambda r: self.cookies.jars[r.meta.get("cookiejar")])

    async def send(self, request: Request) -> Request:
        await self.middleware.process_request(request)
        self.cookies.process_request(request)
        return request

    async def answer(self, request: Request, challenged: bool) -> Any:
        kind = {"status": 202, "headers": {"x-amzn-waf-action": "challenge"}, "body": b"<script></script>"}
        page = {"status": 200, "body": b"<html><script id='__NEXT_DATA__'></script></html>"}
        response = HtmlResponse(request.url, request=request, **(kind if challenged else page))
        return await self.middleware.process_response(request, response)

    async def fetch(self, request: Request, challenged: bool) -> Any:
        return await self.answer(await self.send(request), challenged)


def title(n: int) -> Request:
    return Request(f"http://127.0.0.1:8000/title/tt{n:07d}/", meta={"imdb_page": True})


def test_one_solve_serves_every_waiting_request_and_a_dead_token_is_replaced() -> None:
    solver = FakeSolver()
    trip = Trip(solver)

    async def scenario() -> None:
        # five requests out before any token, challenged together: one browser solve, five retries
        first = [await trip.send(title(i)) for i in range(5)]
        retries = await asyncio.gather(*(trip.answer(r, challenged=True) for r in first))
        assert solver.calls == 1 and all(isinstance(r, Request) and r.dont_filter for r in retries)
        for retry in retries:
            assert (await trip.fetch(retry, challenged=False)).status == 200
            assert retry.headers.get("Cookie") == b"aws-waf-token=token1"
        stale = await trip.send(title(90))  # goes out with token1
        # token1 dies: the next challenge starts solve 2, and a request made meanwhile waits for it
        dying = asyncio.ensure_future(trip.fetch(title(5), challenged=True))
        await asyncio.sleep(0.01)
        late = asyncio.ensure_future(trip.send(title(91)))
        await asyncio.sleep(0.01)
        assert not late.done()
        retry = await dying
        assert (await late).headers.get("Cookie") == b"aws-waf-token=token2"
        assert (await trip.fetch(retry, challenged=False)).status == 200
        # a request that went out with the older token is challenged: it retries, no third solve
        assert isinstance(await trip.answer(stale, challenged=True), Request)
        assert solver.calls == 2

    asyncio.run(scenario())
    values = trip.stats.get_stats()
    assert values["imdb/waf/browser_solves"] == 2 and values["imdb/waf/pages_with_token"] == 6, values
    assert values["imdb/waf/challenges"] == 7 and "imdb/waf/tokens_refused" not in values, values
    assert values["imdb/waf/solve_seconds"] >= 0.1 and trip.closed == []


def test_failed_solves_stop_the_crawl_once_with_one_sentence() -> None:
    solver = FakeSolver(fail=True)
    trip = Trip(solver)

    async def scenario() -> None:
        request = title(1)
        for _ in range(2):  # a failed solve: the page is retried, and challenged again
            request = await trip.fetch(request, challenged=True)
            assert isinstance(request, Request)
        with pytest.raises(IgnoreRequest):  # the third failure in a row stops the crawl
            await trip.fetch(request, challenged=True)
        await asyncio.sleep(0)
        with pytest.raises(IgnoreRequest):  # and nothing more goes out
            await trip.send(title(2))

    asyncio.run(scenario())
    assert solver.calls == 3 and trip.closed == ["challenge_failed"]
    error = trip.stats.get_value("imdb/error")
    assert "3 tries in a row, last: Chromium would not start" in error and "\n" not in error
