"""`xgboost`: histogram gradient boosting on the tabular features, early-stopped and tuned on val."""
from __future__ import annotations

from typing import Any

import numpy as np
import xgboost as xgb

from baselines.tabular import LEARNING_RATES, NO_SAMPLING, ROW_COLUMN_SAMPLING, GBMBaseline, GBMConfig


class XGBoost(GBMBaseline):
    name = "xgboost"
    tasks = ("rating_class", "rating")
    Config = GBMConfig
    SPACE = {"learning_rate": LEARNING_RATES, "max_depth": [3, 4, 5, 6, 8], "min_child_weight": [1, 3, 5, 10],
             **ROW_COLUMN_SAMPLING, "reg_lambda": [0.5, 1.0, 5.0, 20.0]}
    DEFAULTS = {"learning_rate": 0.3, "max_depth": 6, "min_child_weight": 1, **NO_SAMPLING, "reg_lambda": 1.0}

    def _model(self, params: dict[str, Any], has_val: bool) -> Any:
        common = {"n_estimators": self.config.max_estimators if has_val else 100, "tree_method": "hist",
                  "random_state": self.seed, "n_jobs": self.config.n_jobs, **params}
        if has_val:
            common["early_stopping_rounds"] = self.config.early_stopping
        if self.task_.kind == "multiclass":
            return xgb.XGBClassifier(objective="multi:softprob", num_class=self.task_.n_classes, **common)
        return xgb.XGBRegressor(**common)

    def _fit_model(self, model: Any, x: np.ndarray, y: np.ndarray, xv: np.ndarray, yv: np.ndarray,
                   weight: np.ndarray | None) -> None:
        model.fit(x, y, sample_weight=weight, eval_set=[(xv, yv)], verbose=False)

    def _evals(self, model: Any) -> dict[str, dict[str, list[float]]]:
        try:
            return model.evals_result()
        except xgb.core.XGBoostError:  # fitted without an eval set
            return {}
