"""Three `scrapy crawl imdb` workers on one Redis frontier crawl 2,000 mirror titles: the union of
their shards equals a single-process crawl, with no duplicates, also when one worker is SIGKILLed."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import redis

from crawler.distributed import Keys, crawl_status, push_ids
from mirror import MirrorServer
from tests.helpers.crawl import by_id, log_text, read_items, read_lines, run_crawl, start_crawl, stats

pytestmark = [pytest.mark.hardening, pytest.mark.redis, pytest.mark.slow]
TITLES = 2000
WORKERS = 3


@pytest.fixture(scope="module")
def site():
    with MirrorServer(f"synthetic:{TITLES}", seed=7) as server:
        yield server


@pytest.fixture(scope="module")
def reference(site, tmp_path_factory) -> dict[str, dict]:
    """The single-process crawl the shared ones must reproduce."""
    root = tmp_path_factory.mktemp("single")
    ids = root / "ids.txt"
    ids.write_text("\n".join(site.catalog.ids()) + "\n")
    done = run_crawl(site.base_url, root / "out", {"ids_file": str(ids)})
    assert done.returncode == 0, done.stdout[-3000:]
    items = by_id(read_items(root / "out"))
    assert len(items) == TITLES
    return items


def workers(site, redis_url: str, root: Path, **settings) -> list:
    return [start_crawl(site.base_url, root / f"worker-{i}", REDIS_URL=redis_url, IMDB_SCHEDULER="redis",
                        IMDB_WORKER=f"w{i}", IMDB_REDIS_LEASE_TTL=2, MAX_IDLE_TIME_BEFORE_CLOSE=1, **settings)
            for i in range(WORKERS)]


def wait_all(procs: list, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    for proc in procs:
        proc.wait(max(1.0, deadline - time.monotonic()))


def test_three_workers_equal_one(site, reference, redis_url: str, tmp_path: Path) -> None:
    assert push_ids(redis_url, site.catalog.ids()) == TITLES
    procs = workers(site, redis_url, tmp_path)
    wait_all(procs)
    assert [p.returncode for p in procs] == [0] * WORKERS
    folders = [tmp_path / f"worker-{i}" for i in range(WORKERS)]
    union = by_id(read_items(*folders))  # raises on an id written twice, in one shard or across shards
    assert union == reference
    shares = [stats(f)["items"] for f in folders]
    assert sum(shares) == TITLES and min(shares) > 0, shares  # every worker did part of the work
    status = crawl_status(redis_url)
    assert status["done"] == TITLES and status["ids_queued"] == status["requests_queued"] == status["leased"] == 0


def test_killed_worker_share_is_finished_by_the_others(site, reference, redis_url: str, tmp_path: Path) -> None:
    push_ids(redis_url, site.catalog.ids())
    procs = workers(site, redis_url, tmp_path)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    victim, keys = procs[1], Keys()
    deadline = time.monotonic() + 120
    held: list[str] = []
    # Kill the victim a quarter of the way in, at a moment it holds leases: on a busy machine it may
    # start late or sit between batches, and a kill then would prove nothing.
    while time.monotonic() < deadline:
        if client.scard(keys.done) >= TITLES // 4:
            held = [i for i, w in client.hgetall(keys.leases).items() if w == "w1"]
            if held:
                break
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    assert held, "the victim held no titles when it was killed; the test would prove nothing"
    survivors = [procs[0], procs[2]]
    wait_all(survivors)
    assert [p.returncode for p in survivors] == [0, 0]

    killed_records, broken = read_lines(tmp_path / "worker-1" / "items.jsonl")
    assert broken <= 1  # at most the line being written when the process died
    survived = read_items(tmp_path / "worker-0", tmp_path / "worker-2")
    # A file write and a Redis call cannot be one atomic step: a SIGKILL between the victim flushing its
    # last line and marking that title done leaves it undone, so a survivor crawls it again (the build
    # keeps one copy). Only that last title may appear twice; by_id still refuses any other repeat.
    twice = {r["imdb_id"] for r in survived} & {r["imdb_id"] for r in killed_records}
    assert twice <= {killed_records[-1]["imdb_id"]} if killed_records else not twice, twice
    union = by_id(survived + [r for r in killed_records if r["imdb_id"] not in twice])
    assert union == reference
    requeued = sum(stats(tmp_path / f"worker-{i}")["distributed"].get("ids_requeued", 0) for i in (0, 2))
    assert requeued >= 1
    assert crawl_status(redis_url)["done"] == TITLES and not client.scard(keys.failed)


def test_shared_rate_limit_holds_for_all_workers_together(redis_url: str, mirror_factory, tmp_path: Path) -> None:
    """Two workers, IMDB_REDIS_RATE=15: the site sees at most ~15 requests/s in total."""
    server = mirror_factory("synthetic:120", seed=3)
    push_ids(redis_url, server.catalog.ids())
    procs = [start_crawl(server.base_url, tmp_path / f"w{i}", REDIS_URL=redis_url, IMDB_SCHEDULER="redis",
                         IMDB_WORKER=f"w{i}", IMDB_REDIS_RATE=15, IMDB_FOLLOW_KEYWORDS=0, MAX_IDLE_TIME_BEFORE_CLOSE=1)
             for i in range(2)]
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    deadline = time.monotonic() + 60
    while len(list(client.scan_iter("imdb:alive:*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # both are crawling now
    start_count, start = server.app.stats["requests"], time.monotonic()
    time.sleep(4.0)
    rate = (server.app.stats["requests"] - start_count) / (time.monotonic() - start)
    wait_all(procs, 60)
    assert 8 <= rate <= 15 * 1.1 + 1, rate  # the limit binds (unthrottled, two workers do >100/s here)
    assert len(by_id(read_items(tmp_path / "w0", tmp_path / "w1"))) == 120
    assert all(stats(tmp_path / f"w{i}")["distributed"].get("throttled_ms", 0) > 0 for i in range(2))


def test_retry_after_pauses_every_worker(redis_url: str, mirror_factory, tmp_path: Path) -> None:
    """A Retry-After seen by one worker holds the domain for all of them (scrapy-redis alone shares no pause)."""
    server = mirror_factory("synthetic:150", faults="429=0.03,retry_after=0.5", seed=5)
    push_ids(redis_url, server.catalog.ids())
    procs = [start_crawl(server.base_url, tmp_path / f"w{i}", REDIS_URL=redis_url, IMDB_SCHEDULER="redis",
                         IMDB_WORKER=f"w{i}", IMDB_FOLLOW_KEYWORDS=0, MAX_IDLE_TIME_BEFORE_CLOSE=1)
             for i in range(2)]
    wait_all(procs, 120)
    assert len(by_id(read_items(tmp_path / "w0", tmp_path / "w1"))) == 150
    report = [stats(tmp_path / f"w{i}") for i in range(2)]
    got_429 = [r["requests"]["by_status"].get("429", 0) for r in report]
    assert sum(got_429) > 0
    assert sum(r["distributed"].get("shared_pauses", 0) for r in report) >= 1
    assert all(r["distributed"].get("paused_ms", 0) > 0 for r in report), [r["distributed"] for r in report]


def test_worker_restarted_on_its_folder_counts_what_it_has(redis_url: str, mirror_factory, tmp_path: Path) -> None:
    """Titles already in a worker's shard are done for the whole crawl, not requeued and failed."""
    server = mirror_factory("synthetic:80", seed=11)
    ids = list(server.catalog.ids())
    folder = tmp_path / "w0"
    first = run_crawl(server.base_url, folder, {"ids": ",".join(ids[:40])}, IMDB_FOLLOW_KEYWORDS=0)
    assert first.returncode == 0
    push_ids(redis_url, ids)
    again = run_crawl(server.base_url, folder, None, REDIS_URL=redis_url, IMDB_SCHEDULER="redis", IMDB_WORKER="w0",
                      IMDB_FOLLOW_KEYWORDS=0, MAX_IDLE_TIME_BEFORE_CLOSE=1, timeout=90)
    assert again.returncode == 0
    status = crawl_status(redis_url)
    assert status["done"] == 80 and status["failed"] == 0
    assert len(by_id(read_items(folder))) == 80
    assert stats(folder)["distributed"].get("ids_requeued", 0) == 0


