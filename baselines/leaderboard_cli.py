"""`python -m baselines.leaderboard`: every registered (task, model, feature set) on one dataset.

    python -m baselines.leaderboard --dataset DIR --out REPORT_DIR [--tasks a,b] [--models x,y]
        [--budget-minutes M] [--seed S] [--bootstrap N] [--weights [MODEL=]PATH] [--quiet] [--verbose]

Writes leaderboard.{md,csv,json}, report.html (`baselines/report.py`) and configs/ (each row's config dataclass) into
REPORT_DIR. Tasks whose columns the dataset lacks are skipped with a one-line reason. Training
length is set in epochs (or trials); `--budget-minutes` is an optional wall-clock cap, off by
default, so the same seed gives the same rows on an idle or a busy machine (timings aside).
A row is marked best only when its paired-bootstrap difference to every other row excludes 0.

This module is the command-line side (flags, their checks, the printed table and paths line);
`baselines/leaderboard.py` runs the rows (and runs this module's `main` as `python -m baselines.leaderboard`).
"""
from __future__ import annotations

import argparse
import sys
import traceback
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console

from baselines.choices import selection, settings_by_model, weights_by_model
from baselines.data import dataset_splits
from baselines.leaderboard import REPORT, fingerprint, run
from baselines.params import LeaderboardParams
from baselines.registry import MODELS, REGISTRY
from baselines.row import config_path
from baselines.tables import print_table
from cli.common import CliError, Parser
from cli.errors import Guard
from cli.options import add_options, from_args
from dataset.torch_env import no_progress

EXAMPLE = """example:
  python -m baselines.leaderboard --dataset imdbkit-data/datasets/imdb --out imdbkit-data/reports/imdb
  python -m baselines.leaderboard --dataset DIR --out REPORT --tasks rating_class,rating --models lightgbm"""


def add_arguments(parser: argparse.ArgumentParser, dataset: Path | None = None, out: Path | None = None) -> None:
    """Every leaderboard flag (used by `imdbkit leaderboard` too): one per `LeaderboardParams` field, plus the
    dataset and report folders; `dataset`/`out` give those defaults, else they are required."""
    parser.add_argument("--dataset", type=Path, required=dataset is None, default=dataset, metavar="PATH",
                        help="a dataset folder built by `imdbkit build` (" + (f"default {dataset}; " if dataset else "")
                        + "e.g. --dataset imdbkit-data/datasets/imdb)")
    parser.add_argument("--out", type=Path, required=out is None, default=out, metavar="PATH",
                        help="report folder, created (" + (f"default {out}; " if out else "")
                        + "e.g. --out imdbkit-data/reports/movies)")
    add_options(parser, LeaderboardParams)
    parser.add_argument("--quiet", action="store_true", help="no progress bars or table, only the final paths line")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failed rows and read errors")


def main(argv: list[str] | None = None) -> int:
    """`python -m baselines.leaderboard`: the same flags and error lines as `imdbkit leaderboard`."""
    argv = sys.argv[1:] if argv is None else argv
    parser = Parser(prog="python -m baselines.leaderboard", description=__doc__.split("\n")[0], epilog=EXAMPLE,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return Guard("leaderboard", verbose="--verbose" in argv)(lambda: execute(parser.parse_args(argv)))


def execute(args: argparse.Namespace) -> int:
    """Run parsed leaderboard flags; a mistake or a run with nothing to do is a CliError (one sentence)."""
    params = from_args(LeaderboardParams, args)
    try:
        tasks = selection(list(params.tasks), list(REGISTRY), "task")
        models = selection(list(params.models), list(MODELS), "model")
    except ValueError as exc:
        raise CliError(f"{exc}.", 2) from None
    if params.budget_minutes is not None and params.budget_minutes <= 0:
        raise CliError("--budget-minutes must be positive.", 2)
    if not any(not models or m in models for t in tasks or REGISTRY for m in REGISTRY[t]):
        raise CliError(f"no model among {', '.join(models or [])} trains on {', '.join(tasks or REGISTRY)}, so "
                       "nothing would run; see --help for each task's models.", 1)
    try:
        weights_by_model(list(params.weights), tasks, models)
        settings_by_model(list(params.settings))
    except ValueError as exc:
        raise CliError(f"{exc}.", 2) from None
    path = Path(args.dataset)
    if not (path / "data").is_dir() or not list((path / "data").glob("train-*.parquet")):
        raise CliError(f"{path} is not a built dataset (no data/train-*.parquet); run `imdbkit build`.", 2)
    console = Console(stderr=True, quiet=args.quiet)
    try:
        import dataset

        info = dataset.info(str(path))
        splits = dataset_splits(path)
    except Exception as exc:  # noqa: BLE001 - dataset.DatasetError and I/O errors: one sentence, exit 1
        if args.verbose:
            traceback.print_exc()
        raise CliError(f"could not read the dataset at {path} ({exc}).", 1) from None
    if "test" not in splits:
        raise CliError(f"{path} has no test split; rebuild it with a test share.", 1)
    with no_progress() if args.quiet else nullcontext():
        result = run(splits, Path(args.out), dataset_fingerprint=fingerprint(info, path), dataset_info=info,
                     console=console, params=params)
    if args.verbose:  # each failed row's traceback, saved under configs/ either way
        for row in result["rows"]:
            if row["error"]:
                saved = config_path(Path(args.out), row["task"], row["model"], row["feature_set"], "__error.txt")
                print(saved.read_text() if saved.is_file() else row["error"], file=sys.stderr)
    if not result["rows"]:  # the skip reasons were printed as they happened
        raise CliError(f"nothing ran: every selected task or model was skipped ({len(result['skipped'])} "
                       "reasons above); pick others with --tasks/--models or rebuild the dataset with their columns.", 1)
    if not args.quiet:
        print_table(result, Console(width=None if sys.stdout.isatty() else 140))
    print(f"wrote {args.out}/leaderboard.md, .csv, .json and {REPORT}", file=sys.stderr)
    return 1 if result["rows"] and all(r["error"] for r in result["rows"]) else 0
