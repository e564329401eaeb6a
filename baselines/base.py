"""The one baseline interface (scikit-learn style) every model file implements.

`__init__` only stores hyper-parameters (the task, a config dataclass, the seed); `fit` learns
attributes whose names end in `_` and returns `self`; `predict` gives labels / scores / 0-1 label
matrices and `predict_proba` class or label probabilities. The config is a dataclass so the
leaderboard can save it beside the results and any row can be re-run exactly.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from baselines.data import SplitData
from baselines.tasks import Task


@dataclass
class BaseConfig:
    """Knobs every model understands."""

    feature_set: str = "default"
    budget_seconds: float | None = None  # optional wall-clock cap on fit (off by default: rows must not move with load)
    weights: str | None = None  # user-supplied initial weights (torch models only)


class NotFittedError(RuntimeError):
    """`predict` before `fit`."""


class Baseline:
    """Base class: subclasses set `name`, `kinds`, `Config` and implement `_fit` / `_scores`."""

    name: ClassVar[str] = "baseline"
    kinds: ClassVar[tuple[str, ...]] = ("multiclass", "regression", "multilabel")
    Config: ClassVar[type[BaseConfig]] = BaseConfig
    needs: ClassVar[tuple[str, ...]] = ()  # columns the model reads besides the task's

    def __init__(self, task: Task, config: BaseConfig | None = None, seed: int = 0, **overrides: Any) -> None:
        if task.kind not in self.kinds:
            raise ValueError(f"{self.name} does not handle {task.kind} tasks like {task.name!r}")
        self.task = task
        self.config = config if config is not None else self.Config(**overrides)
        if config is not None and overrides:
            self.config = type(config)(**{**asdict(config), **overrides})
        self.seed = seed

    # -- what subclasses implement ------------------------------------------------------------
    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        raise NotImplementedError

    def _scores(self, data: SplitData) -> np.ndarray:
        """Class probabilities `[N, C]`, label probabilities `[N, G]` or regression values `[N]`."""
        raise NotImplementedError

    # -- the public interface -----------------------------------------------------------------
    def fit(self, train: SplitData, val: SplitData | None = None) -> Baseline:
        """Learn from `train`; `val` drives early stopping and tuning, never the weights directly."""
        self.deadline_ = time.monotonic() + self.config.budget_seconds if self.config.budget_seconds else None
        self.history_: dict[str, list[float]] = {}
        self.epochs_run_: int | None = None  # iterative models: epochs (GBMs: search trials) actually run
        self.stopped_by_: str | None = None  # "early_stopping" | "max_epochs" | "budget"
        self._fit(train, val)
        self.fitted_ = True
        return self

    def predict_proba(self, data: SplitData) -> np.ndarray:
        self._check_fitted()
        if self.task.kind == "regression":
            raise AttributeError(f"{self.name} on {self.task.name} is a regressor: use predict()")
        return np.asarray(self._scores(data), dtype=np.float64)

    def predict(self, data: SplitData) -> np.ndarray:
        self._check_fitted()
        scores = np.asarray(self._scores(data), dtype=np.float64)
        if self.task.kind == "multiclass":
            return scores.argmax(axis=1)
        if self.task.kind == "multilabel":
            return (scores >= 0.5).astype(np.uint8)
        return scores.reshape(-1)

    def get_config(self) -> dict[str, Any]:
        """Everything needed to re-run this model: name, task, seed and the config dataclass."""
        return {"model": self.name, "task": self.task.name, "seed": self.seed, "config": asdict(self.config)}

    # -- helpers for subclasses ---------------------------------------------------------------
    def out_of_time(self) -> bool:
        return self.deadline_ is not None and time.monotonic() > self.deadline_

    def _check_fitted(self) -> None:
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"{self.name} is not fitted yet: call fit(train) first")


def inverse_frequency(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Per-class weights n / (k · count) (scikit-learn's "balanced"; a class absent from `y` counts as 1)."""
    counts = np.bincount(np.asarray(y, int), minlength=n_classes).astype(float)
    return len(y) / (n_classes * np.maximum(counts, 1))


def balanced_sample_weight(y: np.ndarray, n_classes: int, class_weight: str | None) -> np.ndarray | None:
    """Per-row weights for `class_weight="balanced"`, None for None; anything else is a ValueError."""
    if class_weight is None:
        return None
    if class_weight != "balanced":
        raise ValueError(f"class_weight must be None or 'balanced', not {class_weight!r}")
    return inverse_frequency(y, n_classes)[np.asarray(y, int)]


def class_scores(model: Any, proba: np.ndarray, n_classes: int) -> np.ndarray:
    """`[N, n_classes]` probabilities from a scikit-learn style `predict_proba`, even when a class
    never appeared in training (its column stays 0)."""
    out = np.zeros((len(proba), n_classes))
    out[:, np.asarray(model.classes_, int)] = proba
    return out
