"""Turn one model's test predictions into the leaderboard's metric dict (with CIs) and artifacts."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from baselines import metrics as M
from baselines.data import SplitData
from baselines.tasks import Task


def evaluate(
    task: Task,
    y_true: np.ndarray,
    scores: np.ndarray,
    *,
    y_val: np.ndarray | None = None,
    scores_val: np.ndarray | None = None,
    train_std: float = 1.0,
    n_boot: int = M.N_BOOT,
    seed: int = 0,
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Metrics keyed by name, each `{value, ci_low, ci_high}` (BCa bootstrap), and plot-ready artifacts."""
    n = len(y_true)

    def boot(fn: Any) -> dict[str, float]:
        return M.bootstrap(fn, n, n_boot=n_boot, seed=seed)

    if task.kind == "multiclass":
        k = max(task.n_classes, int(scores.shape[1]))
        pred = scores.argmax(axis=1)
        out = {
            "accuracy": boot(lambda i: M.accuracy(y_true[i], pred[i])),
            "macro_f1": boot(lambda i: M.macro_f1(y_true[i], pred[i], k)),
        }
        if k == 3:
            out["seed000_custom"] = boot(lambda i: M.seed000_custom(y_true[i], pred[i]))
        table = M.per_class(y_true, pred, k)
        artifacts = {"confusion": M.confusion(y_true, pred, k).tolist(),
                     "per_class": {key: v.tolist() for key, v in table.items()}}
        return out, artifacts

    if task.kind == "regression":
        pred = np.asarray(scores, float).reshape(-1)
        out = {
            "rmse": boot(lambda i: M.rmse(y_true[i], pred[i])),
            "mae": boot(lambda i: M.mae(y_true[i], pred[i])),
            "r2": boot(lambda i: M.r2(y_true[i], pred[i])),
            "nmse": boot(lambda i: M.nmse(y_true[i], pred[i], train_std)),
        }
        return out, {"scatter": {"y_true": y_true.tolist()[:2000], "y_pred": pred.tolist()[:2000]}}

    thresholds = (
        M.tune_thresholds(y_val, scores_val) if y_val is not None and scores_val is not None and len(y_val) else None
    )
    labels = fixed_labels(y_true)
    out = {
        "map": boot(lambda i: M.mean_ap(y_true[i], scores[i], labels)),
        "micro_f1": boot(lambda i: M.micro_f1(y_true[i], scores[i])),
        "macro_f1": boot(lambda i: M.macro_f1_labels(y_true[i], scores[i], labels=labels)),
        "top3_hit": boot(lambda i: M.top3_hit(y_true[i], scores[i])),
        "top3_any": boot(lambda i: M.top3_any(y_true[i], scores[i])),
    }
    if thresholds is not None:
        out["micro_f1_tuned"] = boot(lambda i: M.micro_f1(y_true[i], scores[i], thresholds))
        out["macro_f1_tuned"] = boot(lambda i: M.macro_f1_labels(y_true[i], scores[i], thresholds, labels))
    table = M.per_label(y_true, scores)
    artifacts = {"per_label": {key: [None if not np.isfinite(x) else float(x) for x in v] for key, v in table.items()}}
    if thresholds is not None:
        artifacts["thresholds"] = thresholds.tolist()
    return out, artifacts


def fixed_labels(y_true: np.ndarray) -> np.ndarray:
    """The labels with a positive in the whole test split: every bootstrap resample averages over these."""
    return np.flatnonzero(np.asarray(y_true).sum(axis=0) > 0)


def headline(task: Task, y_true: np.ndarray, scores: np.ndarray) -> Callable[[np.ndarray], float]:
    """The task's headline metric (accuracy, R², mAP: higher is better) as a function of test row indices."""
    if task.kind == "multiclass":
        pred = np.asarray(scores).argmax(axis=1)
        return lambda i: M.accuracy(y_true[i], pred[i])
    if task.kind == "regression":
        pred = np.asarray(scores, float).reshape(-1)
        return lambda i: M.r2(y_true[i], pred[i])
    labels = fixed_labels(y_true)
    return lambda i: M.mean_ap(y_true[i], scores[i], labels)


def class_names(task: Task, train: SplitData) -> list[str]:
    """Names for the per-class/per-label tables: genre names, rating-bin ranges, else class indices."""
    if task.kind == "multilabel":
        return list(train.labels(task.target))
    bins = train.vocab.get("rating_bins") if task.target == "rating_class" else None
    if bins and len(bins) == task.n_classes + 1:
        return [f"{lo:g}-{hi:g}" for lo, hi in zip(bins[:-1], bins[1:], strict=True)]
    return [str(i) for i in range(task.n_classes)]


def named_tables(artifacts: dict[str, Any], names: list[str]) -> dict[str, dict[str, dict[str, float | None]]]:
    """`{per_class: …}` or `{per_label: …}` keyed by name, for leaderboard.json rows (JSON-safe: NaN → None).

    Multi-label entries carry `threshold`, the per-label threshold tuned on val (None without val)."""
    key = "per_class" if "per_class" in artifacts else "per_label" if "per_label" in artifacts else None
    if key is None:
        return {}
    table, thresholds = artifacts[key], artifacts.get("thresholds")
    width = len(next(iter(table.values())))
    names = list(names)[:width] + [str(i) for i in range(len(names), width)]
    out: dict[str, dict[str, float | None]] = {}
    for i, name in enumerate(names):
        entry = {stat: _finite(values[i]) for stat, values in table.items()}
        if key == "per_label":
            entry["threshold"] = float(thresholds[i]) if thresholds is not None else None
        out[name] = entry
    return {key: out}


def _finite(x: float | None) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None
