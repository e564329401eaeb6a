"""`multi_input`: seed 000's poster + tabular network — a poster branch and an entity-embedding branch,
concatenated before the classifier. Feature set: `<poster column>+<tabular set>`.

The poster branch is, by default, frozen EfficientNet-Lite0 features (`poster_effnet`'s, cached) through a
small trained projection; `poster_branch="cnn"` is the small CNN trained from scratch, as before."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from baselines.data import SplitData, largest_poster
from baselines.features import FEATURE_SETS
from baselines.models.entity_mlp import EntityNet, TabularTensors
from baselines.models.poster_cnn import conv_for
from baselines.models.poster_effnet import parse_size
from baselines.torch_utils import TorchBaseline, TorchConfig, images_tensor
from dataset import encoders


class FeatureBranch(nn.Module):
    """Pretrained poster features → dropout → a trained projection (the CNN branch's `embed` interface)."""

    def __init__(self, in_dim: int, out_features: int = 64, dropout: float = 0.5) -> None:
        super().__init__()
        self.out_features = out_features
        self.net = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, out_features), nn.ReLU())

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


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
    poster_branch: str = "effnet"  # or "cnn" (trained from scratch on the poster column)
    encoder: str = encoders.DEFAULT
    input_size: str = "336x224"
    epochs: int = 30
    batch_size: int = 64
    class_weighted: bool = False


class MultiInput(TorchBaseline):
    name = "multi_input"
    tasks = ("rating_class",)
    kinds = ("multiclass", "regression")
    Config = MultiInputConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        """The largest poster (EfficientNet features) with each tabular feature set."""
        poster, why = largest_poster(columns)
        return ([f"{poster}+{fs}" for fs in FEATURE_SETS], None) if poster else ([], why)

    def _parts(self) -> tuple[str, str]:
        poster, _, tabular = self.config.feature_set.partition("+")
        return poster, tabular or "seed000"

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        poster, tabular = self._parts()
        if fitting:
            self.tabular_ = TabularTensors(tabular, self.seed).fit(data, self.task_.y(data))
        return [self._poster(data, poster, fitting), *self.tabular_.transform(data, training=fitting)]

    def _poster(self, data: SplitData, column: str, fitting: bool) -> torch.Tensor:
        cfg: MultiInputConfig = self.config  # type: ignore[assignment]
        if cfg.poster_branch == "cnn":
            return images_tensor(data.array(column))
        if cfg.poster_branch != "effnet":
            raise ValueError(f"poster_branch must be 'effnet' or 'cnn', not {cfg.poster_branch!r}")
        x = encoders.embed(data.array(column), cfg.encoder, parse_size(cfg.input_size, column))
        if fitting:
            self.mean_, self.std_ = x.mean(axis=0), x.std(axis=0) + 1e-6
        return torch.from_numpy((x - self.mean_) / self.std_).float()

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        if self.config.poster_branch == "effnet":
            cnn: nn.Module = FeatureBranch(inputs[0].shape[1])
        else:
            _, c, h, w = inputs[0].shape
            cnn = conv_for(h, w, c, out_dim)
        tab = EntityNet(self.tabular_.codes_.cardinalities(), inputs[1].shape[1])
        return TwoBranch(cnn, tab, out_dim)
