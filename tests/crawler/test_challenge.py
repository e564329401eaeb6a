"""`IMDB_RENDER=challenge`: Chromium passes the WAF challenge once, the crawl goes on over plain HTTP."""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.catalog_crawl import FAST, Crawl, assert_equal_to_catalog, run_crawl, write_ids
from tests.helpers.env import require_binary
from tests.helpers.mirror_pages import record_title_requests

pytestmark = [pytest.mark.slow, pytest.mark.browser]
HONEST = "imdbkit/0.1 (research crawler)"


def require_solver(solver: str) -> None:
    require_binary("/usr/bin/chromium")
    if solver == "selenium":
        require_binary("/usr/bin/chromedriver")


def assert_collected_once(crawl: Crawl, ids: list[str], server: Any) -> None:
    """A clean finish with every title exactly once, each equal to its catalog record."""
    assert crawl.returncode == 0, crawl.log[-3000:]
    counts = Counter(i["imdb_id"] for i in crawl.items)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    assert_equal_to_catalog(crawl.items, server.catalog, server.base_url)


def comparable(items: list[dict[str, Any]], base_url: str) -> dict[str, str]:
    """Items keyed by id, as JSON with the mirror's address and the scrape time taken out."""
    host = base_url.split("//", 1)[1]
    out = {}
    for item in items:
        item = {k: v for k, v in item.items() if k != "scraped_at"}
        out[item["imdb_id"]] = json.dumps(item, sort_keys=True).replace(base_url, "BASE").replace(host, "HOST")
    return out


@pytest.mark.parametrize(("solver", "titles"), [("playwright", 180), ("selenium", 200)])
def test_one_solve_then_plain_http_collects_what_a_fault_free_crawl_does(mirror_factory, tmp_path: Path,
                                                                         solver: str, titles: int) -> None:
    require_solver(solver)
    server = mirror_factory("synthetic:300", faults="waf=1.0,waf_ttl=30")
    agents: list[str] = []
    record_title_requests(server, agents)
    ids = list(itertools.islice(server.catalog.ids(), titles))
    ids_file = write_ids(tmp_path / "ids.txt", ids)
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": ids_file},
                      IMDB_RENDER="challenge", IMDB_CHALLENGE_SOLVER=solver, IMDB_DOWNLOAD_POSTERS=0)
    assert_collected_once(crawl, ids, server)
    clean = mirror_factory("synthetic:300")
    reference = run_crawl(clean.base_url, tmp_path / "clean", {"ids_file": ids_file}, IMDB_DOWNLOAD_POSTERS=0)
    assert reference.returncode == 0, reference.log[-3000:]
    assert comparable(crawl.items, server.base_url) == comparable(reference.items, clean.base_url)

    waf, browser = crawl.stats["waf"], crawl.stats["browser"]
    pages = waf["pages_with_token"]
    assert pages >= titles  # every page came over plain HTTP, with the browser's token
    assert 1 <= waf["browser_solves"] <= 0.02 * pages, waf
    # the first wave of requests was challenged before the token existed: one solve served them all;
    # requests wait for a running solve, so each solve costs at most one wave (CONCURRENT_REQUESTS)
    assert waf["challenges"] >= 2 and waf["browser_solves"] < waf["challenges"], waf
    assert waf["challenges"] <= int(FAST["CONCURRENT_REQUESTS"]) * waf["browser_solves"], waf
    assert not waf.get("solve_failures") and not waf.get("gave_up"), waf
    assert waf["solve_seconds"] > 0
    assert browser["pages_opened"] == 0 and browser["selenium_pages"] == 0, browser  # no page rendered
    # Chromium and the plain requests announce the same honest user agent
    assert agents and set(agents) == {HONEST}, Counter(agents)
    assert crawl.stats["settings"]["challenge_solver"] == solver
    assert "Traceback" not in crawl.log


def test_a_used_up_token_triggers_a_new_solve(mirror_factory, tmp_path: Path) -> None:
    require_solver("playwright")
    server = mirror_factory("synthetic:100", faults="waf=1.0,waf_max=25")
    ids = list(itertools.islice(server.catalog.ids(), 60))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="challenge", IMDB_DOWNLOAD_POSTERS=0)
    assert_collected_once(crawl, ids, server)
    waf = crawl.stats["waf"]
    pages = waf["pages_with_token"]  # title and keyword pages, at most 25 per token
    assert pages >= len(ids) and not waf.get("tokens_refused") and not waf.get("gave_up"), waf
    assert pages / 25 <= waf["browser_solves"] <= pages / 10, waf


