"""Paired comparisons decide "best"; near-equal leaders are tied; tiny test sets get no ranking."""
from __future__ import annotations

import numpy as np

from baselines.ranking import MIN_TEST_ROWS, rank_task
from baselines.tasks import TASKS


def rows_for(y, predictions):
    rows, arts = [], {}
    for name, pred in predictions.items():
        scores = np.eye(3)[pred]
        acc = float(np.mean(pred == y))
        rows.append({"task": "rating_class", "model": name, "feature_set": "none", "error": None,
                     "metrics": {"accuracy": {"value": acc}}})
        arts[f"rating_class/{name}/none"] = {"scores": scores}
    return rows, arts


def noisy(y, share, rng):
    wrong = rng.random(len(y)) < share
    return np.where(wrong, (y + 1) % 3, y)


def test_a_clear_leader_is_best_and_each_row_is_paired_with_the_reference_and_the_best():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 500)
    rows, arts = rows_for(y, {"majority": np.zeros(500, int), "logreg": noisy(y, 0.5, rng),
                              "lightgbm": noisy(y, 0.2, rng)})
    assert rank_task(TASKS["rating_class"], rows, arts, y, n_boot=300, seed=0) is None
    ranks = {r["model"]: r["rank"] for r in rows}
    assert ranks == {"majority": None, "logreg": None, "lightgbm": "best"}
    gbm = next(r for r in rows if r["model"] == "lightgbm")
    assert gbm["paired"]["vs_reference"]["against"] == "majority/none"
    assert gbm["paired"]["vs_reference"]["ci_low"] > 0
    logreg = next(r for r in rows if r["model"] == "logreg")
    assert logreg["paired"]["vs_best"]["ci_high"] < 0


def test_leaders_whose_paired_difference_includes_zero_are_tied():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 400)
    a = noisy(y, 0.3, rng)
    b = a.copy()
    b[:2] = (b[:2] + 1) % 3  # two predictions apart
    rows, arts = rows_for(y, {"majority": np.zeros(400, int), "lightgbm": a, "xgboost": b})
    rank_task(TASKS["rating_class"], rows, arts, y, n_boot=300, seed=0)
    assert {r["model"]: r["rank"] for r in rows} == {"majority": None, "lightgbm": "tied", "xgboost": "tied"}


def test_a_test_set_under_100_rows_gets_a_warning_and_no_ranking():
    y = np.array([0, 1, 2, 1, 0, 2])
    rows, arts = rows_for(y, {"majority": np.zeros(6, int), "lightgbm": y.copy()})
    warning = rank_task(TASKS["rating_class"], rows, arts, y, n_boot=100, seed=0)
    assert warning and "6 rows" in warning and str(MIN_TEST_ROWS) in warning
    assert all(r["rank"] is None for r in rows)
