"""The report's plots say what they show: class names on the ticks, y = x, visible zeros, real learning curves."""
from __future__ import annotations

import pytest
from matplotlib.layout_engine import ConstrainedLayoutEngine

from baselines import figures


@pytest.fixture
def drawn(monkeypatch):
    """Every figure a plotting function makes, kept open instead of encoded."""
    kept = []
    monkeypatch.setattr(figures, "_uri", lambda fig: kept.append(fig) or "data:image/png;base64,")
    return kept


def texts(labels) -> list[str]:
    return [t.get_text() for t in labels]


def test_confusion_ticks_sit_on_the_classes_and_carry_their_names(drawn):
    figures.confusion_figure([[5, 1, 0], [2, 3, 1], [0, 1, 4]], ["0-5", "5-6.5", "6.5-10"], "logreg / seed000")
    ax = drawn[0].axes[0]
    assert list(ax.get_xticks()) == [0, 1, 2] and list(ax.get_yticks()) == [0, 1, 2]
    assert texts(ax.get_xticklabels()) == texts(ax.get_yticklabels()) == ["0-5", "5-6.5", "6.5-10"]
    assert isinstance(drawn[0].get_layout_engine(), ConstrainedLayoutEngine)


def test_scatter_draws_the_y_equals_x_line(drawn):
    figures.scatter_figure({"y_true": [4.0, 6.5, 8.0], "y_pred": [5.0, 6.0, 7.5]}, "lightgbm / seed000")
    ax = drawn[0].axes[0]
    diagonal = [line for line in ax.get_lines() if line.get_label() == "y = x"]
    assert len(diagonal) == 1
    xs, ys = diagonal[0].get_data()
    assert list(xs) == list(ys) == [4.0, 8.0]


def test_a_zero_headline_is_a_visible_labelled_point(drawn):
    rows = [{"task": "rating", "model": "mean", "feature_set": "none", "error": None,
             "metrics": {"r2": {"value": 0.0, "ci_low": 0.0, "ci_high": 0.0}}},
            {"task": "rating", "model": "lightgbm", "feature_set": "seed000", "error": None, "rank": "best",
             "metrics": {"r2": {"value": 0.41, "ci_low": 0.3, "ci_high": 0.5}}}]
    figures.summary_figure("rating", rows, "r2")
    ax = drawn[0].axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.000", "0.410"]
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [list(p.get_xdata()) for p in points] == [[0.0], [0.41]]
    assert texts(ax.get_yticklabels()) == ["mean / none", "lightgbm / seed000"]


def test_ap_bars_carry_their_values(drawn):
    figures.ap_figure(["Drama", "Horror"], [0.0, 0.7], "per-genre AP: poster_cnn")
    ax = drawn[0].axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.70"]


@pytest.mark.parametrize(("series", "unit"), [("val_multi_logloss_by_round", "boosting round"),
                                              ("train_loss", "epoch"), ("val_mse_by_alpha", "alpha (index)")])
def test_learning_curves_name_their_unit(drawn, series, unit):
    figures.curve_figure({series: [0.9, 0.5, 0.4]}, "learning curve")
    assert drawn[0].axes[0].get_xlabel() == unit


@pytest.mark.parametrize("model", ["lightgbm", "xgboost"])
@pytest.mark.parametrize("task_name", ["rating_class", "rating"])
def test_gbm_history_is_the_val_metric_per_boosting_round(splits, model, task_name):
    """Not one validation loss per random-search trial: the kept model's curve, one point per round."""
    from baselines.registry import make
    from baselines.tasks import TASKS

    task = TASKS[task_name].bind(splits["train"])
    gbm = make(task_name, model, seed=0, n_trials=2)
    gbm.task = task
    gbm.fit(splits["train"].subset(task.rows(splits["train"])), splits["validation"].subset(task.rows(splits["validation"])))
    (name, curve), = gbm.history_.items()
    assert name.startswith("val_") and name.endswith("_by_round")
    assert len(gbm.trials_) == 2 and len(curve) > 10  # rounds of one model, not two trials
    assert all(isinstance(v, float) and v >= 0 for v in curve)
    assert curve[-1] < curve[0]  # boosting lowered the val loss
