"""`imdbkit crawl`: friendly flags over `scrapy crawl imdb`, run as a subprocess with the project's settings.

Nothing here parses pages or downloads anything: each flag becomes the spider argument (`-a`) or
the `IMDB_*` / Scrapy setting (`-s`) that `scrapy crawl imdb` documents, so both spell the same crawl.
Scrapy's log goes to `crawl.log` in the output folder; the terminal gets a progress bar
(`cli/crawl_progress.py`, fed by `crawler/progress.py`) and one summary line on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from cli.common import DEFAULT_CRAWL, CliError, check_reachable, command
from cli.crawl_progress import known_total, watch
from cli.lists import ListAction

EXAMPLE = """  imdbkit mirror serve --catalog synthetic:200 &      # prints http://127.0.0.1:PORT
  imdbkit crawl --base-url http://127.0.0.1:PORT --ids tt0133093,tt0113277 --out imdbkit-data/crawl
  imdbkit crawl --dumps ~/imdb-dumps --title-type movie --min-votes 125 --render challenge --jobdir imdbkit-data/crawl.job
  imdbkit crawl --search "title_type=feature&num_votes=125," --max-results 200 --render playwright
same as: scrapy crawl imdb -a base_url=... -a ids=... -s IMDB_OUTPUT_DIR=imdbkit-data/crawl"""

# Politeness off: only for a mirror on this machine (what `imdbkit demo` and the tests crawl).
LOG_FILE = "crawl.log"  # Scrapy's log, in the crawl's output folder

LOCAL_FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
              "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "IMDB_RETRY_BACKOFF_BASE": "0.05",
              "IMDB_RETRY_BACKOFF_MAX": "1", "TELNETCONSOLE_ENABLED": "0"}


def add_arguments(groups: argparse._SubParsersAction) -> None:
    p = command(groups, "crawl", "crawl title pages, keywords and posters (scrapy crawl imdb)",
                "Run `scrapy crawl imdb` with friendly flags; writes items.jsonl, posters/, stats.json and "
                "Scrapy's log (crawl.log), shows a progress bar on a terminal and ends with one summary line.",
                EXAMPLE)
    p.add_argument("--base-url", default="https://www.imdb.com", help="the site to crawl (default the live site)")
    find = p.add_argument_group("discovery (one of)")
    find.add_argument("--ids", action=ListAction, help="title ids: tt0133093,tt0113277 or repeated")
    find.add_argument("--ids-file", type=Path, help="one id per line; blank lines and # comments allowed")
    find.add_argument("--dumps", type=Path, help="folder with IMDb's title.basics.tsv[.gz] / title.ratings.tsv[.gz]")
    find.add_argument("--search", help='advanced-search query, e.g. "title_type=feature&num_votes=125,"')
    p.add_argument("--max-results", type=int, help="search results to take (past 50 needs --render)")
    p.add_argument("--title-type", action=ListAction, help="dumps filter: movie, or movie,tvMovie or repeated")
    p.add_argument("--min-votes", type=int, help="dumps filter")
    p.add_argument("--min-year", type=int, help="dumps filter")
    p.add_argument("--max-year", type=int, help="dumps filter")
    p.add_argument("--out", type=Path, default=DEFAULT_CRAWL, help=f"crawl folder (default {DEFAULT_CRAWL})")
    p.add_argument("--render", choices=["none", "challenge", "playwright", "selenium"], default="none",
                   help="challenge (recommended for the live site): plain HTTP, Chromium only to pass a WAF "
                        "challenge (-s IMDB_CHALLENGE_SOLVER=selenium for chromedriver); playwright/selenium "
                        "render every page (needed past 50 search results)")
    p.add_argument("--posters-width", type=int, default=300, help="poster width asked of the CDN; 0 = original")
    p.add_argument("--no-posters", action="store_true", help="do not download posters")
    p.add_argument("--no-keywords", action="store_true", help="do not fetch the full keyword pages")
    p.add_argument("--jobdir", type=Path, help="Scrapy JOBDIR: Ctrl-C pauses, the same command resumes")
    p.add_argument("--contact", help="an e-mail or URL put in the user agent")
    p.add_argument("--gzip", action="store_true", help="write items.jsonl.gz")
    p.add_argument("--local-fast", action="store_true",
                   help="no delays or AutoThrottle: ONLY for a mirror on this machine, never a real site")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any other Scrapy / IMDB_* setting, repeatable")
    p.set_defaults(func=run)


def spider_arguments(args: argparse.Namespace) -> dict[str, str]:
    found = [f for f in ("ids", "ids_file", "dumps", "search") if getattr(args, f)]
    if len(found) != 1:
        raise CliError("pass exactly one of --ids, --ids-file, --dumps or --search "
                       f"(got {', '.join('--' + f.replace('_', '-') for f in found) or 'none'}).", 2)
    if args.ids_file and not args.ids_file.is_file():
        raise CliError(f"--ids-file {args.ids_file} does not exist; write one id per line (tt0133093).", 2)
    if args.dumps and not args.dumps.is_dir():
        raise CliError(f"--dumps {args.dumps} is not a folder; point it at IMDb's title.*.tsv.gz files.", 2)
    out = {"base_url": args.base_url}
    for name in ("ids", "ids_file", "dumps", "search", "max_results", "title_type", "min_votes", "min_year",
                 "max_year"):
        value = getattr(args, name)
        if value is not None:
            out[name] = ",".join(value) if isinstance(value, list) else str(value)
    return out


def settings(args: argparse.Namespace) -> dict[str, str]:
    out = {"IMDB_OUTPUT_DIR": str(args.out), "IMDB_RENDER": args.render,
           "IMDB_POSTER_WIDTH": str(args.posters_width), "IMDB_DOWNLOAD_POSTERS": str(int(not args.no_posters)),
           "IMDB_FOLLOW_KEYWORDS": str(int(not args.no_keywords)), "IMDB_JSONL_GZIP": str(int(args.gzip))}
    if args.contact:
        out["IMDB_CONTACT"] = args.contact
    if args.jobdir:
        out["JOBDIR"] = str(args.jobdir)
    if args.local_fast:
        out.update(LOCAL_FAST)
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"-s {pair!r} is not NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1.", 2)
        out[name] = value
    return out


def scrapy_command(spider_args: dict[str, str], scrapy_settings: dict[str, str]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb"]
    for name, value in spider_args.items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in scrapy_settings.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def scrapy_env() -> dict[str, str]:
    """The project's settings from any working directory (no scrapy.cfg needed there)."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", "PYTHONWARNINGS": "ignore"}


