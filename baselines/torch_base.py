"""The shared torch estimator: `TorchBaseline` turns a task into a loss and a target, runs `fit_loop`
and converts raw outputs back to probabilities or values; subclasses give `_inputs` and `_build`.

Also what only it and the models need: loss weights, user-supplied weights, images as tensors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from baselines import metrics as M
from baselines.base import BaseConfig, Baseline, inverse_frequency
from baselines.data import SplitData
from baselines.torch_loop import LoopConfig, fit_loop, predict
from dataset.torch_env import progress_disabled, seed_everything


def class_weights(y: np.ndarray, n_classes: int) -> torch.Tensor:
    """Inverse-frequency weights, n / (k · count), for a class-weighted cross-entropy."""
    return torch.tensor(inverse_frequency(y, n_classes), dtype=torch.float32)


def pos_weights(y: np.ndarray, cap: float = 10.0) -> torch.Tensor:
    """Per-label negatives/positives (capped) for a class-weighted BCE, as in seed 003."""
    pos = np.asarray(y).sum(axis=0).astype(float)
    neg = len(y) - pos
    return torch.tensor(np.clip(neg / np.maximum(pos, 1), 1.0, cap), dtype=torch.float32)


def load_weights(model: nn.Module, path: str | None) -> None:
    """Start from user-supplied weights (a state_dict saved by torch.save); shapes must match."""
    if not path:
        return
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ValueError(f"could not read weights from {path} ({exc}); pass a torch state_dict file") from exc
    state = state.get("model", state) if isinstance(state, dict) else state
    own = model.state_dict()
    usable = {k: v for k, v in state.items() if k in own and getattr(v, "shape", None) == own[k].shape}
    if not usable:
        raise ValueError(f"none of the weights in {path} match this model's layers (names and shapes)")
    model.load_state_dict(usable, strict=False)


@dataclass
class TorchConfig(BaseConfig, LoopConfig):
    """Torch models' knobs. `class_weighted` is their class-weight option: inverse-frequency weights in the
    cross-entropy (multiclass) or capped neg/pos `pos_weight` in the BCE (multi-label, seed 003)."""

    class_weighted: bool = True


class TorchBaseline(Baseline):
    """Fit/predict plumbing for torch models: subclasses give `_inputs` (tensors) and `_build` (module)."""

    Config = TorchConfig

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        raise NotImplementedError

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        raise NotImplementedError

    def _augment(self, train: SplitData, x: list[torch.Tensor], y: np.ndarray) -> tuple[list[torch.Tensor], np.ndarray]:
        """Extra training rows computed once before the loop (e.g. mirrored images' features); none by default."""
        return x, y

    def _out_dim(self, train: SplitData) -> int:
        if self.task_.kind == "multiclass":
            return self.task_.n_classes
        if self.task_.kind == "multilabel":
            return len(train.labels(self.task_.target))
        return 1

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: TorchConfig = self.config  # type: ignore[assignment]
        seed_everything(self.seed)
        x, y = self._augment(train, self._inputs(train, fitting=True), self.task_.y(train))
        self.model_ = self._build(x, self._out_dim(train))
        load_weights(self.model_, cfg.weights)
        if self.task_.kind == "multiclass":
            w = class_weights(y, self.task_.n_classes) if cfg.class_weighted else None
            loss, target = nn.CrossEntropyLoss(weight=w), torch.tensor(y, dtype=torch.long)
        elif self.task_.kind == "multilabel":
            pw = pos_weights(y) if cfg.class_weighted else None
            loss, target = nn.BCEWithLogitsLoss(pos_weight=pw), torch.tensor(y, dtype=torch.float32)
        else:
            self.y_mean_, self.y_std_ = float(np.mean(y)), float(np.std(y)) or 1.0
            loss = nn.MSELoss()
            target = torch.tensor((y - self.y_mean_) / self.y_std_, dtype=torch.float32).reshape(-1, 1)
        score_val = None
        if val is not None and len(val):
            xv, yv = self._inputs(val, fitting=False), self.task_.y(val)

            def score_val(model: nn.Module) -> float:
                s = self._convert(predict(model, xv))
                if self.task_.kind == "multiclass":
                    return M.accuracy(yv, s.argmax(axis=1))
                if self.task_.kind == "multilabel":
                    return M.mean_ap(yv, s)
                return -float(np.mean((s - yv) ** 2))

        self.history_ = fit_loop(self.model_, x, target, loss, score_val, cfg, seed=self.seed,
                                 deadline=self.deadline_, desc=f"{self.name}/{self.task_.name}",
                                 progress=False if progress_disabled() else None)
        self.epochs_run_, self.stopped_by_ = self.history_.epochs_run, self.history_.stopped_by

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        if self.task_.kind == "multiclass":
            e = np.exp(raw - raw.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if self.task_.kind == "multilabel":
            with np.errstate(over="ignore"):  # exp(-raw) overflows to inf for very negative logits: 1/(1+inf) is 0
                return 1 / (1 + np.exp(-raw))
        return raw.reshape(-1) * self.y_std_ + self.y_mean_

    def _scores(self, data: SplitData) -> np.ndarray:
        return self._convert(predict(self.model_, self._inputs(data, fitting=False)))


def images_tensor(images: np.ndarray) -> torch.Tensor:
    """`[N, H, W, C]` uint8 → `[N, C, H, W]` uint8 tensor (models scale to [0, 1] per batch)."""
    return torch.from_numpy(np.ascontiguousarray(np.asarray(images, np.uint8).transpose(0, 3, 1, 2)))
