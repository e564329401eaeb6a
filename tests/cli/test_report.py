"""Both reports in headless Debian Chromium: every section of the contents, every plot decoded, no console
error, scraped text shown as text; the leaderboard's report.html and the demo's demo-report.html stay apart.

The reports come from one small run (a 70-title synthetic crawl built by `python -m dataset build`), not a
full demo; `test_demo_report_renders_in_chromium` checks the real demo's page when the slow tests run.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.env import require_binary

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
EVIL = "<script>window.__pwned = 1; alert('x')</script> Night <b>of</b> the & Escapes"
MODELS = ["majority", "logreg", "mean", "lightgbm", "label_prior", "poster_cnn"]


def open_report(path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    """Load a report file; return console errors, dialogs, the contents' targets, image states and page text."""
    chromium = require_binary("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    dialogs: list[str] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS,
                                                       headless=True, viewport={"width": 1366, "height": 900})
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            result = {
                "errors": errors, "dialogs": dialogs,
                "toc": page.evaluate("""() => Array.from(document.querySelectorAll('nav#toc a')).map(a => ({
                    text: a.textContent, target: a.getAttribute('href'),
                    found: !!document.getElementById(a.getAttribute('href').slice(1)),
                    heading: (document.getElementById(a.getAttribute('href').slice(1)) || {querySelector: () => null})
                        .querySelector('h2')?.textContent}))"""),
                "images": page.evaluate("""() => Array.from(document.images).map(i =>
                    ({alt: i.alt, complete: i.complete, width: i.naturalWidth}))"""),
                "sections": page.evaluate("() => Array.from(document.querySelectorAll('body > section')).map(s => s.id)"),
                "summary_rows": page.locator("table#summary-table tr").count(),
                "text": page.inner_text("body"),
                "pwned": page.evaluate("() => window.__pwned === 1"),
            }
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=False)
            return result
        finally:
            context.close()


