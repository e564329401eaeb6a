"""`lightgbm`: gradient-boosted trees on the tabular features, early-stopped and tuned on val.

Trial 0 is LightGBM's defaults (what the reference 0.728 accuracy used); further trials are a
small seeded random search, each early-stopped on val, the best kept by val log loss / RMSE.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np

from baselines.data import SplitData
from baselines.tabular import TabularBaseline, TabularConfig, random_search, val_loss

SPACE = {
    "learning_rate": [0.02, 0.03, 0.05, 0.1],
    "num_leaves": [7, 15, 31, 63],
    "min_child_samples": [5, 10, 20, 40],
    "subsample": [0.7, 0.8, 1.0],
    "colsample_bytree": [0.4, 0.6, 0.8, 1.0],
    "reg_lambda": [0.0, 1.0, 5.0, 20.0],
}


@dataclass
class LightGBMConfig(TabularConfig):
    n_trials: int = 10  # 1 = LightGBM defaults only
    max_estimators: int = 3000
    early_stopping: int = 50
    n_jobs: int = 2


class LightGBM(TabularBaseline):
    name = "lightgbm"
    Config = LightGBMConfig

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: LightGBMConfig = self.config  # type: ignore[assignment]
        x, y = self._train_matrix(train)
        has_val = val is not None and len(val) > 0
        xv, yv = (self._matrix(val), self.task.y(val)) if has_val else (None, None)
        cls = lgb.LGBMClassifier if self.task.kind == "multiclass" else lgb.LGBMRegressor
        defaults: dict[str, Any] = {"learning_rate": 0.1, "num_leaves": 31, "min_child_samples": 20,
                                    "subsample": 1.0, "colsample_bytree": 1.0, "reg_lambda": 0.0}

        def evaluate(params: dict[str, Any]) -> tuple[float, Any]:
            model = cls(n_estimators=cfg.max_estimators if has_val else 100, subsample_freq=1,
                        random_state=self.seed, n_jobs=cfg.n_jobs, verbose=-1, deterministic=True,
                        force_col_wise=True, **params)
            if not has_val:
                return 0.0, model.fit(x, y)
            model.fit(x, y, eval_X=(xv,), eval_y=(yv,),
                      callbacks=[lgb.early_stopping(cfg.early_stopping, verbose=False)])
            return val_loss(self.task.kind, yv, self._raw(model, xv)), model

        trials = cfg.n_trials if has_val else 1
        self.params_, self.model_, self.trials_ = random_search(SPACE, defaults, trials, self.seed, evaluate,
                                                                self.out_of_time)
        self.history_["val_loss_by_trial"] = [t["val_loss"] for t in self.trials_]

    def _raw(self, model: Any, x: np.ndarray) -> np.ndarray:
        if self.task.kind == "multiclass":
            out = np.zeros((len(x), self.task.n_classes))
            out[:, model.classes_] = model.predict_proba(x)
            return out
        return model.predict(x)

    def _scores(self, data: SplitData) -> np.ndarray:
        return self._raw(self.model_, self._matrix(data))
