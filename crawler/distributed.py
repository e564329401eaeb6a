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

import argparse
import os
import re
import socket
import sys
import time
from collections.abc import Iterable
from urllib.parse import urlparse

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured, UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy_redis.scheduler import Scheduler

from crawler.items import ID_PATTERN, IMDB_ID
from crawler.stats import stop_crawl

ID_IN_URL = re.compile(rf"/title/({ID_PATTERN})/")
SPIDER_PRIORITY = SETTINGS_PRIORITIES["spider"]

# Atomically take a batch of ids off the shared queue and lease them to this worker.
_POP_AND_LEASE = """
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #ids > 0 then redis.call('LTRIM', KEYS[1], #ids, -1) end
for _, id in ipairs(ids) do redis.call('HSET', KEYS[2], id, ARGV[2]) end
return ids
"""
# Release this worker's leases (only those it still holds).
_RELEASE = """
local n = 0
for _, id in ipairs(ARGV) do
  if id ~= ARGV[1] and redis.call('HGET', KEYS[1], id) == ARGV[1] then
    redis.call('HDEL', KEYS[1], id); n = n + 1
  end
end
return n
"""
# Claim an orphan for requeueing, only if its lease is still what the claimer saw (two idle workers
# must not both requeue it); returns the attempt number, or -1 when another worker was first.
_CLAIM = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if (holder or '') ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""
# Token bucket on the server's clock (shared by every machine): returns ms to wait, 0 = go.
_TAKE_TOKEN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens, ts = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
"""

# Pause a domain for ARGV[1] ms unless it is already paused for longer; 1 when the pause grew.
_EXTEND_PAUSE = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]); return 1
end
return 0
"""


class Keys:
    """Every Redis key of one shared crawl, under one prefix (`IMDB_REDIS_PREFIX`, default `imdb`)."""

    def __init__(self, prefix: str = "imdb") -> None:
        self.prefix = prefix
        self.ids = f"{prefix}:ids"  # list: ids waiting to be scheduled (push_ids appends here)
        self.all = f"{prefix}:ids:all"  # set: every id the crawl must account for
        self.done = f"{prefix}:done"  # set: ids whose item some worker has written
        self.failed = f"{prefix}:failed"  # set: ids given up after IMDB_REDIS_MAX_REQUEUE requeues
        self.leases = f"{prefix}:leases"  # hash: id -> worker working on it
        self.attempts = f"{prefix}:attempts"  # hash: id -> times requeued
        self.requeued = f"{prefix}:requeued"  # set: ids whose follow-up requests bypass the dupefilter
        self.requests = f"{prefix}:requests"  # scrapy-redis request queue (shared frontier)
        self.dupefilter = f"{prefix}:dupefilter"  # scrapy-redis fingerprints

    def alive(self, worker: str) -> str:  # expiring key: the worker's heartbeat
        return f"{self.prefix}:alive:{worker}"

    def bucket(self, domain: str) -> str:  # hash: the domain's shared token bucket
        return f"{self.prefix}:bucket:{domain}"

    def pause(self, domain: str) -> str:  # expiring key: every worker holds this domain until it expires
        return f"{self.prefix}:pause:{domain}"

    def everything(self) -> list[str]:
        return [self.ids, self.all, self.done, self.failed, self.leases, self.attempts,
                self.requeued, self.requests, self.dupefilter]


def _set(settings: BaseSettings, name: str, value: object) -> None:
    """Set at spider priority so that `-s NAME=...` on the command line still wins."""
    settings.set(name, value, priority=SPIDER_PRIORITY)


def _add_component(settings: BaseSettings, name: str, path: str, order: int) -> None:
    components = settings.getdict(name)
    components.setdefault(path, order)
    settings.set(name, components, priority=max(settings.getpriority(name) or 0, SPIDER_PRIORITY))


