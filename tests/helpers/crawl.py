"""Run real `scrapy crawl imdb` subprocesses against the mirror and read what they wrote, half-written lines counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers.env import REPO

# Fast and deterministic against the local mirror; politeness is tested elsewhere.
FAST = {"IMDB_DOWNLOAD_POSTERS": "0", "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
        "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "INFO",
        "IMDB_RETRY_BACKOFF_BASE": "0.05", "IMDB_RETRY_BACKOFF_MAX": "0.5"}
VOLATILE = {"scraped_at"}


def crawl_command(base_url: str, out: Path, args: dict[str, str] | None = None, **settings: Any) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", f"base_url={base_url}"]
    for name, value in (args or {}).items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in {**FAST, "IMDB_OUTPUT_DIR": str(out), **settings}.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def start_crawl(base_url: str, out: Path, args: dict[str, str] | None = None, **settings: Any) -> subprocess.Popen:
    out.mkdir(parents=True, exist_ok=True)
    log = (out.parent / f"{out.name}.log").open("ab")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(crawl_command(base_url, out, args, **settings), cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, env=env)


def run_crawl(base_url: str, out: Path, args: dict[str, str] | None = None, timeout: float = 240,
              **settings: Any) -> subprocess.CompletedProcess:
    proc = start_crawl(base_url, out, args, **settings)
    proc.wait(timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, log_text(out), "")


def log_text(out: Path) -> str:
    path = out.parent / f"{out.name}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def read_lines(path: Path) -> tuple[list[dict], int]:
    """Every complete JSON line of one items file, and how many lines were broken."""
    records, broken = [], 0
    if not path.exists():
        return records, broken
    for line in path.read_bytes().split(b"\n"):
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            broken += 1
    return records, broken


def read_items(*folders: Path) -> list[dict]:
    records: list[dict] = []
    for folder in folders:
        for path in sorted(folder.glob("items*.jsonl")):
            found, broken = read_lines(path)
            assert broken == 0, f"{path} holds {broken} half-written lines"
            records += found
    return records


def by_id(records: list[dict]) -> dict[str, dict]:
    """Records keyed by id without the fields that differ between two crawls of the same pages."""
    out = {}
    for record in records:
        assert record["imdb_id"] not in out, f"{record['imdb_id']} written twice"
        out[record["imdb_id"]] = {k: v for k, v in record.items() if k not in VOLATILE}
    return out


def stats(folder: Path) -> dict:
    return json.loads((folder / "stats.json").read_text())


def normalised(records: list[dict], base_url: str) -> dict[str, dict]:
    """`by_id`, with the mirror's base URL (a different port per server) replaced by a placeholder."""
    from urllib.parse import urlsplit

    text = json.dumps(records).replace(base_url, "BASE").replace(urlsplit(base_url).netloc, "HOST")
    return by_id(json.loads(text))


def injected_faults(server: Any) -> dict[str, int]:
    """Replay the mirror's deterministic fault draws over every request it answered: what it injected."""
    counts: dict[str, int] = {}
    for key, attempts in server.app.attempts.items():
        for attempt in range(attempts):
            fault, delayed, challenge = server.faults.decide(server.seed, key, attempt)
            for name in (fault, "delay" if delayed else None, challenge):
                if name:
                    counts[name] = counts.get(name, 0) + 1
    return counts
