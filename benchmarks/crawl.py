"""Crawl throughput of `scrapy crawl imdb` against the offline mirror, with `scrapy bench` as reference.

1. The mirror (synthetic catalog) runs in its own process and serves title and keywords pages of real size and
   shape (~0.5 MB: the markup, scripts and page-state keys real pages carry around the data, mirror/realsize.py);
   `scrapy crawl imdb` crawls N titles from an ids file with posters off, then again with posters on (width 300). Politeness is not what is
   measured, so these runs set AUTOTHROTTLE_ENABLED=0, DOWNLOAD_DELAY=0 and CONCURRENT_REQUESTS(_PER_DOMAIN)=32
   (robots.txt is still fetched and obeyed). pages/s = HTML pages (title + keyword pages) over the
   spider's own duration from stats.json; posters are reported separately.
2. `scrapy bench` (Scrapy's own local link-following benchmark, default settings, outside this project)
   runs for --bench-seconds in the same process tree: pages/s = responses / elapsed.
3. Parse-only: the field table (`crawler.extract.parse_title_page`) in this process, per CPU-second (one core):
   over the mirror's real-size title pages, and over the real pages in ../shared/data/realpages, those with a
   page state (2021-23) and the legacy ones (2014-21 markup) apart (benchmarks/parse.py's grouping). Parsed as
   the crawl parses: with a look-alike check (`crawler.extract.LookalikeCheck`) sampled as the spider's default
   (`IMDB_LOOKALIKE_EVERY`, `CrawlConfig.lookalike_every`: a field's first miss, then every 100th), one check per
   set of pages as a crawl has one.
4. The WAF case (--waf-titles N): a mirror that challenges every page (`waf=1.0,waf_ttl=30`), the
   same N titles crawled through `IMDB_RENDER=challenge` (one browser solve per token, then plain
   HTTP) and through full-page rendering (`IMDB_RENDER=playwright`), then the first 200 through the
   Selenium solver; each checked against a fault-free crawl (every title exactly once, items equal).
   Wall and CPU seconds (the crawl's process tree: Scrapy, Playwright's driver, Chromium) per run.

Goals: crawl pages/s >= 2.0 x scrapy bench pages/s with posters off (issue 19), >= 1.0 x with posters on; parse
>= 1,000 page-state pages per CPU-second; WAF case:
browser solves <= 2% of pages and challenge wall <= 1/5 of full-page rendering.

    python benchmarks/crawl.py [--titles 5000] [--bench-seconds 20] [--waf-titles 1000] [--only-waf]
                               [--pages ../shared/data/realpages]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
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


def start_mirror(catalog: str, faults: str | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m mirror serve --port 0` in its own process; returns it and its base URL."""
    code = ("import sys,time\nfrom mirror import MirrorServer\n"
            f"s=MirrorServer({catalog!r}, seed=0, faults={faults!r})\nprint(s.start(), flush=True)\n"
            "sys.stdin.read()\ns.stop()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def crawl(base_url: str, ids_file: Path, out: Path, posters: bool, **extra: str) -> dict:
    settings = {**FAST, "IMDB_OUTPUT_DIR": str(out), "IMDB_DOWNLOAD_POSTERS": str(int(posters)), **extra}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", f"base_url={base_url}", "-a", f"ids_file={ids_file}"]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = json.loads((out / "stats.json").read_text())
    pages = stats["requests"]["responses"] - stats["posters"]["stored"] - stats["posters"]["failed"] - 1  # robots
    return {"items": stats["items"], "pages": pages, "posters": stats["posters"]["stored"],
            "seconds": stats["duration_s"], "pages_per_s": pages / stats["duration_s"],
            "titles_per_s": stats["items"] / stats["duration_s"], "wall_s": wall,
            "cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "waf": stats["waf"], "browser": stats["browser"], "out": out}


def comparable(out: Path, base_url: str) -> dict[str, str]:
    """A crawl's items keyed by id, as JSON without the scrape time and the mirror's address."""
    host = base_url.split("//", 1)[1]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines() if line.strip()]
    found = {}
    for item in items:
        if item["imdb_id"] in found:
            return {"DUPLICATE": item["imdb_id"]}
        item.pop("scraped_at")
        found[item["imdb_id"]] = json.dumps(item, sort_keys=True).replace(base_url, "BASE").replace(host, "HOST")
    return found


def waf_case(ids: list[str], work: Path, selenium_titles: int = 200) -> None:
    """The same titles behind a challenge on every page: challenge mode against full-page rendering."""
    catalog = f"synthetic:{len(ids)}"
    ids_file, few_file = work / "waf-ids.txt", work / "waf-ids-selenium.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    few_file.write_text("\n".join(ids[:selenium_titles]) + "\n")
    clean, clean_url = start_mirror(catalog)
    try:
        reference = crawl(clean_url, ids_file, work / "waf-clean", False)
        want = comparable(reference["out"], clean_url)
        few = crawl(clean_url, few_file, work / "waf-clean-few", False)
        want_few = comparable(few["out"], clean_url)
    finally:
        clean.communicate("")
    print(f"WAF case: {len(ids)} titles at waf=1.0,waf_ttl=30; fault-free reference: {reference['items']} titles, "
          f"{reference['pages']} pages in {reference['wall_s']:.1f} s wall, {reference['cpu_s']:.1f} s CPU")
    runs = {"challenge (playwright)": (ids_file, want, {"IMDB_RENDER": "challenge"}),
            "full rendering (playwright)": (ids_file, want, {"IMDB_RENDER": "playwright"}),
            f"challenge (selenium), {len(want_few)} titles": (
                few_file, want_few, {"IMDB_RENDER": "challenge", "IMDB_CHALLENGE_SOLVER": "selenium"})}
    results = {}
    mirror, base_url = start_mirror(catalog, "waf=1.0,waf_ttl=30")
    try:
        for name, (file, expected, settings) in runs.items():
            r = results[name] = crawl(base_url, file, work / f"waf-{len(results)}", False, **settings)
            same = comparable(r["out"], base_url) == expected
            r["pages"] -= r["waf"].get("challenges", 0)  # pages delivered: the challenge answers are not pages
            solves = r["waf"].get("browser_solves", 0)
            rendered = r["browser"]["pages_opened"] + r["browser"]["selenium_pages"]
            print(f"  {name:30}: {r['items']} titles, {'equal to' if same else 'DIFFERENT FROM'} the fault-free "
                  f"crawl; {r['pages']} pages, {solves} browser solves ({100 * solves / max(r['pages'], 1):.2f}% "
                  f"of pages, {r['waf'].get('solve_seconds', 0):.1f} s), {rendered} pages rendered in Chromium; "
                  f"{r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU")
    finally:
        mirror.communicate("")
    fast, slow = results["challenge (playwright)"], results["full rendering (playwright)"]
    ratio = fast["wall_s"] / slow["wall_s"]
    share = fast["waf"].get("browser_solves", 0) / max(fast["pages"], 1)
    print(f"  wall challenge / full rendering: {ratio:.3f} (goal <= 0.2) {'OK' if ratio <= 0.2 else 'BELOW GOAL'}; "
          f"CPU {fast['cpu_s'] / slow['cpu_s']:.3f}; solves {100 * share:.2f}% of pages (goal <= 2%) "
          f"{'OK' if share <= 0.02 else 'BELOW GOAL'}")


def scrapy_bench(seconds: int) -> dict:
    """`scrapy bench` with Scrapy's defaults, run outside this project so its settings do not apply."""
    with tempfile.TemporaryDirectory() as outside:
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                                 "-s", "LOGSTATS_INTERVAL=5"], cwd=outside, capture_output=True, text=True)
    log = result.stdout + result.stderr
    responses = int(re.search(r"'downloader/response_count': (\d+)", log)[1])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log)[1])
    return {"pages": responses, "seconds": elapsed, "pages_per_s": responses / elapsed}


