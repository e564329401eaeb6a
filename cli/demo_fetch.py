"""The demo's two phases that talk to the mirror: the crawl (a real `scrapy crawl imdb` subprocess) and the
trailer downloads; both resume where a cut run stopped.

Apart from `cli/demo_phases.py`, which runs the chain and keeps its bookkeeping, because these two are
the only ones that start processes and open connections; the build and leaderboard phases run in process.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.progress import Progress

from cli.common import CliError
from cli.crawl import LOCAL_FAST, scrapy_command, scrapy_env
from cli.demo_data import read_items

if TYPE_CHECKING:
    from cli.demo_phases import Demo

SEED = 0  # the mirror catalog's seed (the whole demo uses one)


def crawl(demo: Demo, progress: Progress) -> None:
    """A real `scrapy crawl imdb` subprocess against the mirror, its bar driven by items.jsonl's lines; a cut crawl
    resumes (the spider skips titles already written)."""
    from mirror.catalog import load_catalog

    ids = list(load_catalog(demo.catalog, seed=SEED).ids())
    key = demo.key(demo.catalog, SEED, "posters+keywords")
    items_path = demo.crawl / "items.jsonl"
    if demo.done("crawl", key) and items_path.is_file():
        demo.timings["crawl"] = "reused"
        return
    if demo.state().get("crawl", {}).get("key") not in (None, key) or demo.args.force:
        shutil.rmtree(demo.crawl, ignore_errors=True)  # another catalog: its titles would mix in
    demo.crawl.mkdir(parents=True, exist_ok=True)
    ids_file = demo.work / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    already = len({i.get("imdb_id") for i in read_items(items_path)})
    base_url = demo.base_url()
    task = progress.add_task("crawl", total=len(ids), completed=already)
    settings = {**LOCAL_FAST, "IMDB_OUTPUT_DIR": str(demo.crawl), "IMDB_POSTER_WIDTH": "300",
                "IMDB_DOWNLOAD_POSTERS": "1", "IMDB_FOLLOW_KEYWORDS": "1", "LOG_LEVEL": "INFO",
                "LOG_FILE": str(demo.logs / "crawl.log")}
    cmd = scrapy_command({"base_url": base_url, "ids_file": str(ids_file)}, settings)
    start = time.perf_counter()
    with open(demo.logs / "crawl.out", "ab") as out:
        proc = subprocess.Popen(cmd, env=scrapy_env(), stdout=out, stderr=subprocess.STDOUT)
        try:
            while proc.poll() is None:
                time.sleep(0.3)
                if items_path.is_file():
                    progress.update(task, completed=items_path.read_bytes().count(b"\n"))
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)
    items = read_items(items_path)
    progress.update(task, completed=len(items))
    if proc.returncode != 0:
        raise CliError(f"the crawl stopped with exit status {proc.returncode} after {len(items)} titles; see "
                       f"{demo.logs / 'crawl.log'} and rerun `imdbkit demo` to resume it.", 1)
    missing = len(set(ids) - {i["imdb_id"] for i in items})
    if missing:
        raise CliError(f"the crawl finished without {missing} of {len(ids)} titles; see "
                       f"{demo.logs / 'crawl.log'} and rerun `imdbkit demo` to resume it.", 1)
    demo.timings["crawl"] = f"{time.perf_counter() - start:.1f}s"
    demo.mark("crawl", key, items=len(items))

def trailers(demo: Demo, progress: Progress) -> None:
    """The spider records trailer playback URLs; the build reads `trailers/<imdb_id>.mp4` from the crawl folder."""
    items = read_items(demo.crawl / "items.jsonl")
    wanted = {i["imdb_id"]: i["trailer_urls"][0] for i in items if i.get("trailer_urls")}
    folder = demo.crawl / "trailers"
    key = demo.key(sorted(wanted))
    if demo.done("trailers", key) and all((folder / f"{t}.mp4").is_file() for t in wanted):
        demo.timings["trailers"] = "reused"
        return
    folder.mkdir(exist_ok=True)
    todo = {t: u for t, u in wanted.items() if not (folder / f"{t}.mp4").is_file()}
    task = progress.add_task("trailers", total=len(wanted), completed=len(wanted) - len(todo))
    start = time.perf_counter()
    base = demo.base_url() if todo else ""

    def fetch(pair: tuple[str, str]) -> None:
        imdb_id, url = pair
        parts = urlsplit(url)  # the URL names the port of the run that crawled it: ask today's mirror
        with urllib.request.urlopen(base + parts.path, timeout=60) as resp:
            data = resp.read()
        part = folder / f"{imdb_id}.mp4.part"
        part.write_bytes(data)
        os.replace(part, folder / f"{imdb_id}.mp4")
        progress.advance(task)

    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(fetch, todo.items()))
    except OSError as exc:
        raise CliError(f"could not download a trailer from the mirror ({exc}); rerun `imdbkit demo` to "
                       "fetch the rest.", 1) from None
    demo.timings["trailers"] = f"{time.perf_counter() - start:.1f}s"
    demo.mark("trailers", key, trailers=len(wanted))
