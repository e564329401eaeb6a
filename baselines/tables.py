"""The leaderboard's tables: leaderboard.json (everything), .csv (one flat row per run), .md (per task), and
the one printed in the terminal (`print_table`).

Also the cell helpers the console table and the HTML report share (a value with its CI, the rank mark,
the epochs cell that flags a budget cut). Every string from data goes through `dataset.markup`.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from baselines.metrics import HEADLINE
from baselines.tasks import TASKS
from dataset.markup import code_span, markdown, terminal


def value_ci(m: dict[str, float] | None) -> str:
    """`0.512 [0.481, 0.544]`: a metric with its 95% CI; "–" when it is missing or not finite."""
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
    """Every metric name the rows carry, in first-seen order."""
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
            cells = [value_ci(r["metrics"].get(n)) for n in tnames] if not r["error"] else ["error: " + markdown(r["error"])] + [
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
