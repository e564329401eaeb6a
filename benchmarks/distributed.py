"""Distributed crawl throughput: 1, 2 and 3 `scrapy crawl imdb` workers sharing one Redis frontier
(scrapy-redis, crawler/distributed/) against the offline mirror, posters off, in one run.

Prints pages/s per worker count (pages over the time from the first worker's heartbeat until every
title is written; "wall" adds process start-up and the idle-close grace) and the scaling ratio against the 1-worker run of the same process.
Every worker is a full Scrapy process (parsing is CPU-bound), and the mirror runs in its own process,
so on a 2-core machine the workers compete for the same two cores: the ratio there measures
coordination overhead more than scale-out. On N machines each worker brings its own cores.

    python benchmarks/distributed.py [--titles 1500] [--workers 1,2,3]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.distributed import crawl_status, push_ids, reset  # noqa: E402
from mirror.catalog import load_catalog  # noqa: E402

FAST = {"IMDB_DOWNLOAD_POSTERS": "0", "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
        "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING",
        "MAX_IDLE_TIME_BEFORE_CLOSE": "1", "ROBOTSTXT_OBEY": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            crawl_status(url)
            return proc, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start")


def start_mirror(catalog: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "mirror", "serve", "--catalog", catalog, "--seed", "0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, proc.stdout.readline().strip()


def crawl(base_url: str, redis_url: str, ids: list[str], workers: int, root: Path) -> dict:
    reset(redis_url)
    push_ids(redis_url, ids)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    procs = []
    for i in range(workers):
        cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", f"base_url={base_url}",
               "-s", "IMDB_SCHEDULER=redis", "-s", f"REDIS_URL={redis_url}", "-s", f"IMDB_WORKER=w{i}",
               "-s", f"IMDB_OUTPUT_DIR={root / f'w{workers}-{i}'}"]
        for name, value in FAST.items():
            cmd += ["-s", f"{name}={value}"]
        procs.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    alive_at = done_at = None
    while any(proc.poll() is None for proc in procs):
        status, now = crawl_status(redis_url), time.perf_counter() - started
        if alive_at is None and status["workers_alive"]:
            alive_at = now  # the first worker is up (Python + Scrapy start-up is not crawling)
        if done_at is None and status["done"] >= len(ids):
            done_at = now  # every title written; the rest is the idle-close grace
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stats = [json.loads((root / f"w{workers}-{i}" / "stats.json").read_text()) for i in range(workers)]
    pages = sum(s["requests"]["responses"] for s in stats)
    items = sum(s["items"] for s in stats)
    busy = (done_at or wall) - (alive_at or 0.0)
    return {"workers": workers, "items": items, "pages": pages, "wall_s": wall, "crawl_s": busy,
            "pages_per_s": pages / busy,
            "shares": [s["items"] for s in stats], "codes": [p.returncode for p in procs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=1500)
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    catalog = f"synthetic:{args.titles}"
    ids = list(load_catalog(catalog, seed=0).ids())
    with tempfile.TemporaryDirectory(prefix="imdbkit-bench-") as tmp:
        root = Path(tmp)
        redis_proc, redis_url = start_redis(root)
        mirror_proc, base_url = start_mirror(catalog)
        try:
            results = [crawl(base_url, redis_url, ids, n, root) for n in counts]
        finally:
            mirror_proc.terminate()
            redis_proc.terminate()
            mirror_proc.wait()
            redis_proc.wait()
    print(f"distributed crawl, {args.titles} mirror titles, posters off, {os.cpu_count()} CPU cores")
    print(f"{'workers':>7} {'items':>6} {'pages':>6} {'crawl s':>8} {'wall s':>7} {'pages/s':>8} {'vs 1':>6}  items per worker")
    base = results[0]["pages_per_s"]
    for r in results:
        ok = r["items"] == args.titles and r["codes"] == [0] * r["workers"]
        print(f"{r['workers']:>7} {r['items']:>6} {r['pages']:>6} {r['crawl_s']:>8.1f} {r['wall_s']:>7.1f} {r['pages_per_s']:>8.1f} "
              f"{r['pages_per_s'] / base:>5.2f}x  {r['shares']}{'' if ok else '  INCOMPLETE'}")


if __name__ == "__main__":
    main()
