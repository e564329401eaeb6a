"""The torch toolkit the baselines import from one place: settings, the training loop, the base class.

Each part has its own module — `dataset/torch_env.py` (the `--quiet` switch, device, seeds; shared
with the encoders), `torch_loop.py` (`fit_loop`, `predict`, the EMA), `torch_base.py` (`TorchBaseline`,
loss weights, images as tensors) — and is re-exported here, so a model file keeps one import line.
"""
from __future__ import annotations

from baselines.torch_base import (
    TorchBaseline,
    TorchConfig,
    class_weights,
    images_tensor,
    load_weights,
    pos_weights,
)
from baselines.torch_loop import History, LoopConfig, ema_update, fit_loop, predict
from dataset.torch_env import device, no_progress, progress_disabled, seed_everything

__all__ = [
    "History", "LoopConfig", "TorchBaseline", "TorchConfig", "class_weights", "device", "ema_update", "fit_loop",
    "images_tensor", "load_weights", "no_progress", "pos_weights", "predict", "progress_disabled", "seed_everything",
]
