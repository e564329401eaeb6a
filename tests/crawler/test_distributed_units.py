"""crawler.distributed without a crawl: settings wiring, the id queue, leases and the shared rate limit."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from crawler import distributed
from crawler.distributed import Keys, apply_redis_settings, crawl_status, push_ids

pytestmark = [pytest.mark.hardening, pytest.mark.redis]


def test_apply_is_a_no_op_without_the_redis_scheduler() -> None:
    settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    apply_redis_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert "crawler.distributed.RedisCoordinator" not in settings.getdict("EXTENSIONS")


def test_apply_wires_scrapy_redis_and_keeps_command_line_overrides(redis_url: str) -> None:
    settings = Settings({"ITEM_PIPELINES": {"crawler.pipelines.Writer": 800}}, priority="project")
    settings.set("IMDB_SCHEDULER", "redis", priority="cmdline")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    settings.set("MAX_IDLE_TIME_BEFORE_CLOSE", 9, priority="cmdline")
    settings.set("JOBDIR", "jobs/x", priority="project")
    apply_redis_settings(settings)
    assert settings["SCHEDULER"] == "crawler.distributed.LeasingScheduler"
    assert issubclass(distributed.LeasingScheduler, __import__("scrapy_redis.scheduler").scheduler.Scheduler)
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") and settings["SCHEDULER_QUEUE_KEY"] == "imdb:requests"
    assert settings.getint("MAX_IDLE_TIME_BEFORE_CLOSE") == 9
    assert settings["JOBDIR"] is None
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["crawler.pipelines.Writer"] == 800  # the project's own pipelines survive
    assert pipelines["crawler.distributed.ExactlyOncePipeline"] < 800 < pipelines["crawler.distributed.MarkWrittenPipeline"]
    assert "crawler.distributed.RedisCoordinator" in settings.getdict("EXTENSIONS")
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["crawler.distributed.SharedPolitenessMiddleware"] == 555


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"IMDB_SCHEDULER": "redis"}, "needs -s REDIS_URL"),
        ({"IMDB_SCHEDULER": "redis", "REDIS_URL": "http://x"}, "needs -s REDIS_URL"),
        ({"IMDB_SCHEDULER": "kafka"}, "is not a scheduler"),
    ],
)
def test_apply_rejects_bad_settings_with_one_sentence(values: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        apply_redis_settings(Settings(values))


def test_unreachable_redis_is_one_clear_error() -> None:
    with pytest.raises(UsageError, match="cannot reach Redis at redis://127.0.0.1:1"):
        push_ids("redis://127.0.0.1:1", ["tt0000001"])
    with pytest.raises(UsageError, match="cannot reach Redis at redis://127.0.0.1:1"):
        apply_redis_settings(Settings({"IMDB_SCHEDULER": "redis", "REDIS_URL": "redis://127.0.0.1:1"}))


def test_scrapy_crawl_with_unreachable_redis_is_one_sentence(tmp_path) -> None:
    import subprocess
    import sys

    from tests.helpers.env import REPO

    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", "ids=tt0000001", "-s",
                           "IMDB_SCHEDULER=redis", "-s", "REDIS_URL=redis://127.0.0.1:1", "-s",
                           f"IMDB_OUTPUT_DIR={tmp_path}"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    assert "error: cannot reach Redis at redis://127.0.0.1:1" in done.stderr


def test_push_ids_once_each_and_rejects_non_ids(redis_url: str) -> None:
    assert push_ids(redis_url, ["tt0000001", "tt0000002", "", "# comment", "tt0000001\n"]) == 2
    assert push_ids(redis_url, ["tt0000002", "tt0000003"]) == 1
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert client.lrange("imdb:ids", 0, -1) == ["tt0000001", "tt0000002", "tt0000003"]
    with pytest.raises(UsageError, match="'nm0000001' is not an IMDb title id"):
        push_ids(redis_url, ["nm0000001"])
    assert crawl_status(redis_url)["ids_total"] == 3


def test_cli_push_status_reset(redis_url: str, tmp_path, capsys) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# mine\ntt0000010\n\ntt0000011\n")
    assert distributed.main(["push", "--redis-url", redis_url, "--ids-file", str(ids), "--ids", "tt0000012"]) == 0
    assert "pushed 3 new ids to imdb:ids" in capsys.readouterr().out
    assert distributed.main(["status", "--redis-url", redis_url]) == 0
    assert "ids_queued       3" in capsys.readouterr().out
    assert distributed.main(["reset", "--redis-url", redis_url]) == 0
    assert crawl_status(redis_url)["ids_total"] == 0
    assert distributed.main(["push", "--redis-url", "redis://127.0.0.1:1", "--ids", "tt0000012"]) == 2
    assert "cannot reach Redis" in capsys.readouterr().err


def race(target, arguments: list[tuple]) -> None:
    """Call `target` once per arguments tuple, all at once in threads, and wait for every call."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_pop_and_lease_is_atomic_across_workers(redis_url: str) -> None:
    """Ten workers racing for 2,000 ids: every id leased exactly once, to the worker that popped it."""
    push_ids(redis_url, (f"tt{i:07d}" for i in range(2000)))
    keys, got = Keys(), {}

    def worker(name: str) -> None:
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        pop = client.register_script(distributed.keys.POP_AND_LEASE)
        mine = got.setdefault(name, [])
        while ids := pop(keys=[keys.ids, keys.leases], args=[7, name]):
            mine.extend(ids)

    race(worker, [(f"w{i}",) for i in range(10)])
    popped = [i for ids in got.values() for i in ids]
    assert len(popped) == 2000 and len(set(popped)) == 2000
    leases = redis.Redis.from_url(redis_url, decode_responses=True).hgetall(keys.leases)
    assert all(leases[i] == name for name, ids in got.items() for i in ids)


