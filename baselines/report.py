"""Leaderboard outputs: the md/csv/json tables and one self-contained HTML report.

`render_report(rows, artifacts, dataset_info=None, extra_sections=())` is reusable: the CLI adds
dataset-summary sections as `(title, html)` pairs (their HTML is inserted as given, so escape it).
Every string that comes from data is escaped here; figures are inline base64 PNGs (matplotlib Agg).
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dataset.markup import code_span, markdown, plain_plot_text  # noqa: E402

plain_plot_text()  # class and genre names are crawled text, not TeX

HEADLINE = {"multiclass": "accuracy", "regression": "r2", "multilabel": "map"}
LOWER_IS_BETTER = {"rmse", "mae", "nmse"}


def _fmt(m: dict[str, float] | None) -> str:
    if not m or m.get("value") is None or not math.isfinite(m["value"]):
        return "–"
    lo, hi = m.get("ci_low"), m.get("ci_high")
    ci = f" [{lo:.3f}, {hi:.3f}]" if lo is not None and math.isfinite(lo) and math.isfinite(hi) else ""
    return f"{m['value']:.3f}{ci}"


def rank_mark(row: dict[str, Any], bold: tuple[str, str] = ("**", "**")) -> str:
    """The model name, bold when its paired CI says it is best, "(tied)" when the leaders cannot be told apart."""
    if row.get("rank") == "best":
        return f"{bold[0]}{row['model']}{bold[1]}"
    return f"{row['model']} (tied)" if row.get("rank") == "tied" else row["model"]


def epochs_cell(row: dict[str, Any]) -> str:
    """`epochs_run` and why training ended; a budget cut is flagged, it is not a finished row."""
    if row.get("epochs_run") is None:
        return "–"
    why = row.get("stopped_by") or ""
    return f"{row['epochs_run']} (BUDGET CUT)" if why == "budget" else f"{row['epochs_run']} ({why.replace('_', ' ')})"


def metric_names(rows: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for r in rows:
        names += [k for k in r.get("metrics", {}) if k not in names]
    return names


def write_tables(result: dict[str, Any], out: Path) -> None:
    """leaderboard.json (everything), .csv (one flat row per task × model × feature set), .md."""
    rows = result["rows"]
    (out / "leaderboard.json").write_text(json.dumps(result, indent=2, default=_json_default), encoding="utf-8")
    names = metric_names(rows)
    base = ["task", "model", "feature_set", "seed", "fit_seconds", "predict_seconds", "epochs_run", "stopped_by",
            "rank", "n_train", "n_val", "n_test", "dataset_fingerprint", "error"]
    with open(out / "leaderboard.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(base + [f"{n}{s}" for n in names for s in ("", "_ci_low", "_ci_high")])
        for r in rows:
            m = r.get("metrics", {})
            writer.writerow([r.get(c) for c in base]
                            + [m.get(n, {}).get(k) for n in names for k in ("value", "ci_low", "ci_high")])
    lines = ["# Leaderboard", "", f"seed {result['meta']['seed']}, dataset fingerprint "
             f"{code_span(result['meta']['dataset_fingerprint'])}, 95% bootstrap CIs over the test split "
             f"({result['meta']['bootstrap']} BCa resamples). Bold: best by a paired-bootstrap difference that "
             "excludes 0; (tied): the leaders cannot be told apart. Epochs: run (why training stopped).", ""]
    lines += [f"> warning: {markdown(w)}" for w in result["meta"].get("warnings", [])] + (
        [""] if result["meta"].get("warnings") else [])
    for task in dict.fromkeys(r["task"] for r in rows):
        task_rows = [r for r in rows if r["task"] == task]
        tnames = metric_names(task_rows)
        lines += [f"## {markdown(task)}", "", "| model | feature set | " + " | ".join(map(markdown, tnames))
                  + " | epochs | fit s |", "|---|---|" + "---|" * (len(tnames) + 2)]
        for r in task_rows:
            cells = [_fmt(r["metrics"].get(n)) for n in tnames] if not r["error"] else ["error: " + markdown(r["error"])] + [
                ""] * (len(tnames) - 1)
            fit = f"{r['fit_seconds']:.1f}" if r["fit_seconds"] is not None else "–"
            lines.append(f"| {rank_mark({**r, 'model': markdown(r['model'])})} | {markdown(r['feature_set'])} | "
                         + " | ".join(cells) + f" | {epochs_cell(r)} | {fit} |")
        lines.append("")
        bullets = [line for r in task_rows if (line := _class_line(r))]
        lines += [*bullets, ""] if bullets else []
    if result["skipped"]:
        lines += ["## Skipped", ""] + [f"- {markdown(s['task'])}/{markdown(s['model'])}: {markdown(s['reason'])}"
                                        for s in result["skipped"]]
    (out / "leaderboard.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _class_line(row: dict[str, Any]) -> str:
    """One markdown bullet per row: per-class P/R/F1, or per-genre AP (P@0.5/R@0.5, tuned threshold)."""
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    if row.get("per_class"):
        cells = [f"{markdown(n)} {pct(t['precision'])}/{pct(t['recall'])}/{pct(t['f1'])}"
                 for n, t in row["per_class"].items()]
        return f"- {markdown(row['model'])} / {markdown(row['feature_set'])}, per class P/R/F1: " + ", ".join(cells)
    if row.get("per_label"):
        cells = [f"{markdown(n)} {pct(t['ap'])} ({pct(t['precision'])}/{pct(t['recall'])}, t={pct(t['threshold'])})"
                 for n, t in row["per_label"].items()]
        return f"- {markdown(row['model'])} / {markdown(row['feature_set'])}, per genre AP (P@0.5/R@0.5, tuned threshold): " + \
            ", ".join(cells)
    return ""


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


# -- figures -------------------------------------------------------------------------------------


def _png(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def summary_figure(task: str, rows: list[dict[str, Any]]) -> str:
    """Headline metric per row with its 95% CI as error bars."""
    ok = [r for r in rows if not r["error"] and r["metrics"]]
    if not ok:
        return ""
    kind_metric = next(k for k in ("accuracy", "r2", "map", "rmse") if k in ok[0]["metrics"])
    labels = [f"{r['model']}\n{r['feature_set']}" for r in ok]
    vals = [r["metrics"][kind_metric]["value"] for r in ok]
    lo = [max(0.0, v - (r["metrics"][kind_metric]["ci_low"] if math.isfinite(r["metrics"][kind_metric]["ci_low"])
                        else v)) for v, r in zip(vals, ok, strict=True)]
    hi = [max(0.0, (r["metrics"][kind_metric]["ci_high"] if math.isfinite(r["metrics"][kind_metric]["ci_high"])
                    else v) - v) for v, r in zip(vals, ok, strict=True)]
    fig, ax = plt.subplots(figsize=(max(4, 0.9 * len(ok) + 1), 3))
    ax.bar(range(len(ok)), vals, yerr=[lo, hi], capsize=3, color="#4c72b0")
    ax.set_xticks(range(len(ok)), labels, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel(kind_metric)
    ax.set_title(f"{task}: {kind_metric} (95% CI)")
    return _png(fig)


def confusion_figure(cm: list[list[int]], title: str) -> str:
    fig, ax = plt.subplots(figsize=(3, 2.6))
    ax.imshow(cm, cmap="Blues")
    for i, row in enumerate(cm):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=8)
    return _png(fig)


def ap_figure(labels: list[str], ap: list[float | None], title: str) -> str:
    pairs = sorted(((a, lab) for lab, a in zip(labels, ap, strict=False) if a is not None), reverse=True)
    if not pairs:
        return ""
    fig, ax = plt.subplots(figsize=(max(4, 0.3 * len(pairs) + 1), 2.8))
    ax.bar(range(len(pairs)), [a for a, _ in pairs], color="#55a868")
    ax.set_xticks(range(len(pairs)), [lab for _, lab in pairs], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("AP")
    ax.set_title(title, fontsize=8)
    return _png(fig)


def curve_figure(history: dict[str, list[float]], title: str) -> str:
    series = {k: v for k, v in history.items() if v}
    if not series:
        return ""
    fig, axes = plt.subplots(1, len(series), figsize=(3.2 * len(series), 2.5))
    for ax, (name, values) in zip(axes if len(series) > 1 else [axes], series.items(), strict=True):
        ax.plot(range(1, len(values) + 1), values, marker=".")
        ax.set_xlabel("trial" if "trial" in name else "epoch")
        ax.set_title(name, fontsize=8)
    fig.suptitle(title, fontsize=8)
    return _png(fig)


def scatter_figure(scatter: dict[str, list[float]], title: str) -> str:
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.scatter(scatter["y_true"], scatter["y_pred"], s=4, alpha=0.5)
    ax.set_xlabel("true")
    ax.set_ylabel("predicted")
    ax.set_title(title, fontsize=8)
    return _png(fig)


# -- HTML ----------------------------------------------------------------------------------------

CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;
font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}
.figs img{margin:4px;vertical-align:top}.err{color:#b00}"""


