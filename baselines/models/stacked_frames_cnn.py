"""`stacked_frames_cnn`: seed 001's regressor — k trailer frames stacked into 3k channels → CNN → score.

Seed 001 fine-tuned a pretrained VGG16 on 15 frames (45 channels); nothing pretrained can be
downloaded here, so the CNN trains from scratch (or from `--weights`). The target is the
standardised score, so seed 001's MSE is the leaderboard's `nmse`.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from baselines.data import SplitData
from baselines.models.poster_cnn import conv_for
from baselines.torch_utils import TorchBaseline, TorchConfig


@dataclass
class StackedFramesConfig(TorchConfig):
    feature_set: str = "trailer_frames"
    k: int = 15  # frames used (the first k of the dataset's filtered, ordered frames)
    epochs: int = 20
    batch_size: int = 8
    width: int = 16


class StackedFramesCNN(TorchBaseline):
    name = "stacked_frames_cnn"
    tasks = ("rating_trailer",)
    kinds = ("regression",)
    Config = StackedFramesConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return ["trailer_frames"], None

    def _inputs(self, data: SplitData, fitting: bool) -> list[torch.Tensor]:
        frames = data.array("trailer_frames")  # [N, k, H, W, 3]
        k = min(self.config.k, frames.shape[1])
        n, _, h, w, _ = frames.shape
        stacked = frames[:, :k].transpose(0, 1, 4, 2, 3).reshape(n, 3 * k, h, w)
        return [torch.from_numpy(stacked.copy())]

    def _build(self, inputs: list[torch.Tensor], out_dim: int) -> nn.Module:
        _, c, h, w = inputs[0].shape
        net = conv_for(h, w, c, out_dim, base=self.config.width)
        net.flip = True  # flipping every frame of a trailer keeps it a trailer
        return net
