"""Shared plumbing for the tabular models: feature building and a seeded search tuned on val."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from baselines.base import BaseConfig, Baseline, balanced_sample_weight, class_scores
from baselines.data import SplitData
from baselines.features import FEATURE_SETS, TabularFeatures


@dataclass
class TabularConfig(BaseConfig):
    """`feature_set`: `seed000` (no vote counts) or `all_metadata` (baselines/features.py)."""

    feature_set: str = "seed000"


def tabular_feature_sets(task: str, columns: set[str]) -> tuple[list[str], str | None]:
    """Every tabular feature set (`seed000`, `all_metadata`): missing columns impute, so all always run."""
    return list(FEATURE_SETS), None


class TabularBaseline(Baseline):
    """A model over `TabularFeatures(config.feature_set)`; `_matrix` caches the train matrix."""

    kinds = ("multiclass", "regression")
    Config = TabularConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return tabular_feature_sets(task, columns)

    def _train_matrix(self, train: SplitData) -> tuple[np.ndarray, np.ndarray]:
        y = self.task_.y(train)
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


@dataclass
class GBMConfig(TabularConfig):
    """GBM knobs. `class_weight="balanced"` (multiclass only) weights each training row n / (k · count):
    LightGBM's and scikit-learn's "balanced", given to both libraries as sample weights; None (the
    default, what the 0.728 reference used) leaves rows unweighted."""

    class_weight: str | None = None
    n_trials: int = 10  # 1 = the library's defaults only
    max_estimators: int = 3000
    early_stopping: int = 50
    n_jobs: int = 1  # OpenMP threads spin badly when the 2 cores are shared; 1 thread was faster here


# What both GBMs search and start from alike; their tree-shape knobs and regularisation differ. Each model
# splices these in at the same place in its SPACE, since `random_search` draws the keys in order.
LEARNING_RATES = [0.02, 0.03, 0.05, 0.1]
ROW_COLUMN_SAMPLING = {"subsample": [0.7, 0.8, 1.0], "colsample_bytree": [0.4, 0.6, 0.8, 1.0]}
NO_SAMPLING = {"subsample": 1.0, "colsample_bytree": 1.0}


class GBMBaseline(TabularBaseline):
    """Gradient boosting: trial 0 = library defaults, then a seeded search, each trial early-stopped on val."""

    Config = GBMConfig
    SPACE: dict[str, list[Any]] = {}
    DEFAULTS: dict[str, Any] = {}

    def _model(self, params: dict[str, Any], has_val: bool) -> Any:
        raise NotImplementedError

    def _fit_model(self, model: Any, x: np.ndarray, y: np.ndarray, xv: np.ndarray, yv: np.ndarray,
                   weight: np.ndarray | None) -> None:
        raise NotImplementedError

    def _evals(self, model: Any) -> dict[str, dict[str, list[float]]]:
        """The library's record of the kept model on val: {eval set: {metric: value per round}} ({} if none)."""
        raise NotImplementedError

    def _rounds(self, model: Any) -> dict[str, list[float]]:
        """The kept model's eval metric on val per boosting round, as `{"val_<metric>_by_round": [...]}`."""
        return {f"val_{metric}_by_round": [float(v) for v in values]
                for per_set in self._evals(model).values() for metric, values in per_set.items()}

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: GBMConfig = self.config  # type: ignore[assignment]
        x, y = self._train_matrix(train)
        weight = (balanced_sample_weight(y, self.task_.n_classes, cfg.class_weight)
                  if self.task_.kind == "multiclass" else None)
        has_val = val is not None and len(val) > 0
        xv, yv = (self._matrix(val), self.task_.y(val)) if has_val else (None, None)

        def evaluate(params: dict[str, Any]) -> tuple[float, Any]:
            model = self._model(params, has_val)
            if not has_val:
                return 0.0, model.fit(x, y, sample_weight=weight)
            self._fit_model(model, x, y, xv, yv, weight)
            return val_loss(self.task_.kind, yv, self._raw(model, xv)), model

        trials = cfg.n_trials if has_val else 1
        self.params_, self.model_, self.trials_ = random_search(self.SPACE, self.DEFAULTS, trials, self.seed,
                                                                evaluate, self.out_of_time)
        if has_val:  # the learning curve of the kept model, round by round (the search itself is in trials_)
            self.history_.update(self._rounds(self.model_))
        self.epochs_run_ = len(self.trials_)  # the unit of a GBM search is the trial (each early-stopped on val)
        self.stopped_by_ = "budget" if len(self.trials_) < trials else "max_epochs"

    def _raw(self, model: Any, x: np.ndarray) -> np.ndarray:
        if self.task_.kind == "multiclass":
            return class_scores(model, model.predict_proba(x), self.task_.n_classes)
        return model.predict(x)

    def _scores(self, data: SplitData) -> np.ndarray:
        return self._raw(self.model_, self._matrix(data))
