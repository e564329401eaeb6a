"""Early stopping on val (and restoring the best epoch), and the class-weight option of every classifier."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from sklearn.utils.class_weight import compute_sample_weight
from torch import nn

from baselines.base import balanced_sample_weight, inverse_frequency
from baselines.registry import make
from baselines.tasks import TASKS
from baselines.torch_utils import LoopConfig, class_weights, fit_loop, pos_weights
from tests.helpers.synthetic import make_split


def test_patience_stops_training_and_restores_the_best_val_epoch():
    torch.manual_seed(0)
    model = nn.Linear(4, 2)
    x, y = torch.randn(32, 4), torch.randint(0, 2, (32,))
    scripted = iter([0.1, 0.5, 0.3, 0.2, 0.9, 0.9])  # best at epoch 2, then two worse epochs
    states: list[dict[str, torch.Tensor]] = []

    def score_val(m: nn.Module) -> float:
        states.append(copy.deepcopy(m.state_dict()))
        return next(scripted)

    cfg = LoopConfig(epochs=20, batch_size=8, lr=0.1, patience=2, cosine=False)
    history = fit_loop(model, [x], y, nn.CrossEntropyLoss(), score_val, cfg, seed=0)
    assert history["val_score"] == [0.1, 0.5, 0.3, 0.2]  # stopped after 4 of 20 epochs
    assert len(history["train_loss"]) == 4
    assert not torch.equal(states[1]["weight"], states[3]["weight"])  # training did move the weights
    for key, value in model.state_dict().items():
        assert torch.equal(value, states[1][key]), key  # epoch 2's weights are back


def test_ema_keeps_the_hand_computed_moving_average_of_the_weights():
    """Two Adam steps on a linear layer: the average starts at the first step's weights w1, and its
    second update uses the warmed-up decay d = min(0.9, 2/11), so the kept weights are d·w1 + (1-d)·w2,
    not the last weights w2."""
    x, y = torch.randn(16, 4, generator=torch.Generator().manual_seed(1)), torch.randint(0, 2, (16,))
    trajectory: list[dict[str, torch.Tensor]] = []

    def run(ema: float) -> nn.Module:
        torch.manual_seed(0)
        model = nn.Linear(4, 2)
        model.register_forward_hook(lambda m, *_: trajectory.append(copy.deepcopy(m.state_dict())) if m.training else None)
        fit_loop(model, [x], y, nn.CrossEntropyLoss(), None, LoopConfig(epochs=1, batch_size=8, lr=0.1, cosine=False, ema=ema), seed=0)
        return model

    plain = run(0.0)
    w0, w1 = trajectory[0], trajectory[1]  # weights before step 1 and before step 2 (= after step 1)
    trajectory.clear()
    averaged = run(0.9)
    assert torch.equal(trajectory[1]["weight"], w1["weight"])  # same seed, same training path
    w2 = plain.state_dict()
    for key in ("weight", "bias"):
        d = 2 / 11
        expected = d * w1[key] + (1 - d) * w2[key]
        assert torch.allclose(averaged.state_dict()[key], expected, atol=1e-6), key
        assert not torch.allclose(averaged.state_dict()[key], w2[key]), key
    assert not torch.equal(w0["weight"], w1["weight"])


def test_ema_decay_warms_up_then_caps_and_integer_buffers_follow_the_model():
    from baselines.torch_utils import ema_update

    update = ema_update(0.9)
    for n, expected in ((0, 0.9), (1, 1 - 2 / 11), (1000, 0.1)):  # d = min(0.9, (1 + n) / (10 + n))
        a, count = [torch.tensor(0.0), torch.tensor(3)], [torch.tensor(1.0), torch.tensor(7)]
        update(a, count, torch.tensor(n))
        assert a[0].item() == pytest.approx(expected) and a[1].item() == 7
    with pytest.raises(ValueError, match="ema"):
        ema_update(1.0)


def test_class_weights_are_hand_computed_inverse_frequencies():
    y = np.array([0, 0, 0, 1])  # n = 4, k = 3; class 2 absent counts as 1
    assert np.allclose(inverse_frequency(y, 3), [4 / 9, 4 / 3, 4 / 3])
    assert torch.allclose(class_weights(y, 3), torch.tensor([4 / 9, 4 / 3, 4 / 3]))
    y = np.array([0, 1, 1, 1, 2, 2])
    assert np.allclose(balanced_sample_weight(y, 3, "balanced"), compute_sample_weight("balanced", y))
    assert balanced_sample_weight(y, 3, None) is None
    with pytest.raises(ValueError, match="balanced"):
        balanced_sample_weight(y, 3, "heavy")
    labels = np.array([[1, 0], [1, 0], [1, 1], [0, 0]])
    assert torch.allclose(pos_weights(labels), torch.tensor([1 / 3, 3.0]).clamp(1.0, 10.0))


def imbalanced(n: int, seed: int, name: str):
    """Labels drawn at random, 70% class 2: nothing to learn, so an unweighted model leans on the majority."""
    split = make_split(n, seed, name)
    split.frame["rating_class"] = np.random.default_rng(seed + 100).choice([0, 1, 2], n, p=[0.1, 0.2, 0.7])
    return split


WEIGHTED = [  # (model, feature set, unweighted config, weighted config)
    ("logreg", "seed000", {"class_weight": None}, {"class_weight": "balanced"}),
    ("lightgbm", "all_metadata", {"class_weight": None, "n_trials": 1}, {"class_weight": "balanced", "n_trials": 1}),
    ("xgboost", "all_metadata", {"class_weight": None, "n_trials": 1}, {"class_weight": "balanced", "n_trials": 1}),
    ("tfidf_linear", "description", {"class_weight": None}, {"class_weight": "balanced"}),
    ("minilm_linear", "title_mlp", {"class_weight": None}, {"class_weight": "balanced"}),
    ("entity_mlp", "seed000", {"class_weighted": False, "epochs": 4}, {"class_weighted": True, "epochs": 4}),
    ("poster_cnn", "poster_32x32", {"class_weighted": False, "epochs": 3}, {"class_weighted": True, "epochs": 3}),
    ("multi_input", "poster_32x32+seed000", {"class_weighted": False, "epochs": 3, "poster_branch": "cnn"},
     {"class_weighted": True, "epochs": 3, "poster_branch": "cnn"}),
    ("multi_input", "poster_32x32+seed000", {"class_weighted": False, "epochs": 3, "input_size": "64x64"},
     {"class_weighted": True, "epochs": 3, "input_size": "64x64"}),
]


@pytest.mark.parametrize(("model", "fs", "plain", "weighted"), WEIGHTED,
                         ids=[w[0] + ("-cnn" if "poster_branch" in w[2] else "") for w in WEIGHTED])
def test_class_weighting_moves_predictions_off_the_majority_class(model, fs, plain, weighted):
    train, val, test = imbalanced(200, 0, "train"), imbalanced(60, 1, "val"), imbalanced(100, 2, "test")
    majority_share = []
    for config in (plain, weighted):
        est = make("rating_class", model, seed=0, feature_set=fs, **config)
        pred = est.fit(train, val, task=TASKS["rating_class"]).predict(test)
        majority_share.append(float(np.mean(pred == 2)))
    assert majority_share[1] < majority_share[0], majority_share


def test_fit_loop_reports_epochs_run_and_why_it_stopped():
    x, y = torch.randn(32, 4), torch.randint(0, 2, (32,))
    scores = iter([0.5, 0.4, 0.3, 0.2])
    cfg = LoopConfig(epochs=20, batch_size=8, lr=0.1, patience=2, cosine=False)
    h = fit_loop(nn.Linear(4, 2), [x], y, nn.CrossEntropyLoss(), lambda m: next(scores), cfg, seed=0)
    assert (h.epochs_run, h.stopped_by) == (3, "early_stopping")
    h = fit_loop(nn.Linear(4, 2), [x], y, nn.CrossEntropyLoss(), None, LoopConfig(epochs=3, batch_size=8), seed=0)
    assert (h.epochs_run, h.stopped_by) == (3, "max_epochs")
    import time

    h = fit_loop(nn.Linear(4, 2), [x], y, nn.CrossEntropyLoss(), None, LoopConfig(epochs=3, batch_size=8), seed=0,
                 deadline=time.monotonic() - 1)
    assert (h.epochs_run, h.stopped_by) == (1, "budget")


def test_fit_loop_takes_its_progress_bar_as_an_argument_not_from_the_quiet_switch(capsys):
    from baselines.torch_utils import no_progress

    x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    with no_progress():  # the process-wide --quiet switch does not reach inside fit_loop
        fit_loop(nn.Linear(4, 2), [x], y, nn.CrossEntropyLoss(), None, LoopConfig(epochs=2, batch_size=8), seed=0,
                 desc="shown", progress=True)
    assert "shown" in capsys.readouterr().err
    fit_loop(nn.Linear(4, 2), [x], y, nn.CrossEntropyLoss(), None, LoopConfig(epochs=2, batch_size=8), seed=0,
             desc="hidden", progress=False)
    assert "hidden" not in capsys.readouterr().err


def test_a_budget_that_does_not_cut_leaves_the_weights_as_without_one(monkeypatch):
    """The learning-rate schedule follows epochs, not the clock: on a busy machine (a clock that runs fast) a
    budget that is never reached gives the same weights as no budget at all."""
    import itertools
    import time

    x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    cfg = LoopConfig(epochs=4, batch_size=8, lr=0.1)

    def trained(**kwargs) -> torch.Tensor:
        torch.manual_seed(0)
        model = nn.Linear(4, 2)
        history = fit_loop(model, [x], y, nn.CrossEntropyLoss(), None, cfg, seed=0, **kwargs)
        assert history.stopped_by == "max_epochs"
        return model.weight.detach().clone()

    free = trained()
    reads = itertools.count()

    def stalled_clock() -> float:
        """A machine that stalls for half the budget right after the start, then runs: never past the deadline."""
        n = next(reads)
        return 1000.0 if n == 0 else 1050.0 + n * 1e-3

    monkeypatch.setattr(time, "monotonic", stalled_clock)
    busy = trained(deadline=1000.0 + 100)
    assert torch.equal(free, busy)
