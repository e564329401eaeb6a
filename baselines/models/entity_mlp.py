"""`entity_mlp`: seed 000's tabular network — an embedding per categorical field, size min(50, ceil(n/2)).

List fields (actors, genres, keywords…) are embedded as the mean of their items' vectors
(EmbeddingBag, padding ignored); the numeric tabular features are imputed and standardised and
concatenated before a two-layer MLP.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from baselines.data import SplitData
from baselines.features import EntityCodes, TabularFeatures
from baselines.tabular import tabular_feature_sets
from baselines.torch_utils import TorchBaseline, TorchConfig


class EntityNet(nn.Module):
    """Embeddings of each coded field + numeric vector → MLP trunk (`out_features` wide)."""

    def __init__(self, cardinalities: dict[str, int], n_numeric: int, hidden: int = 128, dropout: float = 0.3):
        super().__init__()
        self.fields = list(cardinalities)
        self.embeddings = nn.ModuleList(
            nn.EmbeddingBag(n, EntityCodes.embedding_size(n), mode="mean", padding_idx=0)
            for n in cardinalities.values()
        )
        width = sum(e.embedding_dim for e in self.embeddings) + n_numeric
        self.trunk = nn.Sequential(nn.Linear(width, hidden * 2), nn.BatchNorm1d(hidden * 2), nn.ReLU(),
                                   nn.Dropout(dropout), nn.Linear(hidden * 2, hidden), nn.ReLU(),
                                   nn.Dropout(dropout))
        self.out_features = hidden

    def forward(self, numeric: torch.Tensor, *codes: torch.Tensor) -> torch.Tensor:
        parts = [numeric] + [emb(c) for emb, c in zip(self.embeddings, codes, strict=True)]
        return self.trunk(torch.cat(parts, dim=1))


class WithHead(nn.Module):
    def __init__(self, body: nn.Module, out_dim: int) -> None:
        super().__init__()
        self.body, self.head = body, nn.Linear(body.out_features, out_dim)

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(*xs))


class TabularTensors:
    """Fitted on train: standardised numeric features + entity codes, as a tensor list."""

    def __init__(self, feature_set: str, seed: int) -> None:
        self.feature_set, self.seed = feature_set, seed

    def fit(self, train: SplitData, y: np.ndarray) -> TabularTensors:
        self.features_ = TabularFeatures(self.feature_set, seed=self.seed).fit(train.frame, y.astype(float))
        x = self.features_.transform(train.frame, training=True)
        with warnings.catch_warnings():  # an all-missing column (no metascore anywhere) imputes to 0
            warnings.simplefilter("ignore", RuntimeWarning)
            self.median_ = np.nan_to_num(np.nanmedian(np.where(np.isfinite(x), x, np.nan), axis=0))
        filled = np.where(np.isfinite(x), x, self.median_)
        self.mu_, self.sd_ = filled.mean(axis=0), filled.std(axis=0) + 1e-6
        self.codes_ = EntityCodes().fit(train.frame)
        return self

    def transform(self, data: SplitData, training: bool = False) -> list[torch.Tensor]:
        x = self.features_.transform(data.frame, training=training)
        x = (np.where(np.isfinite(x), x, self.median_) - self.mu_) / self.sd_
        codes = self.codes_.transform(data.frame)
        return [torch.tensor(np.clip(x, -10, 10), dtype=torch.float32)] + [torch.from_numpy(c) for c in codes.values()]


@dataclass
class EntityMLPConfig(TorchConfig):
    """`class_weighted=True` trains with an inverse-frequency weighted cross-entropy (off by default)."""

    feature_set: str = "seed000"
    epochs: int = 40
    batch_size: int = 128
    hidden: int = 128
    class_weighted: bool = False  # accuracy is the headline metric; set True to trade it for macro-F1


class EntityMLP(TorchBaseline):
    name = "entity_mlp"
    tasks = ("rating_class", "rating")
    kinds = ("multiclass", "regression")
    Config = EntityMLPConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return tabular_feature_sets(task, columns)

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        if fitting:
            self.tabular_ = TabularTensors(self.config.feature_set, self.seed).fit(data, self.task_.y(data))
        return self.tabular_.transform(data, training=fitting)

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        body = EntityNet(self.tabular_.codes_.cardinalities(), inputs[0].shape[1], hidden=self.config.hidden)
        return WithHead(body, out_dim)
