"""Crawler components built without a crawl: the JSONL writer on a folder, a crawler whose engine records its closes."""
from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.pipelines import JsonlWriterPipeline


def writer_crawler(tmp_path: Path, gz: bool) -> Crawler:
    return get_crawler(settings_dict={"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_JSONL_GZIP": gz})


def open_writer(tmp_path: Path, gz: bool, crawler: Crawler | None = None) -> JsonlWriterPipeline:
    """The JSONL writer as a crawl wires it (``from_crawler``), opened on ``tmp_path``."""
    crawler = crawler or writer_crawler(tmp_path, gz)
    writer = JsonlWriterPipeline.from_crawler(crawler)
    writer.open_spider()
    return writer


def crawler_closing_into_a_list(monkeypatch, settings: dict | None = None) -> tuple:
    """A crawler whose engine records each `close_spider_async(reason)` (no reactor in a unit test)."""
    import asyncio

    from crawler import control

    monkeypatch.setattr(control, "deferred_from_coro", asyncio.run)
    crawler = get_crawler(settings_dict=settings or {})
    crawler.stats.open_spider()
    closed: list[str] = []

    class Engine:
        async def close_spider_async(self, reason: str) -> None:
            closed.append(reason)

    crawler.engine = Engine()
    return crawler, closed
