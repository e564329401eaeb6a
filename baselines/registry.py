"""The one registry: a list of model classes; everything else is read from their declarations.

Each model file declares its `name`, the `tasks` it runs on, the target `kinds` it fits, the
`feature_sets` it accepts and whether it is a task's `reference` row. A new baseline is one file
in `baselines/models/` plus one entry in `ENTRIES` (docs/baselines.md, "Adding a baseline").
The order of `ENTRIES` is the order of each task's rows; `BASELINES` holds their classes.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from baselines.base import Baseline
from baselines.tasks import TASKS

# The one list: "module:Class" of every baseline, in the order of each task's rows. A new baseline is
# its file plus one entry here: no import to add anywhere.
ENTRIES: tuple[str, ...] = (
    "baselines.models.majority:Majority",
    "baselines.models.mean:Mean",
    "baselines.models.label_prior:LabelPrior",
    "baselines.models.logreg:LogReg",
    "baselines.models.lightgbm:LightGBM",
    "baselines.models.xgboost:XGBoost",
    "baselines.models.entity_mlp:EntityMLP",
    "baselines.models.poster_cnn:PosterCNN",
    "baselines.models.poster_effnet:PosterEffNet",
    "baselines.models.multi_input:MultiInput",
    "baselines.models.tfidf_linear:TfidfLinear",
    "baselines.models.minilm_linear:MiniLMLinear",
    "baselines.models.meanpool_logreg:MeanPoolLogReg",
    "baselines.models.bilstm_maxpool:BiLSTM",
    "baselines.models.stacked_frames_cnn:StackedFramesCNN",
    "baselines.models.trailer_effnet:TrailerEffNet",
)


def load(entry: str) -> type[Baseline]:
    """The class an entry names; a wrong entry is one sentence naming it."""
    module, _, attr = entry.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"baseline entry {entry!r} names no class ({exc}); write it as 'package.module:Class'.") from None
    if not (isinstance(cls, type) and issubclass(cls, Baseline)):
        raise ValueError(f"baseline entry {entry!r} is not a Baseline subclass.")
    return cls


BASELINES: list[type[Baseline]] = [load(entry) for entry in ENTRIES]

V = TypeVar("V")


class _Derived(Mapping[str, V]):
    """A read-only dict computed from `BASELINES` on every use, so a class added to the list (one entry)
    shows everywhere at once: the leaderboard's choices, its rows, `make`."""

    def __init__(self, build: Callable[[], dict[str, V]]) -> None:
        self._build = build

    def __getitem__(self, key: str) -> V:
        return self._build()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())

    def __repr__(self) -> str:
        return repr(self._build())


def _models() -> dict[str, type[Baseline]]:
    models: dict[str, type[Baseline]] = {}
    for cls in BASELINES:
        if cls.name in models:
            raise ValueError(f"two baselines are named {cls.name!r} ({models[cls.name].__name__}, {cls.__name__})")
        unknown = [t for t in cls.tasks if t not in TASKS]
        if unknown:
            raise ValueError(f"{cls.__name__} declares unknown task {', '.join(unknown)}; tasks are {', '.join(TASKS)}")
        models[cls.name] = cls
    return models


def _task_models() -> dict[str, tuple[str, ...]]:
    return {task: tuple(name for name, cls in _models().items() if task in cls.tasks) for task in TASKS}


def _references() -> dict[str, str]:
    refs = {task: next((n for n in names if MODELS[n].reference), None) for task, names in _task_models().items()}
    return {task: name for task, name in refs.items() if name is not None}


MODELS: Mapping[str, type[Baseline]] = _Derived(_models)  # name → class
REGISTRY: Mapping[str, tuple[str, ...]] = _Derived(_task_models)  # task → its models' names, in list order
# Each task's reference row: the paired-difference CIs in leaderboard.json compare every row with it.
REFERENCE: Mapping[str, str] = _Derived(_references)


def feature_sets(task: str, model: str, columns: set[str]) -> tuple[list[str], str | None]:
    """The feature sets a (task, model) row runs on a dataset with these columns, or a reason it cannot."""
    return MODELS[model].feature_sets(task, columns)


def make(task: str, model: str, seed: int = 0, **config: object) -> Baseline:
    """Instantiate a registered baseline; unknown names raise ValueError naming the valid ones."""
    if task not in REGISTRY:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(REGISTRY)}")
    if model not in REGISTRY[task]:
        raise ValueError(f"no model {model!r} for {task}; choose from {', '.join(REGISTRY[task])}")
    return MODELS[model](TASKS[task], seed=seed, **config)
