"""`lightgbm`: gradient-boosted trees on the tabular features, early-stopped and tuned on val.

Trial 0 is LightGBM's defaults (what the reference 0.728 accuracy used); further trials are a
small seeded random search, each early-stopped on val, the best kept by val log loss / RMSE.
"""
from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np

from baselines.tabular import LEARNING_RATES, NO_SAMPLING, ROW_COLUMN_SAMPLING, GBMBaseline, GBMConfig


class LightGBM(GBMBaseline):
    name = "lightgbm"
    tasks = ("rating_class", "rating")
    Config = GBMConfig
    SPACE = {"learning_rate": LEARNING_RATES, "num_leaves": [7, 15, 31, 63], "min_child_samples": [5, 10, 20, 40],
             **ROW_COLUMN_SAMPLING, "reg_lambda": [0.0, 1.0, 5.0, 20.0]}
    DEFAULTS = {"learning_rate": 0.1, "num_leaves": 31, "min_child_samples": 20, **NO_SAMPLING, "reg_lambda": 0.0}

    def _model(self, params: dict[str, Any], has_val: bool) -> Any:
        cls = lgb.LGBMClassifier if self.task_.kind == "multiclass" else lgb.LGBMRegressor
        return cls(n_estimators=self.config.max_estimators if has_val else 100, subsample_freq=1,
                   random_state=self.seed, n_jobs=self.config.n_jobs, verbose=-1, deterministic=True,
                   force_col_wise=True, **params)

    def _fit_model(self, model: Any, x: np.ndarray, y: np.ndarray, xv: np.ndarray, yv: np.ndarray,
                   weight: np.ndarray | None) -> None:
        model.fit(x, y, sample_weight=weight, eval_X=(xv,), eval_y=(yv,),
                  callbacks=[lgb.early_stopping(self.config.early_stopping, verbose=False)])

    def _evals(self, model: Any) -> dict[str, dict[str, list[float]]]:
        return getattr(model, "evals_result_", None) or {}
