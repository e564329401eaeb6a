"""`python -m baselines.leaderboard`: every registered (task, model, feature set) on one dataset.

    python -m baselines.leaderboard --dataset DIR --out REPORT_DIR [--tasks a,b] [--models x,y]
        [--budget-minutes M] [--seed S] [--bootstrap N] [--weights [MODEL=]PATH] [--quiet] [--verbose]

Writes leaderboard.{md,csv,json}, report.html (`baselines/report.py`) and configs/ (each row's config dataclass) into
REPORT_DIR. Tasks whose columns the dataset lacks are skipped with a one-line reason. Training
length is set in epochs (or trials); `--budget-minutes` is an optional wall-clock cap, off by
default, so the same seed gives the same rows on an idle or a busy machine (timings aside).
A row is marked best only when its paired-bootstrap difference to every other row excludes 0.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from baselines.data import SplitData, dataset_columns
from baselines.environment import environment
from baselines.evaluate import class_names, evaluate, named_tables
from baselines.metrics import HEADLINE, N_BOOT
from baselines.params import LeaderboardParams
from baselines.ranking import MIN_TEST_ROWS, rank_task
from baselines.registry import MODELS, REGISTRY, feature_sets, make
from baselines.report import write_report
from baselines.tables import epochs_cell, rank_mark, write_tables
from baselines.tasks import TASKS, Task
from baselines.torch_utils import TorchBaseline, no_progress
from cli.common import CliError, Parser
from cli.errors import Guard
from cli.lists import split_list
from cli.options import add_options, from_args
from dataset.markup import terminal
from dataset.split import SPLITS

REPORT = "report.html"  # inside the leaderboard's own folder; `imdbkit demo` writes demo-report.html beside it


def fingerprint(info: dict[str, Any] | None, path: Path | None = None) -> str:
    """16 hex digits from build.json's checksums (else from the parquet files' bytes)."""
    found: list[Any] = []

    def walk(node: Any, key: str = "") -> None:
        if any(word in key.lower() for word in ("checksum", "sha256", "sha1", "md5")):
            found.append((key, node))
        elif isinstance(node, dict):
            for k, v in sorted(node.items()):
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(info or {})
    h = hashlib.sha256()
    if found:
        h.update(json.dumps(found, sort_keys=True, default=str).encode())
    elif path is not None:
        for f in sorted((path / "data").glob("*.parquet")):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    else:
        return "in-memory"
    return h.hexdigest()[:16]


def _split_val(train: SplitData, seed: int, share: float = 0.15) -> tuple[SplitData, SplitData]:
    """A seeded hold-out of the training split when the dataset has no validation rows."""
    rng = np.random.default_rng(seed)
    take = rng.random(len(train)) < share
    return train.subset(~take), train.subset(take)


def run(
    splits: dict[str, SplitData],
    out: Path,
    tasks: list[str] | None = None,
    models: list[str] | None = None,
    budget_minutes: float | None = None,
    seed: int = 0,
    n_boot: int = N_BOOT,
    weights: dict[str, str] | None = None,
    dataset_fingerprint: str = "in-memory",
    dataset_info: dict[str, Any] | None = None,
    console: Console | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    on_row: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    params: LeaderboardParams | None = None,
) -> dict[str, Any]:
    """Train and score every row, write the outputs, return `{rows, skipped, meta}`.

    `params` (what `imdbkit leaderboard` parses) replaces tasks, models, budget_minutes, seed, n_boot and
    weights (its `[MODEL=]PATH` specs, checked). `on_row(row, artifacts)` is called as each row finishes
    (errored rows too; the same dict gets its `rank` when the task's rows are ranked): `imdbkit demo`
    advances its bar with it and keeps the artifacts (confusion matrix, scores, history; multi-label ones
    carry `test_ids` and `test_scores`) for its own report."""
    if params is not None:
        tasks, models = list(params.tasks) or None, list(params.models) or None
        budget_minutes, seed, n_boot = params.budget_minutes, params.seed, params.bootstrap
        weights = _weights(list(params.weights), tasks, models)
    console = console or Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "configs").mkdir(exist_ok=True)
    train_all, columns = splits["train"], splits["train"].columns
    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    artifacts: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for task_name in tasks or list(REGISTRY):
        task = TASKS[task_name]
        reason = task.missing(columns)
        if reason is None and not len(splits.get("test", [])):
            reason = "the dataset has no test rows"
        if reason:
            skipped.append({"task": task_name, "model": "*", "reason": reason})
            console.print(f"[yellow]skip[/] {task_name}: {reason}")
            continue
        train = train_all.subset(task.rows(train_all))
        test = splits["test"].subset(task.rows(splits["test"]))
        val = splits.get("validation")
        val = val.subset(task.rows(val)) if val is not None and len(val) else None
        if val is None or not len(val):
            train, val = _split_val(train, seed)
        if len(train) < 2 or not len(test):
            reason = f"too few usable rows (train {len(train)}, test {len(test)})"
            skipped.append({"task": task_name, "model": "*", "reason": reason})
            console.print(f"[yellow]skip[/] {task_name}: {reason}")
            continue
        task = task.bind(train)
        y_test = task.y(test)
        first = len(rows)
        for model_name in REGISTRY[task_name]:
            if models and model_name not in models:
                continue
            sets, why = feature_sets(task_name, model_name, columns)
            if why:
                skipped.append({"task": task_name, "model": model_name, "reason": why})
                console.print(f"[yellow]skip[/] {task_name}/{model_name}: {why}")
                continue
            for fs in sets:
                spec = RowSpec(task, model_name, fs, train, val, test, out, seed, n_boot, budget_minutes,
                               (weights or {}).get(model_name), (overrides or {}).get(model_name, {}))
                row, art = _run_one(spec, console)
                row.update(dataset_fingerprint=dataset_fingerprint, n_train=len(train), n_val=len(val),
                           n_test=len(test))
                rows.append(row)
                artifacts[_key(row)] = art
                if on_row:
                    on_row(row, art)
        warning = rank_task(task, rows[first:], artifacts, y_test, n_boot, seed)
        if warning:
            warnings.append(warning)
            console.print(f"[yellow]warning[/] {warning}")
    meta = {"seed": seed, "budget_minutes": budget_minutes, "bootstrap": n_boot, "bootstrap_method": "bca",
            "min_test_rows_for_ranking": MIN_TEST_ROWS, "dataset_fingerprint": dataset_fingerprint,
            "warnings": warnings, "environment": environment()}
    result = {"rows": rows, "skipped": skipped, "meta": meta}
    write_tables(result, out)
    write_report(out / REPORT, result, artifacts, dataset_info)
    return result


def _key(row: dict[str, Any]) -> str:
    return f"{row['task']}/{row['model']}/{row['feature_set']}"


def _config_path(out: Path, task: str, model: str, fs: str, suffix: str = ".json") -> Path:
    """configs/TASK__MODEL__FEATURESET{suffix}: one file per leaderboard row."""
    return out / "configs" / f"{task}__{model}__{fs.replace('+', '_')}{suffix}"


@dataclass(frozen=True)
class RowSpec:
    """One leaderboard row to train and score: the bound task, the model and its feature set, the data,
    where its config goes, and the knobs that reach the model (weights path, `overrides` of its config)."""

    task: Task
    model: str
    feature_set: str
    train: SplitData
    val: SplitData
    test: SplitData
    out: Path
    seed: int = 0
    n_boot: int = N_BOOT
    budget_minutes: float | None = None
    weights: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """The model's hyper-parameters for this row: overrides, then feature set, budget and weights."""
        config: dict[str, Any] = dict(self.overrides)
        names = {f.name for f in fields(MODELS[self.model].Config)}
        if self.feature_set != "none" and "feature_set" in names:
            config["feature_set"] = self.feature_set
        if self.budget_minutes:
            config["budget_seconds"] = self.budget_minutes * 60
        if self.weights:
            config["weights"] = self.weights
        return config


def _run_one(spec: RowSpec, console: Console) -> tuple[dict[str, Any], dict[str, Any]]:
    task, model_name, fs, train, val, test = spec.task, spec.model, spec.feature_set, spec.train, spec.val, spec.test
    out, seed, n_boot = spec.out, spec.seed, spec.n_boot
    y_train, y_val, y_test = task.y(train), task.y(val), task.y(test)
    row: dict[str, Any] = {"task": task.name, "model": model_name, "feature_set": fs, "seed": seed,
                           "metrics": {}, "fit_seconds": None, "predict_seconds": None, "epochs_run": None,
                           "stopped_by": None, "error": None}
    art: dict[str, Any] = {"kind": task.kind}
    try:
        model = make(task.name, model_name, seed=seed, **spec.params())
        t0 = time.perf_counter()
        model.fit(train, val, task=task)  # the bound task (train-derived standardisation)
        row["fit_seconds"] = round(time.perf_counter() - t0, 3)
        row["epochs_run"], row["stopped_by"] = model.epochs_run_, model.stopped_by_
        t0 = time.perf_counter()
        scores = model.predict_proba(test) if task.kind != "regression" else model.predict(test)
        row["predict_seconds"] = round(time.perf_counter() - t0, 3)
        scores_val = model.predict_proba(val) if task.kind == "multilabel" else None
        train_std = float(np.std(y_train)) if task.kind == "regression" and np.std(y_train) > 0 else 1.0
        metrics, art_eval = evaluate(task, y_test, scores, y_val=y_val if scores_val is not None else None,
                                     scores_val=scores_val, train_std=train_std, n_boot=n_boot, seed=seed)
        row["metrics"] = metrics
        row.update(named_tables(art_eval, class_names(task, train)))
        art.update(art_eval, history=getattr(model, "history_", {}), labels=train.labels(task.target)
                   if task.kind == "multilabel" else None, scores=np.asarray(scores))
        if task.kind == "multilabel" and "imdb_id" in test.frame:
            art.update(test_ids=test.frame["imdb_id"].tolist(), test_scores=np.asarray(scores))
        cfg_path = _config_path(out, task.name, model_name, fs)
        extra = {k: getattr(model, k) for k in ("params_",) if hasattr(model, k)}
        cfg_path.write_text(json.dumps({**model.get_config(), **extra}, indent=2, default=str))
        row["config"] = str(cfg_path.relative_to(out))
        a, b = HEADLINE[task.kind]
        console.print(f"[green]done[/] {task.name}/{model_name}/{fs}: {a} {metrics[a]['value']:.3f}, "
                      f"{b} {metrics[b]['value']:.3f} ({row['fit_seconds']:.1f}s fit)")
    except Exception as exc:  # noqa: BLE001 - one failing row must not lose the others; its traceback is saved
        row["error"] = f"{type(exc).__name__}: {exc}"
        console.print(f"[red]failed[/] {task.name}/{model_name}/{fs}: {terminal(row['error'])}")
        _config_path(out, task.name, model_name, fs, "__error.txt").write_text(traceback.format_exc())
    return row, art


def print_table(result: dict[str, Any], console: Console) -> None:
    table = Table(title="imdbkit leaderboard", show_lines=False)
    for col in ("task", "model", "feature set", "headline", "95% CI", "second", "epochs", "fit s"):
        table.add_column(col)
    for row in result["rows"]:
        kind = TASKS[row["task"]].kind
        if row["error"]:
            table.add_row(row["task"], row["model"], row["feature_set"], "[red]error[/]", terminal(row["error"][:60]),
                          "", "", "")
            continue
        a, b = HEADLINE[kind]
        m = row["metrics"]
        table.add_row(row["task"], rank_mark(row, ("[bold]", "[/bold]")), row["feature_set"], f"{a} {m[a]['value']:.3f}",
                      f"[{m[a]['ci_low']:.3f}, {m[a]['ci_high']:.3f}]", f"{b} {m[b]['value']:.3f}",
                      epochs_cell(row), f"{row['fit_seconds']:.1f}")
    console.print(table)
    for w in result["meta"].get("warnings", []):
        console.print(f"warning: {w}")
    for s in result["skipped"]:
        console.print(f"skipped {s['task']}/{s['model']}: {terminal(s['reason'])}")


def selection(value: str | list[str] | None, valid: list[str], what: str) -> list[str] | None:
    """A list option (`a,b` or repeated) checked against `valid`; None when nothing was given."""
    items = split_list(value)
    if not items:
        return None
    bad = [v for v in items if v not in valid]
    if bad:
        raise ValueError(f"unknown {what} {', '.join(bad)}; choose from {', '.join(valid)}")
    return items


def _weights(given: list[str], tasks: list[str] | None, models: list[str] | None) -> dict[str, str]:
    """`--weights [MODEL=]PATH` as {model: path}; a bare PATH is only accepted when one torch model runs."""
    torch_models = [m for m in dict.fromkeys(m for t in tasks or REGISTRY for m in REGISTRY[t])
                    if (not models or m in models) and issubclass(MODELS[m], TorchBaseline)]
    weights: dict[str, str] = {}
    for w in given:
        name, _, path = w.rpartition("=")
        if name and name not in MODELS:
            raise ValueError(f"--weights names unknown model {name!r}")
        if name and not issubclass(MODELS[name], TorchBaseline):
            raise ValueError(f"--weights names {name}, which loads no weights; name one of {', '.join(torch_models)}")
        if not Path(path).is_file():
            raise ValueError(f"--weights file {path} does not exist")
        if not name and len(torch_models) != 1:
            raise ValueError(f"--weights {path} names no model and {len(torch_models)} torch models would run "
                             f"({', '.join(torch_models) or 'none'}); name one, e.g. --weights "
                             f"{'poster_cnn' if 'poster_cnn' in torch_models or not torch_models else torch_models[0]}={path}")
        weights[name or torch_models[0]] = path
    return weights


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
        _weights(list(params.weights), tasks, models)
    except ValueError as exc:
        raise CliError(f"{exc}.", 2) from None
    path = Path(args.dataset)
    if not (path / "data").is_dir() or not list((path / "data").glob("train-*.parquet")):
        raise CliError(f"{path} is not a built dataset (no data/train-*.parquet); run `imdbkit build`.", 2)
    console = Console(stderr=True, quiet=args.quiet)
    try:
        import dataset

        info = dataset.info(str(path))
        splits = {s: SplitData.from_dataset(path, s) for s in SPLITS if dataset_columns(path, s)}
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
                saved = _config_path(Path(args.out), row["task"], row["model"], row["feature_set"], "__error.txt")
                print(saved.read_text() if saved.is_file() else row["error"], file=sys.stderr)
    if not result["rows"]:  # the skip reasons were printed as they happened
        raise CliError(f"nothing ran: every selected task or model was skipped ({len(result['skipped'])} "
                       "reasons above); pick others with --tasks/--models or rebuild the dataset with their columns.", 1)
    if not args.quiet:
        print_table(result, Console(width=None if sys.stdout.isatty() else 140))
    print(f"wrote {args.out}/leaderboard.md, .csv, .json and {REPORT}", file=sys.stderr)
    return 1 if result["rows"] and all(r["error"] for r in result["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
