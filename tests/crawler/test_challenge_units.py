"""Challenge mode without a browser: its settings, and browser cookies as Scrapy's jar sends them."""
from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.settings import Settings

from crawler.challenge import jar_cookie
from crawler.config import ConfigError, CrawlConfig
from crawler.solvers import BrowserCookie, has_token, playwright_cookie, selenium_cookie


def test_challenge_settings_are_typed_and_checked(tmp_path: Path) -> None:
    base = {"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_RENDER": "challenge"}
    config = CrawlConfig.from_settings(Settings(base))
    assert (config.render, config.challenge_solver, config.challenge_max_failures) == ("challenge", "playwright", 3)
    assert config.browser_binary == config.chromium
    selenium = CrawlConfig.from_settings(Settings({**base, "IMDB_CHALLENGE_SOLVER": "Selenium",
                                                   "IMDB_CHALLENGE_MAX_FAILURES": "5"}))
    assert (selenium.browser, selenium.browser_binary, selenium.challenge_max_failures) == (
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
