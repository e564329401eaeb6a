"""Exactly-once items across workers: drop what another worker wrote, mark done what this one wrote."""
from __future__ import annotations

from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector

from crawler.distributed.keys import Keys, connect
from crawler.state import crawl_state


def _item_id(item: Any) -> str | None:
    getter = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    value = getter("imdb_id", None)
    return value if isinstance(value, str) else None


class ExactlyOncePipeline:
    """Drops an item another worker already wrote (a requeued id whose first worker was only slow)."""

    def __init__(self, stats: StatsCollector, keys: Keys, client: redis.Redis, unmarked: set[str]) -> None:
        self.stats, self.keys, self.client = stats, keys, client
        self.unmarked = unmarked  # the crawl state's: written while Redis was away, marked by the coordinator

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        state = crawl_state(crawler)
        if state.config.scheduler != "redis":
            raise NotConfigured
        redis_config = state.config.redis
        return cls(crawler.stats, Keys(redis_config.prefix), connect(redis_config.url), state.unmarked)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        imdb_id = _item_id(item)
        try:
            seen = bool(imdb_id) and self.client.sismember(self.keys.done, imdb_id)
        except redis.RedisError:
            seen = False  # Redis away: write it (a duplicate is deduped by the build; a loss is forever)
        if seen:
            self.stats.inc_value("distributed/duplicates_dropped")
            raise DropItem(f"{imdb_id} was already written by another worker")
        return item


class MarkWrittenPipeline(ExactlyOncePipeline):
    """Runs right after the JSONL writer: records the title as done in Redis in the same step that
    wrote it. (The item_scraped signal comes later, after other items' writes: a worker killed in
    between left titles written but not done, which the others then crawled a second time.)"""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        imdb_id = _item_id(item)
        if imdb_id:
            try:
                with self.client.pipeline() as pipe:
                    pipe.sadd(self.keys.done, imdb_id)
                    pipe.hdel(self.keys.leases, imdb_id)
                    pipe.srem(self.keys.requeued, imdb_id)
                    pipe.execute()
            except redis.RedisError:
                self.unmarked.add(imdb_id)
        return item
