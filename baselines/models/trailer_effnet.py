"""`trailer_effnet`: seed 001's transfer learning — k trailer frames → frozen EfficientNet-Lite features →
mean over the frames → ridge regression (alpha chosen on val) or an MLP, on the standardised score.

Seed 001 fine-tuned an ImageNet VGG16 on 15 stacked frames; with a few hundred trailers a frozen encoder
and a linear read-out is the part of that recipe that does not overfit. Feature set `trailer_frames`
(ridge) or `trailer_frames_mlp`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from baselines.base import BaseConfig, Baseline
from baselines.data import SplitData
from baselines.models.poster_effnet import parse_size
from dataset import encoders

ALPHAS = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def pooled_frame_features(data: SplitData, column: str, encoder: str, size: tuple[int, int] | None) -> np.ndarray:
    """`[N, D]`: the mean feature vector of each title's real frames (zeros for a title without any)."""
    frames = data.array(column)  # [N, k, H, W, 3]
    mask = data.arrays.get(f"{column}_mask")
    n, k = frames.shape[:2]
    mask = np.ones((n, k), bool) if mask is None else np.asarray(mask, bool).reshape(n, k)
    flat = encoders.embed(frames[mask], encoder, size)
    out = np.zeros((n, flat.shape[1]), np.float32)
    rows = np.repeat(np.arange(n), mask.sum(axis=1))
    np.add.at(out, rows, flat)
    return out / np.maximum(mask.sum(axis=1), 1)[:, None]


@dataclass
class TrailerEffNetConfig(BaseConfig):
    feature_set: str = "trailer_frames"  # or "trailer_frames_mlp"
    encoder: str = encoders.DEFAULT
    input_size: str = "native"  # the stored frames' size; e.g. "180x320" upsamples them first
    alpha: float | None = None  # ridge strength; None: the best of ALPHAS on val (1000 without val)
    hidden: int = 128


class TrailerEffNet(Baseline):
    name = "trailer_effnet"
    tasks = ("rating_trailer",)
    kinds = ("regression",)
    Config = TrailerEffNetConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        # ridge; the MLP head (`trailer_frames_mlp`) overfits ~100 trailers, an option only
        return ["trailer_frames"], None

    def _column_head(self) -> tuple[str, str]:
        column, mlp, _ = self.config.feature_set.partition("_mlp")
        return column, "mlp" if mlp else "ridge"

    def _x(self, data: SplitData) -> np.ndarray:
        cfg: TrailerEffNetConfig = self.config  # type: ignore[assignment]
        column = self._column_head()[0]
        if not data.has(column):
            raise ValueError(f"{self.name} needs the {column!r} column, which the {data.name} split lacks")
        return pooled_frame_features(data, column, cfg.encoder, parse_size(cfg.input_size, column))

    def _model(self, alpha: float) -> Ridge | MLPRegressor:
        if self._column_head()[1] == "mlp":
            return MLPRegressor(hidden_layer_sizes=(self.config.hidden,), alpha=alpha / 1000, max_iter=500, early_stopping=False,
                                random_state=self.seed)
        return Ridge(alpha=alpha)

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: TrailerEffNetConfig = self.config  # type: ignore[assignment]
        x, y = self._x(train), self.task_.y(train)
        self.scaler_ = StandardScaler().fit(x)
        x = self.scaler_.transform(x)
        alphas = [cfg.alpha] if cfg.alpha is not None else list(ALPHAS)
        if len(alphas) > 1 and val is not None and len(val):
            xv, yv = self.scaler_.transform(self._x(val)), self.task_.y(val)
            losses = [float(np.mean((self._model(a).fit(x, y).predict(xv) - yv) ** 2)) for a in alphas]
            self.history_["val_mse_by_alpha"] = losses
            self.alpha_ = alphas[int(np.argmin(losses))]
        else:
            self.alpha_ = alphas[0] if cfg.alpha is not None else 1000.0
        self.model_ = self._model(self.alpha_).fit(x, y)

    def _scores(self, data: SplitData) -> np.ndarray:
        return self.model_.predict(self.scaler_.transform(self._x(data)))
