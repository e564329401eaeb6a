"""Run a real ``scrapy crawl imdb`` (the spider tests and the real-page conformance) and compare with the catalog."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.env import REPO

# Politeness is not under test here: no delays, no AutoThrottle, short backoffs.
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "IMDB_RETRY_BACKOFF_BASE": "0.02",
        "IMDB_RETRY_BACKOFF_MAX": "0.3", "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": "0"}
RECORD_FIELDS = ("imdb_id", "title", "original_title", "title_type", "year", "release_date", "runtime_min",
                 "rating", "votes", "metascore", "content_rating", "genres", "countries", "languages", "color",
                 "directors", "writers", "actors", "keywords", "description", "budget", "gross_worldwide")


@dataclass
class Crawl:
    returncode: int
    log: str
    out: Path

    @property
    def items(self) -> list[dict[str, Any]]:
        return read_items(self.out)

    @property
    def stats(self) -> dict[str, Any]:
        return json.loads((self.out / "stats.json").read_text())


def crawl_cmd(base_url: str, out: Path, args: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "imdb", "-a", f"base_url={base_url}"]
    for name, value in args.items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in {**FAST, "IMDB_OUTPUT_DIR": str(out), **settings}.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def start_crawl(base_url: str, out: Path, args: dict[str, Any], **settings: Any) -> subprocess.Popen:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    log = open(f"{out}.log", "ab")  # noqa: SIM115 - closed when the process is collected
    return subprocess.Popen(crawl_cmd(base_url, out, args, settings), cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, env=env)


def run_crawl(base_url: str, out: Path, args: dict[str, Any], timeout: float = 240, **settings: Any) -> Crawl:
    proc = start_crawl(base_url, out, args, **settings)
    try:
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return Crawl(proc.returncode, Path(f"{out}.log").read_text(errors="replace"), out)


def read_items(out: Path) -> list[dict[str, Any]]:
    items = []
    for path in sorted(out.glob("items*.jsonl*")):
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        items += [json.loads(line) for line in raw.splitlines() if line.strip()]
    return items


def expected_item(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    """What the spider must write for one catalog record (docs/contracts.md, catalog record)."""
    expected = {name: record[name] for name in RECORD_FIELDS}
    expected["url"] = f"{base_url}/title/{record['imdb_id']}/"
    poster = record["poster_id"]
    expected["poster_url"] = f"{base_url}/images/M/{poster}._V1_.jpg" if poster else None
    expected["trailer_urls"] = [f"{base_url}/video/{vid}.mp4" for vid in record["trailer_ids"]] or None
    return expected


def expected_item_in(record: dict[str, Any], base_url: str, era: str) -> dict[str, Any]:
    """What the spider must write for a record whose title page is served in `era` (mirror.paths.ERAS, or
    "nonext": the 2025 page without its page state): what such a page cannot show is null or partial."""
    from mirror.legacy import TITLE_TYPE_HINTS_2014
    from mirror.paths import ERA_MISSING, LEGACY_POSTER_MODIFIERS, LEGACY_TRAILER_LINK

    want = expected_item(record, base_url)
    if era in ("2025", "2022", "2021"):
        return want
    for name in ERA_MISSING.get(era, ()):
        want[name] = None
    vids = record["trailer_ids"]
    want["trailer_urls"] = [base_url + LEGACY_TRAILER_LINK[era].format(vids[0])] if vids else None
    if era == "2019" and want["title_type"] == "short":
        want["title_type"] = "movie"  # the 2019 subtext has no label for shorts and JSON-LD says Movie
    if era == "2014":
        want["title_type"] = want["title_type"] if want["title_type"] in TITLE_TYPE_HINTS_2014 else None
        if want["original_title"] == want["title"]:
            want["original_title"] = None  # shown only when it differs; no JSON-LD names it
        if record["poster_id"]:
            want["poster_url"] = f"{base_url}/images/M/{record['poster_id']}._V1_{LEGACY_POSTER_MODIFIERS['2014']}.jpg"
    if era == "nonext":  # the HTML shows the hero's three stars and no keyword total; JSON-LD three actors, five keywords
        want["actors"] = (record["actors"] or [])[:3] or None
        want["keywords"] = (record["keywords"] or [])[:5] or None
    return want


def assert_equal_to_catalog(items: list[dict[str, Any]], catalog: Any, base_url: str, era: str = "2025") -> None:
    """Every item equals its catalog record field by field (as a page of `era` shows it), Python types included."""
    mismatches = []
    for item in items:
        for name, want in expected_item_in(catalog.record(item["imdb_id"]), base_url, era).items():
            got = item[name]
            if got != want or type(got) is not type(want):
                mismatches.append(f"{item['imdb_id']}.{name}: {got!r} != {want!r}")
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:5]}"


def assert_posters(items: list[dict[str, Any]], out: Path, width: int | None) -> None:
    from PIL import Image

    for item in items:
        if item["poster_url"] is None:
            assert item["poster_path"] is None and item["poster_sha1"] is None
            continue
        path = out / item["poster_path"]
        data = path.read_bytes()
        assert item["poster_path"] == f"posters/{item['poster_sha1']}.jpg"
        assert hashlib.sha1(data).hexdigest() == item["poster_sha1"]
        if width:
            with Image.open(path) as image:
                assert image.width == width, (item["imdb_id"], image.size)


def write_ids(path: Path, ids: list[str]) -> Path:
    path.write_text("# ids for a test crawl\n\n" + "\n".join(ids) + "\n")
    return path