def test_any_scrapy_redis_queue_class_works(redis_url: str, mirror_factory, tmp_path: Path) -> None:
    server = mirror_factory("synthetic:60", seed=13)
    push_ids(redis_url, server.catalog.ids())
    procs = [start_crawl(server.base_url, tmp_path / f"w{i}", REDIS_URL=redis_url, IMDB_SCHEDULER="redis",
                         IMDB_WORKER=f"w{i}", SCHEDULER_QUEUE_CLASS="scrapy_redis.queue.FifoQueue",
                         MAX_IDLE_TIME_BEFORE_CLOSE=1) for i in range(2)]
    wait_all(procs, 90)
    assert [p.returncode for p in procs] == [0, 0]
    assert len(by_id(read_items(tmp_path / "w0", tmp_path / "w1"))) == 60
    assert crawl_status(redis_url)["done"] == 60


def test_redis_going_away_stops_the_worker_cleanly(mirror_factory, tmp_path: Path) -> None:
    """Redis killed mid-crawl: no traceback, no hang; the worker stops after IMDB_REDIS_GIVE_UP with one
    message and its shard keeps every item it wrote."""
    from tests.helpers.redis_server import start_redis

    redis_proc, url = start_redis(tmp_path)
    server = mirror_factory("synthetic:600", seed=2)
    push_ids(url, server.catalog.ids())
    proc = start_crawl(server.base_url, tmp_path / "w0", REDIS_URL=url, IMDB_SCHEDULER="redis", IMDB_WORKER="w0",
                       IMDB_REDIS_GIVE_UP=3)
    client, deadline = redis.Redis.from_url(url), time.monotonic() + 60
    while client.scard("imdb:done") < 80 and time.monotonic() < deadline:
        time.sleep(0.02)
    redis_proc.kill()
    redis_proc.wait()
    proc.wait(60)
    log = log_text(tmp_path / "w0")
    assert "Traceback" not in log
    assert "has been unreachable for 3 s, so this worker stops" in log
    records, broken = read_lines(tmp_path / "w0" / "items.jsonl")
    assert broken == 0 and len(records) >= 80 and len({r["imdb_id"] for r in records}) == len(records)
    assert stats(tmp_path / "w0")["finish_reason"] == "redis_unavailable"
