"""`meanpool_logreg`: average the frame-embedding sequence over time → one logistic regression per genre."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from baselines.base import BaseConfig, Baseline
from baselines.data import SplitData


@dataclass
class MeanPoolConfig(BaseConfig):
    feature_set: str = "frame_embeddings"
    C: float = 0.1
    class_weight: str | None = None


class MeanPoolLogReg(Baseline):
    name = "meanpool_logreg"
    tasks = ("genres_frames",)
    kinds = ("multilabel",)
    Config = MeanPoolConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return ["frame_embeddings"], None

    def _pooled(self, data: SplitData) -> np.ndarray:
        return np.asarray(data.array(self.config.feature_set), np.float32).mean(axis=1)

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: MeanPoolConfig = self.config  # type: ignore[assignment]
        x = self._pooled(train)
        self.scaler_ = StandardScaler().fit(x)
        x = self.scaler_.transform(x)
        y = self.task_.y(train)
        self.models_: list[LogisticRegression | float] = []
        for g in range(y.shape[1]):
            if 0 < y[:, g].sum() < len(y):
                clf = LogisticRegression(C=cfg.C, class_weight=cfg.class_weight, max_iter=2000,
                                         random_state=self.seed)
                self.models_.append(clf.fit(x, y[:, g]))
            else:  # a genre with no (or only) positives in train keeps its training frequency
                self.models_.append(float(y[:, g].mean()) if len(y) else 0.0)

    def _scores(self, data: SplitData) -> np.ndarray:
        x = self.scaler_.transform(self._pooled(data))
        cols = [m.predict_proba(x)[:, 1] if not isinstance(m, float) else np.full(len(x), m) for m in self.models_]
        return np.column_stack(cols) if cols else np.zeros((len(x), 0))
