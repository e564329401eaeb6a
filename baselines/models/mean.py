"""`mean`: predicts the training mean (the yardstick R² = 0 and seed 001's NMSE ≈ 1.0 refer to)."""
from __future__ import annotations

import numpy as np

from baselines.base import Baseline
from baselines.data import SplitData


class Mean(Baseline):
    name = "mean"
    tasks = ("rating", "rating_trailer")
    kinds = ("regression",)
    reference = True

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        self.mean_ = float(np.mean(self.task_.y(train))) if len(train) else 0.0

    def _scores(self, data: SplitData) -> np.ndarray:
        return np.full(len(data), self.mean_)
