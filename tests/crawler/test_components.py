"""Crawler components built from plain values, with no Crawler: stats, config parts, paths and a stop
that records the close (what ``from_crawler`` wires in a crawl)."""
from __future__ import annotations

import asyncio
import json
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector, StatsCollector

from crawler import control
from crawler.config import CrawlConfig, RetryConfig
from crawler.items import MovieItem
from crawler.state import CrawlState
from crawler.stats import FillCounter


def new_stats() -> StatsCollector:
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    stats.open_spider()
    return stats


def test_the_waf_middleware_stops_through_the_stop_it_was_given() -> None:
    from crawler.middlewares import WafChallengeMiddleware

    stats, closed = new_stats(), []
    middleware = WafChallengeMiddleware("none", stats, partial(control.stop, stats, closed.append))
    request = Request("https://www.imdb.com/title/tt0133093/", meta={"imdb_page": True})
    challenge = HtmlResponse(request.url, status=202, headers={"x-amzn-waf-action": "challenge"},
                             body=b"<script></script>", request=request)
    for _ in range(2):
        with pytest.raises(IgnoreRequest):
            asyncio.run(middleware.process_response(request, challenge))
    assert closed == ["waf_challenge"] and stats.get_value("imdb/waf/challenges") == 2
    assert stats.get_value("imdb/stopped_by") == "waf_challenge"


def test_an_unreachable_site_stops_the_retry_middleware_once_its_retries_are_spent(monkeypatch) -> None:
    from crawler import middlewares

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(middlewares, "sleep", no_wait)
    stats, closed = new_stats(), []
    settings = Settings({"RETRY_ENABLED": True, "RETRY_TIMES": 1, "RETRY_HTTP_CODES": [503],
                         "RETRY_PRIORITY_ADJUST": -1, "RETRY_GIVE_UP_LOG_LEVEL": "ERROR",
                         "RETRY_EXCEPTIONS": ["scrapy.exceptions.DownloadConnectionRefusedError"]})
    middleware = middlewares.BackoffRetryMiddleware(settings, RetryConfig(), stats,
                                                    partial(control.stop, stats, closed.append))
    middleware.spider_opened(SimpleNamespace(crawler=SimpleNamespace(stats=stats, settings=settings)))  # get_retry_request
    request, error = Request("http://127.0.0.1:9/title/tt0000001/"), DownloadConnectionRefusedError("refused")
    retry = asyncio.run(middleware.process_exception(request, error))
    assert isinstance(retry, Request) and closed == []
    assert asyncio.run(middleware.process_exception(retry, error)) is None
    assert closed == ["unreachable"] and stats.get_value("imdb/retry/DownloadConnectionRefusedError") == 1


def test_the_writer_progress_and_stats_work_on_plain_values(tmp_path: Path) -> None:
    from crawler.pipelines import JsonlWriterPipeline
    from crawler.progress import ProgressExtension
    from crawler.stats import CrawlStatsExtension

    stats = new_stats()
    state = CrawlState(CrawlConfig(output_dir=tmp_path))
    state.fill = FillCounter.for_config(state.config)
    writer = JsonlWriterPipeline(stats, state.config.items_path, state.collected_ids, state.fill)
    writer.open_spider()
    writer.process_item(MovieItem(imdb_id="tt0000001", title="One"))
    writer.close_spider()
    assert state.collected_ids == {"tt0000001"}
    ProgressExtension(stats, tmp_path / "progress.json", 1.0).write(finished=True)
    assert json.loads((tmp_path / "progress.json").read_text())["items"] == 1
    CrawlStatsExtension(stats, state).spider_closed("finished")
    report = json.loads((tmp_path / "stats.json").read_text())
    assert (report["items"], report["items_total"], report["fill_rates"]["title"]) == (1, 1, 1.0)
