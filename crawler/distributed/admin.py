"""Drive a shared crawl from outside a worker: push ids, count progress, forget a crawl."""
from __future__ import annotations

from collections.abc import Iterable

from scrapy.exceptions import UsageError

from crawler.distributed.keys import Keys, connect, queued_requests
from crawler.items import IMDB_ID


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


def reset(redis_url: str, prefix: str = "imdb") -> None:
    """Forget a shared crawl (queues, dupefilter, leases) so the same ids can be crawled again."""
    client, keys = connect(redis_url), Keys(prefix)
    client.delete(*keys.everything(), *(k for pattern in ("alive", "bucket", "pause")
                                        for k in client.scan_iter(f"{prefix}:{pattern}:*")))
