"""`imdbkit demo --titles 60`: its outputs exist, agree with one another, and a rerun reuses them."""
from __future__ import annotations

import json

import pytest

from tests.helpers.cli import DEMO_ARGS, imdbkit

pytestmark = pytest.mark.slow


def items(work):
    return [json.loads(line) for line in (work / "crawl" / "items.jsonl").read_text().splitlines() if line.strip()]


def test_demo_crawls_every_title_with_posters_keywords_and_trailers(demo):
    crawled = items(demo.work)
    assert len(crawled) == len({i["imdb_id"] for i in crawled}) == 60
    with_poster = [i for i in crawled if i["poster_path"]]
    assert with_poster and all((demo.work / "crawl" / i["poster_path"]).is_file() for i in with_poster)
    assert any(i["keywords"] for i in crawled)
    trailers = {i["imdb_id"] for i in crawled if i["trailer_urls"]}
    assert trailers and {p.stem for p in (demo.work / "crawl" / "trailers").glob("*.mp4")} == trailers


def test_dataset_rows_plus_removed_equal_items(demo):
    meta = json.loads((demo.work / "dataset" / "build.json").read_text())
    rows = sum(s["rows"] - s["oversampled"] for s in meta["splits"].values())
    removed = sum(n for reasons in meta["counts"]["removed"].values() for n in reasons.values())
    assert meta["counts"]["rows"]["load"]["in"] == 60
    assert rows + removed == 60
    assert {"poster_32x32", "poster_150x101", "trailer_frames", "frame_embeddings"} <= set(meta["columns"])
    assert (demo.work / "dataset" / "README.md").is_file()


def test_leaderboard_has_rows_for_every_supported_task_and_report_names_each_model(demo):
    from baselines.tasks import TASKS

    meta = json.loads((demo.work / "dataset" / "build.json").read_text())
    board = json.loads((demo.work / "leaderboard" / "leaderboard.json").read_text())
    supported = {t for t, task in TASKS.items() if task.missing(set(meta["columns"])) is None}
    assert supported == set(TASKS)  # trailer frames → EfficientNet-Lite0 frame embeddings: genres_frames too
    assert {r["task"] for r in board["rows"] if not r["error"]} == supported
    assert not board["skipped"]
    fingerprint = {r["dataset_fingerprint"] for r in board["rows"]}
    assert len(fingerprint) == 1
    report = (demo.work / "demo-report.html").read_text()
    own = (demo.work / "leaderboard" / "report.html").read_text()
    assert report != own and "Dataset overview" in report and "Dataset overview" not in own
    assert not (demo.work / "report.html").exists()
    for row in board["rows"]:
        assert f"<td>{row['model']}" in report and f"<td>{row['model']}" in own
    assert "Test posters: top-3 predicted genres" in report and "data:image/png;base64," in report


def test_summary_names_titles_splits_best_models_and_paths(demo):
    board = json.loads((demo.work / "leaderboard" / "leaderboard.json").read_text())
    meta = json.loads((demo.work / "dataset" / "build.json").read_text())
    text = demo.first.err + demo.first.out
    assert "titles crawled: 60" in text
    for split, info in meta["splits"].items():
        assert f"{split} {info['rows']:,}" in text
    for task in {r["task"] for r in board["rows"]}:
        # a demo's test split is under 100 rows: the top row is named, never called best
        assert f"top (unranked) {task}: " in text and f"best {task}: " not in text
    assert str(demo.work / "demo-report.html") in text
    assert "Traceback" not in text


def test_rerun_reuses_every_phase(demo):
    state = (demo.work / "demo-state.json").read_text()
    report_mtime = (demo.work / "demo-report.html").stat().st_mtime_ns
    again = imdbkit("demo", "--workdir", str(demo.work), *DEMO_ARGS)
    assert again.code == 0, again.err[-2000:]
    assert "crawl reused, trailers reused, build reused, leaderboard reused" in again.err
    assert again.seconds < max(30.0, demo.first.seconds / 3)
    assert (demo.work / "demo-state.json").read_text() == state
    assert (demo.work / "demo-report.html").stat().st_mtime_ns == report_mtime


def test_info_prints_the_summary_and_writes_a_poster_grid(demo, tmp_path):
    grid = tmp_path / "grid.png"
    run = imdbkit("info", str(demo.work / "dataset"), "--grid", str(grid))
    assert run.code == 0, run.err
    assert run.out.strip().splitlines()[-1] == str(grid)  # the path is the last line of stdout
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "rows per stage" in run.out + run.err and "genres" in run.out + run.err
    val = imdbkit("info", str(demo.work / "dataset"), "--split", "val", "--grid", str(tmp_path / "val.png"))
    assert val.code == 0, val.err  # `val` names the `validation` split


def test_build_and_leaderboard_wrappers_run_the_stage_modules(demo, tmp_path):
    out = tmp_path / "ds"
    built = imdbkit("build", "--raw", str(demo.work / "crawl"), "--out", str(out), "--image-size", "16x16",
                    "--no-plots", "--quiet")
    assert built.code == 0, built.err
    assert "poster_16x16" in json.loads((out / "build.json").read_text())["columns"]
    board = imdbkit("leaderboard", "--dataset", str(out), "--out", str(tmp_path / "lb"), "--tasks", "rating",
                    "--models", "mean", "--bootstrap", "20")
    assert board.code == 0, board.err
    rows = json.loads((tmp_path / "lb" / "leaderboard.json").read_text())["rows"]
    assert [(r["task"], r["model"]) for r in rows] == [("rating", "mean")]


def test_an_interrupted_crawl_resumes_without_duplicates(demo, tmp_path):
    """A crawl killed after 25 titles (torn last line included): the next demo run collects only the rest."""
    import argparse

    from rich.progress import Progress

    from cli.demo import Demo

    full = (demo.work / "crawl" / "items.jsonl").read_text().splitlines()
    work = tmp_path / "work"
    (work / "crawl").mkdir(parents=True)
    (work / "logs").mkdir()
    (work / "crawl" / "items.jsonl").write_text("\n".join(full[:25]) + "\n" + full[25][:40])
    args = argparse.Namespace(titles=60, workdir=work, budget_minutes=0.5, port=0, force=False, models=None,
                              bootstrap=200, quiet=True, verbose=False)
    run = Demo(args)
    try:
        with Progress(disable=True) as progress:
            run.phase_crawl(progress)
    finally:
        run.close()
    ids = [i["imdb_id"] for i in items(work)]
    assert len(ids) == len(set(ids)) == 60
    assert ids[:25] == [json.loads(line)["imdb_id"] for line in full[:25]]
