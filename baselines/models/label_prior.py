"""`label_prior`: every title gets each genre's training frequency (the floor for mAP and top-3)."""
from __future__ import annotations

import numpy as np

from baselines.base import Baseline
from baselines.data import SplitData


class LabelPrior(Baseline):
    name = "label_prior"
    tasks = ("genres_poster", "genres_frames")
    kinds = ("multilabel",)
    reference = True

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        self.prior_ = self.task_.y(train).mean(axis=0)

    def _scores(self, data: SplitData) -> np.ndarray:
        return np.tile(self.prior_, (len(data), 1))
