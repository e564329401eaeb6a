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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from cli.common import DEFAULT_CRAWL, CliError, check_reachable, command
from cli.crawl_progress import known_total, watch
from cli.options import add_options, from_args

EXAMPLE = """  imdbkit mirror serve --catalog synthetic:200 &      # prints http://127.0.0.1:PORT
  imdbkit crawl --base-url http://127.0.0.1:PORT --ids tt0133093,tt0113277 --out imdbkit-data/crawl
  imdbkit crawl --dumps ~/imdb-dumps --title-type movie --min-votes 125 --render challenge --jobdir imdbkit-data/crawl.job
  imdbkit crawl --search "title_type=feature&num_votes=125," --max-results 200 --render playwright
same as: scrapy crawl imdb -a base_url=... -a ids=... -s IMDB_OUTPUT_DIR=imdbkit-data/crawl"""

LOG_FILE = "crawl.log"  # Scrapy's log, in the crawl's output folder
DISCOVERY = "discovery (one of)"  # the --help section of the four ways to name titles

# Politeness off: only for a mirror on this machine (what `imdbkit demo` and the tests crawl).
LOCAL_FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
              "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "IMDB_RETRY_BACKOFF_BASE": "0.05",
              "IMDB_RETRY_BACKOFF_MAX": "1", "TELNETCONSOLE_ENABLED": "0"}


@dataclass(frozen=True)
class CrawlParams:
    """The crawl a user asks for; each field names the spider argument (`-a`) or setting (`-s`) it becomes.

    Why not `crawler.config.CrawlConfig`: that is the crawler's whole internal configuration; these are the
    options a person types, and they map onto it only through `scrapy crawl imdb`'s documented -a / -s names.
    """

    base_url: str = field(default="https://www.imdb.com", metadata={
        "spider": "base_url", "metavar": "URL", "example": "http://127.0.0.1:8000",
        "help": "the site to crawl (default the live site)"})
    ids: tuple[str, ...] = field(default=(), metadata={
        "spider": "ids", "group": DISCOVERY, "metavar": "ID", "example": "tt0133093,tt0113277",
        "help": "title ids: a,b or repeated"})
    ids_file: Path | None = field(default=None, metadata={
        "spider": "ids_file", "group": DISCOVERY, "example": "ids.txt",
        "help": "one id per line; blank lines and # comments allowed"})
    dumps: Path | None = field(default=None, metadata={
        "spider": "dumps", "group": DISCOVERY, "example": "~/imdb-dumps",
        "help": "folder with IMDb's title.basics.tsv[.gz] / title.ratings.tsv[.gz]"})
    search: str | None = field(default=None, metadata={
        "spider": "search", "group": DISCOVERY, "metavar": "QUERY", "example": '"title_type=feature&num_votes=125,"',
        "help": "an advanced-search query"})
    max_results: int | None = field(default=None, metadata={
        "spider": "max_results", "example": "200", "help": "search results to take (past 50 needs --render)"})
    title_type: tuple[str, ...] = field(default=(), metadata={
        "spider": "title_type", "metavar": "TYPE", "example": "movie,tvMovie",
        "help": "dumps filter: these title types, a,b or repeated"})
    min_votes: int | None = field(default=None, metadata={
        "spider": "min_votes", "example": "125", "help": "dumps filter: titles with at least this many votes"})
    min_year: int | None = field(default=None, metadata={
        "spider": "min_year", "example": "1990", "help": "dumps filter: titles from this year on"})
    max_year: int | None = field(default=None, metadata={
        "spider": "max_year", "example": "2020", "help": "dumps filter: titles up to this year"})
    out: Path = field(default=DEFAULT_CRAWL, metadata={
        "setting": "IMDB_OUTPUT_DIR", "example": "imdbkit-data/crawl-2025", "help": "crawl folder"})
    render: Literal["none", "challenge", "playwright", "selenium"] = field(default="none", metadata={
        "setting": "IMDB_RENDER", "example": "challenge",
        "help": "challenge (recommended for the live site): plain HTTP, Chromium only to pass a WAF challenge "
                "(-s IMDB_CHALLENGE_SOLVER=selenium for chromedriver); playwright/selenium render every page "
                "(needed past 50 search results)"})
    posters_width: int = field(default=300, metadata={
        "setting": "IMDB_POSTER_WIDTH", "example": "600", "help": "poster width asked of the CDN; 0 = original"})
    posters: bool = field(default=True, metadata={"setting": "IMDB_DOWNLOAD_POSTERS", "help": "download posters"})
    keywords: bool = field(default=True, metadata={
        "setting": "IMDB_FOLLOW_KEYWORDS", "help": "fetch the full keyword pages"})
    jobdir: Path | None = field(default=None, metadata={
        "setting": "JOBDIR", "example": "imdbkit-data/crawl.job",
        "help": "Scrapy JOBDIR: Ctrl-C pauses, the same command resumes"})
    contact: str | None = field(default=None, metadata={
        "setting": "IMDB_CONTACT", "example": "me@example.org", "help": "an e-mail or URL put in the user agent"})
    gzip: bool = field(default=False, metadata={"setting": "IMDB_JSONL_GZIP", "help": "write items.jsonl.gz"})
    local_fast: bool = field(default=False, metadata={  # the LOCAL_FAST settings
        "help": "no delays or AutoThrottle: ONLY for a mirror on this machine, never a real site"})

    def spider_arguments(self) -> dict[str, str]:
        """The `-a NAME=VALUE` pairs; a discovery mistake is a usage error (exit 2)."""
        found = [f for f in ("ids", "ids_file", "dumps", "search") if getattr(self, f)]
        if len(found) != 1:
            raise CliError("pass exactly one of --ids, --ids-file, --dumps or --search "
                           f"(got {', '.join('--' + f.replace('_', '-') for f in found) or 'none'}).", 2)
        if self.ids_file and not self.ids_file.is_file():
            raise CliError(f"--ids-file {self.ids_file} does not exist; write one id per line (tt0133093).", 2)
        if self.dumps and not self.dumps.is_dir():
            raise CliError(f"--dumps {self.dumps} is not a folder; point it at IMDb's title.*.tsv.gz files.", 2)
        return self._mapped("spider")

    def settings(self) -> dict[str, str]:
        """The `-s NAME=VALUE` pairs (without `--set`'s own)."""
        out = self._mapped("setting")
        if self.local_fast:
            out.update(LOCAL_FAST)
        return out

    def _mapped(self, kind: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            name, value = f.metadata.get(kind), getattr(self, f.name)
            if name and value not in (None, ()):
                out[name] = (",".join(value) if isinstance(value, tuple) else str(int(value))
                             if isinstance(value, bool) else str(value))
        return out


def add_arguments(groups: argparse._SubParsersAction) -> None:
    p = command(groups, "crawl", "crawl title pages, keywords and posters (scrapy crawl imdb)",
                "Run `scrapy crawl imdb` with friendly flags; writes items.jsonl, posters/, stats.json and "
                "Scrapy's log (crawl.log), shows a progress bar on a terminal and ends with one summary line.",
                EXAMPLE)
    add_options(p, CrawlParams)
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any other Scrapy / IMDB_* setting, repeatable (e.g. -s DOWNLOAD_DELAY=1)")
    p.set_defaults(func=run)


def spider_arguments(args: argparse.Namespace) -> dict[str, str]:
    return from_args(CrawlParams, args).spider_arguments()


def settings(args: argparse.Namespace) -> dict[str, str]:
    out = from_args(CrawlParams, args).settings()
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
