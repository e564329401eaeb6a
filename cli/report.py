"""The demo's report, `demo-report.html`: the leaderboard's page plus what only the demo knows, as data.

`baselines/report.py` renders every line of HTML; this reads the dataset (sizes, removals per stage
from build.json, the card's plots, labelled sample posters) and the best poster model's test scores
(seed 004's top-3 genres per poster) into `baselines.report.Extras`.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from baselines.report import DatasetOverview, Extras, Image, PosterCard, TopPredictions, write_report
from baselines.tables import value_ci


def array_png(pixels: np.ndarray) -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.fromarray(np.asarray(pixels, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def overview(dataset: Path, meta: dict[str, Any], items: int) -> DatasetOverview:
    """Sizes, rows removed per stage and reason, the card's plots and labelled sample posters."""
    from cli.info import poster_grid

    counts = meta["counts"]

    def reasons(kind: str, stage: str) -> str:
        return ", ".join(f"{r}: {n:,}" for r, n in counts.get(kind, {}).get(stage, {}).items()) or "–"

    grid = poster_grid(dataset, "train", 16)
    return DatasetOverview(
        items=items, dataset=str(dataset), columns=len(meta["columns"]), genres=len(meta["labels"].get("genres", [])),
        splits=[(s, i["rows"], i.get("oversampled", 0)) for s, i in meta["splits"].items()],
        stages=[(stage, rows["in"], rows["out"], reasons("removed", stage), reasons("changed", stage))
                for stage, rows in counts["rows"].items()],
        plots=[Image(f"dataset card plot {name}", (dataset / name).read_bytes())
               for name in ("genres.png", "ratings.png") if (dataset / name).is_file()],
        posters=Image("sample posters", grid) if grid else None)


def top_predictions(dataset: Path, rows: list[dict[str, Any]], artifacts: dict[str, dict[str, Any]],
                    n: int = 8) -> TopPredictions | None:
    """Seed 004's printout: poster, title (year), top-3 genres with probabilities, each marked true or not."""
    import dataset as ds

    candidates = [r for r in rows if r["task"] == "genres_poster" and r["model"] == "poster_cnn" and not r["error"]]
    if not candidates:
        return None
    row = max(candidates, key=lambda r: r["metrics"]["map"]["value"])
    art = artifacts.get(f"{row['task']}/{row['model']}/{row['feature_set']}", {})
    if art.get("test_scores") is None or not art.get("labels"):
        return None
    col = row["feature_set"] if row["feature_set"].startswith("poster_") else None
    test = ds.load(dataset, "test", columns=["imdb_id", "title", "year", "genres"] + ([col] if col else []))
    where = {imdb_id: i for i, imdb_id in enumerate(test["imdb_id"])}
    labels, scores = art["labels"], np.asarray(art["test_scores"])
    cards = []
    for k, imdb_id in enumerate(art["test_ids"][:n]):
        i = where.get(imdb_id)
        if i is None:
            continue
        truth = set(test["genres"][i] or [])
        year = test["year"][i]
        cards.append(PosterCard(
            title=str(test["title"][i]), year=int(year) if year is not None and np.isfinite(year) else None,
            poster=Image(f"poster of {test['title'][i]}", array_png(test[col][i])) if col else None,
            predictions=[(labels[j], round(100 * float(scores[k][j])), labels[j] in truth)
                         for j in np.argsort(-scores[k])[:3]],
            truth=sorted(truth)))
    return TopPredictions(row["model"], row["feature_set"], value_ci(row["metrics"]["map"]), cards)


def write_demo_report(path: Path, dataset: Path, meta: dict[str, Any], items: int, result: dict[str, Any],
                      artifacts: dict[str, dict[str, Any]]) -> Path:
    """The leaderboard's page for this run with the demo's dataset overview and top-3 posters."""
    extras = Extras(overview(dataset, meta, items), top_predictions(dataset, result["rows"], artifacts))
    return write_report(path, result, artifacts, meta, extras, title="imdbkit demo")
