"""Benchmark: the 5,995 real posters of ../shared/data/posters to 32x32 and 150x101.

Per size, in one process (images/s per core, OpenCV pinned to one thread), on the same in-memory bytes:
  ours        reduced-size JPEG decode (IMREAD_REDUCED_COLOR_k) + centre crop + anti-aliased resize → array
  ours+png    the full stage work per poster: the above + PNG bytes + 64-bit pHash
  opencv      plain full-size cv2.imdecode + cv2.resize(INTER_AREA) → array
  seeds       imageio.imread + skimage.transform.resize (seed 002's way) on a subsample → array
then the whole stage (`downsample_posters`, files read from disk, all cores) for both sizes at once.

    python benchmarks/images.py [--seeds-sample 300]
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
POSTERS = REPO.parent / "shared" / "data" / "posters" / "images"
SIZES = [(32, 32), (150, 101)]
GOALS = {(32, 32): 5000, (150, 101): 2000}


def ours(data: bytes, size: tuple[int, int]) -> np.ndarray:
    from dataset import imaging

    h, w = imaging.check_bytes(data, 50_000_000)
    img = imaging.decode(data, imaging.reduction(h, w, [size], "crop"))
    return imaging.fit_to(img, size[0], size[1], "crop")


def ours_png(data: bytes, size: tuple[int, int]) -> bytes:
    from dataset import imaging

    return imaging.process_image(data, [size], "crop", 50_000_000, True)[0][0]


def plain_opencv(data: bytes, size: tuple[int, int]) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def seeds_way(data: bytes, size: tuple[int, int]) -> np.ndarray:
    import imageio.v2 as imageio
    from skimage.transform import resize

    return resize(imageio.imread(io.BytesIO(data)), (*size, 3))


def rate(fn, blobs: list[bytes], size: tuple[int, int], rounds: int) -> tuple[float, float]:
    """(posters per CPU-second, posters per wall-second), best of `rounds`: CPU time is what one core
    delivers even when other processes share the machine; wall time is what this run saw."""
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for b in blobs:
            fn(b, size)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return len(blobs) / best_cpu, len(blobs) / best_wall


def whole_stage(files: list[Path]) -> tuple[float, int]:
    """downsample_posters on every core, both sizes at once, files read from disk (page cache warm)."""
    import pandas as pd

    from dataset.images import ImageParams, downsample_posters
    from dataset.report import Report, objects

    root = files[0].parent
    df = pd.DataFrame({"imdb_id": objects(f.stem for f in files), "poster_path": objects(f.name for f in files)})
    df["_raw"] = 0
    df["is_oversampled"] = False
    workers = os.cpu_count() or 1
    start, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = downsample_posters(df, [root], ImageParams(sizes=tuple(SIZES), dedupe="keep", workers=workers), Report(),
                             quiet=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    assert out["has_poster"].sum() > 0.99 * len(files)
    return len(files) / elapsed, len(files) / cpu, workers


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds-sample", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N posters (quick runs)")
    args = ap.parse_args()
    if not POSTERS.is_dir():
        print(f"{POSTERS} is absent (real data lives in ../shared beside the checkout); nothing to measure.")
        return 0
    files = sorted(POSTERS.glob("*.jpg"))[: args.limit]
    blobs = [f.read_bytes() for f in files]
    cv2.setNumThreads(1)
    print(f"{len(blobs):,} real posters ({np.mean([len(b) for b in blobs]) / 1024:.1f} KiB mean, "
          f"{cv2.imdecode(np.frombuffer(blobs[0], np.uint8), cv2.IMREAD_COLOR).shape[:2]} px); one core each:")
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; rates are posters per "
          f"CPU-second of one core (best of {args.rounds}), wall rates in brackets")
    for size in SIZES:
        r_ours, w_ours = rate(ours, blobs, size, args.rounds)
        r_png, w_png = rate(ours_png, blobs, size, args.rounds)
        r_cv, w_cv = rate(plain_opencv, blobs, size, args.rounds)
        r_seed, w_seed = rate(seeds_way, blobs[: args.seeds_sample], size, 1)
        goal = GOALS[size]
        print(f"  {size[0]}x{size[1]}: ours {r_ours:,.0f}/s [{w_ours:,.0f}] | ours+png+phash {r_png:,.0f}/s "
              f"[{w_png:,.0f}] | plain opencv {r_cv:,.0f}/s [{w_cv:,.0f}] | seeds (imageio+skimage, "
              f"{min(args.seeds_sample, len(blobs))} posters) {r_seed:,.0f}/s [{w_seed:,.0f}]")
        print(f"      ratios: ours/opencv {r_ours / r_cv:.1f}x, ours/seeds {r_ours / r_seed:.0f}x, "
              f"ours+png/seeds {r_png / r_seed:.0f}x; goal {goal:,}/s/core: decode+resize "
              f"{'met' if r_ours >= goal else 'MISSED'}, with png+phash {'met' if r_png >= goal else 'MISSED'}")
    total, per_cpu, workers = whole_stage(files)
    print(f"whole stage (read + decode once + both sizes + png + phash + dedupe, {workers} processes): "
          f"{total:,.0f} posters/s wall, {per_cpu:,.0f} posters per CPU-second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
