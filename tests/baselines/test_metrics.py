"""Metrics against small examples computed by hand (and scikit-learn where it defines the same thing)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, r2_score

from baselines import metrics as M


def test_confusion_and_per_class_by_hand():
    y = np.array([0, 0, 1, 1, 2, 2])
    p = np.array([0, 1, 1, 1, 2, 0])
    assert M.confusion(y, p, 3).tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    pc = M.per_class(y, p, 3)
    # class 0: tp 1, predicted 2, true 2 -> P 0.5 R 0.5; class 1: P 2/3 R 1; class 2: P 1 R 0.5
    assert pc["precision"] == pytest.approx([0.5, 2 / 3, 1.0])
    assert pc["recall"] == pytest.approx([0.5, 1.0, 0.5])
    assert pc["f1"] == pytest.approx([0.5, 0.8, 2 / 3])
    assert M.accuracy(y, p) == pytest.approx(4 / 6)
    assert M.macro_f1(y, p, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert M.macro_f1(y, p, 3) == pytest.approx(f1_score(y, p, average="macro"))


def test_seed000_custom_is_mean_of_recall0_f1_1_precision2():
    y = np.array([0, 0, 1, 1, 2, 2])
    p = np.array([0, 1, 1, 1, 2, 0])
    assert M.seed000_custom(y, p) == pytest.approx((0.5 + 0.8 + 1.0) / 3)
    # the seed's own rows: recall0 27, F1_1 56, precision2 48 -> custom 44
    assert round((27 + 56 + 48) / 3) == 44


def test_regression_metrics_by_hand():
    y, p = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 4.0, 2.0])
    assert M.rmse(y, p) == pytest.approx(math.sqrt((0 + 0 + 1 + 4) / 4))
    assert M.mae(y, p) == pytest.approx(0.75)
    assert M.r2(y, p) == pytest.approx(1 - 5 / 5)
    assert M.r2(y, p) == pytest.approx(r2_score(y, p))
    assert M.nmse(y, p, train_std=2.0) == pytest.approx(5 / 4 / 4)
    assert M.nmse(y, np.full(4, y.mean()), train_std=y.std()) == pytest.approx(1.0)


def test_average_precision_by_hand_and_against_sklearn():
    y, s = np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1])
    assert M.average_precision(y, s) == pytest.approx((1 + 2 / 3) / 2)
    rng = np.random.default_rng(0)
    y, s = rng.random(50) < 0.3, rng.random(50)
    assert M.average_precision(y, s) == pytest.approx(average_precision_score(y, s))
    assert math.isnan(M.average_precision(np.zeros(4), s[:4]))


def test_multilabel_f1_map_top3_by_hand():
    y = np.array([[1, 0, 1, 0], [0, 1, 0, 0]])
    s = np.array([[0.9, 0.6, 0.2, 0.1], [0.3, 0.8, 0.7, 0.0]])
    # at 0.5: row0 predicts {0,1}, row1 {1,2}: tp 2, predicted 4, true 3 -> micro F1 = 4/7
    assert M.micro_f1(y, s) == pytest.approx(4 / 7)
    table = M.per_label(y, s)
    assert table["precision"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert table["recall"].tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0])
    # macro over labels with a positive (0, 1, 2): F1 1, 2/3, 0
    assert M.macro_f1_labels(y, s) == pytest.approx((1 + 2 / 3 + 0) / 3)
    # AP: label0 1.0, label1 1.0, label2: positive ranked 2nd -> 0.5; label3 no positive -> skipped
    assert M.mean_ap(y, s) == pytest.approx((1 + 1 + 0.5) / 3)
    # top-3: row0 top {0,1,2} holds 2 true genres, row1 top {1,2,0} holds 1 -> seed 002's 1.5
    assert M.top3_hit(y, s) == pytest.approx(1.5)
    assert M.top3_any(y, s) == pytest.approx(1.0)


def test_thresholds_tuned_on_val_raise_f1():
    y = np.array([[1], [1], [0], [0]])
    s = np.array([[0.3], [0.35], [0.1], [0.2]])
    t = M.tune_thresholds(y, s)
    assert 0.2 < t[0] <= 0.3
    assert M.micro_f1(y, s, t) == pytest.approx(1.0)
    assert M.micro_f1(y, s) == 0.0


def test_bootstrap_is_seeded_and_brackets_the_value():
    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    a = M.bootstrap(lambda i: M.accuracy(y[i], p[i]), 200, n_boot=100, seed=7)
    b = M.bootstrap(lambda i: M.accuracy(y[i], p[i]), 200, n_boot=100, seed=7)
    assert a == b
    assert a["ci_low"] <= a["value"] <= a["ci_high"]
    assert a["ci_high"] - a["ci_low"] > 0.02
    one = M.bootstrap(lambda i: 1.0, 1)
    assert math.isnan(one["ci_low"])


def test_fixed_label_set_counts_a_label_missing_from_a_resample_as_zero():
    y = np.array([[1, 0], [0, 1], [1, 0]])
    s = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    rows = np.array([0, 2])  # a resample without the only positive of label 1
    assert M.mean_ap(y[rows], s[rows]) == pytest.approx(1.0)  # label 1 silently leaves the mean
    assert M.mean_ap(y[rows], s[rows], labels=np.array([0, 1])) == pytest.approx(0.5)
    assert M.macro_f1_labels(y[rows], s[rows], labels=np.array([0, 1])) == pytest.approx(0.5)
    assert M.macro_f1_labels(y, s, 0.5) == pytest.approx(f1_score(y, s >= 0.5, average="macro"))


def test_fixed_label_set_removes_the_upward_drift_and_bca_brackets_the_map():
    """Many rare labels: a resample that loses a rare genre's positives used to drop that (hard) genre from
    the mean, so resampled mAPs drifted above the estimate; with the label set fixed they do not."""
    rng = np.random.default_rng(0)
    n, g = 300, 30
    y = (rng.random((n, g)) < np.linspace(0.01, 0.2, g)).astype(np.uint8)
    s = rng.random((n, g)) + 0.3 * y
    labels = np.flatnonzero(y.sum(axis=0) > 0)
    floating = M.bootstrap(lambda i: M.mean_ap(y[i], s[i]), n, n_boot=400, seed=0, method="percentile")
    fixed = M.bootstrap(lambda i: M.mean_ap(y[i], s[i], labels), n, n_boot=400, seed=0, method="percentile")
    bca = M.bootstrap(lambda i: M.mean_ap(y[i], s[i], labels), n, n_boot=400, seed=0)
    assert floating["value"] == fixed["value"] == bca["value"]
    assert fixed["ci_high"] < floating["ci_high"]
    assert bca["ci_low"] <= bca["value"] <= bca["ci_high"]
    with pytest.raises(ValueError, match="bca"):
        M.bootstrap(lambda i: 0.0, 10, method="normal")


def test_default_bootstrap_draws_at_least_1000_resamples():
    calls = []
    M.bootstrap(lambda i: calls.append(len(i)) or float(np.mean(i)), 50, seed=0)
    assert M.N_BOOT >= 1000 and calls.count(50) >= 1000 + 1  # the estimate plus every resample


def test_paired_difference_separates_models_whose_own_intervals_overlap():
    rng = np.random.default_rng(3)
    n = 400
    y = rng.integers(0, 2, n)
    a = np.where(rng.random(n) < 0.70, y, 1 - y)
    b = a.copy()
    flip = np.flatnonzero(a == y)[:16]  # b is a with 16 right answers made wrong: 4 points worse, always
    b[flip] = 1 - b[flip]
    sa = M.bootstrap(lambda i: M.accuracy(y[i], a[i]), n, seed=0)
    sb = M.bootstrap(lambda i: M.accuracy(y[i], b[i]), n, seed=0)
    assert sb["ci_high"] > sa["ci_low"]  # separate intervals overlap
    d = M.paired_difference(lambda i: M.accuracy(y[i], a[i]), lambda i: M.accuracy(y[i], b[i]), n, seed=0)
    assert d["value"] == pytest.approx(16 / n)
    assert d["ci_low"] > 0  # paired, the difference is clearly positive
