"""Real IMDb pages (2014-2025) as ground truth: the real ``scrapy crawl imdb`` over them, field by field.

The pages stay in ``../shared/data/realpages`` (SOURCES.md says where each came from); ``expected/`` holds
what each page says, written by reading it (see ``compare.py`` for what counts as right, ``README.md``
for the rules behind the expected values). Skips when ``../shared`` is absent, fails in CI.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.catalog_crawl import read_items, start_crawl
from tests.helpers.env import require_shared
from tests.realpages.compare import CURRENT, FIELDS, expected_file, mismatches, table, title_pages
from tests.realpages.server import RealSite, page_body

pytestmark = pytest.mark.slow

# No posters (they are not offline), original poster URLs, no politeness delays.
SETTINGS = {"IMDB_DOWNLOAD_POSTERS": "0", "IMDB_POSTER_WIDTH": "0", "ROBOTSTXT_OBEY": "0"}
PARALLEL = 3
# The one real keywords page is for a title whose title page was not saved; it is served as the /keywords/
# page of a real title page that says it has more keywords (Star Wars, 2021 layout).
KEYWORDS_HOST_PAGE = "node-imdb-parser/case-4.html"
VOTE_TEXT = re.compile(r"found this|relevant|\d+ of \d+", re.I)


@dataclass
class Run:
    slot: str
    ids: list[str]
    args: dict[str, Any]


@dataclass(repr=False)
class Results:
    site: RealSite
    items: dict[str, dict[str, Any] | None]  # expected page -> its item
    slot_of: dict[str, str]  # expected page -> slot
    search: dict[str, tuple[str, dict[str, Any]]]  # search page -> (slot, stats)
    keywords_item: dict[str, Any] | None
    logs: dict[str, str]


def _slots(pages: list) -> dict[str, str]:
    """Each page a slot such that no slot serves two captures of one title."""
    slot_of: dict[str, str] = {}
    taken: list[set[str]] = []
    for page in pages:
        i = next((i for i, ids in enumerate(taken) if page.imdb_id not in ids), len(taken))
        if i == len(taken):
            taken.append(set())
        taken[i].add(page.imdb_id)
        slot_of[page.page] = f"c{i}"
    return slot_of


def _crawl_all(runs: list[Run], site: RealSite, tmp: Path) -> dict[str, Path]:
    outs = {run.slot: tmp / run.slot for run in runs}
    pending, running = list(runs), []
    deadline = time.monotonic() + 600
    while pending or running:
        while pending and len(running) < PARALLEL:
            run = pending.pop(0)
            args = {"ids": ",".join(run.ids)} if run.ids else {}
            running.append(start_crawl(f"{site.base}/{run.slot}", outs[run.slot], {**args, **run.args}, **SETTINGS))
        running = [p for p in running if p.poll() is None]
        if time.monotonic() > deadline:
            for p in running:
                p.kill()
            pytest.fail("the real-page crawls took over 10 minutes")
        time.sleep(0.2)
    return outs


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    root = require_shared("data", "realpages")
    pages = title_pages()
    slot_of = _slots(pages)
    site = RealSite()
    runs: dict[str, Run] = {}
    for page in pages:
        slot = slot_of[page.page]
        site.add(f"/{slot}/title/{page.imdb_id}/", page_body(root / page.page))
        runs.setdefault(slot, Run(slot, [], {})).ids.append(page.imdb_id)
    host = next(p for p in pages if p.page == KEYWORDS_HOST_PAGE)
    keywords = expected_file("keywords")[0]
    site.add(f"/kw/title/{host.imdb_id}/", page_body(root / host.page))
    site.add(f"/kw/title/{host.imdb_id}/keywords/", page_body(root / keywords["page"]))
    runs["kw"] = Run("kw", [host.imdb_id], {})
    search_slot: dict[str, str] = {}
    for i, search in enumerate(expected_file("search")):
        slot = f"s{i}"
        search_slot[search["page"]] = slot
        site.add_fallback(slot, page_body(root / search["page"]))
        runs[slot] = Run(slot, [], {"search": "title_type=feature", "max_results": "100000"})
    site.start()
    try:
        outs = _crawl_all(list(runs.values()), site, tmp_path_factory.mktemp("realpages"))
    finally:
        site.stop()
    by_slot = {slot: {i["imdb_id"]: i for i in read_items(out)} for slot, out in outs.items()}
    items = {p.page: by_slot[slot_of[p.page]].get(p.imdb_id) for p in pages}
    stats = {}
    for slot, out in outs.items():
        path = out / "stats.json"
        stats[slot] = json.loads(path.read_text()) if path.exists() else {}
    logs = {slot: Path(f"{out}.log").read_text(errors="replace") for slot, out in outs.items()}
    return Results(site, items, slot_of, {p: (s, stats[s]) for p, s in search_slot.items()},
                   by_slot["kw"].get(host.imdb_id), logs)


def test_every_real_title_page_gives_an_item(results: Results) -> None:
    missing = [page for page, item in results.items.items() if item is None]
    crashed = {slot: log[-1500:] for slot, log in results.logs.items() if "Traceback" in log}
    assert not missing, f"no item for {missing}"
    assert not crashed, crashed


def test_every_field_of_every_title_page(results: Results, tmp_path_factory: pytest.TempPathFactory) -> None:
    pages = title_pages()
    text, shares = table(pages, results.items)
    wrong = mismatches(pages, results.items)
    report = tmp_path_factory.mktemp("realpages-report") / "table.txt"
    report.write_text(text + "\n\n" + "\n".join(wrong) + "\n", encoding="utf-8")
    print(f"\n{text}\n(table and every mismatch: {report})")
    low = {name: round(shares[("current", name)], 3) for name in FIELDS
           if shares.get(("current", name), 1.0) < 0.95}
    legacy_wrong = [w for w in wrong if "[legacy" in w]
    assert not low, f"fields right on < 95% of current-layout pages {CURRENT}: {low}; e.g. {wrong[:5]}"
    assert not legacy_wrong, f"{len(legacy_wrong)} legacy fields the markup shows are wrong: {legacy_wrong[:8]}"


def test_keywords_page_requested_wherever_the_page_has_more(results: Results) -> None:
    skipped = []
    for page in title_pages():
        if page.more_keywords:
            asked = results.site.requested(results.slot_of[page.page])
            if f"/title/{page.imdb_id}/keywords/" not in asked:
                skipped.append(f"{page.page} (shows {len(page.fields['keywords'] or ())} of {page.keyword_total})")
    assert not skipped, f"/keywords/ never requested for {len(skipped)} pages: {skipped}"


def test_search_pages_give_exactly_the_listed_results(results: Results) -> None:
    wrong = {}
    for search in expected_file("search"):
        slot, _ = results.search[search["page"]]
        asked = [m.group(1) for p in results.site.requested(slot) if (m := re.fullmatch(r"/title/(tt\d+)/", p))]
        if sorted(asked) != sorted(search["result_ids"]):
            extra = sorted(set(asked) - set(search["result_ids"]))[:5]
            lost = sorted(set(search["result_ids"]) - set(asked))[:5]
            wrong[search["page"]] = f"{len(asked)} titles for {len(search['result_ids'])} results " \
                                    f"(extra {extra}, missing {lost})"
    assert not wrong, wrong


def test_real_keywords_page_gives_every_keyword_and_no_vote_text(results: Results) -> None:
    want = expected_file("keywords")[0]["keywords"]
    assert len(want) == 566
    item = results.keywords_item
    assert item is not None, results.logs["kw"][-2000:]
    got = item["keywords"] or []
    assert not [k for k in got if VOTE_TEXT.search(k)], [k for k in got if VOTE_TEXT.search(k)][:5]
    assert [k for k in got if k in set(want)] == want, f"{len(got)} keywords, {len(set(got) & set(want))} of 566"
