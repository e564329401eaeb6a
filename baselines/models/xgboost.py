"""`xgboost`: histogram gradient boosting on the tabular features, early-stopped and tuned on val."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xgboost as xgb

from baselines.data import SplitData
from baselines.tabular import TabularBaseline, TabularConfig, random_search, val_loss

SPACE = {
    "learning_rate": [0.02, 0.03, 0.05, 0.1],
    "max_depth": [3, 4, 5, 6, 8],
    "min_child_weight": [1, 3, 5, 10],
    "subsample": [0.7, 0.8, 1.0],
    "colsample_bytree": [0.4, 0.6, 0.8, 1.0],
    "reg_lambda": [0.5, 1.0, 5.0, 20.0],
}


@dataclass
class XGBoostConfig(TabularConfig):
    n_trials: int = 10  # 1 = XGBoost defaults only
    max_estimators: int = 3000
    early_stopping: int = 50
    n_jobs: int = 2


class XGBoost(TabularBaseline):
    name = "xgboost"
    Config = XGBoostConfig

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: XGBoostConfig = self.config  # type: ignore[assignment]
        x, y = self._train_matrix(train)
        has_val = val is not None and len(val) > 0
        xv, yv = (self._matrix(val), self.task.y(val)) if has_val else (None, None)
        multiclass = self.task.kind == "multiclass"
        defaults: dict[str, Any] = {"learning_rate": 0.3, "max_depth": 6, "min_child_weight": 1,
                                    "subsample": 1.0, "colsample_bytree": 1.0, "reg_lambda": 1.0}

        def evaluate(params: dict[str, Any]) -> tuple[float, Any]:
            common = {"n_estimators": cfg.max_estimators if has_val else 100, "tree_method": "hist",
                      "random_state": self.seed, "n_jobs": cfg.n_jobs, **params}
            if has_val:
                common["early_stopping_rounds"] = cfg.early_stopping
            if multiclass:
                model = xgb.XGBClassifier(objective="multi:softprob", num_class=self.task.n_classes, **common)
            else:
                model = xgb.XGBRegressor(**common)
            if not has_val:
                return 0.0, model.fit(x, y)
            model.fit(x, y, eval_set=[(xv, yv)], verbose=False)
            return val_loss(self.task.kind, yv, self._raw(model, xv)), model

        trials = cfg.n_trials if has_val else 1
        self.params_, self.model_, self.trials_ = random_search(SPACE, defaults, trials, self.seed, evaluate,
                                                                self.out_of_time)
        self.history_["val_loss_by_trial"] = [t["val_loss"] for t in self.trials_]

    def _raw(self, model: Any, x: np.ndarray) -> np.ndarray:
        return model.predict_proba(x) if self.task.kind == "multiclass" else model.predict(x)

    def _scores(self, data: SplitData) -> np.ndarray:
        return self._raw(self.model_, self._matrix(data))
