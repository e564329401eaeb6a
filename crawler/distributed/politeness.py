"""Per-domain politeness shared by every worker, through Redis."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from crawler.distributed.keys import EXTEND_PAUSE, TAKE_TOKEN, Keys, connect
from crawler.middlewares import sleep
from crawler.responses import retry_after_seconds
from crawler.state import crawl_state


class SharedPolitenessMiddleware:
    """Per-domain politeness for all workers together, through Redis: a token bucket of
    IMDB_REDIS_RATE requests/s (burst IMDB_REDIS_BURST; 0 = off) on the Redis server's clock, and a
    shared pause: a Retry-After on a 429/503 seen by one worker holds every worker's requests."""

    def __init__(self, stats: StatsCollector, keys: Keys, client: redis.Redis, rate: float, burst: float,
                 pause_max: float) -> None:
        self.stats, self.keys, self.client = stats, keys, client
        self.rate, self.burst, self.pause_max = rate, burst, pause_max
        self.take = client.register_script(TAKE_TOKEN)
        self.extend = client.register_script(EXTEND_PAUSE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        config = crawl_state(crawler).config
        if config.scheduler != "redis":
            raise NotConfigured
        return cls(crawler.stats, Keys(config.redis.prefix), connect(config.redis.url), config.redis.rate,
                   config.redis.burst, config.retry.after_max)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        domain = urlparse(request.url).hostname or ""
        try:
            while (paused_ms := self.client.pttl(self.keys.pause(domain))) > 0:
                self.stats.inc_value("distributed/paused_ms", paused_ms)
                await sleep(paused_ms / 1000)
            while self.rate > 0 and (wait_ms := int(self.take(keys=[self.keys.bucket(domain)],
                                                              args=[self.rate, self.burst]))) > 0:
                self.stats.inc_value("distributed/throttled_ms", wait_ms)
                await sleep(wait_ms / 1000)
        except redis.RedisError:  # Redis away: keep this worker's share of the pace on its own
            await sleep(1 / self.rate if self.rate > 0 else 0)
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status in (429, 503):
            seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
            if seconds:
                domain = urlparse(request.url).hostname or ""
                ms = int(min(seconds, self.pause_max) * 1000)
                try:
                    if int(self.extend(keys=[self.keys.pause(domain)], args=[ms])):
                        self.stats.inc_value("distributed/shared_pauses")
                except redis.RedisError:
                    pass  # the worker's own Retry-After handling still pauses it
        return response
