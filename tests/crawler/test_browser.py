"""The spider through Debian Chromium: Playwright (search paging, WAF) and Selenium (WAF)."""
from __future__ import annotations

import itertools
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from mirror import MirrorServer
from tests.helpers.catalog_crawl import assert_equal_to_catalog, run_crawl, write_ids
from tests.helpers.env import require_binary
from tests.helpers.mirror_pages import record_title_requests

pytestmark = [pytest.mark.slow, pytest.mark.browser]
QUERY = "title_type=feature&num_votes=100,"


def search_ids(server: MirrorServer, max_results: int) -> list[str]:
    """The first `max_results` ids of QUERY in the mirror's order, from its search index in-process
    (the JSON endpoint behind "50 more" answers only the page's script)."""
    from urllib.parse import parse_qs

    from crawler.discovery import search_url

    index = server.app.search
    found = index.results(index.normalise(parse_qs(search_url(server.base_url, QUERY).split("?", 1)[1])))
    return [server.catalog.id_at(int(i)) for i in found[:max_results]]


def test_search_beyond_50_with_playwright(mirror, tmp_path: Path) -> None:
    require_binary("/usr/bin/chromium")
    crawl = run_crawl(mirror.base_url, tmp_path / "crawl", {"search": QUERY, "max_results": 70},
                      IMDB_RENDER="playwright", IMDB_DOWNLOAD_POSTERS=0, IMDB_FOLLOW_KEYWORDS=0)
    assert crawl.returncode == 0, crawl.log[-3000:]
    want = search_ids(mirror, 70)
    assert len(want) == 70
    assert sorted(i["imdb_id"] for i in crawl.items) == sorted(want)
    assert crawl.stats["requests"]["by_status"].keys() == {"200"}
    assert "Traceback" not in crawl.log


def test_search_without_a_browser_takes_the_first_page_and_says_so(mirror, tmp_path: Path) -> None:
    crawl = run_crawl(mirror.base_url, tmp_path / "crawl", {"search": QUERY, "max_results": 120},
                      IMDB_DOWNLOAD_POSTERS=0, IMDB_FOLLOW_KEYWORDS=0)
    assert sorted(i["imdb_id"] for i in crawl.items) == sorted(search_ids(mirror, 50))
    assert re.search(r"search: 50 of \d+ results are on the first page", crawl.log)
    assert "IMDB_RENDER=playwright" in crawl.log


@pytest.mark.parametrize("render", ["playwright", "selenium"])
def test_browser_modes_pass_the_waf_and_collect_everything(mirror_factory, tmp_path: Path, render: str,
                                                           monkeypatch) -> None:
    require_binary("/usr/bin/chromium")
    if render == "selenium":
        require_binary("/usr/bin/chromedriver")
    server = mirror_factory("synthetic:300", faults="waf=0.5,waf200=0.2", seed=11)
    agents: list[str] = []
    record_title_requests(server, agents)
    ids = list(itertools.islice(server.catalog.ids(), 20))
    # The crawl's browser profiles land in a TMPDIR of its own (short: Chromium puts sockets there).
    tmp = Path(tempfile.mkdtemp(prefix="ik-"))
    monkeypatch.setenv("TMPDIR", str(tmp))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER=render, IMDB_SELENIUM_RESTART_EVERY=4)
    assert crawl.returncode == 0, crawl.log[-3000:]
    # Flat memory comes from closing what was opened: every Playwright page, every Chromium session
    # (recycled every 4 pages here, a fresh session passing the challenge again) and its profile.
    browser = crawl.stats["browser"]
    if render == "playwright":
        assert browser["pages_opened"] >= len(ids) and browser["pages_closed"] == browser["pages_opened"], browser
        assert browser["max_concurrent_pages"] <= 4, browser  # CONCURRENT_REQUESTS_PER_DOMAIN
    else:
        assert browser["selenium_pages"] >= len(ids) and browser["selenium_sessions"] >= len(ids) // 4, browser
        assert not list(tmp.glob("imdbkit-selenium-*")), "a Chromium profile outlived its session"
    shutil.rmtree(tmp, ignore_errors=True)
    # The browser passes the challenge as itself, announcing the crawler's honest user agent.
    assert agents and set(agents) == {"imdbkit/0.1 (research crawler)"}, Counter(agents)
    counts = Counter(i["imdb_id"] for i in crawl.items)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url)
    assert all(i["poster_path"] for i in crawl.items if i["poster_url"])
    assert crawl.stats["finish_reason"] == "finished"
    assert "Traceback" not in crawl.log


