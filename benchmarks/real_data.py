"""Real-data figures: ../shared/data → `python -m dataset import` + `build` → the leaderboard.

    python benchmarks/real_data.py [--out DIR] [--budget-minutes M] [--only imdb5000,posters,posters_given,...]

Prints every measured number beside the seeds' reported numbers and the public anchors, plus the
ratio of our tuned GBM to a default LightGBM run in this same process (the 0.728 anchor's model).
Writes DIR/summary.json and DIR/summary.md (the source of docs/results.md). Skips cleanly when
../shared/data is absent.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))

from baselines import leaderboard, leaderboard_cli  # noqa: E402
from benchmarks.real_data_report import render  # noqa: E402

# The reference put 6.5 in the middle class ((5, 6.5] bins, majority 0.506); ratings carry one decimal,
# so these edges reproduce its right-closed bins with the dataset's left-closed binning.
REFERENCE_BINS = "0,5.05,6.55,10"

DATASETS = {
    "movienet": {
        "import": ["movienet-clip", SHARED / "movienet_clip"],
        "build": ["--min-votes", "-1", "--ratios", "78,0,22"],  # 700 train / 198 test, like the anchor
        "tasks": "genres_frames",
    },
    "trailers": {
        "import": ["trailer-frames", SHARED / "trailer_frames"],
        "build": ["--min-votes", "-1", "--ratios", "60,20,20", "--trailer-frames", "15"],
        "tasks": "rating_trailer",
    },
    "imdb5000": {
        "import": ["imdb5000", SHARED / "imdb5000" / "movie_metadata.csv"],
        "build": ["--min-votes", "-1", "--ratios", "70,10,20", "--stratify", "rating_class",
                  "--rating-bins", REFERENCE_BINS],
        "tasks": "rating_class,rating",
    },
    "imdb5000_seed000_bins": {
        "raw": "imdb5000",
        "build": ["--min-votes", "-1", "--ratios", "70,10,20", "--stratify", "rating_class"],
        "tasks": "rating_class",
        "models": "majority,lightgbm,xgboost",
    },
    "posters": {
        "import": ["posters", SHARED / "posters" / "labels.csv", SHARED / "posters" / "images"],
        # 150x101: seed 002; 107x73: seed 004's 40% of 268x182.
        "build": ["--min-votes", "-1", "--ratios", "70,10,20", "--image-size", "150x101", "--image-size", "107x73"],
        "tasks": "genres_poster",
    },
    # The import's given split (its val becomes our test; the leaderboard holds 15% of train out as val),
    # full-size 268x182 posters for the pretrained encoder (issue 16).
    "posters_given": {
        "raw": "posters",
        "given_split": True,
        "build": ["--min-votes", "-1", "--image-size", "268x182"],
        "tasks": "genres_poster",
        "models": "label_prior,poster_effnet",
    },
    # The same build; poster_effnet with the settings that won on val (docs/results.md): Lite2 features
    # with the pooled activations entering and leaving its last block.
    "posters_given_lite2_pooled": {
        "raw": "posters",
        "given_split": True,
        "build": ["--min-votes", "-1", "--image-size", "268x182"],
        "tasks": "genres_poster",
        "models": "label_prior,poster_effnet",
        "overrides": {"poster_effnet": {"encoder": "efficientnet-lite2", "pooled_blocks": 1}},
    },
}


def sh(args: list[object], log: Path) -> float:
    """Run `python -m …`, fail loudly with the log's tail; returns seconds."""
    start = time.perf_counter()
    with open(log, "a", encoding="utf-8") as fh:
        proc = subprocess.run([sys.executable, *map(str, args)], cwd=REPO, stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode:
        tail = log.read_text(encoding="utf-8")[-2000:]
        raise SystemExit(f"{' '.join(map(str, args[:3]))} failed (exit {proc.returncode}):\n{tail}")
    return time.perf_counter() - start


def given_split(source: Path, out: Path) -> Path:
    """The importer's train/val split with val renamed test: the source has no test split of its own."""
    lines = source.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(line.replace(",val", ",test") if line.endswith(",val") else line for line in lines)
                   + "\n", encoding="utf-8")
    return out


