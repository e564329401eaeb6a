"""`logreg`: median-imputed, standardised tabular features → multinomial logistic regression."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from baselines.base import class_scores
from baselines.data import SplitData
from baselines.tabular import TabularBaseline, TabularConfig


@dataclass
class LogRegConfig(TabularConfig):
    """`class_weight="balanced"` is scikit-learn's inverse-frequency weighting; None (default) leaves it off."""

    C: float = 0.5
    class_weight: str | None = None
    max_iter: int = 2000


class LogReg(TabularBaseline):
    name = "logreg"
    tasks = ("rating_class",)
    kinds = ("multiclass",)
    Config = LogRegConfig

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: LogRegConfig = self.config  # type: ignore[assignment]
        x, y = self._train_matrix(train)
        self.model_ = make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=cfg.C, class_weight=cfg.class_weight, max_iter=cfg.max_iter, random_state=self.seed),
        ).fit(x, y)

    def _scores(self, data: SplitData) -> np.ndarray:
        return class_scores(self.model_, self.model_.predict_proba(self._matrix(data)), self.task_.n_classes)
