"""One leaderboard row: train the model on its feature set, score it on test, save its config.

Apart from `leaderboard.run` (the loop over tasks and models, then ranking) so that what a row does —
and what a failing row leaves behind (`configs/…__error.txt`) — reads in one place.
"""
from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from baselines.data import SplitData
from baselines.evaluate import class_names, evaluate, named_tables
from baselines.metrics import HEADLINE, N_BOOT
from baselines.registry import MODELS, make
from baselines.tasks import Task
from dataset.markup import terminal


def config_path(out: Path, task: str, model: str, fs: str, suffix: str = ".json") -> Path:
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


def run_row(spec: RowSpec, console: Console) -> tuple[dict[str, Any], dict[str, Any]]:
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
        cfg_path = config_path(out, task.name, model_name, fs)
        extra = {k: getattr(model, k) for k in ("params_",) if hasattr(model, k)}
        cfg_path.write_text(json.dumps({**model.get_config(), **extra}, indent=2, default=str))
        row["config"] = str(cfg_path.relative_to(out))
        a, b = HEADLINE[task.kind]
        console.print(f"[green]done[/] {task.name}/{model_name}/{fs}: {a} {metrics[a]['value']:.3f}, "
                      f"{b} {metrics[b]['value']:.3f} ({row['fit_seconds']:.1f}s fit)")
    except Exception as exc:  # noqa: BLE001 - one failing row must not lose the others; its traceback is saved
        row["error"] = f"{type(exc).__name__}: {exc}"
        console.print(f"[red]failed[/] {task.name}/{model_name}/{fs}: {terminal(row['error'])}")
        config_path(out, task.name, model_name, fs, "__error.txt").write_text(traceback.format_exc())
    return row, art
