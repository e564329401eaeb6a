"""The leaderboard: skipping with reasons, outputs, escaping, flags, and a run on a built dataset."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from baselines import leaderboard, leaderboard_cli
from baselines.choices import weights_by_model
from baselines.report import render_report
from tests.helpers.synthetic import make_splits, write_raw_crawl

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_tasks_without_their_columns_are_skipped_with_a_reason(tmp_path):
    splits = make_splits(n_train=80, n_eval=30)
    for s in splits.values():
        for col in ("trailer_frames", "frame_embeddings", "poster_32x32", "poster_40x28"):
            s.arrays.pop(col)
    result = leaderboard.run(splits, tmp_path, models=["majority", "mean", "label_prior", "lightgbm"],
                             n_boot=20, budget_minutes=1)
    reasons = {s["task"]: s["reason"] for s in result["skipped"]}
    assert set(reasons) == {"genres_poster", "genres_frames", "rating_trailer"}
    assert "poster" in reasons["genres_poster"] and "frame_embeddings" in reasons["genres_frames"]
    assert all("\n" not in r for r in reasons.values())
    got = {(r["task"], r["model"], r["feature_set"]) for r in result["rows"]}
    assert got == {("rating_class", "majority", "none"), ("rating_class", "lightgbm", "seed000"),
                   ("rating_class", "lightgbm", "all_metadata"), ("rating", "mean", "none"),
                   ("rating", "lightgbm", "seed000"), ("rating", "lightgbm", "all_metadata")}
    for name in ("leaderboard.md", "leaderboard.csv", "leaderboard.json", "report.html"):
        assert (tmp_path / name).stat().st_size > 0
    data = json.loads((tmp_path / "leaderboard.json").read_text())
    row = next(r for r in data["rows"] if r["model"] == "lightgbm" and r["task"] == "rating")
    assert set(row["metrics"]) >= {"rmse", "mae", "r2", "nmse"}
    assert set(row["metrics"]["r2"]) == {"value", "ci_low", "ci_high"}
    assert row["fit_seconds"] >= 0 and row["seed"] == 0 and row["config"].startswith("configs/")
    assert json.loads((tmp_path / row["config"]).read_text())["config"]["feature_set"] == row["feature_set"]
    header = next(csv.reader(open(tmp_path / "leaderboard.csv")))
    assert {"task", "model", "feature_set", "accuracy", "accuracy_ci_low", "r2_ci_high"} <= set(header)
    assert "Skipped" in (tmp_path / "leaderboard.md").read_text()


def test_report_escapes_every_string():
    row = {"task": "rating_class", "model": "<script>alert(1)</script>", "feature_set": "a&b", "error": None,
           "metrics": {"accuracy": {"value": 0.5, "ci_low": 0.4, "ci_high": 0.6}}, "fit_seconds": 1.0,
           "predict_seconds": 0.1}
    html = render_report({"rows": [row], "meta": {}, "skipped": [{"task": "x", "model": "*", "reason": "<b>no</b>"}]},
                         {}, dataset_info={"name": "<img src=x onerror=1>"})
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "<b>no</b>" not in html and "a&amp;b" in html


@pytest.mark.parametrize("argv", [
    ["--dataset", "nowhere", "--out", "x"],
    ["--dataset", "nowhere", "--out", "x", "--tasks", "rating,nonsense"],
    ["--dataset", "nowhere", "--out", "x", "--models", "gpt"],
    ["--dataset", "nowhere", "--out", "x", "--budget-minutes", "-1"],
    ["--dataset", "nowhere", "--out", "x", "--weights", "missing.pt"],
    ["--out", "x"],
    ["--dataset", "d", "--out", "x", "--frobnicate"],
])
def test_bad_flags_give_one_sentence_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(leaderboard_cli.main(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("imdbkit leaderboard: error: ") and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow
def test_end_to_end_on_a_dataset_built_by_python_m_dataset(tmp_path):
    raw, ds = tmp_path / "raw", tmp_path / "ds"
    write_raw_crawl(raw, n=90)
    build = subprocess.run([sys.executable, "-m", "dataset", "build", "--raw", str(raw), "--out", str(ds),
                            "--image-size", "32x32", "--image-size", "48x32", "--ratios", "60,20,20",
                            "--no-plots", "--quiet", "--workers", "1"],
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    argv = ["--dataset", str(ds), "--models", "majority,lightgbm,poster_cnn,label_prior,mean,tfidf_linear",
            "--bootstrap", "30", "--seed", "3"]  # no wall-clock budget: a cut would differ between the two runs
    assert leaderboard_cli.main([*argv, "--out", str(tmp_path / "a")]) == 0
    assert leaderboard_cli.main([*argv, "--out", str(tmp_path / "b")]) == 0
    a = json.loads((tmp_path / "a" / "leaderboard.json").read_text())
    b = json.loads((tmp_path / "b" / "leaderboard.json").read_text())
    assert [r["metrics"] for r in a["rows"]] == [r["metrics"] for r in b["rows"]]  # same seed, same numbers
    rows = {(r["task"], r["model"], r["feature_set"]): r for r in a["rows"]}
    assert ("genres_poster", "poster_cnn", "poster_48x32") in rows
    assert ("rating_class", "poster_cnn", "poster_32x32") in rows
    assert not any(r["error"] for r in a["rows"])
    fp = a["meta"]["dataset_fingerprint"]
    assert len(fp) == 16 and fp != "in-memory" and all(r["dataset_fingerprint"] == fp for r in a["rows"])
    assert rows[("rating_class", "lightgbm", "all_metadata")]["metrics"]["accuracy"]["value"] > \
        rows[("rating_class", "majority", "none")]["metrics"]["accuracy"]["value"]
    skipped = {s["task"] for s in a["skipped"]}
    assert skipped == {"genres_frames", "rating_trailer"}
    html = (tmp_path / "a" / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 5


def test_overrides_reach_the_config_and_on_row_sees_each_finished_row(tmp_path):
    splits = make_splits(n_train=60, n_eval=20)
    seen: list[tuple[str, int, set[str]]] = []
    result = leaderboard.run(splits, tmp_path, tasks=["rating"], models=["mean", "lightgbm"], n_boot=10,
                             overrides={"lightgbm": {"n_trials": 1}},
                             on_row=lambda row, art: seen.append((row["model"], len(result_rows(tmp_path)), set(art))))
    config = json.loads((tmp_path / result["rows"][1]["config"]).read_text())
    assert config["config"]["n_trials"] == 1
    assert [m for m, _, _ in seen] == [r["model"] for r in result["rows"]] == ["mean", "lightgbm", "lightgbm"]
    assert all(written == 0 for _, written, _ in seen)  # called as rows finish, before any output is written
    assert all({"scores", "scatter", "history"} <= keys for _, _, keys in seen)


def result_rows(out):
    path = out / "leaderboard.json"
    return json.loads(path.read_text())["rows"] if path.is_file() else []


def test_a_failing_row_is_recorded_and_the_others_still_run(tmp_path):
    import torch

    bad = tmp_path / "bad.pt"
    torch.save({"unrelated": torch.zeros(3)}, bad)
    splits = make_splits(n_train=60, n_eval=20)
    result = leaderboard.run(splits, tmp_path / "out", tasks=["genres_poster"], n_boot=10,
                             weights={"poster_cnn": str(bad)})
    by_model = {r["model"]: r for r in result["rows"]}
    assert "match" in by_model["poster_cnn"]["error"] and "\n" not in by_model["poster_cnn"]["error"]
    assert by_model["label_prior"]["error"] is None and by_model["label_prior"]["metrics"]["map"]["value"] > 0
    for row in result["rows"]:  # each failed row keeps its own traceback, named by its feature set
        saved = tmp_path / "out" / "configs" / f"genres_poster__{row['model']}__{row['feature_set']}__error.txt"
        assert saved.is_file() == bool(row["error"])
        assert not row["error"] or "Traceback" in saved.read_text()


def test_an_unreadable_dataset_is_one_sentence_exit_1(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train-00000-of-00001.parquet").write_bytes(b"not parquet")
    code = leaderboard_cli.main(["--dataset", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code in (1, 2) and err.startswith("imdbkit leaderboard: error: ") and len(err.splitlines()) == 1


ISSUE_METRICS = {
    "multiclass": {"accuracy", "macro_f1", "seed000_custom"},
    "regression": {"rmse", "mae", "r2", "nmse"},
    "multilabel": {"map", "micro_f1", "macro_f1", "micro_f1_tuned", "macro_f1_tuned", "top3_hit"},
}


def test_every_metric_the_issue_names_reaches_leaderboard_json(tmp_path):
    from baselines.tasks import TASKS
    from tests.helpers.synthetic import GENRES

    splits = make_splits(n_train=80, n_eval=30)
    leaderboard.run(splits, tmp_path, tasks=["rating_class", "rating", "genres_poster", "genres_frames"],
                    models=["majority", "logreg", "mean", "lightgbm", "label_prior", "meanpool_logreg"], n_boot=50,
                    overrides={"lightgbm": {"n_trials": 1}})
    rows = json.loads((tmp_path / "leaderboard.json").read_text())["rows"]
    assert {TASKS[r["task"]].kind for r in rows} == set(ISSUE_METRICS) and not any(r["error"] for r in rows)
    for row in rows:
        kind, where = TASKS[row["task"]].kind, (row["task"], row["model"], row["feature_set"])
        assert set(row["metrics"]) >= ISSUE_METRICS[kind], where
        for name in ISSUE_METRICS[kind]:
            m = row["metrics"][name]
            assert set(m) == {"value", "ci_low", "ci_high"}, (where, name)
            assert m["ci_low"] <= m["value"] <= m["ci_high"], (where, name, m)
        if kind == "multiclass":
            assert list(row["per_class"]) == ["0", "1", "2"] and "per_label" not in row
            for t in row["per_class"].values():
                assert set(t) == {"precision", "recall", "f1", "support"}
            assert sum(t["support"] for t in row["per_class"].values()) == row["n_test"]
        elif kind == "multilabel":
            assert list(row["per_label"]) == GENRES and "per_class" not in row
            for t in row["per_label"].values():
                assert set(t) == {"precision", "recall", "f1", "ap", "support", "threshold"}
                assert 0 < t["threshold"] < 1  # tuned on val
        else:
            assert "per_class" not in row and "per_label" not in row
    md = (tmp_path / "leaderboard.md").read_text()
    assert "per class P/R/F1" in md and "per genre AP" in md
    html = (tmp_path / "report.html").read_text()
    assert "per-class precision / recall / F1: logreg / seed000" in html and "per-genre P@0.5" in html


def test_class_names_come_from_the_rating_bins():
    from baselines.evaluate import class_names
    from baselines.tasks import TASKS

    split = make_splits(n_train=10, n_eval=4)["train"]
    assert class_names(TASKS["rating_class"], split) == ["0", "1", "2"]
    split.vocab["rating_bins"] = [0.0, 5.0, 6.5, 10.0]
    assert class_names(TASKS["rating_class"], split) == ["0-5", "5-6.5", "6.5-10"]
    assert class_names(TASKS["genres_frames"], split) == split.labels("genres")


def test_quiet_prints_only_the_paths_line(tiny_dataset, tmp_path, capsys):
    argv = ["--dataset", str(tiny_dataset), "--out", str(tmp_path / "q"), "--tasks", "rating_class",
            "--models", "majority,entity_mlp", "--bootstrap", "10", "--budget-minutes", "0.05"]
    assert leaderboard_cli.main([*argv, "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [f"wrote {tmp_path / 'q'}/leaderboard.md, .csv, .json and "
                                                      "report.html"]
    row = json.loads((tmp_path / "q" / "leaderboard.json").read_text())["rows"][0]
    assert list(row["per_class"]) == ["0-5", "5-6.5", "6.5-10"]  # the dataset's rating bins
    assert leaderboard_cli.main(argv + ["--out", str(tmp_path / "loud")]) == 0
    out, err = capsys.readouterr()
    assert "imdbkit leaderboard" in out and "done" in err


@pytest.mark.parametrize(("models", "ok"), [("poster_cnn", True), ("majority,poster_cnn", True),
                                            ("poster_cnn,entity_mlp", False), (None, False)])
def test_weights_without_a_model_name_need_exactly_one_torch_model(tmp_path, models, ok):
    w = tmp_path / "w.pt"
    w.write_bytes(b"x")
    selected = models.split(",") if models else None
    if ok:
        assert weights_by_model([str(w)], ["rating_class"], selected) == {"poster_cnn": str(w)}
    else:
        with pytest.raises(ValueError, match=f"name one, e.g. --weights poster_cnn={w}"):
            weights_by_model([str(w)], ["rating_class"], selected)


def test_bare_weights_with_several_torch_models_is_one_sentence_exit_2(tmp_path, capsys):
    w = tmp_path / "w.pt"
    w.write_bytes(b"x")
    code = leaderboard_cli.main(["--dataset", "nowhere", "--out", "x", "--models", "poster_cnn,entity_mlp",
                             "--weights", str(w)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "--weights" in err and f"--weights poster_cnn={w}" in err and "entity_mlp" in err
    assert leaderboard_cli.main(["--dataset", "nowhere", "--out", "x", "--weights", f"lightgbm={w}"]) == 2
    assert "loads no weights" in capsys.readouterr().err


def test_named_weights_end_to_end_through_python_m(tiny_dataset, tmp_path):
    import torch

    from baselines.models.poster_cnn import conv_for

    torch.manual_seed(0)
    w = tmp_path / "poster.pt"
    torch.save(conv_for(32, 32, 3, 3).state_dict(), w)
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "baselines.leaderboard", "--dataset", str(tiny_dataset), "--out",
                          str(out), "--tasks", "rating_class", "--models", "majority,poster_cnn", "--weights",
                          f"poster_cnn={w}", "--bootstrap", "10", "--budget-minutes", "0.05", "--quiet"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = {r["model"]: r for r in json.loads((out / "leaderboard.json").read_text())["rows"]}
    assert rows["poster_cnn"]["error"] is None
    assert json.loads((out / rows["poster_cnn"]["config"]).read_text())["config"]["weights"] == str(w)
    assert json.loads((out / rows["majority"]["config"]).read_text())["config"]["weights"] is None


def test_set_gives_a_model_a_setting_from_the_command_line(tmp_path):
    from baselines.choices import settings_by_model
    from baselines.params import LeaderboardParams
    from baselines.registry import MODELS

    splits = make_splits(n_train=60, n_eval=20)
    params = LeaderboardParams(tasks=("rating",), models=("lightgbm",), bootstrap=10, settings=("lightgbm.n_trials=1",))
    result = leaderboard.run(splits, tmp_path, params=params)
    config = json.loads((tmp_path / result["rows"][0]["config"]).read_text())
    assert config["config"]["n_trials"] == 1 != MODELS["lightgbm"].Config().n_trials
    assert settings_by_model(["poster_effnet.encoder=efficientnet-lite2", "poster_effnet.pooled_blocks=1"]) == {
        "poster_effnet": {"encoder": "efficientnet-lite2", "pooled_blocks": 1}}
    for spec, message in [("lightgbm.nope=1", "has no setting 'nope'"), ("nobody.x=1", "unknown model 'nobody'"),
                          ("lightgbm=1", "is not MODEL.KEY=VALUE")]:
        with pytest.raises(ValueError, match=message):
            settings_by_model([spec])
