"""Same seed → same numbers (GBMs with their val search, and torch models)."""
from __future__ import annotations

import numpy as np
import pytest

from baselines.registry import make
from baselines.tasks import TASKS
from tests.helpers.synthetic import make_splits

SPLITS = make_splits(n_train=120, n_eval=40)


def scores(task_name: str, model: str, seed: int, **kw) -> np.ndarray:
    task = TASKS[task_name].bind(SPLITS["train"])
    est = make(task_name, model, seed=seed, **kw)
    est.task = task
    est.fit(SPLITS["train"], SPLITS["validation"])
    return est.predict(SPLITS["test"]) if task.kind == "regression" else est.predict_proba(SPLITS["test"])


@pytest.mark.parametrize(
    ("task_name", "model", "kw"),
    [("rating_class", "lightgbm", {"n_trials": 3}), ("rating", "xgboost", {"n_trials": 3}),
     ("rating", "lightgbm", {"n_trials": 2, "feature_set": "all_metadata"}),
     ("genres_frames", "bilstm_maxpool", {"epochs": 4}), ("rating_class", "entity_mlp", {"epochs": 4}),
     ("genres_poster", "poster_cnn", {"epochs": 2, "feature_set": "poster_40x28"})],
)
def test_same_seed_same_numbers(task_name, model, kw):
    a = scores(task_name, model, 0, **kw)
    b = scores(task_name, model, 0, **kw)
    np.testing.assert_array_equal(a, b)


def test_different_seed_changes_a_torch_model():
    a = scores("genres_frames", "bilstm_maxpool", 0, epochs=2)
    b = scores("genres_frames", "bilstm_maxpool", 1, epochs=2)
    assert not np.array_equal(a, b)