def test_selenium_retries_statuses_seen_in_chromium(mirror_factory, tmp_path: Path) -> None:
    """A 429/503 shown in Chromium is retried (Retry-After honoured), never an empty item."""
    require_binary("/usr/bin/chromedriver")
    server = mirror_factory("synthetic:300", faults="429=0.1,503=0.1", seed=3)
    ids = list(itertools.islice(server.catalog.ids(), 30))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="selenium", IMDB_DOWNLOAD_POSTERS=0)
    assert crawl.returncode == 0, crawl.log[-3000:]
    counts = Counter(i["imdb_id"] for i in crawl.items)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url)  # no empty or partial item
    requests = crawl.stats["requests"]
    seen = requests["by_status"].get("429", 0) + requests["by_status"].get("503", 0)
    assert requests["by_status"].get("429") and requests["by_status"].get("503"), requests
    assert requests["retries"]["retry_after_honoured"] == seen and requests["retries_given_up"] == 0
    assert "Traceback" not in crawl.log


def test_selenium_pages_keep_the_download_delay(mirror_factory, tmp_path: Path) -> None:
    """Rendered pages wait in Scrapy's per-domain slot: one at a time, DOWNLOAD_DELAY apart, as
    measured where the mirror receives them (a slow machine only widens the gaps)."""
    require_binary("/usr/bin/chromedriver")
    server = mirror_factory("synthetic:50", seed=4)
    agents: list[str] = []
    arrivals = record_title_requests(server, agents)
    ids = list(itertools.islice(server.catalog.ids(), 8))
    delay, drivers = 1.5, 2
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="selenium", IMDB_DOWNLOAD_POSTERS=0, IMDB_FOLLOW_KEYWORDS=0,
                      IMDB_CONTACT="ops@example.org",
                      IMDB_SELENIUM_DRIVERS=drivers, CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=delay,
                      DOWNLOAD_DELAY_JITTER=0)
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert len(crawl.items) == len(ids) and len(arrivals) == len(ids)
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Scrapy spaces the *starts* of downloads; a request that also had to start Chromium reaches the
    # mirror late, so the one after it may follow closely. That can happen once per driver, no more.
    # (Outside the slot, two drivers rendered side by side and nearly every gap was short.)
    short = [gap for gap in gaps if gap < 0.75 * delay]
    assert len(short) <= drivers, gaps
    # Chromium announces the crawler's honest user agent, contact included, not its own.
    assert agents and all(a == "imdbkit/0.1 (research crawler; +ops@example.org)" for a in agents), agents


@pytest.mark.parametrize("render", ["playwright", "selenium"])
def test_a_browser_that_cannot_start_stops_the_crawl_with_one_sentence(mirror_factory, tmp_path: Path,
                                                                       render: str) -> None:
    require_binary("/usr/bin/chromedriver" if render == "selenium" else "/usr/bin/chromium")
    server = mirror_factory("synthetic:100", seed=2)
    ids = list(itertools.islice(server.catalog.ids(), 40))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER=render, IMDB_CHROMIUM="/bin/false", IMDB_DOWNLOAD_POSTERS=0, timeout=180)
    assert crawl.items == []
    assert crawl.stats["finish_reason"] == "browser_failed", crawl.log[-3000:]
    assert "the browser rendered no page" in crawl.stats["error"] and "/bin/false" in crawl.stats["error"]
    errors = [line for line in crawl.log.splitlines() if "ERROR" in line and "the browser rendered no page" in line]
    assert len(errors) == 1, errors
    assert crawl.stats["requests"]["total"] < len(ids), "it must stop early, not fail every title"
