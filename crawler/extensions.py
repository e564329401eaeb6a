"""Crawl-wide extensions that are neither stats nor progress: a crash-safe JOBDIR and quiet network logs."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadFailedError, NotConfigured, ResponseDataLossError
from scrapy.statscollectors import StatsCollector

from crawler.handlers import UNREACHABLE

logger = logging.getLogger(__name__)


class NetworkErrorsWithoutTracebacks(logging.Filter):
    """A refused connection or a timeout is the network's fault, not a bug: log the line, not the stack."""

    QUIET = (*UNREACHABLE, ResponseDataLossError, DownloadFailedError)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.QUIET):
            record.exc_info, record.exc_text = None, None
        return True


def quiet_network_tracebacks() -> None:
    """Install the filter (once) on the loggers that print a failed download's stack."""
    for name in ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt", "scrapy.pipelines.files"):
        log = logging.getLogger(name)
        if not any(isinstance(f, NetworkErrorsWithoutTracebacks) for f in log.filters):
            log.addFilter(NetworkErrorsWithoutTracebacks())


class CrashSafeJobdir:
    """Scrapy writes a JOBDIR's request-queue bookkeeping only on a clean stop; after a SIGKILL its
    disk queues replay stale entries and silently lose new ones. A marker file tells a killed run
    from a paused one; a killed run's queue is discarded, and resuming relies on what is safe: the
    spider requests every title again and skips those already in items.jsonl."""

    MARKER = "imdbkit.running"

    def __init__(self, stats: StatsCollector, jobdir: Path) -> None:
        self.marker = jobdir / self.MARKER
        if self.marker.exists():
            logger.warning("the previous run in JOBDIR=%s was killed; its request queue is not crash-safe and is "
                           "discarded (titles already in items.jsonl are skipped, the rest requested again)", jobdir)
            shutil.rmtree(jobdir / "requests.queue", ignore_errors=True)
            stats.inc_value("imdb/resume/killed_run_queue_discarded")
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("a crawl is running or was killed\n")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrashSafeJobdir:
        from crawler.state import crawl_state

        jobdir = crawl_state(crawler).config.jobdir
        if jobdir is None:
            raise NotConfigured
        extension = cls(crawler.stats, jobdir)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self) -> None:
        self.marker.unlink(missing_ok=True)  # a clean stop or pause (Ctrl-C): the queue is trustworthy
