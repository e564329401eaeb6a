"""The process-wide torch settings: the `--quiet` switch for progress bars, the device, the seeds.

Here, below the baselines, so that the image encoders (`dataset/encoders.py`, used by the build's
`--frame-embeddings` as well as by the models) and the text models, which train nothing, read the
same switch and device without importing the training loop.
"""
from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

_PROGRESS = {"on": True}  # the process-wide `--quiet` switch; fit_loop takes its bar as an argument instead


@contextmanager
def no_progress() -> Iterator[None]:
    """No progress bars inside the block (`--quiet`); outside it bars show when stderr is a terminal."""
    before = _PROGRESS["on"]
    _PROGRESS["on"] = False
    try:
        yield
    finally:
        _PROGRESS["on"] = before


def progress_disabled() -> bool | None:
    """tqdm's `disable`: True under `no_progress()`, else None (tqdm's own check for a terminal)."""
    return None if _PROGRESS["on"] else True


def device() -> torch.device:
    """The GPU when torch sees one, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed: int) -> None:
    """Same seed, same numbers: python, numpy and torch RNGs, deterministic kernels, ≤2 CPU threads."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    torch.use_deterministic_algorithms(True, warn_only=True)
