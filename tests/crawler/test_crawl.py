"""End-to-end: real ``scrapy crawl imdb`` subprocesses against the offline mirror."""
from __future__ import annotations

import gzip
import itertools
import json
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers.catalog_crawl import (
    RECORD_FIELDS,
    assert_equal_to_catalog,
    assert_posters,
    expected_item_in,
    run_crawl,
    start_crawl,
    write_ids,
)
from tests.helpers.env import require_shared

pytestmark = pytest.mark.slow


def first_ids(catalog, n: int) -> list[str]:
    return list(itertools.islice(catalog.ids(), n))


def test_300_titles_with_posters_equal_the_catalog(mirror, tmp_path: Path) -> None:
    ids = first_ids(mirror.catalog, 300)
    out = tmp_path / "crawl"
    crawl = run_crawl(mirror.base_url, out, {"ids_file": write_ids(tmp_path / "ids.txt", ids)})
    assert crawl.returncode == 0, crawl.log[-3000:]
    items = crawl.items
    assert sorted(i["imdb_id"] for i in items) == sorted(ids)
    assert_equal_to_catalog(items, mirror.catalog, mirror.base_url)
    assert_posters(items, out, width=300)
    assert all(i["warnings"] == [] for i in items), [i["warnings"] for i in items if i["warnings"]][:3]
    stats = crawl.stats
    assert stats["items"] == 300 and stats["requests"]["by_status"] == {"200": stats["requests"]["responses"]}
    records = [mirror.catalog.record(i) for i in ids]
    for name in RECORD_FIELDS[1:]:  # every field but the id
        filled = sum(r[name] is not None for r in records) / len(records)
        assert stats["fill_rates"][name] == pytest.approx(filled, abs=1e-4), name
    assert stats["posters"]["stored"] == sum(r["poster_id"] is not None for r in records)
    assert "Traceback" not in crawl.log


@pytest.mark.parametrize("era", ["2022", "2021", "2019", "2014"])
def test_every_layout_era_equals_the_catalog(mirror_factory, tmp_path: Path, era: str) -> None:
    """Every title page (and keywords page) served as the site served it in `era`: each item equals its record
    as such a page shows it (conftest.expected_item_in), keywords completed from the era's keywords page."""
    server = mirror_factory("synthetic:60", faults=f"layout={era}", seed=11)
    ids = list(server.catalog.ids())
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_DOWNLOAD_POSTERS=0)
    assert crawl.returncode == 0 and sorted(i["imdb_id"] for i in crawl.items) == sorted(ids), crawl.log[-3000:]
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url, era)
    assert "Traceback" not in crawl.log


def _write_dumps(folder: Path, records: list[dict], gz_basics: bool) -> None:
    """title.basics + title.ratings in IMDb's real layout (tab-separated, \\N for null, no quoting)."""
    folder.mkdir()
    basics = ["tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres"]
    ratings = ["tconst\taverageRating\tnumVotes"]
    for r in records:
        basics.append("\t".join([r["imdb_id"], r["title_type"] or "\\N", r["title"], r["original_title"] or "\\N", "0",
                                 str(r["year"]) if r["year"] else "\\N", "\\N",
                                 str(r["runtime_min"]) if r["runtime_min"] else "\\N",
                                 ",".join((r["genres"] or [])[:3]) or "\\N"]))
        if r["votes"] is not None:
            ratings.append(f"{r['imdb_id']}\t{r['rating']}\t{r['votes']}")
    text = "\n".join(basics) + "\n"
    if gz_basics:
        (folder / "title.basics.tsv.gz").write_bytes(gzip.compress(text.encode()))
    else:
        (folder / "title.basics.tsv").write_text(text)
    (folder / "title.ratings.tsv").write_text("\n".join(ratings) + "\n")


