"""Every number the leaderboard reports, plus seeded bootstrap 95% CIs on the test split.

Definitions that come from the seed projects (../shared/seeds):
- `seed000_custom` (seed 000, results table): the mean of class-0 recall, class-1 F1 and class-2
  precision. Their rows check out: (27+56+48)/3 = 43.7 ≈ 44, (50+55+63)/3 = 56.
- `nmse` (seed 001): MSE after standardising targets and predictions with the training mean and
  std, so predicting the training mean scores ≈ 1.0 (their best model: 0.76).
- `top3_hit` (seed 002, `accuracy_score` cell): the mean *number* of true genres among the three
  highest-scored genres (0..3, their 0.64); `top3_any` is the share of titles with at least one.
- per-genre precision@0.5, recall@0.5 and AP (seed 003's table); `map` is the mean AP over genres
  with at least one positive in the evaluated rows.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Each task kind's headline metric (what ranks rows, what the summary and the bars show) and its second one.
HEADLINE: dict[str, tuple[str, str]] = {"multiclass": ("accuracy", "macro_f1"), "regression": ("r2", "rmse"),
                                        "multilabel": ("map", "top3_hit")}

# -- classification --------------------------------------------------------------------------


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """`[true, predicted]` counts."""
    cm = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(cm, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    return cm


def per_class(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
    """Per-class precision, recall, F1 and support (0 where undefined, like scikit-learn)."""
    cm = confusion(y_true, y_pred, n_classes)
    tp = np.diag(cm).astype(float)
    pred_pos, true_pos = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, pred_pos, out=np.zeros_like(tp), where=pred_pos > 0)
    recall = np.divide(tp, true_pos, out=np.zeros_like(tp), where=true_pos > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": true_pos}


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if len(y_true) else float("nan")


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    """Mean F1 over the classes present in `y_true` or `y_pred`."""
    pc = per_class(y_true, y_pred, n_classes)
    present = (pc["support"] > 0) | (np.bincount(np.asarray(y_pred, int), minlength=n_classes) > 0)
    return float(pc["f1"][present].mean()) if present.any() else float("nan")


def seed000_custom(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Seed 000's custom metric: mean(recall of class 0, F1 of class 1, precision of class 2)."""
    pc = per_class(y_true, y_pred, 3)
    return float((pc["recall"][0] + pc["f1"][1] + pc["precision"][2]) / 3)


# -- regression ------------------------------------------------------------------------------


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    ss_tot = float(((y_true - y_true.mean()) ** 2).sum())
    return float(1 - ((y_true - y_pred) ** 2).sum() / ss_tot) if ss_tot > 0 else float("nan")


def nmse(y_true: np.ndarray, y_pred: np.ndarray, train_std: float) -> float:
    """Seed 001: MSE on targets standardised with the training std (the mean cancels out)."""
    return float(np.mean(((np.asarray(y_true) - np.asarray(y_pred)) / train_std) ** 2))


# -- multi-label -----------------------------------------------------------------------------


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> float:
    """AP of one label: mean precision at each positive's rank (ties broken by order), NaN with no positive."""
    y_true = np.asarray(y_true).astype(bool)
    if not y_true.any():
        return float("nan")
    order = np.argsort(-np.asarray(scores, float), kind="stable")
    hits = y_true[order]
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision_at[hits].mean())


def per_label(y_true: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray = 0.5) -> dict[str, np.ndarray]:
    """Seed 003's table: per-label precision@t, recall@t, F1@t, AP and support."""
    y_true = np.asarray(y_true).astype(bool)
    pred = np.asarray(scores) >= threshold
    tp = (pred & y_true).sum(axis=0).astype(float)
    n_pred, n_true = pred.sum(axis=0), y_true.sum(axis=0)
    precision = np.divide(tp, n_pred, out=np.zeros_like(tp), where=n_pred > 0)
    recall = np.divide(tp, n_true, out=np.zeros_like(tp), where=n_true > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    ap = np.array([average_precision(y_true[:, g], scores[:, g]) for g in range(y_true.shape[1])])
    return {"precision": precision, "recall": recall, "f1": f1, "ap": ap, "support": n_true.astype(float)}


def micro_f1(y_true: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray = 0.5) -> float:
    y_true = np.asarray(y_true).astype(bool)
    pred = np.asarray(scores) >= threshold
    tp = float((pred & y_true).sum())
    denom = float(pred.sum() + y_true.sum())
    return 2 * tp / denom if denom else float("nan")


def macro_f1_labels(y_true: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray = 0.5,
                    labels: np.ndarray | None = None) -> float:
    """Mean F1 over labels with at least one positive in `y_true`, or over a fixed `labels` index set
    (a label without positives in a bootstrap resample then counts F1 0 instead of leaving the mean)."""
    y_true = np.asarray(y_true).astype(bool)
    pred = np.asarray(scores) >= threshold
    tp = (pred & y_true).sum(axis=0).astype(float)
    denom = (pred.sum(axis=0) + y_true.sum(axis=0)).astype(float)
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)  # = 2PR/(P+R), 0 where undefined
    if labels is not None:
        return float(f1[labels].mean()) if len(labels) else float("nan")
    present = y_true.sum(axis=0) > 0
    return float(f1[present].mean()) if present.any() else float("nan")