def render_report(
    leaderboard_rows: list[dict[str, Any]],
    artifacts: dict[str, dict[str, Any]],
    dataset_info: dict[str, Any] | None = None,
    extra_sections: Iterable[tuple[str, str]] = (),
    skipped: Iterable[dict[str, str]] = (),
) -> str:
    """One self-contained HTML page: per-task tables and figures, then per-row diagnostics."""
    e = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>imdbkit leaderboard</title>",
             f"<style>{CSS}</style></head><body><h1>imdbkit leaderboard</h1>"]
    if dataset_info:
        keep = {k: v for k, v in dataset_info.items() if isinstance(v, str | int | float)}
        if keep:
            parts.append("<h2>Dataset</h2><table>" + "".join(
                f"<tr><th>{e(str(k))}</th><td>{e(str(v))}</td></tr>" for k, v in keep.items()) + "</table>")
    for title, body in extra_sections:
        parts.append(f"<h2>{e(title)}</h2>{body}")
    for task in dict.fromkeys(r["task"] for r in leaderboard_rows):
        rows = [r for r in leaderboard_rows if r["task"] == task]
        names = metric_names(rows)
        parts.append(f"<h2>{e(task)}</h2><table><tr><th>model</th><th>feature set</th>"
                     + "".join(f"<th>{e(n)}</th>" for n in names)
                     + "<th>epochs (stopped by)</th><th>fit s</th><th>predict s</th></tr>")
        for r in rows:
            if r["error"]:
                cells = f"<td class='err' colspan='{len(names) + 3}'>{e(r['error'])}</td>"
            else:
                cells = "".join(f"<td>{e(_fmt(r['metrics'].get(n)))}</td>" for n in names)
                cells += (f"<td>{e(epochs_cell(r))}</td><td>{r['fit_seconds']:.1f}</td>"
                          f"<td>{r['predict_seconds']:.2f}</td>")
            model = rank_mark({**r, "model": e(r["model"])}, ("<b>", "</b>"))
            parts.append(f"<tr><td>{model}</td><td>{e(r['feature_set'])}</td>{cells}</tr>")
        parts.append("</table><div class='figs'>" + summary_figure(task, rows) + "</div>")
        figs = []
        for r in rows:
            art = artifacts.get(f"{r['task']}/{r['model']}/{r['feature_set']}", {})
            title = f"{r['model']} / {r['feature_set']}"
            if art.get("confusion"):
                figs.append(confusion_figure(art["confusion"], title))
            if art.get("per_label") and art.get("labels"):
                figs.append(ap_figure(art["labels"], art["per_label"]["ap"], f"per-genre AP: {title}"))
            if art.get("scatter") and r["model"] not in {"mean"}:
                figs.append(scatter_figure(art["scatter"], title))
            if art.get("history"):
                figs.append(curve_figure(art["history"], f"learning curve: {title}"))
        parts.append("<div class='figs'>" + "".join(figs) + "</div>")
        for r in rows:
            if r.get("per_class") or (r.get("per_label") and r["model"] != "label_prior"):
                parts.append(_class_table(r))
    skipped = list(skipped)
    if skipped:
        parts.append("<h2>Skipped</h2><ul>" + "".join(
            f"<li>{e(s['task'])}/{e(s['model'])}: {e(s['reason'])}</li>" for s in skipped) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _class_table(row: dict[str, Any]) -> str:
    """Per-class P/R/F1 (multiclass) or seed 003's per-genre P@0.5 / R@0.5 / AP table, in %, from the row."""
    e = html.escape
    labels = "per_label" in row and bool(row["per_label"])
    table = row["per_label"] if labels else row["per_class"]
    stats = ["precision", "recall", "f1"] + (["ap", "threshold"] if labels else [])
    heads = ["P@0.5", "R@0.5", "F1@0.5", "AP", "tuned threshold"] if labels else ["precision", "recall", "F1"]
    what = "per-genre P@0.5 / R@0.5 / AP" if labels else "per-class precision / recall / F1"
    parts = [f"<details><summary>{what}: {e(row['model'])} / {e(row['feature_set'])}</summary><table><tr>"
             f"<th>{'genre' if labels else 'class'}</th><th>support</th>" + "".join(f"<th>{h}</th>" for h in heads)
             + "</tr>"]
    for name, t in table.items():
        cells = "".join("<td>–</td>" if t.get(k) is None else
                        f"<td>{t[k]:.2f}</td>" if k == "threshold" else f"<td>{100 * t[k]:.1f}</td>" for k in stats)
        parts.append(f"<tr><td>{e(str(name))}</td><td>{int(t.get('support') or 0)}</td>{cells}</tr>")
    return "".join(parts) + "</table></details>"