def reference_lightgbm(dataset: Path, out: Path, seed: int) -> dict:
    """LightGBM with its defaults (n_trials=1), all metadata: the model behind the 0.728 anchor."""
    from baselines.data import dataset_splits

    splits = dataset_splits(dataset)
    res = leaderboard.run(splits, out, tasks=["rating_class", "rating"], models=["lightgbm"], seed=seed, n_boot=200,
                          budget_minutes=None, overrides={"lightgbm": {"n_trials": 1}})  # defaults, early-stopped
    return {(r["task"], r["feature_set"]): r["metrics"] for r in res["rows"]}


def run_with_overrides(dataset: Path, out: Path, spec: dict, seed: int, budget_minutes: float | None) -> None:
    """The leaderboard on `dataset` with per-model settings (`spec["overrides"]`), which its flags do not carry."""
    import dataset as ds_api
    from baselines.data import dataset_splits

    splits = dataset_splits(dataset)
    info = ds_api.info(str(dataset))
    leaderboard.run(splits, out, spec["tasks"].split(","), spec["models"].split(","), budget_minutes, seed,
                    dataset_fingerprint=leaderboard.fingerprint(info, dataset), dataset_info=info,
                    overrides=spec["overrides"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=REPO / "imdbkit-data" / "real_data")
    p.add_argument("--budget-minutes", type=float, default=None)  # optional cap; rows it cuts say stopped_by budget
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", default=",".join(DATASETS))
    args = p.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (real data lives in ../shared beside the checkout)")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "commands.log"
    previous = args.out / "summary.json"  # --only runs add to (and replace rows of) an earlier summary
    summary: dict[str, dict] = json.loads(previous.read_text()) if previous.exists() else {}
    for name in args.only.split(","):
        spec = DATASETS[name]
        raw, ds, lb = args.out / f"raw_{spec.get('raw', name)}", args.out / f"ds_{name}", args.out / f"lb_{name}"
        timings = {}
        if "import" in spec or not raw.is_dir():  # a dataset sharing another's raw folder imports it when absent
            src, *paths = spec.get("import") or DATASETS[spec["raw"]]["import"]
            timings["import_s"] = sh(["-m", "dataset", "import", src, *paths, "--out", raw, "--quiet"], log)
        build = list(spec["build"])
        if spec.get("given_split"):
            build += ["--splits", given_split(raw / "splits.csv", args.out / f"splits_{name}.csv")]
        timings["build_s"] = sh(["-m", "dataset", "build", "--raw", raw, "--out", ds, *build, "--no-plots",
                                 "--quiet"], log)
        argv_lb = ["--dataset", str(ds), "--out", str(lb), "--tasks", spec["tasks"], "--seed", str(args.seed)]
        if args.budget_minutes:
            argv_lb += ["--budget-minutes", str(args.budget_minutes)]
        if "models" in spec:
            argv_lb += ["--models", spec["models"]]
        start = time.perf_counter()
        if "overrides" in spec:
            run_with_overrides(ds, lb, spec, args.seed, args.budget_minutes)
        elif code := leaderboard_cli.main(argv_lb):
            raise SystemExit(f"leaderboard on {ds} exited {code}")
        timings["leaderboard_s"] = time.perf_counter() - start
        result = json.loads((lb / "leaderboard.json").read_text())
        summary[name] = {"timings": timings, "rows": result["rows"], "skipped": result["skipped"],
                         "n": json.loads((ds / "build.json").read_text())["splits"]}
        if name == "imdb5000":
            start = time.perf_counter()
            summary[name]["reference_lightgbm"] = {
                f"{t}/{fs}": m for (t, fs), m in reference_lightgbm(ds, args.out / "lb_reference", args.seed).items()}
            timings["reference_s"] = time.perf_counter() - start
        print(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    (args.out / "summary.md").write_text(render(summary), encoding="utf-8")
    print(render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