def mean_ap(y_true: np.ndarray, scores: np.ndarray, labels: np.ndarray | None = None) -> float:
    """Mean AP over labels with a positive in `y_true`, or over a fixed `labels` set (AP 0 where a
    resample has no positive, as scikit-learn scores it)."""
    cols = range(np.asarray(y_true).shape[1]) if labels is None else labels
    aps = [average_precision(y_true[:, g], scores[:, g]) for g in cols]
    if labels is not None:
        return float(np.mean(np.nan_to_num(aps, nan=0.0))) if len(aps) else float("nan")
    aps = [a for a in aps if np.isfinite(a)]
    return float(np.mean(aps)) if aps else float("nan")


def top3_hit(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Seed 002: mean number of true labels among the 3 highest scores (0..3)."""
    top = np.argsort(-np.asarray(scores, float), axis=1, kind="stable")[:, :3]
    return float(np.take_along_axis(np.asarray(y_true), top, axis=1).sum(axis=1).mean())


def top3_any(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Share of rows with at least one true label among the 3 highest scores."""
    top = np.argsort(-np.asarray(scores, float), axis=1, kind="stable")[:, :3]
    return float((np.take_along_axis(np.asarray(y_true), top, axis=1).sum(axis=1) > 0).mean())


def tune_thresholds(y_val: np.ndarray, scores_val: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """Per-label threshold maximising F1 on val (0.5 where val has no positive)."""
    grid = np.linspace(0.05, 0.95, 19) if grid is None else grid
    y_val = np.asarray(y_val).astype(bool)
    best = np.full(y_val.shape[1], 0.5)
    for g in range(y_val.shape[1]):
        if not y_val[:, g].any():
            continue
        pred = scores_val[:, g][None, :] >= grid[:, None]
        tp = (pred & y_val[:, g]).sum(axis=1)
        f1 = 2 * tp / (pred.sum(axis=1) + y_val[:, g].sum())
        best[g] = grid[int(np.argmax(f1))]
    return best


# -- bootstrap -------------------------------------------------------------------------------

N_BOOT = 1000  # resamples per interval: BCa's tail quantiles need ~1,000 (Efron & Tibshirani 1993, ch. 14)
JACKKNIFE_GROUPS = 500  # BCa's acceleration from a leave-one-group-out jackknife: ≤ 500 metric calls


def _norm_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _norm_ppf(p: float) -> float:
    """Inverse standard normal CDF by bisection (no scipy at import time); exact enough for CI levels."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _norm_cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


def bootstrap(
    metric: Callable[[np.ndarray], float], n: int, n_boot: int = N_BOOT, seed: int = 0, alpha: float = 0.05,
    method: str = "bca",
) -> dict[str, float]:
    """`{value, ci_low, ci_high}`: `metric(idx)` on all rows, and a seeded bootstrap interval.

    BCa (bias-corrected and accelerated) by default: the percentile interval of mAP sat above its own
    point estimate (resampling duplicates positives), and BCa shifts the quantiles by the measured bias.
    The same seed draws the same resamples for every row, so two rows' intervals are paired. `method`
    "percentile" is the plain interval; BCa falls back to it when the resamples are all equal."""
    if method not in ("bca", "percentile"):
        raise ValueError(f"bootstrap method must be 'bca' or 'percentile', not {method!r}")
    value = metric(np.arange(n))
    nan = {"value": value, "ci_low": float("nan"), "ci_high": float("nan")}
    if n < 2 or n_boot <= 0 or not np.isfinite(value):
        return nan
    rng = np.random.default_rng(seed)
    samples = np.array([metric(rng.integers(0, n, n)) for _ in range(n_boot)], float)
    samples = samples[np.isfinite(samples)]
    if not len(samples):
        return nan
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    if method == "bca":
        below = (np.mean(samples < value) + 0.5 * np.mean(samples == value))
        accel = _acceleration(metric, n, seed)
        if 0 < below < 1 and np.isfinite(accel) and np.ptp(samples) > 0:
            z0 = _norm_ppf(float(below))
            adjusted = []
            for q in (lo_q, hi_q):
                z = _norm_ppf(q)
                adjusted.append(_norm_cdf(z0 + (z0 + z) / (1 - accel * (z0 + z))))
            lo_q, hi_q = adjusted
    low, high = np.quantile(samples, [lo_q, hi_q])
    return {"value": value, "ci_low": float(low), "ci_high": float(high)}


def _acceleration(metric: Callable[[np.ndarray], float], n: int, seed: int) -> float:
    """BCa's `a` from a (grouped) jackknife: leave one of ≤ JACKKNIFE_GROUPS seeded groups of rows out."""
    groups = min(n, JACKKNIFE_GROUPS)
    assign = np.random.default_rng(seed + 1).permutation(n) % groups
    theta = np.array([metric(np.flatnonzero(assign != g)) for g in range(groups)], float)
    theta = theta[np.isfinite(theta)]
    if len(theta) < 2:
        return float("nan")
    d = theta.mean() - theta
    denom = 6 * float((d**2).sum()) ** 1.5
    return float((d**3).sum() / denom) if denom > 0 else 0.0


def paired_difference(
    metric_a: Callable[[np.ndarray], float], metric_b: Callable[[np.ndarray], float], n: int,
    n_boot: int = N_BOOT, seed: int = 0, alpha: float = 0.05,
) -> dict[str, float]:
    """`metric_a − metric_b` on the same resampled test rows, with its BCa interval: two models scored on
    one test set are correlated, so their separate intervals overlap even when one is reliably better."""
    return bootstrap(lambda i: metric_a(i) - metric_b(i), n, n_boot=n_boot, seed=seed, alpha=alpha)
