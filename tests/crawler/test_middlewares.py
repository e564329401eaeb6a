"""The downloader middlewares without a crawl: challenge detection, the cache policy, Retry-After,
a browser that keeps dying, redirects off the site."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.cache import NoErrorsCachePolicy
from crawler.responses import is_challenge, retry_after_seconds
from tests.helpers.components import crawler_closing_into_a_list


def _response(status: int, body: bytes, headers: dict | None = None, flags: list | None = None) -> Response:
    request = Request("https://www.imdb.com/title/tt0133093/", meta={"imdb_page": True})
    return HtmlResponse(request.url, status=status, body=body, headers=headers, request=request, flags=flags)


def test_challenge_detection_and_cache_policy() -> None:
    page = b'<html><script type="application/ld+json">{}</script></html>'
    challenge = _response(202, b"<script>solve()</script>", {"x-amzn-waf-action": "challenge"})
    assert is_challenge(challenge) and is_challenge(_response(200, b"  "))
    assert is_challenge(_response(200, b"<script>solve()</script>", {"x-amzn-waf-action": "challenge"}))
    assert not is_challenge(_response(200, page))
    # a browser reports the first navigation's 202 but holds the real page after the script ran
    assert not is_challenge(_response(202, page, {"x-amzn-waf-action": "challenge"}, flags=["playwright"]))
    policy = NoErrorsCachePolicy(Settings({"HTTPCACHE_IGNORE_SCHEMES": []}))
    ok = _response(200, page)
    assert policy.should_cache_response(ok, ok.request)
    for bad in (challenge, _response(503, b"busy"), _response(200, b"<html><body>cut mid-pa")):
        assert not policy.should_cache_response(bad, bad.request)


def test_retry_after_forms() -> None:
    assert retry_after_seconds(b"2") == 2.0 and retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize(("exception", "counted"), [("crashed", True), ("timeout", False)])
def test_a_browser_that_dies_on_every_page_stops_the_crawl(exception: str, counted: bool, monkeypatch) -> None:
    """Chromium that starts but dies in every `driver.get` (BrowserCrashed) counts like one that never
    starts; an ordinary download error does not."""
    from scrapy.exceptions import DownloadTimeoutError

    from crawler.middlewares import BrowserCrashed, BrowserFailureMiddleware

    crawler, closed = crawler_closing_into_a_list(monkeypatch, {"IMDB_RENDER": "selenium"})
    middleware = BrowserFailureMiddleware.from_crawler(crawler)
    error = BrowserCrashed("chromedriver failed: disconnected") if exception == "crashed" else DownloadTimeoutError("slow")
    for _ in range(BrowserFailureMiddleware.LIMIT):
        assert middleware.process_exception(Request("http://127.0.0.1/title/tt0133093/"), error) is None
    assert closed == (["browser_failed"] if counted else [])
    assert (crawler.stats.get_value("imdb/stopped_by") == "browser_failed") == counted


def test_redirects_of_pages_stay_on_the_site_posters_may_use_the_image_hosts() -> None:


    from crawler.config import POSTER_HOSTS
    from crawler.middlewares import OnSiteRedirectsMiddleware

    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    middleware = OnSiteRedirectsMiddleware(stats, ["www.imdb.com", *POSTER_HOSTS])
    moved = {"redirect_urls": ["https://www.imdb.com/title/tt0133093/"]}
    middleware.process_request(Request("https://www.imdb.com/title/tt0133094/", meta=moved))  # on site: passes
    with pytest.raises(IgnoreRequest):  # a title page sent to an image host is not a title page
        middleware.process_request(Request("https://m.media-amazon.com/title/tt0133093/", meta=moved))
    poster = {**moved, "imdb_poster": True}
    middleware.process_request(Request("https://m.media-amazon.com/images/M/x._V1_.jpg", meta=poster))
    assert stats.get_value("imdb/redirects_off_site") == 1
