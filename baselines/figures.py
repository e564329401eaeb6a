"""The report's plots, each a `data:image/png;base64,…` URI (matplotlib Agg, constrained layout).

Why these: a forest plot of the headline metric (a point with its CI, so a value of 0 is a visible
dot, never an invisible bar), confusion matrices with the class names on the ticks, a regression
scatter against y = x, per-genre AP bars and learning curves with the unit on the x axis (epoch
for torch models, boosting round for the GBMs). Class and genre names are crawled text, drawn
literally (`plain_plot_text`).
"""
from __future__ import annotations

import base64
import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from dataset.markup import plain_plot_text  # noqa: E402

plain_plot_text()

RANK_COLOURS = {"best": "#c44e52", "tied": "#dd8452"}


def png_uri(png: bytes) -> str:
    """PNG bytes as a data URI the report embeds (one self-contained file)."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _uri(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return png_uri(buf.getvalue())


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def summary_figure(task: str, rows: list[dict[str, Any]], metric: str) -> str:
    """`metric` per row as a point with its 95% CI and the value written beside it; best/tied in colour."""
    ok = [r for r in rows if not r.get("error") and _finite(r.get("metrics", {}).get(metric, {}).get("value"))]
    if not ok:
        return ""
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(ok) + 1.2), layout="constrained")
    for i, r in enumerate(ok):
        m = r["metrics"][metric]
        lo = m["ci_low"] if _finite(m.get("ci_low")) else m["value"]
        hi = m["ci_high"] if _finite(m.get("ci_high")) else m["value"]
        colour = RANK_COLOURS.get(r.get("rank") or "", "#4c72b0")
        ax.plot([lo, hi], [i, i], color=colour, linewidth=2)
        ax.plot([m["value"]], [i], "o", color=colour, markersize=6)
        ax.annotate(f"{m['value']:.3f}", (hi, i), xytext=(5, 0), textcoords="offset points", va="center", fontsize=8)
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_yticks(range(len(ok)), [f"{r['model']} / {r['feature_set']}" for r in ok], fontsize=8)
    ax.invert_yaxis()
    ax.margins(x=0.15)
    ax.set_xlabel(f"{metric} (point estimate, 95% CI)")
    ax.set_title(f"{task}: {metric} by model", fontsize=9)
    return _uri(fig)


def confusion_figure(cm: list[list[int]], classes: list[str], title: str) -> str:
    """Counts `[true, predicted]`, one tick per class, labelled with its name."""
    k = len(cm)
    names = list(classes)[:k] + [str(i) for i in range(len(classes), k)]
    fig, ax = plt.subplots(figsize=(3.4, 3.2), layout="constrained")
    ax.imshow(cm, cmap="Blues")
    top = max((v for row in cm for v in row), default=0)
    for i, row in enumerate(cm):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8, color="white" if v > top / 2 else "black")
    ax.set_xticks(range(k), names, rotation=30, ha="right", fontsize=7)
    ax.set_yticks(range(k), names, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=8)
    return _uri(fig)


def scatter_figure(scatter: dict[str, list[float]], title: str) -> str:
    """Predicted against true with the y = x line a perfect model would sit on."""
    y_true, y_pred = scatter["y_true"], scatter["y_pred"]
    fig, ax = plt.subplots(figsize=(3.4, 3.4), layout="constrained")
    ax.scatter(y_true, y_pred, s=5, alpha=0.5)
    both = [v for v in [*y_true, *y_pred] if _finite(v)]
    if both:
        lo, hi = min(both), max(both)
        ax.plot([lo, hi], [lo, hi], color="#c44e52", linewidth=1, label="y = x")
        ax.legend(fontsize=7, loc="upper left")
    ax.set_xlabel("true")
    ax.set_ylabel("predicted")
    ax.set_title(title, fontsize=8)
    return _uri(fig)


def ap_figure(labels: list[str], ap: list[float | None], title: str) -> str:
    """Average precision per genre, highest first, each bar labelled with its value (0 shows as 0.00)."""
    pairs = sorted(((a, lab) for lab, a in zip(labels, ap, strict=False) if _finite(a)), reverse=True)
    if not pairs:
        return ""
    fig, ax = plt.subplots(figsize=(max(4.0, 0.32 * len(pairs) + 1.5), 3.0), layout="constrained")
    bars = ax.bar(range(len(pairs)), [a for a, _ in pairs], color="#55a868")
    ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    ax.set_xticks(range(len(pairs)), [lab for _, lab in pairs], rotation=60, ha="right", fontsize=7)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("AP")
    ax.set_title(title, fontsize=8)
    return _uri(fig)


def x_label(series: str) -> str:
    """The unit a history series is recorded in: `…_by_round` → boosting round, `…_by_X` → X, else epoch."""
    if series.endswith("_by_round"):
        return "boosting round"
    return series.rsplit("_by_", 1)[1] + " (index)" if "_by_" in series else "epoch"


def curve_figure(history: dict[str, list[float]], title: str) -> str:
    """One panel per recorded series (train loss and val score per epoch, a GBM's val metric per round)."""
    series = {k: v for k, v in history.items() if isinstance(v, list) and v}
    if not series:
        return ""
    fig, axes = plt.subplots(1, len(series), figsize=(3.3 * len(series), 2.8), layout="constrained", squeeze=False)
    for ax, (name, values) in zip(axes[0], series.items(), strict=True):
        ax.plot(range(1, len(values) + 1), values, marker="." if len(values) < 60 else None)
        ax.set_xlim(0.5, len(values) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # whole epochs and rounds, even for one point
        ax.set_xlabel(x_label(name))
        ax.set_title(name.replace("_", " "), fontsize=8)
    fig.suptitle(title, fontsize=9)
    return _uri(fig)
