"""The phases of `imdbkit demo` — crawl, trailers, build, leaderboard — and their bookkeeping.

Each phase runs the stage's own entry point (a real `scrapy crawl imdb` subprocess, `python -m dataset
build`'s `main`, `baselines.leaderboard.run`) and records what it consumed in `demo-state.json`; a
rerun skips a phase whose inputs are unchanged and whose outputs exist, and a crawl that was cut
short resumes (the spider skips titles already in items.jsonl). The flags are `cli/demo.py`; the two
phases that talk to the mirror (the crawl subprocess, the trailer downloads) are `cli/demo_fetch.py`.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from cli.common import CliError
from cli.demo_data import read_items, write_splits
from cli.demo_fetch import SEED, crawl, trailers
from cli.demo_summary import summary

IMAGE_SIZES = ("32x32", "150x101")
FRAME_ENCODER = "efficientnet-lite0"
DEMO_REPORT = "demo-report.html"  # beside leaderboard/, whose own report.html the demo never touches
# The leaderboard's GBMs search 10 settings by default; on a 500-title demo 4 keep every row inside the budget.
OVERRIDES = {"lightgbm": {"n_trials": 4}, "xgboost": {"n_trials": 4}}


def _encoder_installed() -> bool:
    from dataset.encoders import EncoderMissing, weights_path

    try:
        weights_path(FRAME_ENCODER)
    except EncoderMissing:
        return False
    return True


class Demo:
    def __init__(self, args: argparse.Namespace) -> None:
        if args.titles < 20:
            raise CliError(f"--titles {args.titles} is too few for train/validation/test splits; use at least 20.", 2)
        if args.budget_minutes <= 0:
            raise CliError(f"--budget-minutes {args.budget_minutes} must be positive, e.g. 0.5.", 2)
        self.args = args
        self.models()  # a bad --models fails before any work
        self.work = args.workdir.resolve()
        if self.work.exists() and not self.work.is_dir():
            raise CliError(f"--workdir {args.workdir} is a file; pass a folder.", 2)
        self.crawl, self.dataset = self.work / "crawl", self.work / "dataset"
        self.board, self.report = self.work / "leaderboard", self.work / DEMO_REPORT
        self.logs, self.state_file = self.work / "logs", self.work / "demo-state.json"
        self.catalog = f"synthetic:{args.titles}"
        self.mirror = None
        self.timings: dict[str, str] = {}
        self.console = Console(stderr=True, quiet=args.quiet)

    # -- bookkeeping ---------------------------------------------------------------------------------
    @staticmethod
    def key(*parts: Any) -> str:
        """16 hex digits naming what a phase consumed: the same key on a rerun means its outputs still hold."""
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def state(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def mark(self, phase: str, key: str, **extra: Any) -> None:
        state = self.state()
        state[phase] = {"key": key, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra}
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        os.replace(tmp, self.state_file)

    def done(self, phase: str, key: str) -> bool:
        return not self.args.force and self.state().get(phase, {}).get("key") == key

    def base_url(self) -> str:
        """The mirror, started on first need (a rerun with a finished crawl and trailers never starts it)."""
        if self.mirror is None:
            from mirror import MirrorServer
            from mirror.server import PortInUseError

            self.mirror = MirrorServer(self.catalog, seed=SEED, port=self.args.port)
            try:
                self.mirror.start()
            except PortInUseError:
                self.mirror = None
                raise CliError(f"--port {self.args.port} is already in use; pass another port or --port 0 "
                               "to let the system pick one.", 1) from None
        return self.mirror.base_url

    def close(self) -> None:
        if self.mirror is not None:
            self.mirror.stop()
            self.mirror = None

    # -- phases ----------------------------------------------------------------------------------------
    def phase_crawl(self, progress: Progress) -> None:
        crawl(self, progress)

    def phase_trailers(self, progress: Progress) -> None:
        trailers(self, progress)

    def phase_build(self, progress: Progress) -> dict[str, Any]:
        from dataset.build import describe_inputs, sha256_file
        from dataset.cli import main as dataset_main

        splits = self.work / "splits.csv"
        write_splits(read_items(self.crawl / "items.jsonl"), splits)
        argv = ["build", "--raw", str(self.crawl), "--out", str(self.dataset), "--splits", str(splits), "--quiet"]
        if _encoder_installed():  # trailer frames → pretrained frame embeddings: genres_frames gets rows too
            argv += ["--frame-embeddings", FRAME_ENCODER]
        for s in IMAGE_SIZES:
            argv += ["--image-size", s]
        trailers = sorted((p.name, p.stat().st_size) for p in (self.crawl / "trailers").glob("*.mp4"))
        inputs = describe_inputs([self.crawl])
        for entry in inputs:
            entry.pop("path", None)
        key = self.key(argv[3:], inputs, trailers)
        if self.done("build", key) and (self.dataset / "build.json").is_file():
            self.timings["build"] = "reused"
            return json.loads((self.dataset / "build.json").read_text())
        task = progress.add_task("build", total=None)
        start = time.perf_counter()
        log = self.logs / "build.log"
        with open(log, "w") as fh, contextlib.redirect_stdout(fh), contextlib.redirect_stderr(fh):
            code = dataset_main((["--verbose"] if self.args.verbose else []) + argv)
        progress.update(task, total=1, completed=1)
        if code != 0:
            last = (log.read_text().strip().splitlines() or ["no output"])[-1]
            raise CliError(f"the dataset build failed ({last}); see {log}.", 1)
        self.timings["build"] = f"{time.perf_counter() - start:.1f}s"
        self.mark("build", key, build_json=sha256_file(self.dataset / "build.json"))
        return json.loads((self.dataset / "build.json").read_text())

    def phase_leaderboard(self, progress: Progress, meta: dict[str, Any], items: int) -> dict[str, Any]:
        from baselines.data import SplitData
        from baselines.leaderboard import fingerprint, run
        from baselines.registry import REGISTRY, feature_sets
        from baselines.tasks import TASKS
        from cli.report import write_demo_report
        from dataset.build import sha256_file

        models = self.models()
        key = self.key(sha256_file(self.dataset / "build.json"), self.args.budget_minutes, SEED, OVERRIDES, models,
                     self.args.bootstrap)
        result_file = self.board / "leaderboard.json"
        if self.done("leaderboard", key) and result_file.is_file() and self.report.is_file():
            self.timings["leaderboard"] = "reused"
            return json.loads(result_file.read_text())
        columns = set(meta["columns"]) | ({"genres_multi_hot"} if "genres" in meta["columns"] else set())
        planned = sum(len(feature_sets(t, m, columns)[0]) for t in REGISTRY if TASKS[t].missing(columns)
                      is None for m in REGISTRY[t] if not models or m in models)
        task = progress.add_task("leaderboard", total=planned)
        start = time.perf_counter()
        splits = {s: SplitData.from_dataset(self.dataset, s) for s in meta["splits"] if meta["splits"][s]["rows"]}
        if "test" not in splits:
            raise CliError(f"the demo dataset has no test rows (too few titles: {items}); rerun with more --titles.", 1)
        shutil.rmtree(self.board, ignore_errors=True)
        artifacts: dict[str, dict[str, Any]] = {}

        def on_row(row: dict[str, Any], art: dict[str, Any]) -> None:
            artifacts[f"{row['task']}/{row['model']}/{row['feature_set']}"] = art
            progress.update(task, advance=1, description=f"leaderboard {row['task']}/{row['model']}"[:46])

        with open(self.logs / "leaderboard.log", "w") as log:
            result = run(splits, self.board, models=models, budget_minutes=self.args.budget_minutes, seed=SEED,
                         n_boot=self.args.bootstrap, dataset_fingerprint=fingerprint(meta, self.dataset),
                         dataset_info=meta, console=Console(file=log, width=160, no_color=True, highlight=False),
                         overrides=OVERRIDES, on_row=on_row)
        progress.update(task, completed=planned)
        write_demo_report(self.report, self.dataset, meta, items, result, artifacts)
        self.timings["leaderboard"] = f"{time.perf_counter() - start:.1f}s"
        self.mark("leaderboard", key, rows=len(result["rows"]))
        return json.loads(result_file.read_text())

    def models(self) -> list[str] | None:
        from baselines.choices import selection
        from baselines.registry import MODELS

        try:
            return selection(self.args.models, list(MODELS), "model")
        except ValueError as exc:
            raise CliError(f"--models: {exc}.", 2) from None

    # -- the whole chain ----------------------------------------------------------------------------------
    def run(self) -> int:
        for name in ("TQDM_DISABLE", "HF_HUB_DISABLE_PROGRESS_BARS"):  # the rich display is the progress;
            os.environ.setdefault(name, "1")  # other bars (tqdm, Hugging Face's weight loading) would tear it
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        start = time.perf_counter()
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        try:
            with Progress(*columns, console=self.console, transient=False) as progress:
                self.phase_crawl(progress)
                self.phase_trailers(progress)
                self.close()
                meta = self.phase_build(progress)
                items = len(read_items(self.crawl / "items.jsonl"))
                board = self.phase_leaderboard(progress, meta, items)
        finally:
            self.close()
        summary(self.console if not self.args.quiet else Console(), self, meta, board, items,
                time.perf_counter() - start)
        return 0