def run(args: argparse.Namespace) -> int:
    from crawler.progress import PROGRESS_FILE

    spider_args = spider_arguments(args)
    scrapy_settings = settings(args)
    check_reachable(args.base_url)
    cmd = scrapy_command(spider_args, scrapy_settings)
    if args.verbose:
        print(" ".join(cmd), file=sys.stderr)
    stats_path, log_path, progress_path = args.out / "stats.json", args.out / LOG_FILE, args.out / PROGRESS_FILE
    before = stats_path.stat().st_mtime_ns if stats_path.exists() else None
    args.out.mkdir(parents=True, exist_ok=True)
    progress_path.unlink(missing_ok=True)  # the bar must not start from the last run's numbers
    with open(log_path, "w", encoding="utf-8") as log:  # Scrapy's ~90 lines go here, not to the terminal
        proc = subprocess.Popen(cmd, env=scrapy_env(), stdout=log, stderr=subprocess.STDOUT)
        try:
            code = watch(proc, progress_path, known_total(spider_args), not args.quiet and sys.stdout.isatty())
        except KeyboardInterrupt:  # Scrapy got the same Ctrl-C and closes cleanly (JOBDIR keeps its place)
            proc.wait()
            raise
    if code == 2:  # scrapy's own usage error: its last line says what
        raise CliError(f"{last_line(log_path) or 'scrapy refused its arguments'} (full log in {log_path}).", 2)
    return outcome(stats_path, before, code, log_path)


def last_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def outcome(stats_path: Path, before: int | None, code: int, log_path: Path) -> int:
    """One summary line on stdout, then 0 only when the crawl finished and every title it was asked for is in the
    items file; otherwise one sentence saying what happened and what to do (``CliError``)."""
    fresh = stats_path.exists() and stats_path.stat().st_mtime_ns != before
    if not fresh:
        raise CliError(f"the crawl ended (exit status {code}) without writing {stats_path}; see {log_path}.")
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    reason, failed = stats.get("finish_reason"), stats.get("titles_failed", 0)
    print(f"crawl: {stats.get('items', 0):,} items written ({stats.get('items_total', 0):,} in the file), "
          f"{stats.get('pages_per_s') or 0:g} pages/s, finish reason {reason}"
          + (f", {failed:,} titles failed" if failed else "") + f"; log in {log_path}", flush=True)
    if reason == "bad_arguments":
        raise CliError(stats.get("error") or f"the spider refused its arguments; see {log_path}.", 2)
    if reason != "finished":
        raise CliError(STOPPED.get(reason, "the crawl stopped early ({reason}); {error}").format(
            reason=reason, error=stats.get("error") or f"see {log_path}."))
    if failed:
        why = ", ".join(f"{n} {r}" for r, n in stats.get("titles_failed_by_reason", {}).items())
        raise CliError(f"{failed:,} titles failed ({why}); they are not in items.jsonl, so running the same "
                       "command again retries them (details in stats.json).")
    if not stats.get("items_total"):
        raise CliError(f"the crawl finished but collected nothing; check the ids and --base-url, and {log_path}.")
    if code:
        raise CliError(f"scrapy exited with status {code} after the crawl finished; see {log_path}.")
    return 0


STOPPED = {  # finish reason → the sentence `imdbkit crawl` ends with
    "waf_challenge": "the site answered with a bot challenge and the crawl stopped early; run it again with "
                     "--render challenge (Chromium passes the challenge once, pages stay plain HTTP).",
    "unreachable": "{error}",
    "browser_failed": "{error}",
    "shutdown": "the crawl was interrupted; run the same command again to resume it.",
}
