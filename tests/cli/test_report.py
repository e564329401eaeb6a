"""report.html in headless Debian Chromium: no console errors, every figure decoded, scraped text escaped."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from tests.helpers.env import require_binary

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
EVIL = "<script>window.__pwned = 1; alert('x')</script> Night <b>of</b> the & Escapes"


def open_report(path: Path, screenshot: Path | None = None) -> dict:
    """Load a report file; return console errors, dialogs, page text, image states and table presence."""
    chromium = require_binary("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    dialogs: list[str] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS,
                                                       headless=True, viewport={"width": 1366, "height": 768})
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            images = page.evaluate("""() => Array.from(document.images).map(i =>
                ({alt: i.alt, complete: i.complete, width: i.naturalWidth}))""")
            result = {
                "errors": errors, "dialogs": dialogs, "images": images,
                "text": page.inner_text("body"),
                "leaderboard_rows": page.locator("table#leaderboard tr").count(),
                "pwned": page.evaluate("() => window.__pwned === 1"),
            }
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=False)
            return result
        finally:
            context.close()


def test_demo_report_renders_in_chromium(demo, tmp_path):
    shot = tmp_path / "report.png"
    page = open_report(demo.work / "report.html", shot)
    assert page["errors"] == [] and page["dialogs"] == []
    board = json.loads((demo.work / "leaderboard" / "leaderboard.json").read_text())
    assert page["leaderboard_rows"] == len(board["rows"]) + 1  # header + one per row
    assert len(page["images"]) >= 8
    bad = [i for i in page["images"] if not i["complete"] or i["width"] <= 0]
    assert bad == []
    alts = [i["alt"] for i in page["images"]]
    assert "dataset card plot genres.png" in alts and "sample posters" in alts
    assert any(a.startswith("poster of ") for a in alts)  # the top-3 cards
    assert "Dataset summary" in page["text"] and "Rows per build stage" in page["text"]
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:4] == b"\x89PNG"


def test_a_scraped_script_title_is_shown_as_text(demo, tmp_path):
    """A raw crawl whose test title holds <script>: the report shows the characters, runs nothing."""
    from baselines.data import SplitData
    from baselines.leaderboard import run
    from cli.report import sections
    from dataset.cli import main as dataset_main

    raw = tmp_path / "raw"
    (raw / "posters").mkdir(parents=True)
    crawled = [json.loads(line) for line in (demo.work / "crawl" / "items.jsonl").read_text().splitlines()]
    crawled = [i for i in crawled if i["poster_path"]][:40]
    crawled[0]["title"] = EVIL
    for item in crawled:
        src = demo.work / "crawl" / item["poster_path"]
        (raw / item["poster_path"]).write_bytes(src.read_bytes())
    (raw / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in crawled))
    splits = tmp_path / "splits.csv"
    splits.write_text("imdb_id,split\n" + "".join(
        f"{i['imdb_id']},{'test' if k % 5 == 0 else 'train'}\n" for k, i in enumerate(crawled)))
    out = tmp_path / "ds"
    assert dataset_main(["build", "--raw", str(raw), "--out", str(out), "--min-votes", "-1", "--splits",
                         str(splits), "--image-size", "32x32", "--quiet"]) == 0
    meta = json.loads((out / "build.json").read_text())
    data = {s: SplitData.from_dataset(out, s) for s in ("train", "test")}
    run(data, tmp_path / "lb", tasks=["genres_poster"], models=["label_prior", "poster_cnn"], budget_minutes=0.05,
        n_boot=10, dataset_info=meta, extra_sections=sections(out, meta, len(crawled)))
    html = (tmp_path / "lb" / "report.html").read_text()
    assert "<script>" not in html.lower()
    page = open_report(tmp_path / "lb" / "report.html")
    assert page["errors"] == [] and page["dialogs"] == [] and not page["pwned"]
    assert EVIL.replace("  ", " ") in page["text"]
