"""Crawl throughput of `scrapy crawl imdb` against the offline mirror, with `scrapy bench` as reference.

1. The mirror (synthetic catalog) runs in its own process; `scrapy crawl imdb` crawls N titles from an
   ids file with posters off, then again with posters on (width 300). Politeness is not what is
   measured, so these runs set AUTOTHROTTLE_ENABLED=0, DOWNLOAD_DELAY=0 and CONCURRENT_REQUESTS(_PER_DOMAIN)=32
   (robots.txt is still fetched and obeyed). pages/s = HTML pages (title + keyword pages) over the
   spider's own duration from stats.json; posters are reported separately.
2. `scrapy bench` (Scrapy's own local link-following benchmark, default settings, outside this project)
   runs for --bench-seconds in the same process tree: pages/s = responses / elapsed.
3. Parse-only: the field table over saved title pages in this process (one core).

Goals: crawl pages/s >= 1.0 x scrapy bench pages/s; parse >= 1,000 pages/s per core.

    python benchmarks/crawl.py [--titles 5000] [--bench-seconds 20]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "32",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "32", "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": "0"}


def start_mirror(catalog: str) -> tuple[subprocess.Popen, str]:
    """`python -m mirror serve --port 0` in its own process; returns it and its base URL."""
    code = ("import sys,time\nfrom mirror import MirrorServer\n"
            f"s=MirrorServer({catalog!r}, seed=0)\nprint(s.start(), flush=True)\n"
            "sys.stdin.read()\ns.stop()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def crawl(base_url: str, ids_file: Path, out: Path, posters: bool) -> dict:
    settings = {**FAST, "IMDB_OUTPUT_DIR": str(out), "IMDB_DOWNLOAD_POSTERS": str(int(posters))}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", f"base_url={base_url}", "-a", f"ids_file={ids_file}"]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stats = json.loads((out / "stats.json").read_text())
    pages = stats["requests"]["responses"] - stats["posters"]["stored"] - stats["posters"]["failed"] - 1  # robots
    return {"items": stats["items"], "pages": pages, "posters": stats["posters"]["stored"],
            "seconds": stats["duration_s"], "pages_per_s": pages / stats["duration_s"],
            "titles_per_s": stats["items"] / stats["duration_s"]}


def scrapy_bench(seconds: int) -> dict:
    """`scrapy bench` with Scrapy's defaults, run outside this project so its settings do not apply."""
    with tempfile.TemporaryDirectory() as outside:
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                                 "-s", "LOGSTATS_INTERVAL=5"], cwd=outside, capture_output=True, text=True)
    log = result.stdout + result.stderr
    responses = int(re.search(r"'downloader/response_count': (\d+)", log)[1])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log)[1])
    return {"pages": responses, "seconds": elapsed, "pages_per_s": responses / elapsed}


def parse_only(base_url: str, ids: list[str], seconds: float = 5.0) -> dict:
    from crawler import extract

    pages = [urllib.request.urlopen(f"{base_url}/title/{i}/").read().decode() for i in ids]
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for page in pages:
            extract.parse_title_page(page, base_url)
        done += len(pages)
    elapsed = time.perf_counter() - start
    return {"pages": done, "seconds": elapsed, "pages_per_s": done / elapsed,
            "kb_per_page": sum(map(len, pages)) / len(pages) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=5000)
    parser.add_argument("--bench-seconds", type=int, default=20)
    args = parser.parse_args()

    from mirror.catalog import load_catalog

    catalog = f"synthetic:{args.titles}"
    ids = list(load_catalog(catalog, seed=0).ids())
    work = Path(tempfile.mkdtemp(prefix="imdbkit-bench-"))
    ids_file = work / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    mirror, base_url = start_mirror(catalog)
    try:
        print(f"machine: {os.cpu_count()} cores; mirror {catalog} at {base_url} (own process)")
        print("crawl settings (politeness is not measured): " + ", ".join(f"{k}={v}" for k, v in FAST.items()))
        results = {}
        for posters in (False, True):
            name = "posters on (UX300)" if posters else "posters off"
            results[name] = crawl(base_url, ids_file, work / f"crawl-{int(posters)}", posters)
            r = results[name]
            print(f"crawl, {name:18}: {r['items']} titles, {r['pages']} pages, {r['posters']} posters in "
                  f"{r['seconds']:.1f} s -> {r['pages_per_s']:.0f} pages/s ({r['titles_per_s']:.0f} titles/s)")
        parse = parse_only(base_url, ids[:300])
    finally:
        mirror.communicate("")
        shutil.rmtree(work, ignore_errors=True)
    bench = scrapy_bench(args.bench_seconds)
    print(f"scrapy bench (reference)  : {bench['pages']} pages in {bench['seconds']:.1f} s -> "
          f"{bench['pages_per_s']:.0f} pages/s")
    for name, r in results.items():
        ratio = r["pages_per_s"] / bench["pages_per_s"]
        print(f"ratio crawl/bench, {name:18}: {ratio:.2f}x (goal >= 1.0x) {'OK' if ratio >= 1 else 'BELOW GOAL'}")
    print(f"parse only, one core      : {parse['pages_per_s']:.0f} pages/s over {parse['kb_per_page']:.1f} KB pages "
          f"(goal >= 1000) {'OK' if parse['pages_per_s'] >= 1000 else 'BELOW GOAL'}")


if __name__ == "__main__":
    main()
