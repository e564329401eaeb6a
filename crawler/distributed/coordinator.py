"""One worker's part in a shared crawl: feed ids from the shared queue, keep a heartbeat and leases,
requeue the titles of dead workers, and close only when the whole crawl is accounted for."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from crawler.config import RedisConfig
from crawler.control import StopCrawl, stopper
from crawler.distributed.keys import CLAIM, POP_AND_LEASE, RELEASE, Keys, connect, queued_requests
from crawler.state import CrawlState, crawl_state

WAKE = "imdb_wake"  # meta of the request that only wakes the engine (dropped before the scheduler)


def title_request(spider: Any, imdb_id: str, requeued: bool = False) -> Request:
    """The spider's own request for a title (so callbacks, meta and rendering stay the spider's)."""
    request = spider.title_request(imdb_id)
    return request.replace(dont_filter=True) if requeued else request


class RedisCoordinator:
    """Feeds pushed ids to the shared frontier, keeps this worker's heartbeat and leases, requeues the
    ids of dead workers, and closes the worker only when every id of the crawl is accounted for."""

    def __init__(self, stats: StatsCollector, config: RedisConfig, state: CrawlState, client: redis.Redis,
                 schedule: Callable[[Request], object], stop: StopCrawl) -> None:
        self.stats = stats
        self.schedule = schedule  # a request into the running engine (engine.crawl)
        self.stop = stop
        self.state = state  # collected ids (done for everyone) and ids written while Redis was away
        self.keys = Keys(config.prefix)
        self.worker = config.worker
        self.client = client
        self.tick_s = config.tick_s
        self.ttl_ms = int(config.lease_ttl_s * 1000)
        self.batch = config.batch
        self.low_water = config.low_water
        self.max_requeue = config.max_requeue
        self.idle_close = config.idle_close_s
        self.give_up_s = config.give_up_s
        self.redis_url = config.url
        self.down_since: float | None = None
        self.pop_and_lease = self.client.register_script(POP_AND_LEASE)
        self.release = self.client.register_script(RELEASE)
        self.claim = self.client.register_script(CLAIM)
        self.finished_since: float | None = None
        self.spider: Any = None
        self.loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisCoordinator:
        state = crawl_state(crawler)
        if state.config.scheduler != "redis":
            raise NotConfigured
        coordinator = cls(crawler.stats, state.config.redis, state, connect(state.config.redis.url),
                          lambda request: crawler.engine.crawl(request), stopper(crawler))
        coordinator.connect_signals(crawler.signals)
        return coordinator

    def connect_signals(self, signal_manager: SignalManager) -> None:
        """Opened, closed and idle drive the worker; ``request_scheduled`` drops the wake-up request."""
        signal_manager.connect(self.spider_opened, signal=signals.spider_opened)
        signal_manager.connect(self.spider_closed, signal=signals.spider_closed)
        signal_manager.connect(self.spider_idle, signal=signals.spider_idle)
        signal_manager.connect(self.drop_wake, signal=signals.request_scheduled)

    def spider_opened(self, spider: Any) -> None:
        self.spider = spider
        self.beat()
        # a worker restarted on its old folder: what is already in its shard is done for everyone
        collected = sorted(self.state.collected_ids)
        for i in range(0, len(collected), 5000):
            self.client.sadd(self.keys.done, *collected[i:i + 5000])
        spider.logger.info("distributed worker %s on %s (queue %s)", self.worker, self.keys.prefix, self.keys.ids)
        self.loop = LoopingCall(self.tick)
        self.loop.start(self.tick_s, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            self.mark_unmarked()
            self.release_leases()
            self.client.delete(self.keys.alive(self.worker))
        except redis.RedisError:
            pass  # the heartbeat expires by itself; the others requeue what this worker held

    def mark_unmarked(self) -> None:
        if self.state.unmarked:
            self.client.sadd(self.keys.done, *sorted(self.state.unmarked))
            self.state.unmarked.clear()

    def beat(self) -> None:
        self.client.set(self.keys.alive(self.worker), str(time.time()), px=self.ttl_ms)

    def tick(self) -> None:
        """Heartbeat, top up the shared frontier, and wake the engine when others queued work."""
        try:
            self.beat()
            self.mark_unmarked()
            self.top_up()
        except redis.RedisError as exc:  # a hiccup must not kill the worker; a long outage stops it cleanly
            self.redis_down(exc)
            return
        if self.down_since is not None:
            self.spider.logger.warning("Redis at %s is back after %.0f s", self.redis_url, time.monotonic() - self.down_since)
            self.down_since = None
        self.wake()

    def wake(self) -> None:
        """Make the engine ask the scheduler now, not at its next 5 s heartbeat: other workers may have
        queued requests. ``engine.crawl`` is the public way in; its request is dropped in ``drop_wake``."""
        self.schedule(Request("data:,", meta={WAKE: True}, dont_filter=True))

    def drop_wake(self, request: Request, spider: Any = None) -> None:
        """``request_scheduled`` handler: the wake-up request never reaches the scheduler."""
        if request.meta.get(WAKE):
            raise IgnoreRequest("wake-up only")

    def redis_down(self, exc: Exception) -> None:
        self.stats.inc_value("distributed/redis_errors")
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            self.spider.logger.warning("lost Redis at %s (%s); retrying for %g s", self.redis_url, exc, self.give_up_s)
        elif now - self.down_since >= self.give_up_s:
            self.stop("redis_unavailable",
                      f"Redis at {self.redis_url} has been unreachable for {self.give_up_s:g} s, so this worker "
                      "stops; what it collected is in its folder. Start Redis again (with --appendonly yes to "
                      "keep the queue) and restart the workers.", log=self.spider.logger)

    def top_up(self) -> int:
        if queued_requests(self.client, self.keys.requests) >= self.low_water:
            return 0
        ids = self.pop_and_lease(keys=[self.keys.ids, self.keys.leases], args=[self.batch, self.worker])
        for imdb_id in ids:
            self.schedule(title_request(self.spider, imdb_id))
        if ids:
            self.stats.inc_value("distributed/ids_fed", len(ids))
        return len(ids)

    def release_leases(self) -> int:
        mine = [i for i, w in self.client.hscan_iter(self.keys.leases) if w == self.worker]
        return int(self.release(keys=[self.keys.leases], args=[self.worker, *mine])) if mine else 0

    def orphans(self) -> tuple[dict[str, str], int]:
        """Ids not done whose lease is free or held by a worker without a heartbeat (id -> that holder,
        '' when free); and how many pending ids live workers still hold."""
        pending = sorted(self.client.sdiff(self.keys.all, self.keys.done, self.keys.failed))
        if not pending:
            return {}, 0
        holders = dict(zip(pending, self.client.hmget(self.keys.leases, pending), strict=True))
        names = sorted({h for h in holders.values() if h})
        alive = {n for n, a in zip(names, self.client.mget([self.keys.alive(n) for n in names]) if names else [],
                                   strict=True) if a}
        orphans = {i: holders[i] or "" for i in pending if holders[i] not in alive}
        return orphans, len(pending) - len(orphans)

    def requeue(self, orphans: dict[str, str]) -> None:
        for imdb_id, holder in orphans.items():
            attempts = int(self.claim(keys=[self.keys.leases, self.keys.attempts], args=[imdb_id, holder, self.worker]))
            if attempts < 0:
                continue  # another worker claimed it first
            if attempts > self.max_requeue:
                self.client.sadd(self.keys.failed, imdb_id)
                self.stats.inc_value("distributed/ids_failed")
                self.spider.logger.warning("giving up on %s after %d requeues", imdb_id, attempts - 1)
                continue
            self.client.sadd(self.keys.requeued, imdb_id)
            self.schedule(title_request(self.spider, imdb_id, requeued=True))
            self.stats.inc_value("distributed/ids_requeued")

    def spider_idle(self, spider: Any) -> None:
        """Idle here means: nothing of ours is in flight and the shared frontier is empty."""
        try:
            self.decide_idle(spider)
        except redis.RedisError as exc:
            self.redis_down(exc)
            raise DontCloseSpider from None

    def decide_idle(self, spider: Any) -> None:
        if self.top_up():
            raise DontCloseSpider
        self.release_leases()  # everything this worker took has finished, with an item or not
        if self.client.llen(self.keys.ids) or queued_requests(self.client, self.keys.requests):
            self.finished_since = None
            raise DontCloseSpider
        orphans, held_elsewhere = self.orphans()
        if orphans:
            spider.logger.info("requeueing %d ids whose worker died or dropped them", len(orphans))
            self.requeue(orphans)
            self.finished_since = None
            raise DontCloseSpider
        if held_elsewhere:
            self.finished_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.finished_since = self.finished_since or now
        if now - self.finished_since < self.idle_close:
            raise DontCloseSpider
