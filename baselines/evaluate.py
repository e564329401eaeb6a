"""Turn one model's test predictions into the leaderboard's metric dict (with CIs) and artifacts."""
from __future__ import annotations

from typing import Any

import numpy as np

from baselines import metrics as M
from baselines.tasks import Task


def evaluate(
    task: Task,
    y_true: np.ndarray,
    scores: np.ndarray,
    *,
    y_val: np.ndarray | None = None,
    scores_val: np.ndarray | None = None,
    train_std: float = 1.0,
    n_boot: int = 200,
    seed: int = 0,
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Metrics keyed by name, each `{value, ci_low, ci_high}`, and plot-ready artifacts."""
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
    out = {
        "map": boot(lambda i: M.mean_ap(y_true[i], scores[i])),
        "micro_f1": boot(lambda i: M.micro_f1(y_true[i], scores[i])),
        "macro_f1": boot(lambda i: M.macro_f1_labels(y_true[i], scores[i])),
        "top3_hit": boot(lambda i: M.top3_hit(y_true[i], scores[i])),
        "top3_any": boot(lambda i: M.top3_any(y_true[i], scores[i])),
    }
    if thresholds is not None:
        out["micro_f1_tuned"] = boot(lambda i: M.micro_f1(y_true[i], scores[i], thresholds))
        out["macro_f1_tuned"] = boot(lambda i: M.macro_f1_labels(y_true[i], scores[i], thresholds))
    table = M.per_label(y_true, scores)
    artifacts = {"per_label": {key: [None if not np.isfinite(x) else float(x) for x in v] for key, v in table.items()}}
    if thresholds is not None:
        artifacts["thresholds"] = thresholds.tolist()
    return out, artifacts
