"""The demo's extra report.html sections, fed to `baselines.report.render_report` through the leaderboard.

The leaderboard's own report supplies the per-task tables, confusion matrices, per-genre AP bars and
learning curves; this adds what only the demo knows: the dataset summary (sizes, removals per stage
from build.json, the dataset card's genre/rating plots, labelled sample posters), a one-table
leaderboard with CIs, and seed 004's view of a few test posters with their top-3 predicted genres.
Every string that came from a crawl goes through `html.escape`.
"""
from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

HEADLINE = {"multiclass": "accuracy", "regression": "r2", "multilabel": "map"}
CSS = """<style>.cards{display:flex;flex-wrap:wrap;gap:12px}.card{width:170px;font-size:12px}
.card img{width:150px;image-rendering:auto;border:1px solid #ddd}.miss{color:#b00}.best{font-weight:bold}
.plots img{height:260px;width:auto;max-width:100%;margin:4px 0;vertical-align:top}.grid img{max-width:100%}</style>"""


def img_tag(png: bytes, alt: str, width: int | None = None) -> str:
    size = f" width='{width}'" if width else ""
    return (f"<img alt='{html.escape(alt, quote=True)}'{size} "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>")


def array_png(pixels: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(pixels, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def headline(task_kind: str) -> str:
    return HEADLINE[task_kind]


def best_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The best row per task by its headline metric (accuracy, R², mAP); errored rows never win."""
    from baselines.tasks import TASKS

    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        metric = headline(TASKS[r["task"]].kind)
        value = (r.get("metrics") or {}).get(metric, {}).get("value")
        if r.get("error") or value is None or not math.isfinite(value):
            continue
        current = best.get(r["task"])
        if current is None or value > current["metrics"][metric]["value"]:
            best[r["task"]] = r
    return best


def _ci(m: dict[str, float]) -> str:
    lo, hi = m.get("ci_low"), m.get("ci_high")
    ok = lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi)
    return f"{m['value']:.3f} [{lo:.3f}, {hi:.3f}]" if ok else f"{m['value']:.3f}"


def dataset_section(dataset: Path, meta: dict[str, Any], items: int) -> str:
    """Sizes, rows removed per stage and reason, the card's plots and labelled sample posters."""
    from cli.info import poster_grid

    e = html.escape
    parts = [CSS, f"<p>{items:,} titles crawled from the offline mirror; dataset <code>{e(str(dataset))}</code> "
                  f"({len(meta['columns'])} columns, {len(meta['labels'].get('genres', []))} genres).</p>",
             "<table><tr><th>split</th><th>rows</th><th>oversampled copies</th></tr>"]
    parts += [f"<tr><td>{e(s)}</td><td>{i['rows']:,}</td><td>{i.get('oversampled', 0):,}</td></tr>"
              for s, i in meta["splits"].items()]
    parts.append("</table><h3>Rows per build stage</h3><table><tr><th>stage</th><th>in</th><th>out</th>"
                 "<th>removed (reason: rows)</th><th>changed values</th></tr>")
    counts = meta["counts"]
    for stage, rows in counts["rows"].items():
        removed = ", ".join(f"{e(r)}: {n:,}" for r, n in counts.get("removed", {}).get(stage, {}).items()) or "–"
        changed = ", ".join(f"{e(r)}: {n:,}" for r, n in counts.get("changed", {}).get(stage, {}).items()) or "–"
        parts.append(f"<tr><td>{e(stage)}</td><td>{rows['in']:,}</td><td>{rows['out']:,}</td><td>{removed}</td>"
                     f"<td>{changed}</td></tr>")
    parts.append("</table><div class='plots'>")
    for name in ("genres.png", "ratings.png"):  # the dataset card's own plots
        if (dataset / name).is_file():
            parts.append(img_tag((dataset / name).read_bytes(), f"dataset card plot {name}"))
    grid = poster_grid(dataset, "train", 16)
    if grid:
        parts.append("</div><h3>Sample training posters with their labels</h3><div class='grid'>"
                     + img_tag(grid, "sample posters"))
    return "".join(parts) + "</div>"


def leaderboard_section(rows: list[dict[str, Any]]) -> str:
    """Every row's headline metric with its 95% CI on one screen; the best per task in bold."""
    from baselines.tasks import TASKS

    e = html.escape
    best = {id(r) for r in best_rows(rows).values()}
    parts = ["<table id='leaderboard'><tr><th>task</th><th>model</th><th>feature set</th><th>metric</th>"
             "<th>value [95% CI]</th><th>fit s</th></tr>"]
    for r in rows:
        metric = headline(TASKS[r["task"]].kind)
        if r.get("error"):
            cell = f"<td class='miss'>{e(r['error'])}</td><td>–</td>"
        else:
            cell = f"<td>{e(_ci(r['metrics'][metric]))}</td><td>{r['fit_seconds']:.1f}</td>"
        cls = " class='best'" if id(r) in best else ""
        parts.append(f"<tr{cls}><td>{e(r['task'])}</td><td>{e(r['model'])}</td><td>{e(r['feature_set'])}</td>"
                     f"<td>{metric}</td>{cell}</tr>")
    return "".join(parts) + "</table><p>Bold: the best model per task. Full metrics, confusion matrices and " \
                            "per-genre AP below.</p>"


def top3_section(dataset: Path, rows: list[dict[str, Any]], artifacts: dict[str, dict[str, Any]],
                 n: int = 8) -> str:
    """Seed 004's printout: poster, title (year), top-3 genres with probabilities, [!] when not a true genre."""
    import dataset as ds

    candidates = [r for r in rows if r["task"] == "genres_poster" and r["model"] == "poster_cnn" and not r["error"]]
    if not candidates:
        return ""
    row = max(candidates, key=lambda r: r["metrics"]["map"]["value"])
    art = artifacts.get(f"{row['task']}/{row['model']}/{row['feature_set']}", {})
    if art.get("test_scores") is None or not art.get("labels"):
        return ""
    col = row["feature_set"] if row["feature_set"].startswith("poster_") else None
    test = ds.load(dataset, "test", columns=["imdb_id", "title", "year", "genres"] + ([col] if col else []))
    where = {imdb_id: i for i, imdb_id in enumerate(test["imdb_id"])}
    labels, scores = art["labels"], np.asarray(art["test_scores"])
    e = html.escape
    cards = []
    for k, imdb_id in enumerate(art["test_ids"][:n]):
        i = where.get(imdb_id)
        if i is None:
            continue
        truth = set(test["genres"][i] or [])
        top = np.argsort(-scores[k])[:3]
        preds = [f"<span class='{'' if labels[j] in truth else 'miss'}'>{e(labels[j])}"
                 f"{'' if labels[j] in truth else '[!]'}: {100 * scores[k][j]:.0f}%</span>" for j in top]
        year = test["year"][i]
        year = f" ({int(year)})" if year is not None and np.isfinite(year) else ""
        poster = img_tag(array_png(test[col][i]), f"poster of {test['title'][i]}") if col else ""
        cards.append(f"<div class='card'>{poster}<div><b>{e(str(test['title'][i]))}</b>{year}</div>"
                     f"<div>{'<br>'.join(preds)}</div><div>true: {e(', '.join(sorted(truth)))}</div></div>")
    return (CSS + f"<p>Model <code>{e(row['model'])}</code> on <code>{e(row['feature_set'])}</code> (test mAP "
            f"{_ci(row['metrics']['map'])}); [!] marks a predicted genre the title does not have, as seed 004 "
            "printed it.</p><div class='cards'>" + "".join(cards) + "</div>")


def sections(dataset: Path, meta: dict[str, Any], items: int):
    """The `extra_sections(rows, artifacts)` callable for `baselines.leaderboard.run`."""

    def make(rows: list[dict[str, Any]], artifacts: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
        out = [("Dataset summary", dataset_section(dataset, meta, items)),
               ("Leaderboard (headline metric, 95% bootstrap CI on the test split)", leaderboard_section(rows))]
        top3 = top3_section(dataset, rows, artifacts)
        if top3:
            out.append(("Test posters: top-3 predicted genres", top3))
        return out

    return make
