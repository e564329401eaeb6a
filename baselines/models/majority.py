"""`majority`: always the most frequent training class (probabilities = training class shares)."""
from __future__ import annotations

import numpy as np

from baselines.base import Baseline
from baselines.data import SplitData


class Majority(Baseline):
    name = "majority"
    tasks = ("rating_class",)
    kinds = ("multiclass",)
    reference = True

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        y = self.task_.y(train)
        self.prior_ = np.bincount(y, minlength=self.task_.n_classes) / max(len(y), 1)

    def _scores(self, data: SplitData) -> np.ndarray:
        return np.tile(self.prior_, (len(data), 1))
