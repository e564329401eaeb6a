"""benchmarks/real_data.py's `render()` on a small fake summary (the benchmark itself is never run here)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "real_data.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("real_data", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("real_data", module)  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def row(task: str, model: str, fs: str, error: str | None = None, **metrics: float) -> dict:
    return {"task": task, "model": model, "feature_set": fs, "error": error, "fit_seconds": 1.0,
            "metrics": {k: {"value": v, "ci_low": v - 0.01, "ci_high": v + 0.01} for k, v in metrics.items()}}


def test_render_puts_the_anchors_beside_our_best_rows():
    bench = load_benchmark()
    bilstm = row("genres_frames", "bilstm_maxpool", "frame_embeddings", map=0.299)
    bilstm["per_label"] = {"Drama": {"ap": 0.71}, "Horror": {"ap": None}}
    summary = {
        "imdb5000": {"timings": {"leaderboard_s": 10.0}, "n": {"train": {"rows": 70}, "test": {"rows": 20}},
                     "rows": [row("rating_class", "majority", "none", accuracy=0.506, macro_f1=0.22),
                              row("rating_class", "lightgbm", "all_metadata", accuracy=0.727, macro_f1=0.623),
                              row("rating_class", "xgboost", "all_metadata", accuracy=0.732, macro_f1=0.626),
                              row("rating_class", "xgboost", "seed000", error="ValueError: boom"),
                              row("rating", "xgboost", "all_metadata", r2=0.57)],
                     "reference_lightgbm": {"rating_class/all_metadata": {"accuracy": {
                         "value": 0.729, "ci_low": 0.709, "ci_high": 0.754}}}},
        "movienet": {"timings": {}, "n": {"train": {"rows": 700}}, "rows": [bilstm]},
    }
    md = bench.render(summary)
    table = md.split("## Ours beside the seeds' and public numbers", 1)[1].split("\n## ", 1)[0]
    lines = {line.split(" | ")[1] + " " + line.split(" | ")[2]: line for line in table.splitlines()
             if line.startswith("| ") and "---" not in line and "reported by" not in line}
    assert "| 0.728 | 0.732 (xgboost/all_metadata) | anchor: raw Kaggle CSV" in lines[
        "default LightGBM, all metadata (issue 5) rating_class accuracy"]
    assert "| 0.627 | 0.626 (xgboost/all_metadata) |" in lines[
        "default LightGBM, all metadata (issue 5) rating_class macro_f1"]
    assert "| 0.506 | 0.506 (majority/none) |" in lines["majority class (issue 5) rating_class accuracy"]
    assert "| 0.460 | 0.570 (xgboost/all_metadata) |" in lines["public GBMs (issue 5) rating r2"]
    assert "no such row" in lines["seed 000 tabular rating_class accuracy"]  # its only row failed
    assert "| 0.300 | not run |" in lines["MM-IMDb poster-only (issue 5) genres_poster macro_f1"]
    assert "| 0.803 | 0.710 (bilstm_maxpool/frame_embeddings) |" in lines["seed 003 Drama AP genres_frames ap/Drama"]
    assert "no such row" in lines["seed 003 Horror AP genres_frames ap/Horror"]  # AP undefined (no positives)
    assert "| 0.760 | not run | seed 001: ~2,000 trailers" in lines[
        "seed 001 MSE on standardised scores rating_trailer nmse"]
    assert "ratio 1.004" in md  # 0.732 / 0.729, the in-process default LightGBM comparison still follows


def test_a_spec_with_overrides_runs_the_leaderboard_with_those_model_settings(monkeypatch, tmp_path):
    import dataset
    from baselines import data
    from baselines.registry import make

    bench = load_benchmark()
    seen = {}
    monkeypatch.setattr(data, "dataset_columns", lambda path, split: split in ("train", "test"))
    monkeypatch.setattr(data.SplitData, "from_dataset", classmethod(lambda cls, path, split: split))
    monkeypatch.setattr(dataset, "info", lambda path: {"path": path})
    monkeypatch.setattr(bench.leaderboard, "fingerprint", lambda info, path: "fp")
    monkeypatch.setattr(bench.leaderboard, "run", lambda splits, out, tasks, models, *a, **kw: seen.update(
        splits=splits, tasks=tasks, models=models, **kw))
    spec = bench.DATASETS["posters_given_lite2_pooled"]
    bench.run_with_overrides(tmp_path, tmp_path / "lb", spec, 0, None)
    assert seen["splits"] == {"train": "train", "test": "test"}
    assert seen["tasks"] == ["genres_poster"] and seen["models"] == ["label_prior", "poster_effnet"]
    assert seen["overrides"] == spec["overrides"] and seen["dataset_fingerprint"] == "fp"
    model = make("genres_poster", "poster_effnet", **spec["overrides"]["poster_effnet"])  # settings the model takes
    assert model.config.pooled_blocks == 1 and model.config.encoder == "efficientnet-lite2"
