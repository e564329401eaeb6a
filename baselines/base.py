"""The one baseline interface (scikit-learn's estimator contract) every model file implements.

A model file declares its registry `name`, the leaderboard `tasks` it runs on, the target `kinds` it can
fit and the feature sets it accepts (`feature_sets`); `baselines/registry.py` lists the class once.
Hyper-parameters are the fields of the model's `Config` dataclass: `__init__` (generated from them) only
stores them as attributes, so `get_params`/`set_params`/`clone` work as in scikit-learn, and `config`
rebuilds the dataclass the leaderboard saves beside each row (read-only: change a model with `set_params`). `fit(train, val, task=...)` binds the task
and learns attributes whose names end in `_`; `predict` gives labels / scores / 0-1 label matrices and
`predict_proba` class or label probabilities.
"""
from __future__ import annotations

import inspect
import time
from dataclasses import MISSING, FrozenInstanceError, asdict, dataclass, fields
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from baselines.data import SplitData
from baselines.tasks import Task


@dataclass
class BaseConfig:
    """Knobs every model understands."""

    feature_set: str = "default"
    budget_seconds: float | None = None  # optional wall-clock cap on fit (off by default: rows must not move with load)
    weights: str | None = None  # user-supplied initial weights (torch models only)

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_read_only"):  # `model.config`: a copy, so an assignment would change nothing
            raise FrozenInstanceError(f"{type(self).__name__} from model.config is rebuilt from the model's parameters "
                                      f"on every read, so setting {name} here changes nothing; use "
                                      f"model.set_params({name}=...)")
        super().__setattr__(name, value)


class NotFittedError(SklearnNotFittedError):
    """`predict` before `fit` (scikit-learn's exception, so `check_is_fitted` callers catch it too)."""


def _init_for(config: type[BaseConfig]) -> Any:
    """An `__init__(task=None, *, seed=0, <config fields>)` that only stores its arguments (scikit-learn's rule),
    with a real signature so `BaseEstimator.get_params` finds every hyper-parameter."""
    defaults = {f.name: f.default for f in fields(config)}
    if any(d is MISSING for d in defaults.values()):
        raise TypeError(f"every field of {config.__name__} needs a default (a baseline must build without arguments)")

    def __init__(self: Baseline, task: Task | None = None, *, seed: int = 0, **params: Any) -> None:
        unknown = sorted(set(params) - set(defaults))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter {', '.join(unknown)}; "
                            f"its parameters are {', '.join(defaults)}")
        self.task = task
        self.seed = seed
        for name, default in defaults.items():
            setattr(self, name, params.get(name, default))

    keyword = inspect.Parameter.KEYWORD_ONLY
    __init__.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("task", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("seed", keyword, default=0),
        *(inspect.Parameter(name, keyword, default=d) for name, d in defaults.items()),
    ])
    return __init__


class Baseline(BaseEstimator):
    """Base class: subclasses set `name`, `tasks`, `kinds`, `Config` (and `feature_sets` when they read a
    column) and implement `_fit` / `_scores`."""

    name: ClassVar[str] = "baseline"
    tasks: ClassVar[tuple[str, ...]] = ()  # the leaderboard tasks this model runs on (registry order per task)
    kinds: ClassVar[tuple[str, ...]] = ("multiclass", "regression", "multilabel")  # targets `fit` accepts
    reference: ClassVar[bool] = False  # the floor row each of its tasks' paired differences compare with
    Config: ClassVar[type[BaseConfig]] = BaseConfig

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" not in vars(cls):  # a model that writes its own __init__ keeps it
            cls.__init__ = _init_for(cls.Config)  # type: ignore[method-assign]

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        """The feature sets a leaderboard row of `task` runs on a dataset with these columns, or a reason it
        cannot; "none" is the one row of a model that reads only the target."""
        return ["none"], None

    @property
    def config(self) -> BaseConfig:
        """The hyper-parameters as the model's typed config dataclass (what the leaderboard saves), read-only:
        it is rebuilt from the parameters on every read, so `model.config.x = 1` raises instead of doing nothing."""
        config = self.Config(**{f.name: getattr(self, f.name) for f in fields(self.Config)})
        object.__setattr__(config, "_read_only", True)
        return config

    # -- what subclasses implement ------------------------------------------------------------
    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        raise NotImplementedError

    def _scores(self, data: SplitData) -> np.ndarray:
        """Class probabilities `[N, C]`, label probabilities `[N, G]` or regression values `[N]`."""
        raise NotImplementedError

    # -- the public interface -----------------------------------------------------------------
    def fit(self, train: SplitData, val: SplitData | None = None, *, task: Task | None = None) -> Baseline:
        """Learn `task` (default: the `task` parameter) from `train`; `val` drives early stopping and tuning,
        never the weights directly. Pass the task bound to `train` (`Task.bind`) for standardised targets."""
        bound = task if task is not None else self.task
        if bound is None:
            raise ValueError(f"{self.name} needs a task: fit(train, val, task=TASKS[name].bind(train))")
        if bound.kind not in self.kinds:
            raise ValueError(f"{self.name} does not handle {bound.kind} tasks like {bound.name!r}")
        self.task_ = bound
        self.deadline_ = time.monotonic() + self.budget_seconds if self.budget_seconds else None
        self.history_: dict[str, list[float]] = {}
        self.epochs_run_: int | None = None  # iterative models: epochs (GBMs: search trials) actually run
        self.stopped_by_: str | None = None  # "early_stopping" | "max_epochs" | "budget"
        self._fit(train, val)
        self.fitted_ = True
        return self

    def predict_proba(self, data: SplitData) -> np.ndarray:
        self._check_fitted()
        if self.task_.kind == "regression":
            raise AttributeError(f"{self.name} on {self.task_.name} is a regressor: use predict()")
        return np.asarray(self._scores(data), dtype=np.float64)

    def predict(self, data: SplitData) -> np.ndarray:
        self._check_fitted()
        scores = np.asarray(self._scores(data), dtype=np.float64)
        if self.task_.kind == "multiclass":
            return scores.argmax(axis=1)
        if self.task_.kind == "multilabel":
            return (scores >= 0.5).astype(np.uint8)
        return scores.reshape(-1)

    def get_config(self) -> dict[str, Any]:
        """Everything needed to re-run this model: name, task, seed and the config dataclass."""
        task = getattr(self, "task_", self.task)
        return {"model": self.name, "task": task.name if task is not None else None, "seed": self.seed,
                "config": asdict(self.config)}

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