@dataclass
class Reports:
    work: Path
    dataset: Path
    result: dict[str, Any]

    @property
    def leaderboard(self) -> Path:
        return self.work / "leaderboard" / "report.html"

    @property
    def demo(self) -> Path:
        return self.work / "demo-report.html"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Reports:
    """One small leaderboard run writing its report.html, then the demo's report from the same run."""
    from baselines.data import SplitData
    from baselines.leaderboard import run
    from cli.demo import DEMO_REPORT
    from cli.report import write_demo_report
    from dataset.cli import main as dataset_main
    from tests.helpers.synthetic import write_raw_crawl

    work = tmp_path_factory.mktemp("reports")
    raw, ds = work / "raw", work / "dataset"
    write_raw_crawl(raw, n=70)
    items = [json.loads(line) for line in (raw / "items.jsonl").read_text().splitlines()]
    items[0]["title"] = EVIL  # a crawled title that tries to run
    (raw / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    splits_csv = work / "splits.csv"  # the hostile title lands in test, where the top-3 cards show titles
    splits_csv.write_text("imdb_id,split\n" + "".join(
        f"{i['imdb_id']},{'test' if k % 4 == 0 else 'validation' if k % 4 == 1 else 'train'}\n"
        for k, i in enumerate(items)))
    assert dataset_main(["build", "--raw", str(raw), "--out", str(ds), "--splits", str(splits_csv),
                         "--image-size", "32x32", "--quiet", "--workers", "1"]) == 0
    meta = json.loads((ds / "build.json").read_text())
    data = {s: SplitData.from_dataset(ds, s) for s in ("train", "validation", "test")}
    artifacts: dict[str, dict[str, Any]] = {}
    result = run(data, work / "leaderboard", tasks=["rating_class", "rating", "genres_poster"], models=MODELS,
                 budget_minutes=0.05, n_boot=20, dataset_info=meta, overrides={"lightgbm": {"n_trials": 1}},
                 on_row=lambda row, art: artifacts.__setitem__(f"{row['task']}/{row['model']}/{row['feature_set']}", art))
    write_demo_report(work / DEMO_REPORT, ds, meta, len(items), result, artifacts)
    return Reports(work, ds, result)


def test_the_demo_report_never_overwrites_the_leaderboards(reports):
    from cli.demo import DEMO_REPORT

    assert DEMO_REPORT != "report.html"
    board, demo = reports.leaderboard.read_text(), reports.demo.read_text()
    assert "<title>imdbkit leaderboard</title>" in board and "Dataset overview" not in board
    assert "<title>imdbkit demo</title>" in demo and "Dataset overview" in demo
    assert sorted(p.name for p in reports.work.glob("*.html")) == [DEMO_REPORT]
    assert sorted(p.name for p in (reports.work / "leaderboard").glob("*.html")) == ["report.html"]


def test_each_task_lists_its_rows_with_cis_and_the_plots_that_explain_it(reports):
    html = reports.leaderboard.read_text()
    for row in reports.result["rows"]:
        assert not row["error"], row
    names = list(reports.result["rows"][0]["per_class"])  # the dataset's rating bins
    assert len(names) == 3 and "-" in names[0]
    for caption in ("accuracy by model", "r2 by model", "map by model", "confusion matrix: logreg / seed000",
                    "predicted vs true: lightgbm / seed000", "per-genre AP: poster_cnn / poster_32x32",
                    "learning curve: lightgbm / seed000", "learning curve: poster_cnn / poster_32x32"):
        assert f"<figcaption>{caption}</figcaption>" in html, caption
    assert "learning curve: majority" not in html  # no curve without a history
    assert "per-genre AP: label_prior" not in html  # the prior's AP is the base rate: no bars for it


@pytest.mark.browser
@pytest.mark.parametrize("which", ["leaderboard", "demo"])
def test_report_renders_in_chromium(reports, which, tmp_path):
    path = getattr(reports, which)
    shot = tmp_path / f"{which}.png"
    page = open_report(path, shot)
    assert page["errors"] == [] and page["dialogs"] == [] and not page["pwned"]
    toc = page["toc"]
    tasks = list(dict.fromkeys(r["task"] for r in reports.result["rows"]))
    expected = ["Summary"] + (["Dataset overview"] if which == "demo" else []) + ["Dataset"] + tasks + (
        ["Test posters: top-3 predicted genres"] if which == "demo" else [])
    assert [t["text"] for t in toc] == expected
    assert all(t["found"] and t["heading"] == t["text"] for t in toc), toc  # every listed section is there
    assert page["sections"] == [t["target"][1:] for t in toc]  # and nothing is left out of the contents
    assert page["summary_rows"] == len(tasks) + 1
    plots = [i for i in page["images"] if i["alt"] != "sample posters"]
    assert len(plots) >= 3 * len(tasks) and all(i["complete"] and i["width"] > 0 for i in page["images"]), page["images"]
    if which == "demo":
        alts = [i["alt"] for i in page["images"]]
        assert "dataset card plot genres.png" in alts and "sample posters" in alts
        assert any(a.startswith("poster of ") for a in alts)
        assert "Rows per build stage" in page["text"] and EVIL.replace("  ", " ") in page["text"]
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 10_000  # kept in pytest's tmp dir


def test_a_scraped_script_title_is_shown_as_text(reports):
    html = reports.demo.read_text()
    assert "<script>" not in html.lower() and "&lt;script&gt;window.__pwned" in html


@pytest.mark.browser
@pytest.mark.slow
def test_demo_report_renders_in_chromium(demo, tmp_path):
    page = open_report(demo.work / "demo-report.html", tmp_path / "demo.png")
    assert page["errors"] == [] and page["dialogs"] == []
    assert all(t["found"] for t in page["toc"]) and len(page["toc"]) >= 8
    board = json.loads((demo.work / "leaderboard" / "leaderboard.json").read_text())
    assert page["summary_rows"] == len({r["task"] for r in board["rows"]}) + 1
    assert all(i["complete"] and i["width"] > 0 for i in page["images"])
    assert "Dataset overview" in page["text"] and "Rows per build stage" in page["text"]
