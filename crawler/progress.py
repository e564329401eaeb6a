"""``progress.json``: a small snapshot of a running crawl, rewritten every second, for `imdbkit crawl`'s bar.

The crawl runs as a subprocess whose log goes to ``crawl.log``; reading this file (atomically
replaced) is how the parent shows titles done, pages/s, retries and WAF challenges while it runs.
``IMDB_PROGRESS_INTERVAL`` (seconds, default 1; 0 turns it off) is read once when the crawl starts.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

from crawler.state import crawl_state

PROGRESS_FILE = "progress.json"


def snapshot(stats: dict[str, Any], elapsed: float, finished: bool = False) -> dict[str, Any]:
    """The counters the progress bar shows, from Scrapy's stats dict."""
    pages = stats.get("downloader/response_count", 0)
    return {
        "items": stats.get("imdb/items_written", 0),
        "titles_failed": stats.get("imdb/titles_failed", 0),
        "skipped": stats.get("imdb/skipped_already_collected", 0),
        "search_ids": stats.get("imdb/search/ids"),
        "pages": pages,
        "pages_per_s": round(pages / elapsed, 2) if elapsed > 0 else 0.0,
        "retries": sum(v for k, v in stats.items() if k.startswith("imdb/retry/") and k != "imdb/retry/retry_after_honoured"),
        "waf": stats.get("imdb/waf/challenges", 0),
        "elapsed_s": round(elapsed, 3),
        "finished": finished,
    }


class ProgressExtension:
    """Writes ``IMDB_OUTPUT_DIR/progress.json`` every ``IMDB_PROGRESS_INTERVAL`` seconds and once at the end."""

    def __init__(self, stats: StatsCollector, path: Path, interval: float) -> None:
        self.stats, self.path, self.interval = stats, path, interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        config = crawl_state(crawler).config
        if config.progress_interval <= 0:
            raise NotConfigured("IMDB_PROGRESS_INTERVAL is 0")
        extension = cls(crawler.stats, config.output_dir / PROGRESS_FILE, config.progress_interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.write)
        self.loop.start(self.interval, now=True)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.write(finished=True)

    def write(self, finished: bool = False) -> None:
        data = snapshot(self.stats.get_stats(), time.monotonic() - self.started, finished)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data) + "\n", encoding="utf-8")
            tmp.replace(self.path)
        except OSError:  # a progress file is a nicety: never fail a crawl over it
            pass


__all__ = ["PROGRESS_FILE", "ProgressExtension", "snapshot"]
