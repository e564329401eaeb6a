"""Shared plumbing for the tabular models: feature building and a seeded search tuned on val."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from baselines.base import BaseConfig, Baseline
from baselines.data import SplitData
from baselines.features import TabularFeatures


@dataclass
class TabularConfig(BaseConfig):
    feature_set: str = "seed000"


class TabularBaseline(Baseline):
    """A model over `TabularFeatures(config.feature_set)`; `_matrix` caches the train matrix."""

    kinds = ("multiclass", "regression")
    Config = TabularConfig

    def _train_matrix(self, train: SplitData) -> tuple[np.ndarray, np.ndarray]:
        y = self.task.y(train)
        self.features_ = TabularFeatures(self.config.feature_set, seed=self.seed).fit(train.frame, y.astype(float))
        return self.features_.transform(train.frame, training=True), y

    def _matrix(self, data: SplitData) -> np.ndarray:
        return self.features_.transform(data.frame)


def random_search(
    space: dict[str, list[Any]],
    defaults: dict[str, Any],
    n_trials: int,
    seed: int,
    evaluate: Callable[[dict[str, Any]], tuple[float, Any]],
    out_of_time: Callable[[], bool],
) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
    """Trial 0 is `defaults`; then seeded draws from `space`. `evaluate` returns (val loss, model)."""
    rng = np.random.default_rng(seed)
    best = (np.inf, None, defaults)
    trials: list[dict[str, Any]] = []
    for t in range(max(1, n_trials)):
        params = dict(defaults) if t == 0 else {**defaults, **{k: v[rng.integers(len(v))] for k, v in space.items()}}
        start = time.monotonic()
        loss, model = evaluate(params)
        trials.append({"trial": t, "val_loss": float(loss), "seconds": time.monotonic() - start, **params})
        if loss < best[0]:
            best = (loss, model, params)
        if out_of_time():
            break
    return best[2], best[1], trials


def val_loss(kind: str, y: np.ndarray, scores: np.ndarray) -> float:
    """Selection criterion on val: log loss for classes (stabler than accuracy on small val), else RMSE."""
    if kind == "multiclass":
        p = np.clip(scores[np.arange(len(y)), y], 1e-12, 1)
        return float(-np.mean(np.log(p)))
    return float(np.sqrt(np.mean((np.asarray(scores).reshape(-1) - y) ** 2)))
