"""The leaderboard's HTML report: one self-contained page from `templates/report.html.j2` (Jinja2).

Why one home: the leaderboard's own `report.html` and the demo's `demo-report.html` are the same
page; the demo only passes more data (`Extras`: a dataset overview and top-3 poster predictions),
never HTML. Autoescape is on, so a crawled title, genre or error message always shows as text.
The page opens with a table of contents and a summary (each task's leader), then per task the
table with CIs and the plots that explain it (`baselines/figures.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from baselines import figures
from baselines.metrics import HEADLINE
from baselines.ranking import headline_name, leaders
from baselines.tables import epochs_cell, metric_names, value_ci
from baselines.tasks import TASKS

_ENV = Environment(loader=PackageLoader("baselines", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass
class Image:
    """A PNG the page embeds, with the alt text a reader (or a test) sees."""

    alt: str
    png: bytes

    @property
    def uri(self) -> str:
        return figures.png_uri(self.png)


@dataclass
class DatasetOverview:
    """What the demo knows about its dataset: sizes, rows per build stage, the card's plots, sample posters."""

    items: int
    dataset: str
    columns: int
    genres: int
    splits: list[tuple[str, int, int]]  # (split, rows, oversampled copies)
    stages: list[tuple[str, int, int, str, str]]  # (stage, in, out, removed "reason: n, …", changed)
    plots: list[Image] = field(default_factory=list)
    posters: Image | None = None


@dataclass
class PosterCard:
    """One test title with its top-3 predicted genres as (genre, percent, is a true genre)."""

    title: str
    year: int | None
    poster: Image | None
    predictions: list[tuple[str, int, bool]]
    truth: list[str]


@dataclass
class TopPredictions:
    model: str
    feature_set: str
    map_ci: str
    cards: list[PosterCard]


@dataclass
class Extras:
    """Sections only the demo can fill; each is shown (and listed in the contents) when given."""

    overview: DatasetOverview | None = None
    top3: TopPredictions | None = None


def _anchor(i: int, name: str) -> str:
    return f"task-{i}-" + re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")[:40]


def _row_view(r: dict[str, Any], names: list[str]) -> dict[str, Any]:
    fit, predict = r.get("fit_seconds"), r.get("predict_seconds")
    return {"model": r["model"], "feature_set": r["feature_set"], "rank": r.get("rank"), "error": r.get("error"),
            "cut": r.get("stopped_by") == "budget", "epochs": epochs_cell(r),
            "cells": [value_ci(r.get("metrics", {}).get(n)) for n in names],
            "fit": "–" if fit is None else f"{fit:.1f}", "predict": "–" if predict is None else f"{predict:.2f}"}


def _class_table(r: dict[str, Any]) -> dict[str, Any] | None:
    """Per-class P/R/F1 (multiclass) or per-genre P@0.5 / R@0.5 / AP (multi-label), in %."""
    labels = bool(r.get("per_label")) and r["model"] != "label_prior"
    table = r["per_label"] if labels else r.get("per_class")
    if not table:
        return None
    stats = ["precision", "recall", "f1"] + (["ap", "threshold"] if labels else [])
    heads = ["P@0.5", "R@0.5", "F1@0.5", "AP", "tuned threshold"] if labels else ["precision", "recall", "F1"]

    def cell(t: dict[str, Any], k: str) -> str:
        return "–" if t.get(k) is None else f"{t[k]:.2f}" if k == "threshold" else f"{100 * t[k]:.1f}"

    return {"what": "per-genre P@0.5 / R@0.5 / AP" if labels else "per-class precision / recall / F1",
            "title": f"{r['model']} / {r['feature_set']}", "key": "genre" if labels else "class", "heads": heads,
            "rows": [(str(name), int(t.get("support") or 0), [cell(t, k) for k in stats]) for name, t in table.items()]}


