"""The rich progress bar `imdbkit crawl` draws while Scrapy runs, fed by the crawl's ``progress.json``.

Scrapy's own log goes to ``crawl.log``; the bar shows titles done / total (when the ids are known up
front), pages/s, retries and WAF challenges. It is off with --quiet or when stdout is not a terminal.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

POLL_S = 0.25


def known_total(spider_args: dict[str, str]) -> int | None:
    """How many titles the crawl was asked for, where that is known before it starts (ids, an ids file)."""
    from crawler import discovery

    try:
        if "ids" in spider_args:
            return len(discovery.parse_ids(spider_args["ids"]))
        if "ids_file" in spider_args:
            return sum(1 for _ in discovery.read_ids_file(spider_args["ids_file"]))
    except (discovery.DiscoveryError, OSError):
        return None  # the spider names the bad input itself
    return None


def read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not written yet, or a partial read: try again next tick
        return None


def watch(proc: subprocess.Popen, path: Path, total: int | None, show: bool) -> int:
    """Wait for the crawl to end, drawing the bar from `path` when `show`; returns its exit status."""
    if not show:
        return proc.wait()
    columns = (TextColumn("crawl"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[detail]}"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
        bar = progress.add_task("crawl", total=total, detail="starting Scrapy…")
        while True:
            try:
                code = proc.wait(timeout=POLL_S)
            except subprocess.TimeoutExpired:
                code = None
            snap = read(path)
            if snap:
                done = snap["items"] + snap["titles_failed"] + snap["skipped"]
                progress.update(bar, completed=done, total=total or snap.get("search_ids"),
                                detail=f"{snap['pages_per_s']:g} pages/s · {snap['retries']} retries · "
                                       f"{snap['waf']} WAF")
            if code is not None:
                return code