@pytest.mark.parametrize("solver", ["playwright", "selenium"])
def test_a_solver_that_cannot_start_stops_the_crawl_with_one_sentence(mirror_factory, tmp_path: Path,
                                                                      solver: str) -> None:
    require_solver(solver)
    server = mirror_factory("synthetic:100", faults="waf=1.0")
    ids = list(itertools.islice(server.catalog.ids(), 60))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="challenge", IMDB_CHALLENGE_SOLVER=solver, IMDB_CHROMIUM="/bin/false",
                      IMDB_DOWNLOAD_POSTERS=0, timeout=180)
    assert crawl.returncode != 0
    assert crawl.items == []
    assert crawl.stats["finish_reason"] == "challenge_failed", crawl.log[-3000:]
    error = crawl.stats["error"]
    assert "earned no working WAF token" in error and "3 tries in a row" in error and "\n" not in error
    assert ("/bin/false" if solver == "playwright" else "/usr/bin/chromedriver") in error
    errors = [line for line in crawl.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1, errors
    assert crawl.stats["waf"]["browser_solves"] == 3 == crawl.stats["waf"]["solve_failures"]
    assert crawl.stats["requests"]["total"] < 2 * len(ids), "it must stop early, not fail every title"
    assert "Traceback" not in crawl.log


def test_a_token_that_plain_requests_cannot_use_stops_the_crawl(mirror_factory, tmp_path: Path) -> None:
    """A site that binds its token to the browser (here: honoured only with Chromium's Sec-Fetch
    headers) passes no page over plain HTTP: after 3 such tokens the crawl stops, it does not solve forever."""
    require_solver("playwright")
    server = mirror_factory("synthetic:100", faults="waf=1.0")
    handle = server.app.handle

    def browser_bound(request):
        if "sec-fetch-mode" not in request.headers:
            request.headers.pop("cookie", None)
        return handle(request)

    server.app.handle = browser_bound
    ids = list(itertools.islice(server.catalog.ids(), 40))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="challenge", IMDB_DOWNLOAD_POSTERS=0, timeout=180)
    assert crawl.returncode != 0 and crawl.items == []
    assert crawl.stats["finish_reason"] == "challenge_failed", crawl.log[-3000:]
    assert re.search(r"passed no page over plain HTTP", crawl.stats["error"])
    waf = crawl.stats["waf"]
    assert waf["browser_solves"] == 3 and waf["tokens_refused"] >= 2 and not waf.get("pages_with_token"), waf


def test_a_challenge_the_browser_cannot_pass_stops_after_the_solver_timeout(mirror_factory, tmp_path: Path) -> None:
    """A challenge page whose script earns nothing: each solve waits IMDB_CHALLENGE_TIMEOUT for the cookie."""
    require_solver("playwright")
    server = mirror_factory("synthetic:100", faults="waf=1.0")
    challenge = server.app.waf.challenge_response

    def without_script(kind: str = "waf", scope: str = ""):
        response = challenge(kind, scope)
        response.body = b"<!DOCTYPE html><html><body>Please wait.</body></html>"
        return response

    server.app.waf.challenge_response = without_script
    ids = list(itertools.islice(server.catalog.ids(), 20))
    crawl = run_crawl(server.base_url, tmp_path / "crawl", {"ids_file": write_ids(tmp_path / "ids.txt", ids)},
                      IMDB_RENDER="challenge", IMDB_CHALLENGE_TIMEOUT=2, IMDB_DOWNLOAD_POSTERS=0, timeout=180)
    assert crawl.returncode != 0 and crawl.items == []
    assert crawl.stats["finish_reason"] == "challenge_failed", crawl.log[-3000:]
    assert "last: no aws-waf-token cookie after 2 s" in crawl.stats["error"]
    waf = crawl.stats["waf"]
    assert waf["browser_solves"] == 3 == waf["solve_failures"] and waf["solve_seconds"] >= 6, waf