def _figures(r: dict[str, Any], art: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(order, caption, data URI) of the plots that explain one row; a task shows them grouped by order."""
    title = f"{r['model']} / {r['feature_set']}"
    out = []
    if art.get("confusion"):
        cm = figures.confusion_figure(art["confusion"], list(r.get("per_class") or []), title)
        out.append((1, f"confusion matrix: {title}", cm))
    if art.get("scatter"):
        out.append((1, f"predicted vs true: {title}", figures.scatter_figure(art["scatter"], title)))
    if r.get("per_label") and r["model"] != "label_prior":
        names = list(r["per_label"])
        ap = figures.ap_figure(names, [r["per_label"][n]["ap"] for n in names], f"per-genre AP: {title}")
        out.append((2, f"per-genre AP: {title}", ap))
    if art.get("history"):
        out.append((3, f"learning curve: {title}", figures.curve_figure(dict(art["history"]), f"learning curve: {title}")))
    return [(order, caption, uri) for order, caption, uri in out if uri]


def _task_view(i: int, task: str, rows: list[dict[str, Any]], artifacts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    names = metric_names(rows)
    lead = HEADLINE[TASKS[task].kind] if task in TASKS else tuple(names[:1])
    names = [n for n in lead if n in names] + [n for n in names if n not in lead]  # the headline pair first
    first = names[0] if names else ""
    plots = [(0, f"{first} by model", figures.summary_figure(task, rows, first))] if first else []
    for r in rows:
        if not r.get("error"):
            art = artifacts.get(f"{r['task']}/{r['model']}/{r['feature_set']}", {})
            if "report_figures" not in art:  # drawn once: the demo's page reuses the leaderboard's plots
                art["report_figures"] = _figures(r, art)
            plots += art["report_figures"]
    plots.sort(key=lambda p: p[0])  # stable: the forest plot, matrices and scatters, AP bars, then curves
    return {"name": task, "anchor": _anchor(i, task), "metrics": names, "rows": [_row_view(r, names) for r in rows],
            "figures": [(caption, uri) for _, caption, uri in plots if uri],
            "class_tables": [t for r in rows if not r.get("error") and (t := _class_table(r))]}


def _summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per task: its leader (best, tied or the top point estimate), the headline with its CI, counts."""
    out = []
    top = leaders(rows)
    for i, task in enumerate(dict.fromkeys(r["task"] for r in rows)):
        task_rows = [r for r in rows if r["task"] == task]
        r = top.get(task)
        metric = headline_name(r or task_rows[0])
        tied = [f"{t['model']} / {t['feature_set']}" for t in task_rows if t.get("rank") == "tied"]
        out.append({"task": task, "anchor": _anchor(i, task), "metric": metric,
                    "leader": "every row failed" if r is None else f"{r['model']} / {r['feature_set']}",
                    "value": value_ci(r["metrics"][metric]) if r else "–",
                    "status": ("best (paired bootstrap)" if r and r.get("rank") == "best" else
                               f"tied: {', '.join(tied)}" if tied else "top point estimate, not ranked"),
                    "rows": len(task_rows), "failed": sum(bool(t.get("error")) for t in task_rows),
                    "cut": sum(t.get("stopped_by") == "budget" for t in task_rows)})
    return out


def render_report(
    result: dict[str, Any],
    artifacts: dict[str, dict[str, Any]],
    dataset_info: dict[str, Any] | None = None,
    extras: Extras | None = None,
    title: str = "imdbkit leaderboard",
) -> str:
    """The page for a leaderboard `result` ({rows, skipped, meta}) and its per-row artifacts."""
    rows, extras = result["rows"], extras or Extras()
    tasks = [_task_view(i, t, [r for r in rows if r["task"] == t], artifacts)
             for i, t in enumerate(dict.fromkeys(r["task"] for r in rows))]
    info = [(str(k), str(v)) for k, v in (dataset_info or {}).items() if isinstance(v, str | int | float)]
    toc = [("summary", "Summary")] + ([("overview", "Dataset overview")] if extras.overview else []) + (
        [("dataset", "Dataset")] if info else []) + [(t["anchor"], t["name"]) for t in tasks] + (
        [("top3", "Test posters: top-3 predicted genres")] if extras.top3 else []) + (
        [("skipped", "Skipped")] if result.get("skipped") else [])
    return _ENV.get_template("report.html.j2").render(
        title=title, toc=toc, meta=result.get("meta", {}), summary=_summary(rows), info=info, tasks=tasks,
        overview=extras.overview, top3=extras.top3, skipped=list(result.get("skipped", [])))


def write_report(path: Path, result: dict[str, Any], artifacts: dict[str, dict[str, Any]],
                 dataset_info: dict[str, Any] | None = None, extras: Extras | None = None,
                 title: str = "imdbkit leaderboard") -> Path:
    """Render and write the page atomically (a reader never sees half a report)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_report(result, artifacts, dataset_info, extras, title), encoding="utf-8")
    tmp.replace(path)
    return path