def apply_redis_settings(settings: BaseSettings) -> None:
    """Switch a crawl to the shared Redis frontier when `IMDB_SCHEDULER=redis`; no-op otherwise."""
    mode = (settings.get("IMDB_SCHEDULER") or "local").strip().lower()
    if mode in {"", "local", "memory", "scrapy"}:
        return
    if mode != "redis":
        raise UsageError(f"IMDB_SCHEDULER={mode!r} is not a scheduler; use IMDB_SCHEDULER=redis or leave it unset.")
    url = settings.get("REDIS_URL")
    if not url or urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise UsageError("IMDB_SCHEDULER=redis needs -s REDIS_URL=redis://HOST:PORT (the shared Redis server).")
    connect(url)  # unreachable Redis: one sentence now, not a traceback from inside the engine later
    keys = Keys(settings.get("IMDB_REDIS_PREFIX") or "imdb")
    _set(settings, "SCHEDULER", "crawler.distributed.LeasingScheduler")
    _set(settings, "DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
    _set(settings, "SCHEDULER_PERSIST", True)  # a stopped worker must not wipe the shared frontier
    _set(settings, "SCHEDULER_QUEUE_KEY", keys.requests)
    _set(settings, "SCHEDULER_DUPEFILTER_KEY", keys.dupefilter)
    _set(settings, "REDIS_START_URLS_KEY", keys.ids)
    if settings.get("MAX_IDLE_TIME_BEFORE_CLOSE") in (None, 0, "0"):
        _set(settings, "MAX_IDLE_TIME_BEFORE_CLOSE", 3)
    _set(settings, "JOBDIR", None)  # the frontier lives in Redis; a JOBDIR queue would fork it
    _add_component(settings, "EXTENSIONS", "crawler.distributed.RedisCoordinator", 500)
    _add_component(settings, "ITEM_PIPELINES", "crawler.distributed.ExactlyOncePipeline", 50)
    last = max((v for v in settings.getdict("ITEM_PIPELINES").values() if v is not None), default=800)
    _add_component(settings, "ITEM_PIPELINES", "crawler.distributed.MarkWrittenPipeline", last + 1)
    _add_component(settings, "DOWNLOADER_MIDDLEWARES", "crawler.distributed.SharedPolitenessMiddleware", 555)


def connect(redis_url: str) -> redis.Redis:
    """A client that answers str, with a clear error when the server cannot be reached."""
    client = redis.Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {redis_url} ({exc}); start redis-server or fix REDIS_URL.") from exc
    return client


def push_ids(redis_url: str, ids: Iterable[str], prefix: str = "imdb") -> int:
    """Append ids to the shared queue (once each); returns how many were new to the crawl."""
    client, keys, new, batch = connect(redis_url), Keys(prefix), 0, []

    def flush() -> int:
        with client.pipeline() as pipe:
            for imdb_id in batch:
                pipe.sadd(keys.all, imdb_id)
            added = pipe.execute()
        fresh = [i for i, a in zip(batch, added, strict=True) if a]
        if fresh:
            client.rpush(keys.ids, *fresh)
        batch.clear()
        return len(fresh)

    for raw in ids:
        imdb_id = raw.strip()
        if not imdb_id or imdb_id.startswith("#"):
            continue
        if not IMDB_ID.match(imdb_id):
            raise UsageError(f"{imdb_id!r} is not an IMDb title id (tt + 7-8 digits).")
        batch.append(imdb_id)
        if len(batch) >= 5000:
            new += flush()
    return new + flush()


def crawl_status(redis_url: str, prefix: str = "imdb") -> dict[str, int]:
    """Counts a user watches: queued ids, queued requests, done, failed, leased, live workers."""
    client, keys = connect(redis_url), Keys(prefix)
    return {
        "ids_total": client.scard(keys.all), "ids_queued": client.llen(keys.ids),
        "requests_queued": queued_requests(client, keys.requests), "done": client.scard(keys.done),
        "failed": client.scard(keys.failed), "leased": client.hlen(keys.leases),
        "workers_alive": sum(1 for _ in client.scan_iter(keys.alive("*"))),
    }


def queued_requests(client: redis.Redis, key: str) -> int:
    """Length of the shared frontier whatever SCHEDULER_QUEUE_CLASS holds it (priority zset, FIFO/LIFO list)."""
    kind = client.type(key)
    return client.zcard(key) if kind == "zset" else client.llen(key) if kind == "list" else 0


def reset(redis_url: str, prefix: str = "imdb") -> None:
    """Forget a shared crawl (queues, dupefilter, leases) so the same ids can be crawled again."""
    client, keys = connect(redis_url), Keys(prefix)
    client.delete(*keys.everything(), *(k for pattern in ("alive", "bucket", "pause")
                                        for k in client.scan_iter(f"{prefix}:{pattern}:*")))


def worker_name(settings: BaseSettings) -> str:
    return settings.get("IMDB_WORKER") or f"{socket.gethostname()}-{os.getpid()}"


def imdb_id_of(request: Request) -> str | None:
    found = ID_IN_URL.search(request.url)
    return found.group(1) if found else None


class LeasingScheduler(Scheduler):
    """scrapy-redis' scheduler that leases each popped title to this worker and lets requeued ids
    through the dupefilter (their keyword pages were already 'seen' by the dead worker)."""

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        instance = super().from_crawler(crawler)
        instance.keys = Keys(crawler.settings.get("IMDB_REDIS_PREFIX") or "imdb")
        instance.worker = worker_name(crawler.settings)
        instance.ids_client = connect(crawler.settings.get("REDIS_URL"))
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


def title_request(spider, imdb_id: str, requeued: bool = False) -> Request:  # type: ignore[no-untyped-def]
    """The spider's own request for a title (so callbacks, meta and rendering stay the spider's)."""
    request = spider.title_request(imdb_id)
    return request.replace(dont_filter=True) if requeued else request


class RedisCoordinator:
    """Feeds pushed ids to the shared frontier, keeps this worker's heartbeat and leases, requeues the
    ids of dead workers, and closes the worker only when every id of the crawl is accounted for."""

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        settings = crawler.settings
        if (settings.get("IMDB_SCHEDULER") or "").strip().lower() != "redis":
            raise NotConfigured
        self.crawler, self.stats = crawler, crawler.stats
        self.keys = Keys(settings.get("IMDB_REDIS_PREFIX") or "imdb")
        self.worker = worker_name(settings)
        self.client = connect(settings.get("REDIS_URL"))
        self.tick_s = settings.getfloat("IMDB_REDIS_TICK", 0.5)
        self.ttl_ms = int(settings.getfloat("IMDB_REDIS_LEASE_TTL", 5.0) * 1000)
        self.batch = settings.getint("IMDB_REDIS_BATCH", settings.getint("CONCURRENT_REQUESTS", 16))
        self.low_water = settings.getint("IMDB_REDIS_LOW_WATER", 2 * self.batch)
        self.max_requeue = settings.getint("IMDB_REDIS_MAX_REQUEUE", 2)
        self.idle_close = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", 3)
        self.give_up_s = settings.getfloat("IMDB_REDIS_GIVE_UP", 60)
        self.redis_url = settings.get("REDIS_URL")
        self.down_since: float | None = None
        crawler.imdb_unmarked = set()  # written while Redis was away; marked done when it is back
        self.pop_and_lease = self.client.register_script(_POP_AND_LEASE)
        self.release = self.client.register_script(_RELEASE)
        self.claim = self.client.register_script(_CLAIM)
        self.finished_since: float | None = None
        self.spider = None
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def spider_opened(self, spider) -> None:  # type: ignore[no-untyped-def]
        from twisted.internet.task import LoopingCall

        self.spider = spider
        self.beat()
        # a worker restarted on its old folder: what is already in its shard is done for everyone
        collected = sorted(getattr(spider, "collected_ids", ()) or ())
        for i in range(0, len(collected), 5000):
            self.client.sadd(self.keys.done, *collected[i:i + 5000])
        spider.logger.info("distributed worker %s on %s (queue %s)", self.worker, self.keys.prefix, self.keys.ids)
        self.loop = LoopingCall(self.tick)
        self.loop.start(self.tick_s, now=False)

    def spider_closed(self, spider, reason: str) -> None:  # type: ignore[no-untyped-def]
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            self.mark_unmarked()
            self.release_leases()
            self.client.delete(self.keys.alive(self.worker))
        except redis.RedisError:
            pass  # the heartbeat expires by itself; the others requeue what this worker held

    def mark_unmarked(self) -> None:
        if self.crawler.imdb_unmarked:
            self.client.sadd(self.keys.done, *sorted(self.crawler.imdb_unmarked))
            self.crawler.imdb_unmarked.clear()

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
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and getattr(slot, "nextcall", None) is not None and slot.closing is None:
            slot.nextcall.schedule()

    def redis_down(self, exc: Exception) -> None:
        self.stats.inc_value("distributed/redis_errors")
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            self.spider.logger.warning("lost Redis at %s (%s); retrying for %g s", self.redis_url, exc, self.give_up_s)
        elif now - self.down_since >= self.give_up_s and self.crawler.engine._slot.closing is None:
            stop_crawl(self.crawler, "redis_unavailable",
                       f"Redis at {self.redis_url} has been unreachable for {self.give_up_s:g} s, so this worker "
                       "stops; what it collected is in its folder. Start Redis again (with --appendonly yes to "
                       "keep the queue) and restart the workers.", log=self.spider.logger)

    def top_up(self) -> int:
        if queued_requests(self.client, self.keys.requests) >= self.low_water:
            return 0
        ids = self.pop_and_lease(keys=[self.keys.ids, self.keys.leases], args=[self.batch, self.worker])
        for imdb_id in ids:
            self.crawler.engine.crawl(title_request(self.spider, imdb_id))
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
            return [], 0
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
            self.crawler.engine.crawl(title_request(self.spider, imdb_id, requeued=True))
            self.stats.inc_value("distributed/ids_requeued")

    def spider_idle(self, spider) -> None:  # type: ignore[no-untyped-def]
        """Idle here means: nothing of ours is in flight and the shared frontier is empty."""
        try:
            self.decide_idle(spider)
        except redis.RedisError as exc:
            self.redis_down(exc)
            raise DontCloseSpider from None

    def decide_idle(self, spider) -> None:  # type: ignore[no-untyped-def]
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


def _item_id(item) -> str | None:  # type: ignore[no-untyped-def]
    getter = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    value = getter("imdb_id", None)
    return value if isinstance(value, str) else None


class ExactlyOncePipeline:
    """Drops an item another worker already wrote (a requeued id whose first worker was only slow)."""

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        if (crawler.settings.get("IMDB_SCHEDULER") or "").strip().lower() != "redis":
            raise NotConfigured
        self.stats = crawler.stats
        self.keys = Keys(crawler.settings.get("IMDB_REDIS_PREFIX") or "imdb")
        self.client = connect(crawler.settings.get("REDIS_URL"))
        self.unmarked: set[str] = getattr(crawler, "imdb_unmarked", set())

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def process_item(self, item, spider=None):  # type: ignore[no-untyped-def]
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

    def process_item(self, item, spider=None):  # type: ignore[no-untyped-def]
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


class SharedPolitenessMiddleware:
    """Per-domain politeness for all workers together, through Redis: a token bucket of
    IMDB_REDIS_RATE requests/s (burst IMDB_REDIS_BURST; 0 = off) on the Redis server's clock, and a
    shared pause: a Retry-After on a 429/503 seen by one worker holds every worker's requests."""

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        settings = crawler.settings
        if (settings.get("IMDB_SCHEDULER") or "").strip().lower() != "redis":
            raise NotConfigured
        self.rate = settings.getfloat("IMDB_REDIS_RATE", 0)
        self.burst = max(1.0, settings.getfloat("IMDB_REDIS_BURST", 1))
        self.pause_max = settings.getfloat("IMDB_RETRY_AFTER_MAX", 120.0)
        self.keys = Keys(settings.get("IMDB_REDIS_PREFIX") or "imdb")
        self.stats = crawler.stats
        self.client = connect(settings.get("REDIS_URL"))
        self.take = self.client.register_script(_TAKE_TOKEN)
        self.extend = self.client.register_script(_EXTEND_PAUSE)

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    async def process_request(self, request: Request, spider=None) -> None:  # type: ignore[no-untyped-def]
        domain = urlparse(request.url).hostname or ""
        try:
            while (paused_ms := self.client.pttl(self.keys.pause(domain))) > 0:
                self.stats.inc_value("distributed/paused_ms", paused_ms)
                await _sleep(paused_ms / 1000)
            while self.rate > 0 and (wait_ms := int(self.take(keys=[self.keys.bucket(domain)],
                                                              args=[self.rate, self.burst]))) > 0:
                self.stats.inc_value("distributed/throttled_ms", wait_ms)
                await _sleep(wait_ms / 1000)
        except redis.RedisError:  # Redis away: keep this worker's share of the pace on its own
            await _sleep(1 / self.rate if self.rate > 0 else 0)
        return None

    def process_response(self, request: Request, response, spider=None):  # type: ignore[no-untyped-def]
        if response.status in (429, 503):
            from crawler.middlewares import retry_after_seconds

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


async def _sleep(seconds: float) -> None:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


def _read_ids(args: argparse.Namespace) -> Iterable[str]:
    """The spider's own discovery (crawler/discovery.py), so ids are read and checked the same way."""
    from crawler import discovery

    if args.ids:
        yield from discovery.parse_ids(args.ids)
    if args.ids_file:
        yield from discovery.read_ids_file(args.ids_file)
    if args.dumps:
        filters = discovery.DumpFilter.from_args(args.title_type, args.min_votes, args.min_year, args.max_year)
        yield from discovery.iter_dump_ids(args.dumps, filters)


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.distributed {push,status,reset}`: drive a shared crawl from a shell."""
    parser = argparse.ArgumentParser(prog="python -m crawler.distributed", description=main.__doc__)
    parser.add_argument("command", choices=["push", "status", "reset"])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--prefix", default="imdb")
    parser.add_argument("--ids", help="comma-separated title ids")
    parser.add_argument("--ids-file", help="one id per line; blanks and # comments allowed")
    parser.add_argument("--dumps", help="folder with IMDb's title.basics/title.ratings dumps")
    for name in ("--title-type", "--min-votes", "--min-year", "--max-year"):
        parser.add_argument(name, help="filter on the dumps (as the spider's -a arguments)")
    args = parser.parse_args(argv)
    try:
        if args.command == "push":
            if not (args.ids or args.ids_file or args.dumps):
                parser.error("push needs --ids, --ids-file or --dumps")
            print(f"pushed {push_ids(args.redis_url, _read_ids(args), args.prefix)} new ids to {args.prefix}:ids")
        elif args.command == "status":
            for name, value in crawl_status(args.redis_url, args.prefix).items():
                print(f"{name:16} {value}")
        else:
            reset(args.redis_url, args.prefix)
            print(f"forgot the shared crawl {args.prefix}:* on {args.redis_url}")
    except (UsageError, OSError, ValueError) as exc:  # DiscoveryError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