def parse_only(pages: list[str] | list[bytes], seconds: float = 5.0) -> dict:
    """Pages per CPU-second of the field table over ``pages`` (benchmarks/parse.py's measure), as the crawl parses
    them: with its own look-alike check at the crawl's default sampling."""
    from benchmarks.parse import URL, rate
    from crawler import extract
    from crawler.config import CrawlConfig

    check = extract.LookalikeCheck(CrawlConfig.lookalike_every)
    per_s = rate(lambda page: extract.parse_title_page(page, URL, lookalikes=check), pages, seconds)
    return {"pages": len(pages), "pages_per_s": per_s, "kb_per_page": sum(map(len, pages)) / len(pages) / 1024}


def parse_real(folder: Path, seconds: float) -> dict[str, dict]:
    """parse_only over the real title pages in ``folder``, by group (page state, 2025 /reference state, legacy; not
    the page-state group's split by layout, which ``benchmarks/parse.py`` reports)."""
    from benchmarks.parse import STATE_2021, STATE_2022, load_pages

    if not folder.is_dir():
        return {}
    return {name: parse_only(pages, seconds) for name, pages in load_pages(folder).items()
            if pages and name not in (STATE_2021, STATE_2022)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=5000)
    parser.add_argument("--bench-seconds", type=int, default=20)
    parser.add_argument("--waf-titles", type=int, default=1000, help="titles in the WAF case (0 skips it)")
    parser.add_argument("--only-waf", action="store_true", help="run the WAF case alone")
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "data" / "realpages",
                        help="real IMDb pages to time the parser on (default ../shared/data/realpages)")
    parser.add_argument("--parse-seconds", type=float, default=5.0, help="CPU seconds per parse measurement")
    args = parser.parse_args()

    from benchmarks.parse import STATE
    from mirror.catalog import load_catalog

    if args.only_waf or args.waf_titles:
        work = Path(tempfile.mkdtemp(prefix="imdbkit-bench-waf-"))
        try:
            waf_case(list(load_catalog(f"synthetic:{args.waf_titles}", seed=0).ids()), work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if args.only_waf:
            return

    catalog = f"synthetic:{args.titles}"
    ids = list(load_catalog(catalog, seed=0).ids())
    work = Path(tempfile.mkdtemp(prefix="imdbkit-bench-"))
    ids_file = work / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    mirror, base_url = start_mirror(catalog)
    try:
        sample = [urllib.request.urlopen(f"{base_url}/title/{i}/").read() for i in ids[:300]]  # bytes, as parsed
        kb = sum(map(len, sample)) / len(sample) / 1024
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; mirror {catalog} at {base_url} "
              f"(own process), title pages {kb:.0f} KB on average (real size)")
        print("crawl settings (politeness is not measured): " + ", ".join(f"{k}={v}" for k, v in FAST.items()))
        results = {}
        for posters in (False, True):
            name = "posters on (UX300)" if posters else "posters off"
            results[name] = crawl(base_url, ids_file, work / f"crawl-{int(posters)}", posters)
            r = results[name]
            print(f"crawl, {name:18}: {r['items']} titles, {r['pages']} pages, {r['posters']} posters in "
                  f"{r['seconds']:.1f} s -> {r['pages_per_s']:.0f} pages/s ({r['titles_per_s']:.0f} titles/s)")
    finally:
        mirror.communicate("")
        shutil.rmtree(work, ignore_errors=True)
    parse = parse_only(sample, args.parse_seconds)
    real = parse_real(args.pages, args.parse_seconds)
    bench = scrapy_bench(args.bench_seconds)
    print(f"scrapy bench (reference)  : {bench['pages']} pages in {bench['seconds']:.1f} s -> "
          f"{bench['pages_per_s']:.0f} pages/s")
    for name, r in results.items():
        ratio, goal = r["pages_per_s"] / bench["pages_per_s"], 1.0 if "on" in name else 2.0
        print(f"ratio crawl/bench, {name:18}: {ratio:.2f}x (goal >= {goal:.1f}x) {'OK' if ratio >= goal else 'BELOW GOAL'}")
    print(f"parse only, mirror pages   : {parse['pages_per_s']:.0f} pages/CPU-s over {parse['kb_per_page']:.0f} KB pages "
          f"(goal >= 1000) {'OK' if parse['pages_per_s'] >= 1000 else 'BELOW GOAL'}")
    if not real:
        print(f"parse only, real pages     : skipped ({args.pages} is not a folder)")
    for name, r in real.items():
        goal = f"(goal >= 1000) {'OK' if r['pages_per_s'] >= 1000 else 'BELOW GOAL'}" if name == STATE else ""
        print(f"parse only, real {name:24}: {r['pages_per_s']:.0f} pages/CPU-s over {r['pages']} pages of "
              f"{r['kb_per_page']:.0f} KB {goal}")


if __name__ == "__main__":
    main()