def test_shared_token_bucket_caps_all_workers_together(redis_url: str) -> None:
    """Three clients hammering one domain for 1.5 s at 20 req/s, burst 2: at most 20*t + burst grants."""
    keys, granted, stop = Keys(), [], time.monotonic() + 1.5

    def worker() -> None:
        take = redis.Redis.from_url(redis_url).register_script(distributed.keys.TAKE_TOKEN)
        while time.monotonic() < stop:
            wait = int(take(keys=[keys.bucket("www.imdb.com")], args=[20, 2]))
            if wait == 0:
                granted.append(time.monotonic())
            else:
                time.sleep(wait / 1000)

    start = time.monotonic()
    race(worker, [()] * 3)
    elapsed = time.monotonic() - start
    assert len(granted) <= 20 * elapsed + 2 + 1
    assert len(granted) >= 20 * 1.5 * 0.6  # and the bucket does let traffic through


def test_cli_push_from_dumps_with_the_spiders_filters(redis_url: str, tmp_path, capsys) -> None:
    from tests.helpers.inputs import dumps

    basics = (b"tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n"
              b"tt0000010\tmovie\tA\tA\t0\t1999\t\\N\t90\tDrama\ntt0000011\ttvSeries\tB\tB\t0\t2000\t\\N\t30\tComedy\n"
              b"tt0000012\tmovie\tC\tC\t0\t2001\t\\N\t95\tDrama\n")
    ratings = b"tconst\taverageRating\tnumVotes\ntt0000010\t7.0\t500\ntt0000011\t6.0\t900\ntt0000012\t5.0\t20\n"
    folder = dumps(tmp_path / "dumps", basics, ratings)
    argv = ["push", "--redis-url", redis_url, "--dumps", str(folder), "--title-type", "movie", "--min-votes", "100"]
    assert distributed.main(argv) == 0
    assert redis.Redis.from_url(redis_url, decode_responses=True).lrange("imdb:ids", 0, -1) == ["tt0000010"]
    assert distributed.main(["push", "--redis-url", redis_url, "--ids", "tt1,bad"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_two_idle_workers_never_both_requeue_an_orphan(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys, orphans = Keys(), [f"tt{i:07d}" for i in range(500)]
    client.hset(keys.leases, mapping={i: "dead-worker" for i in orphans[:250]})  # the rest: no lease at all
    won: dict[str, list[str]] = {}

    def survivor(name: str) -> None:
        claim = redis.Redis.from_url(redis_url, decode_responses=True).register_script(distributed.keys.CLAIM)
        won[name] = [i for i in orphans if int(claim(keys=[keys.leases, keys.attempts],
                                                     args=[i, "dead-worker" if i in orphans[:250] else "", name])) > 0]

    race(survivor, [(f"w{n}",) for n in range(4)])
    claimed = [i for ids in won.values() for i in ids]
    assert sorted(claimed) == orphans  # each orphan requeued by exactly one survivor
    assert set(client.hvals(keys.attempts)) == {"1"}


def test_orphans_is_always_a_dict_of_ids_and_a_count(redis_url: str) -> None:
    """`orphans()` promises (id -> holder, held elsewhere); with nothing pending it returned `[]`, not a dict."""
    from scrapy.utils.test import get_crawler

    from crawler.config import RedisConfig
    from crawler.control import stopper
    from crawler.distributed.coordinator import RedisCoordinator
    from crawler.state import crawl_state

    crawler = get_crawler(settings_dict={"IMDB_SCHEDULER": "redis", "REDIS_URL": redis_url})
    coordinator = RedisCoordinator(crawler.stats, RedisConfig(url=redis_url, worker="me"), crawl_state(crawler),
                                   distributed.connect(redis_url), schedule=lambda request: None, stop=stopper(crawler))
    assert coordinator.orphans() == ({}, 0)
    push_ids(redis_url, ["tt0000001", "tt0000002", "tt0000003"])
    client, keys = redis.Redis.from_url(redis_url, decode_responses=True), Keys()
    client.hset(keys.leases, mapping={"tt0000001": "dead", "tt0000002": "alive"})
    client.set(keys.alive("alive"), "1")
    assert coordinator.orphans() == ({"tt0000001": "dead", "tt0000003": ""}, 1)


def test_the_wake_up_goes_through_the_engines_public_crawl_and_never_reaches_the_scheduler() -> None:
    """The coordinator wakes an idle engine with `engine.crawl` (no `engine._slot`); its request is refused
    in `request_scheduled`, which Scrapy's engine treats as dropped before the scheduler."""
    from scrapy import Request, signals
    from scrapy.exceptions import IgnoreRequest
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from crawler.config import RedisConfig
    from crawler.control import stopper
    from crawler.distributed.coordinator import RedisCoordinator
    from crawler.state import crawl_state

    crawler = get_crawler()
    unused = redis.Redis.from_url("redis://127.0.0.1:1")  # no command is sent
    crawled: list[Request] = []
    coordinator = RedisCoordinator(crawler.stats, RedisConfig(url="redis://127.0.0.1:1"), crawl_state(crawler), unused,
                                   schedule=crawled.append, stop=stopper(crawler))
    coordinator.connect_signals(crawler.signals)  # what from_crawler wires
    coordinator.wake()
    (wake,) = crawled
    answers = crawler.signals.send_catch_log(signals.request_scheduled, request=wake, spider=None, dont_log=IgnoreRequest)
    assert any(isinstance(r, Failure) and isinstance(r.value, IgnoreRequest) for _, r in answers)
    title = Request("http://127.0.0.1/title/tt0000001/")
    answers = crawler.signals.send_catch_log(signals.request_scheduled, request=title, spider=None)
    assert not any(isinstance(r, Failure) for _, r in answers)
