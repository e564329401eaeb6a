"""Benchmark: EfficientNet-Lite0 poster embeddings, posters/s per core, against a naive reference, one process.

On the same N real posters of ../shared/data/posters (decoded once, 268×182 RGB), resized to 336×224:
  ours    `dataset.encoders.embed` without its cache: batches of 32, channels-last, every core
  naive   PIL resize per poster, default (NCHW) layout, one image per forward pass, same threads
Both compute the same features (checked); CPU time is reported beside wall time because the sandbox is
shared.

    python benchmarks/encoders.py [--n 128] [--size 336x224]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
POSTERS = REPO.parent / "shared" / "data" / "posters" / "images"


def load_posters(n: int) -> np.ndarray:
    from PIL import Image

    files = sorted(POSTERS.glob("*.jpg"))[:n]
    out = [np.asarray(Image.open(f).convert("RGB").resize((182, 268))) for f in files]
    return np.stack(out)


def naive(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """One poster at a time: PIL resize, float NCHW tensor, a forward pass each."""
    import torch
    from PIL import Image

    from dataset import encoders

    model = encoders.Encoder(encoders.DEFAULT)  # default memory layout
    out = []
    with torch.inference_mode():
        for im in images:
            resized = np.asarray(Image.fromarray(im).resize((size[1], size[0]), Image.BILINEAR), np.float32)
            x = torch.from_numpy(resized.transpose(2, 0, 1).copy())[None]
            out.append(model(x)[0].numpy())
    return np.stack(out)


def timed(fn, *args) -> tuple[np.ndarray, float, float]:  # noqa: ANN001 - any callable
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=128)
    p.add_argument("--size", default="336x224")
    args = p.parse_args(argv)
    if not POSTERS.is_dir():
        print(f"skipped: {POSTERS} is missing", file=sys.stderr)
        return 0
    import torch

    from dataset import encoders

    size = tuple(int(v) for v in args.size.split("x"))
    images = load_posters(args.n)
    cores = os.cpu_count() or 1
    torch.set_num_threads(cores)
    encoders.load()  # model load is not part of either timing
    with tempfile.TemporaryDirectory() as cache:
        os.environ["IMDBKIT_CACHE"] = cache  # an empty cache: every poster is computed
        ours, w1, c1 = timed(encoders.embed, images, encoders.DEFAULT, size)
    ref, w2, c2 = timed(naive, images, size)
    gap = float(np.abs(ours - ref).max() / (np.abs(ref).max() + 1e-9))
    print(f"{len(images)} posters at {size[0]}x{size[1]}, {cores} cores, torch {torch.__version__}")
    for name, wall, cpu in (("ours (batched, channels-last)", w1, c1), ("naive (PIL, NCHW, one at a time)", w2, c2)):
        print(f"  {name:34s} {len(images) / wall:7.1f} posters/s wall, {len(images) / wall / cores:6.1f} per core, "
              f"{cpu:6.1f} s CPU")
    print(f"  speed-up {w2 / w1:.2f}x wall, {c2 / c1:.2f}x CPU; largest feature difference {gap:.1e} of the range "
          "(PIL and torch resampling differ)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
