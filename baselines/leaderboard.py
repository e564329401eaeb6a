"""Every registered (task, model, feature set) on one dataset: `run()` trains and scores the rows, ranks
each task's rows by paired bootstrap and writes leaderboard.{md,csv,json}, report.html and configs/.

One row is `baselines/row.py`; the command line (`python -m baselines.leaderboard`, `imdbkit
leaderboard`) is `baselines/leaderboard_cli.py`, which sits on top of `cli/`; this module does not
import it (a library user of `run` never loads a command line), except to run it as `__main__`.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from baselines.choices import settings_by_model, weights_by_model
from baselines.data import SplitData
from baselines.environment import environment
from baselines.metrics import N_BOOT
from baselines.params import LeaderboardParams
from baselines.ranking import MIN_TEST_ROWS, rank_task
from baselines.registry import REGISTRY, feature_sets
from baselines.report import write_report
from baselines.row import RowSpec, run_row
from baselines.tables import write_tables
from baselines.tasks import TASKS

__all__ = ["REPORT", "fingerprint", "run"]

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
        weights = weights_by_model(list(params.weights), tasks, models)
        overrides = {**(overrides or {}), **settings_by_model(list(params.settings))}
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
                row, art = run_row(spec, console)
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


if __name__ == "__main__":  # `python -m baselines.leaderboard`: the command line is the module above this one
    from baselines.leaderboard_cli import main

    sys.exit(main())
