"""The shared frontier: scrapy-redis' scheduler, with a lease on every title this worker pops."""
from __future__ import annotations

from typing import Any

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.keys import Keys, connect, imdb_id_of
from crawler.state import crawl_state


class LeasingScheduler(Scheduler):
    """scrapy-redis' scheduler that leases each popped title to this worker and lets requeued ids
    through the dupefilter (their keyword pages were already 'seen' by the dead worker)."""

    keys: Keys
    worker: str
    ids_client: redis.Redis

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        instance = super().from_crawler(crawler)  # scrapy-redis reads its own SCHEDULER_* settings
        config = crawl_state(crawler).config.redis
        instance.keys, instance.worker = Keys(config.prefix), config.worker
        instance.ids_client = connect(config.url)
        return instance

    def enqueue_request(self, request: Request) -> bool:
        try:
            return self._enqueue(request)
        except redis.RedisError:  # Redis down: the title's lease makes it come back (RedisCoordinator)
            self.stats.inc_value("distributed/redis_errors")
            return False

    def next_request(self) -> Request | None:
        try:
            return self._next()
        except redis.RedisError:
            self.stats.inc_value("distributed/redis_errors")
            return None

    def has_pending_requests(self) -> bool:
        try:
            return len(self) > 0
        except redis.RedisError:
            return True  # unknown: not idle; the coordinator decides when to give up

    def _enqueue(self, request: Request) -> bool:
        imdb_id = imdb_id_of(request)
        if imdb_id:
            self.ids_client.sadd(self.keys.all, imdb_id)
            if not request.dont_filter and self.ids_client.sismember(self.keys.requeued, imdb_id):
                request = request.replace(dont_filter=True)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def _next(self) -> Request | None:
        request = self.queue.pop(self.idle_before_close)
        if request is None:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        imdb_id = imdb_id_of(request)
        if imdb_id:
            self.ids_client.hset(self.keys.leases, imdb_id, self.worker)
        return request
