"""BackoffRetryMiddleware's domain-wide Retry-After pause, without a crawl."""
from __future__ import annotations

from scrapy import Request


def test_a_retry_after_holds_every_request_to_that_domain_and_no_other(monkeypatch) -> None:
    """The domain-wide Retry-After pause lives in the middleware (no private downloader timer): a request
    to the paused domain waits out what is left of the pause, one to another domain goes at once."""
    import asyncio

    from scrapy.utils.test import get_crawler

    from crawler import middlewares

    middleware = middlewares.BackoffRetryMiddleware.from_crawler(get_crawler())
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)
        middleware.paused_until.clear()  # time passes: the pause is over

    monkeypatch.setattr(middlewares, "sleep", fake_sleep)
    middleware.pause_domain(Request("https://www.imdb.com/title/tt0000001/"), 30)
    middleware.pause_domain(Request("https://www.imdb.com/title/tt0000002/"), 5)  # a shorter one keeps the longer
    asyncio.run(middleware.process_request(Request("https://m.media-amazon.com/images/M/x._V1_.jpg")))
    assert waited == []
    asyncio.run(middleware.process_request(Request("https://www.imdb.com/title/tt0000003/")))
    assert len(waited) == 1 and 29 < waited[0] <= 30
