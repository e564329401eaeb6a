"""`bilstm_maxpool`: seed 003's model — a bidirectional LSTM over the keyframe embedding sequence,
max-pooled over time, trained with class-weighted BCE; early-stopped on val mAP."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from baselines.data import SplitData
from baselines.torch_utils import TorchBaseline, TorchConfig


class BiLSTMMaxPool(nn.Module):
    """LayerNorm → linear projection (optional) → BiLSTM → max over time → linear."""

    def __init__(self, dim: int, hidden: int, out_dim: int, dropout: float = 0.3, project: int = 0) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        # Projecting 512-d CLIP vectors down first makes each LSTM step ~2.5x cheaper on CPU.
        self.proj = nn.Sequential(nn.Linear(dim, project), nn.GELU()) if project else nn.Identity()
        self.drop_in = nn.Dropout(dropout)
        self.lstm = nn.LSTM(project or dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * hidden, out_dim))

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(self.drop_in(self.proj(self.norm(seq.float()))))
        return self.head(out.max(dim=1).values)


@dataclass
class BiLSTMConfig(TorchConfig):
    feature_set: str = "frame_embeddings"
    hidden: int = 128
    project: int = 128  # 0 feeds the embeddings to the LSTM as they are
    epochs: int = 40
    batch_size: int = 32
    patience: int = 8


class BiLSTM(TorchBaseline):
    name = "bilstm_maxpool"
    tasks = ("genres_frames",)
    kinds = ("multilabel",)
    Config = BiLSTMConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return ["frame_embeddings"], None

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        return [torch.from_numpy(np.asarray(data.array(self.config.feature_set), np.float32))]

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        return BiLSTMMaxPool(inputs[0].shape[2], self.config.hidden, out_dim, project=self.config.project)
