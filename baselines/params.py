"""What one leaderboard run trains and how: the typed parameters behind `imdbkit leaderboard`'s options.

Why a dataclass: `baselines.leaderboard.run(params=...)` and the command line read the same fields,
and `cli/options.py` makes each field's flag from its metadata, so the two cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from baselines.metrics import N_BOOT
from baselines.registry import MODELS, REGISTRY


@dataclass(frozen=True)
class LeaderboardParams:
    tasks: tuple[str, ...] = field(default=(), metadata={  # () runs every task
        "metavar": "TASK", "example": "rating_class,rating", "help": f"tasks to run, a,b or repeated (default all): {', '.join(REGISTRY)}"})
    models: tuple[str, ...] = field(default=(), metadata={  # () runs every model of each task
        "metavar": "MODEL", "example": "lightgbm,xgboost", "help": f"models to run, a,b or repeated (default all): {', '.join(MODELS)}"})
    budget_minutes: float | None = field(default=None, metadata={
        "example": "1", "help": "optional wall-clock cap per model fit (default: none; rows cut by it say so)"})
    seed: int = field(default=0, metadata={"example": "1", "help": "seed of every model and the bootstrap"})
    bootstrap: int = field(default=N_BOOT, metadata={"example": "200", "help": "bootstrap resamples for the 95% BCa CIs"})
    weights: tuple[str, ...] = field(default=(), metadata={  # a path may hold a comma: repeats only
        "list": "repeat", "metavar": "[MODEL=]PATH", "example": "poster_cnn=poster_cnn.pt",
        "help": "a torch state_dict to start MODEL from; repeat for several models"})
    settings: tuple[str, ...] = field(default=(), metadata={  # a value may hold a comma: repeats only
        "flag": "--set", "list": "repeat", "metavar": "MODEL.KEY=VALUE",
        "example": "poster_effnet.encoder=efficientnet-lite2",
        "help": "a model setting instead of its default (its config's field; recorded in configs/); repeat for several"})


__all__ = ["LeaderboardParams"]
