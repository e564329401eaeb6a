"""What a run selects, checked against the registry: `--tasks`/`--models` lists and `--weights` specs.

Shared by `leaderboard.run(params=…)`, the leaderboard's command line and `imdbkit demo`, so each
mistake is caught once with the same sentence wherever it is made.
"""
from __future__ import annotations

from pathlib import Path

from baselines.registry import MODELS, REGISTRY
from baselines.torch_base import TorchBaseline
from cli.lists import split_list


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
