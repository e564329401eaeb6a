"""Distributed crawling on scrapy-redis: one frontier, one dupefilter and one id queue in Redis.

`-s IMDB_SCHEDULER=redis -s REDIS_URL=redis://HOST:PORT` turns every `scrapy crawl imdb` process
into a worker of one shared crawl. scrapy-redis shares the request queue and the dupefilter; it
loses the requests a worker had popped when that worker dies. This module adds what a long crawl
needs on top: a shared id queue (`push_ids`), leases (which live worker holds which id), a
heartbeat per worker, requeueing of a dead worker's ids, exactly-once item writes across workers,
idle close when the whole crawl is done, politeness per domain shared across workers (a Redis
token bucket and a shared Retry-After pause), and a clean stop when Redis stays away.
"""

from __future__ import annotations

from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from crawler.config import ConfigError, CrawlConfig, add_component, last_order, set_spider_setting
from crawler.distributed.admin import crawl_status, push_ids, reset
from crawler.distributed.cli import main
from crawler.distributed.coordinator import RedisCoordinator
from crawler.distributed.keys import ID_IN_URL, Keys, connect
from crawler.distributed.pipelines import ExactlyOncePipeline, MarkWrittenPipeline
from crawler.distributed.politeness import SharedPolitenessMiddleware
from crawler.distributed.scheduler import LeasingScheduler

# The component paths the settings name: one short path per component, whichever module holds it.
__all__ = ["ID_IN_URL", "ExactlyOncePipeline", "Keys", "LeasingScheduler", "MarkWrittenPipeline", "RedisCoordinator",
           "SharedPolitenessMiddleware", "apply_redis_settings", "connect", "crawl_status", "main", "push_ids", "reset"]


def apply_redis_settings(settings: BaseSettings, config: CrawlConfig | None = None) -> None:
    """Switch a crawl to the shared Redis frontier when `IMDB_SCHEDULER=redis`; no-op otherwise."""
    if config is None:
        try:
            config = CrawlConfig.from_settings(settings)
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
    if config.scheduler != "redis":
        return
    connect(config.redis.url)  # unreachable Redis: one sentence now, not a traceback from inside the engine later
    keys = Keys(config.redis.prefix)
    for name, value in (
        ("SCHEDULER", "crawler.distributed.LeasingScheduler"),
        ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
        ("SCHEDULER_PERSIST", True),  # a stopped worker must not wipe the shared frontier
        ("SCHEDULER_QUEUE_KEY", keys.requests), ("SCHEDULER_DUPEFILTER_KEY", keys.dupefilter),
        ("REDIS_START_URLS_KEY", keys.ids), ("MAX_IDLE_TIME_BEFORE_CLOSE", config.redis.idle_close_s),
        ("JOBDIR", None),  # the frontier lives in Redis; a JOBDIR queue would fork it
    ):
        set_spider_setting(settings, name, value)
    add_component(settings, "EXTENSIONS", "crawler.distributed.RedisCoordinator", 500)
    add_component(settings, "ITEM_PIPELINES", "crawler.distributed.ExactlyOncePipeline", 50)
    last = last_order(settings, "ITEM_PIPELINES", 800)
    add_component(settings, "ITEM_PIPELINES", "crawler.distributed.MarkWrittenPipeline", last + 1)
    add_component(settings, "DOWNLOADER_MIDDLEWARES", "crawler.distributed.SharedPolitenessMiddleware", 555)
