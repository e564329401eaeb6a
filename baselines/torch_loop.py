"""The one training loop the torch baselines share: seeded, early-stopped on val, budget-aware.

Inputs stay as compact tensors (uint8 images) and are converted per batch inside the models, so a
few thousand 150×101 posters fit in memory. The best epoch on val is restored at the end.
"""
from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel
from tqdm.auto import tqdm

from dataset.torch_env import device


@dataclass
class LoopConfig:
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 5
    cosine: bool = True  # anneal the learning rate to 0 by the last epoch (a budget cut stops it where it is)
    ema: float = 0.0  # > 0: validate and keep a moving average of the weights, decay per step (warmed up, see ema_update)


def predict(model: nn.Module, inputs: Sequence[torch.Tensor], batch_size: int = 256) -> np.ndarray:
    """Forward pass in eval mode over batches; returns raw outputs as numpy."""
    dev = next(model.parameters()).device
    model.eval()
    outs = []
    n = len(inputs[0])
    with torch.no_grad():
        for i in range(0, n, batch_size):
            outs.append(model(*(x[i : i + batch_size].to(dev) for x in inputs)).float().cpu())
    return torch.cat(outs).numpy() if outs else np.zeros((0,))


def ema_update(decay: float) -> Callable[[list[torch.Tensor], list[torch.Tensor], torch.Tensor], None]:
    """`AveragedModel`'s update with decay min(decay, (1 + n) / (10 + n)) at its n-th update: a run of a few
    hundred steps (a 300-title demo) averages its last ~10% instead of staying near its random start."""
    if not 0 <= decay < 1:
        raise ValueError(f"ema must be in [0, 1), not {decay}")

    @torch.no_grad()
    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], n: torch.Tensor) -> None:
        d = min(decay, (1 + float(n)) / (10 + float(n)))
        for a, c in zip(averaged, current, strict=True):
            if a.is_floating_point():
                a.lerp_(c, 1 - d)
            else:
                a.copy_(c)  # integer buffers (batch-norm's batch count) follow the model

    return update


class History(dict):
    """Per-epoch curves (`train_loss`, `val_score`) plus how training ended: `epochs_run` and `stopped_by`
    (`early_stopping`, `max_epochs` or `budget`), so a row cut by the clock never passes for a finished one."""

    epochs_run: int = 0
    stopped_by: str = "max_epochs"


def fit_loop(
    model: nn.Module,
    inputs: Sequence[torch.Tensor],
    target: torch.Tensor,
    loss_fn: nn.Module,
    score_val: Callable[[nn.Module], float] | None,
    cfg: LoopConfig,
    *,
    seed: int,
    deadline: float | None = None,
    desc: str = "train",
    progress: bool | None = None,
) -> History:
    """Adam + mini-batches; after each epoch `score_val(model)` (higher is better) drives early stopping.

    Everything it reads is an argument: `deadline` is a `time.monotonic()` cut-off, `progress` shows the
    epoch bar (True), hides it (False) or leaves it to tqdm's terminal check (None).

    With `cfg.ema` the scored and kept weights are a moving average of the trained ones: on a few
    thousand images the raw weights' val score jumps from epoch to epoch and patience stops at the
    first dip; the average's curve is smooth (docs/results.md, posters).
    """
    dev = device()
    model.to(dev)
    loss_fn.to(dev)
    # A model may give parameter groups with their own learning rates (`lr_groups`): pretrained layers
    # fine-tuned at a fraction of the new head's rate; the cosine schedule scales each group's own rate.
    groups = model.lr_groups(cfg.lr) if hasattr(model, "lr_groups") else [{"params": model.parameters(), "lr": cfg.lr}]
    opt = torch.optim.Adam(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)
    base_lrs = [group["lr"] for group in opt.param_groups]
    averaged = (AveragedModel(model, multi_avg_fn=ema_update(cfg.ema), use_buffers=True)
                if cfg.ema > 0 else None)
    kept = averaged.module if averaged is not None else model
    gen = torch.Generator().manual_seed(seed)
    history = History(train_loss=[], val_score=[])
    best, best_state, bad = -np.inf, None, 0
    n = len(target)
    bar = tqdm(range(cfg.epochs), desc=desc, leave=False, disable=None if progress is None else not progress)
    for _epoch in bar:
        history.epochs_run = _epoch + 1
        model.train()
        order = torch.randperm(n, generator=gen)
        total, seen = 0.0, 0
        for i in range(0, n, cfg.batch_size):
            idx = order[i : i + cfg.batch_size]
            if len(idx) < 2 and n > 1:
                continue  # a batch of one breaks batch-norm statistics
            if cfg.cosine:
                # Progress is the epoch fraction only, never the clock: a budget that does not cut a fit
                # must not change it, or the same seed gives other weights on a busier machine.
                progress = (_epoch + i / n) / max(cfg.epochs, 1)
                for group, base in zip(opt.param_groups, base_lrs, strict=True):
                    group["lr"] = base * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
            opt.zero_grad()
            out = model(*(x[idx].to(dev) for x in inputs))
            loss = loss_fn(out, target[idx].to(dev))
            loss.backward()
            opt.step()
            if averaged is not None:
                averaged.update_parameters(model)
            total += float(loss.detach()) * len(idx)
            seen += len(idx)
            if deadline is not None and time.monotonic() > deadline and i + cfg.batch_size < n:
                history.stopped_by = "budget"
                break  # the budget is enforced inside an epoch too: one epoch of big images can be minutes
        history["train_loss"].append(total / max(seen, 1))
        if score_val is not None:
            score = float(score_val(kept))
            history["val_score"].append(score)
            bar.set_postfix(loss=f"{history['train_loss'][-1]:.3f}", val=f"{score:.3f}")
            if score > best + 1e-6:
                best, best_state, bad = score, copy.deepcopy(kept.state_dict()), 0
            else:
                bad += 1
                if bad >= cfg.patience:
                    if history.stopped_by != "budget":
                        history.stopped_by = "early_stopping"
                    break
        if deadline is not None and time.monotonic() > deadline:
            if history.epochs_run < cfg.epochs:
                history.stopped_by = "budget"
            break
    if best_state is None and kept is not model:
        best_state = kept.state_dict()  # no val: the average is still the better weights
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history
