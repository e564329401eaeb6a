"""`multi_input`: seed 000's poster + tabular network — a poster CNN branch and an entity-embedding
branch, concatenated before the classifier. Feature set: `<poster column>+<tabular set>`."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from baselines.data import SplitData
from baselines.models.entity_mlp import EntityNet, TabularTensors
from baselines.models.poster_cnn import conv_for
from baselines.torch_utils import TorchBaseline, TorchConfig, images_tensor


class TwoBranch(nn.Module):
    def __init__(self, cnn: nn.Module, tab: EntityNet, out_dim: int, dropout: float = 0.3) -> None:
        super().__init__()
        self.cnn, self.tab = cnn, tab
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(cnn.out_features + tab.out_features, out_dim))

    def forward(self, image: torch.Tensor, numeric: torch.Tensor, *codes: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat([self.cnn.embed(image), self.tab(numeric, *codes)], dim=1))


@dataclass
class MultiInputConfig(TorchConfig):
    """`class_weighted=True` trains with an inverse-frequency weighted cross-entropy (off by default, as in
    entity_mlp). Feature set `<poster column>+<tabular set>`: seed000 or all_metadata."""

    feature_set: str = "poster_32x32+seed000"
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    class_weighted: bool = False


class MultiInput(TorchBaseline):
    name = "multi_input"
    kinds = ("multiclass", "regression")
    Config = MultiInputConfig

    def _parts(self) -> tuple[str, str]:
        poster, _, tabular = self.config.feature_set.partition("+")
        return poster, tabular or "seed000"

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        poster, tabular = self._parts()
        if fitting:
            self.tabular_ = TabularTensors(tabular, self.seed).fit(data, self.task.y(data))
        return [images_tensor(data.array(poster)), *self.tabular_.transform(data, training=fitting)]

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        _, c, h, w = inputs[0].shape
        cnn = conv_for(h, w, c, out_dim)
        tab = EntityNet(self.tabular_.codes_.cardinalities(), inputs[1].shape[1])
        return TwoBranch(cnn, tab, out_dim)