@pytest.mark.parametrize("gz_basics", [True, False], ids=["gz", "plain"])
def test_dumps_discovery_with_filters(mirror, tmp_path: Path, gz_basics: bool) -> None:
    records = [mirror.catalog.record(i) for i in first_ids(mirror.catalog, 400)]
    _write_dumps(tmp_path / "dumps", records, gz_basics)
    min_votes, min_year = 1000, 1990
    want = [r["imdb_id"] for r in records if r["title_type"] == "movie" and (r["votes"] or -1) >= min_votes
            and r["year"] and r["year"] >= min_year]
    assert 5 < len(want) < 400
    crawl = run_crawl(mirror.base_url, tmp_path / "crawl",
                      {"dumps": tmp_path / "dumps", "title_type": "movie", "min_votes": min_votes,
                       "min_year": min_year}, IMDB_DOWNLOAD_POSTERS=0)
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert sorted(i["imdb_id"] for i in crawl.items) == sorted(want)
    assert_equal_to_catalog(crawl.items, mirror.catalog, mirror.base_url)


def test_ids_argument(mirror, tmp_path: Path) -> None:
    ids = first_ids(mirror.catalog, 3)
    crawl = run_crawl(mirror.base_url, tmp_path / "crawl", {"ids": ",".join(ids)}, IMDB_DOWNLOAD_POSTERS=0)
    assert sorted(i["imdb_id"] for i in crawl.items) == sorted(ids)
    assert all(i["poster_path"] is None for i in crawl.items)


def test_faults_everything_collected_once(mirror_factory, tmp_path: Path) -> None:
    server = mirror_factory("synthetic:150", faults="429=0.1,503=0.1,reset=0.05,truncate=0.05,retry_after=0.2",
                            seed=3)
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt",
                                                                                  list(server.catalog.ids()))})
    assert crawl.returncode == 0, crawl.log[-3000:]
    items = crawl.items
    counts = Counter(i["imdb_id"] for i in items)
    assert set(counts) == set(server.catalog.ids()) and max(counts.values()) == 1
    assert_equal_to_catalog(items, server.catalog, server.base_url)
    assert_posters(items, tmp_path / "crawl", width=300)
    retries = crawl.stats["requests"]["retries"]
    assert retries.get("429") and retries.get("503") and retries.get("retry_after_honoured")
    assert "Traceback" not in crawl.log


def test_waf_in_plain_mode_stops_with_one_message(mirror_factory, tmp_path: Path) -> None:
    server = mirror_factory("synthetic:50", faults="waf=1")
    out = tmp_path / "crawl"
    crawl = run_crawl(server.base_url, out, {"ids_file": write_ids(tmp_path / "ids.txt", list(server.catalog.ids()))},
                      HTTPCACHE_ENABLED=1, HTTPCACHE_DIR=str(tmp_path / "cache"))
    assert crawl.items == []
    assert crawl.log.count("-s IMDB_RENDER=challenge") == 1, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    stats = crawl.stats
    assert stats["finish_reason"] == "waf_challenge" and stats["waf"]["challenges"] >= 1
    assert stats["requests"]["responses"] < 50  # it stopped early
    cached = [p.parent for p in (tmp_path / "cache").rglob("response_body")]
    for entry in cached:  # robots.txt may be cached, a challenge never
        assert b"aws-waf-token" not in (entry / "response_body").read_bytes()


def test_http_cache_keeps_only_complete_pages(mirror_factory, tmp_path: Path) -> None:
    server = mirror_factory("synthetic:60", faults="503=0.2,500=0.1,truncate=0.1,retry_after=0", seed=5)
    ids_file = write_ids(tmp_path / "ids.txt", list(server.catalog.ids()))
    cache = {"HTTPCACHE_ENABLED": 1, "HTTPCACHE_DIR": str(tmp_path / "cache"), "IMDB_DOWNLOAD_POSTERS": 0}
    first = run_crawl(server.base_url, tmp_path / "one", {"ids_file": ids_file}, **cache)
    assert len(first.items) == 60
    bodies = list((tmp_path / "cache").rglob("response_body"))
    assert bodies
    for body in bodies:
        meta = (body.parent / "meta").read_text()
        assert "'status': 200" in meta, meta[:200]
        if "/title/" in meta:
            assert body.read_bytes().rstrip().endswith(b"</html>")
    again = run_crawl(server.base_url, tmp_path / "two", {"ids_file": ids_file}, **cache)
    assert [i["imdb_id"] for i in sorted(again.items, key=lambda i: i["imdb_id"])] == sorted(server.catalog.ids())
    assert again.stats["requests"]["by_status"] == {"200": again.stats["requests"]["responses"]}


