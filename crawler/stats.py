"""Fill rates per field (the layout-drift alarm) and ``stats.json`` at the end of every crawl."""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.config import CrawlConfig
from crawler.fields import EXPECTED_FILL, FIELD_NAMES
from crawler.state import CrawlState, crawl_state

logger = logging.getLogger(__name__)
# fields whose emptiness is information (a page without them is normal), not page fields
NOT_MEASURED = {"warnings", "poster_path", "poster_sha1", "url", "scraped_at", "source", "imdb_id", "field_sources"}
DRIFT_RATIO = 0.5  # "well below": under half the expected rate
DRIFT_MIN_ITEMS = 50
CHECK_EVERY = 1000


def filled(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def drifted(rates: dict[str, float], expected: dict[str, float], ratio: float = DRIFT_RATIO) -> list[str]:
    """Fields whose fill rate is under ``ratio`` × the expected rate."""
    return [name for name, want in expected.items() if want > 0 and rates.get(name, 0.0) < want * ratio]


class FillCounter:
    """Counts non-null values per field over every item in the items file (earlier runs included)."""

    def __init__(self, expected: dict[str, float]) -> None:
        self.expected = expected
        self.counts: Counter[str] = Counter()
        self.sources: dict[str, Counter[str]] = {}  # field -> source label -> items it filled
        self.total = 0
        self.warned: set[str] = set()

    @classmethod
    def for_config(cls, config: CrawlConfig) -> FillCounter:
        """Expected rates from crawler/fields.py, overridden per field by ``IMDB_EXPECTED_FILL``."""
        return cls({**EXPECTED_FILL, **config.expected_fill})

    def add(self, record: dict[str, Any]) -> None:
        self.total += 1
        self.counts.update(k for k, v in record.items() if k not in NOT_MEASURED and filled(v))
        for name, label in (record.get("field_sources") or {}).items():
            self.sources.setdefault(name, Counter())[label] += 1
        if self.total % CHECK_EVERY == 0:
            self.publish()

    def rates(self) -> dict[str, float]:
        return {name: round(self.counts[name] / self.total, 4) if self.total else 0.0 for name in FIELD_NAMES}

    def publish(self, final: bool = False) -> list[str]:
        """Warn (once per field per run) about fields far below their expected fill rate."""
        if self.total < DRIFT_MIN_ITEMS:
            return []
        rates = self.rates()
        low = drifted(rates, self.expected)
        for name in low:
            if name not in self.warned:
                self.warned.add(name)
                logger.warning(
                    "layout drift? field %r is filled in %.1f%% of %d items, expected about %.0f%%; check its "
                    "row in crawler/fields.py (or set IMDB_EXPECTED_FILL if this source lacks it)",
                    name, 100 * rates[name], self.total, 100 * self.expected[name])
        return low


class CrawlStatsExtension:
    """Writes ``IMDB_OUTPUT_DIR/stats.json``: requests by status, items, bytes, duration, fill rates."""

    def __init__(self, stats: StatsCollector, state: CrawlState) -> None:
        self.stats, self.state, self.config = stats, state, state.config  # state.fill: the writer's, read at the end
        self.started = time.monotonic()
        self.lookalike_misses: dict[str, int] = {}  # the spider's LookalikeCheck.misses (live), from spider_opened

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStatsExtension:
        extension = cls(crawler.stats, crawl_state(crawler))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        check = getattr(spider, "lookalikes", None)
        self.lookalike_misses = check.misses if check is not None else {}

    def spider_closed(self, reason: str) -> None:
        data = self.summary(reason)
        self.config.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.config.output_dir / "stats.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        tmp.replace(path)
        logger.info("imdb: %d items written (%d in the file), %.0f s; stats in %s",
                    data["items"], data["items_total"], data["duration_s"], path)

    def summary(self, reason: str) -> dict[str, Any]:
        stats = self.stats.get_stats()
        fill = self.state.fill
        duration = time.monotonic() - self.started
        by_status = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                     if k.startswith("downloader/response_status_count/")}
        failures = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                    if k.startswith("downloader/exception_type_count/")}
        pages = stats.get("downloader/response_count", 0)
        rates = fill.rates() if fill else {}
        return {
            "finish_reason": stats.get("imdb/stopped_by") or reason,
            "error": stats.get("imdb/error"),
            "items": stats.get("imdb/items_written", 0),
            "items_total": fill.total if fill else 0,
            "items_before_run": stats.get("imdb/items_before_run", 0),
            "duplicates_dropped": stats.get("imdb/items_duplicate_dropped", 0),
            "items_with_warnings": stats.get("imdb/items_with_warnings", 0),
            # titles that failed for good this run (not in the items file: the same command retries them)
            "titles_failed": stats.get("imdb/titles_failed", 0),
            "titles_failed_by_reason": {k.split("/", 2)[2]: v for k, v in stats.items()
                                        if k.startswith("imdb/titles_failed/")},
            "titles_failed_examples": stats.get("imdb/titles_failed_examples", []),
            "resume": {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("imdb/resume/")},
            "requests": {"total": stats.get("downloader/request_count", 0), "responses": pages,
                         "by_status": dict(sorted(by_status.items())), "failed_by_exception": failures,
                         "retries": {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("imdb/retry/")},
                         "retries_given_up": stats.get("retry/max_reached", 0),
                         "skipped_already_collected": stats.get("imdb/skipped_already_collected", 0)},
            # challenges, browser_solves, solve_failures, solve_seconds, pages_with_token, ... (crawler/challenge.py)
            "waf": {k.split("/", 2)[2]: round(v, 3) if isinstance(v, float) else v
                    for k, v in stats.items() if k.startswith("imdb/waf/")},
            "distributed": {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("distributed/")},
            "posters": {"stored": stats.get("imdb/posters/stored", 0), "failed": stats.get("imdb/posters/failed", 0),
                        "bytes": stats.get("imdb/posters/bytes", 0)},
            # Browser pages opened vs closed (Playwright) and Chromium sessions started (Selenium):
            # what keeps a long rendered crawl's memory flat.
            "browser": {"pages_opened": stats.get("playwright/page_count", 0),
                        "pages_closed": stats.get("playwright/page_count/closed", 0),
                        "max_concurrent_pages": stats.get("playwright/page_count/max_concurrent", 0),
                        "selenium_pages": stats.get("imdb/selenium/pages", 0),
                        "selenium_sessions": stats.get("imdb/selenium/sessions", 0)},
            "bytes": stats.get("downloader/response_bytes", 0),
            "duration_s": round(duration, 3),
            "pages_per_s": round(pages / duration, 2) if duration > 0 else None,
            "fill_rates": rates,
            # which source filled each field how often (crawler/fields.py labels): a layout change shows here first
            "field_sources": {name: dict(fill.sources[name].most_common()) for name in FIELD_NAMES
                              if fill and name in fill.sources},
            "expected_fill_rates": fill.expected if fill else {},
            "drift_fields": fill.publish(final=True) if fill else [],
            # per field, the pages with a page state that missed it: the look-alike warning looked at the first and
            # every IMDB_LOOKALIKE_EVERY-th of them (what its sampling hid)
            "lookalike_misses": dict(sorted(self.lookalike_misses.items())),
            "settings": {"render": self.config.render, "poster_width": self.config.poster_width,
                         "download_posters": self.config.download_posters,
                         "follow_keywords": self.config.follow_keywords, "gzip": self.config.jsonl_gzip,
                         "scheduler": self.config.scheduler,
                         **({"challenge_solver": self.config.challenge.solver}
                            if self.config.render == "challenge" else {})},
        }
