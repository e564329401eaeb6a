"""What a run selects, checked against the registry: `--tasks`/`--models` lists, `--weights` and `--set` specs.

Shared by `leaderboard.run(params=…)`, the leaderboard's command line and `imdbkit demo`, so each
mistake is caught once with the same sentence wherever it is made.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from baselines.registry import MODELS, REGISTRY
from baselines.torch_base import TorchBaseline
from dataset.values import split_list


def selection(value: str | list[str] | None, valid: list[str], what: str) -> list[str] | None:
    """A list option (`a,b` or repeated) checked against `valid`; None when nothing was given."""
    items = split_list(value)
    if not items:
        return None
    bad = [v for v in items if v not in valid]
    if bad:
        raise ValueError(f"unknown {what} {', '.join(bad)}; choose from {', '.join(valid)}")
    return items


def weights_by_model(given: list[str], tasks: list[str] | None, models: list[str] | None) -> dict[str, str]:
    """`--weights [MODEL=]PATH` as {model: path}; a bare PATH is only accepted when one torch model runs."""
    torch_models = [m for m in dict.fromkeys(m for t in tasks or REGISTRY for m in REGISTRY[t])
                    if (not models or m in models) and issubclass(MODELS[m], TorchBaseline)]
    weights: dict[str, str] = {}
    for w in given:
        name, _, path = w.rpartition("=")
        if name and name not in MODELS:
            raise ValueError(f"--weights names unknown model {name!r}")
        if name and not issubclass(MODELS[name], TorchBaseline):
            raise ValueError(f"--weights names {name}, which loads no weights; name one of {', '.join(torch_models)}")
        if not Path(path).is_file():
            raise ValueError(f"--weights file {path} does not exist")
        if not name and len(torch_models) != 1:
            raise ValueError(f"--weights {path} names no model and {len(torch_models)} torch models would run "
                             f"({', '.join(torch_models) or 'none'}); name one, e.g. --weights "
                             f"{'poster_cnn' if 'poster_cnn' in torch_models or not torch_models else torch_models[0]}={path}")
        weights[name or torch_models[0]] = path
    return weights


def settings_by_model(given: list[str]) -> dict[str, dict[str, Any]]:
    """`--set MODEL.KEY=VALUE` as {model: {key: value}}: KEY must be a field of MODEL's config and VALUE reads
    as JSON where it can (`3`, `0.5`, `true`, `"x"`), else as text, so a setting chosen on val runs from the
    command line exactly as `leaderboard.run(overrides=…)` runs it."""
    settings: dict[str, dict[str, Any]] = {}
    for spec in given:
        target, eq, raw = spec.partition("=")
        name, dot, key = target.partition(".")
        if not (eq and dot and name and key):
            raise ValueError(f"--set {spec!r} is not MODEL.KEY=VALUE, e.g. --set poster_effnet.encoder=efficientnet-lite2")
        if name not in MODELS:
            raise ValueError(f"--set names unknown model {name!r}; choose from {', '.join(MODELS)}")
        known = [f.name for f in dataclasses.fields(MODELS[name].Config)]
        if key not in known:
            raise ValueError(f"--set {name}.{key}: {name} has no setting {key!r}; its settings are {', '.join(known)}")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        settings.setdefault(name, {})[key] = value
    return settings