@pytest.mark.parametrize("gzip_output", [False, True], ids=["jsonl", "jsonl.gz"])
def test_resume_after_kill(mirror_factory, tmp_path: Path, gzip_output: bool) -> None:
    server = mirror_factory("synthetic:200", faults="delay=1,delay_s=0.05", seed=7)
    ids = list(server.catalog.ids())
    out, jobdir = tmp_path / "crawl", tmp_path / "job"
    args = {"ids_file": write_ids(tmp_path / "ids.txt", ids)}
    settings = {"JOBDIR": str(jobdir), "IMDB_JSONL_GZIP": int(gzip_output), "CONCURRENT_REQUESTS_PER_DOMAIN": 4}
    proc = start_crawl(server.base_url, out, args, **settings)
    items = out / ("items.jsonl.gz" if gzip_output else "items.jsonl")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not items.exists() or items.stat().st_size < (4_000 if gzip_output else 20_000)):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    if not gzip_output:
        with items.open("ab") as handle:  # a line cut off mid-write, as a kill can leave it
            handle.write(b'{"imdb_id": "tt99')
    crawl = run_crawl(server.base_url, out, args, **settings)
    assert crawl.returncode == 0, crawl.log[-3000:]
    counts = Counter(i["imdb_id"] for i in crawl.items)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    assert 0 < crawl.stats["items_before_run"] < len(ids)
    assert crawl.stats["items_total"] == len(ids)
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url)


@pytest.mark.parametrize(("args", "settings", "message"), [
    ({"ids_file": "/nonexistent/ids.txt"}, {}, "ids_file: /nonexistent/ids.txt does not exist"),
    ({"ids": "tt1,nm0000001"}, {}, "is not an IMDb title id"),
    ({"dumps": "/nonexistent"}, {}, "dumps: /nonexistent is not a folder"),
    ({}, {}, "nothing to crawl"),
    ({"ids": "tt0000001"}, {"IMDB_RENDER": "firefox"}, "IMDB_RENDER='firefox' is not one of"),
    ({"search": "title_type=feature", "max_results": "lots"}, {}, "max_results='lots'"),
], ids=["ids_file", "ids", "dumps", "nothing", "render", "max_results"])
def test_bad_arguments_end_in_one_sentence(mirror, tmp_path: Path, args, settings, message) -> None:
    crawl = run_crawl(mirror.base_url, tmp_path / "crawl", args, timeout=60, **settings)
    assert message in crawl.log, crawl.log[-2000:]
    assert "Traceback" not in crawl.log
    assert crawl.items == []


def test_real_table_fill_rates_match_the_table(mirror_factory, tmp_path: Path) -> None:
    table = require_shared("data", "imdb5000", "movie_metadata.csv")
    posters = require_shared("data", "posters", "images")
    server = mirror_factory(str(table), posters_dir=posters)
    ids = first_ids(server.catalog, 200)
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_POSTER_WIDTH=0)
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert len(crawl.items) == 200
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url)
    assert_posters(crawl.items, tmp_path / "crawl", width=None)
    records = [server.catalog.record(i) for i in ids]
    rates = crawl.stats["fill_rates"]
    for name in RECORD_FIELDS[1:]:  # every field but the id
        assert rates[name] == pytest.approx(sum(r[name] is not None for r in records) / 200, abs=1e-4), name
    # and, read independently from the CSV, the table's own non-null rates over the same 200 titles
    import pandas as pd

    frame = pd.read_csv(table)
    frame["imdb_id"] = frame["movie_imdb_link"].str.extract(r"(tt\d+)", expand=False)
    frame = frame.drop_duplicates("imdb_id").set_index("imdb_id").loc[ids]
    for field, column in TABLE_COLUMNS.items():
        assert rates[field] == pytest.approx(frame[column].notna().mean(), abs=1e-4), field
    (tmp_path / "fill_rates.json").write_text(json.dumps(rates, indent=1))


