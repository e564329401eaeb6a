"""The Redis side of a shared crawl: every key under one prefix, the Lua scripts that change them
atomically, and the client every part connects with."""
from __future__ import annotations

import re

import redis
from scrapy import Request
from scrapy.exceptions import UsageError

from crawler.items import ID_PATTERN

ID_IN_URL = re.compile(rf"/title/({ID_PATTERN})/")

# Atomically take a batch of ids off the shared queue and lease them to this worker.
POP_AND_LEASE = """
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #ids > 0 then redis.call('LTRIM', KEYS[1], #ids, -1) end
for _, id in ipairs(ids) do redis.call('HSET', KEYS[2], id, ARGV[2]) end
return ids
"""
# Release this worker's leases (only those it still holds).
RELEASE = """
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
CLAIM = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if (holder or '') ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""
# Token bucket on the server's clock (shared by every machine): returns ms to wait, 0 = go.
TAKE_TOKEN = """
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
EXTEND_PAUSE = """
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


def connect(redis_url: str) -> redis.Redis:
    """A client that answers str, with a clear error when the server cannot be reached."""
    client = redis.Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {redis_url} ({exc}); start redis-server or fix REDIS_URL.") from exc
    return client


def queued_requests(client: redis.Redis, key: str) -> int:
    """Length of the shared frontier whatever SCHEDULER_QUEUE_CLASS holds it (priority zset, FIFO/LIFO list)."""
    kind = client.type(key)
    return client.zcard(key) if kind == "zset" else client.llen(key) if kind == "list" else 0


def imdb_id_of(request: Request) -> str | None:
    found = ID_IN_URL.search(request.url)
    return found.group(1) if found else None