TABLE_COLUMNS = {"title": "movie_title", "year": "title_year", "rating": "imdb_score", "votes": "num_voted_users",
                 "genres": "genres", "directors": "director_name", "actors": "actor_1_name",
                 "keywords": "plot_keywords", "languages": "language", "countries": "country",
                 "content_rating": "content_rating", "color": "color", "runtime_min": "duration", "budget": "budget"}


def test_pages_without_page_state_fall_back_and_the_drift_is_named(mirror_factory, tmp_path: Path) -> None:
    """The 2025 page without __NEXT_DATA__, and the 2019 and 2014 pages: JSON-LD and the HTML keep every field the
    page shows; only what none shows is partial or null, and each item says it had no page state."""
    server = mirror_factory("synthetic:60", faults="nonext=0.34,layout2019=0.33,layout2014=0.33", seed=13)
    crawl = run_crawl(server.base_url, tmp_path / "crawl",
                      {"ids_file": write_ids(tmp_path / "ids.txt", list(server.catalog.ids()))}, IMDB_DOWNLOAD_POSTERS=0)
    assert crawl.returncode == 0 and len(crawl.items) == 60, crawl.log[-3000:]
    eras = {"nonext": "nonext", "layout2019": "2019", "layout2014": "2014"}
    seen = set()
    for item in crawl.items:
        fault = server.app.faults.decide(13, f"GET /title/{item['imdb_id']}/", 0)[0]
        era = eras[fault]
        seen.add(era)
        want = expected_item_in(server.catalog.record(item["imdb_id"]), server.base_url, era)
        assert {k: item[k] for k in want} == want, (era, item["imdb_id"])  # the full plot too, from the hero's plot-xl
        assert any("no __NEXT_DATA__" in w or "neither JSON-LD nor __NEXT_DATA__" in w for w in item["warnings"])
    assert seen == {"nonext", "2019", "2014"}
    assert "layout drift?" not in crawl.log  # a third of the pages short of a field is no drift


def _comparable(items: list[dict], base_url: str) -> dict[str, str]:
    """Items by id, as JSON without the scrape time and with the mirror's address written as BASE."""
    host = base_url.split("//", 1)[1]
    return {i["imdb_id"]: json.dumps({k: v for k, v in i.items() if k != "scraped_at"}, sort_keys=True)
            .replace(base_url, "BASE").replace(host, "HOST") for i in items}


def test_real_size_pages_give_the_items_of_small_pages(mirror_factory, tmp_path: Path) -> None:
    """The spider extracts identical items from the mirror's real-size pages (~0.5 MB, the default) and its compact
    ones (`small=1`), over every page-state era and the page without one."""
    layouts = "layout2022=0.3,layout2021=0.2,nonext=0.1"
    crawled = []
    for spec in (layouts, f"{layouts},small=1"):
        server = mirror_factory("synthetic:60", faults=spec, seed=5)
        ids = list(server.catalog.ids())
        out = tmp_path / f"crawl-{len(crawled)}"
        crawl = run_crawl(server.base_url, out, {"ids_file": write_ids(tmp_path / "ids.txt", ids)}, IMDB_DOWNLOAD_POSTERS=0)
        assert crawl.returncode == 0 and sorted(i["imdb_id"] for i in crawl.items) == sorted(ids), crawl.log[-3000:]
        crawled.append((crawl, server.base_url))
    (big, big_url), (small, small_url) = crawled
    assert big.stats["bytes"] > 10 * small.stats["bytes"]
    sources = Counter(i["field_sources"].get("title", "").split(":")[0] for i in big.items)
    assert sources["next"] and sources["urql"] and sources["html"], sources  # every kind of page was met
    assert _comparable(big.items, big_url) == _comparable(small.items, small_url)
