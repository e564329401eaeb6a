"""Stage 7: posters → one Hugging Face Image column per requested size, decoded once, in parallel.

Each distinct file is read and decoded once (identical bytes share the work); near-identical
posters across different titles (placeholders, re-uploads) are found by 64-bit pHash and, by
default, kept only for the first title. Bad files never stop the build: they are counted per
reason and the row keeps going without a poster (or is dropped with --missing-poster drop).
"""
from __future__ import annotations

import functools
import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from tqdm import tqdm

from dataset.imaging import ImageProblem, process_image, read_media
from dataset.report import Report, objects
from dataset.values import size as parse_size
from dataset.values import unique

STAGE = "images"


@dataclass(frozen=True)
class ImageParams:
    sizes: tuple[tuple[int, int], ...] = field(default=(), metadata={
        "flag": "--image-size", "parse": parse_size, "metavar": "HxW", "finish": unique, "example": "32x32,150x101",
        "help": "poster columns of HEIGHTxWIDTH: a,b or repeated"})
    fit: str = field(default="crop", metadata={  # "crop" (centre-crop to the aspect) or "letterbox"
        "choices": ("crop", "letterbox"), "example": "letterbox", "help": "how a poster meets --image-size"})
    missing: str = field(default="keep", metadata={  # keep the row without a poster, or "drop" it
        "flag": "--missing-poster", "choices": ("keep", "drop"), "example": "drop",
        "help": "a missing or corrupt poster: keep the row without it, or drop it (--require-poster: drop)"})
    # "keep" near-identical posters (counted in build.json), or "drop" them from every title but the first.
    # Not the default: posters made from one template (same layout, other colours and title) hash alike.
    dedupe: str = field(default="keep", metadata={
        "flag": "--poster-duplicates", "choices": ("keep", "drop"), "example": "drop",
        "help": "drop near-identical posters (pHash) from all titles but the first"})
    near_distance: int = field(default=3, metadata={  # pHash bits that may differ for "near-identical"
        "flag": "--poster-near-distance", "example": "5", "help": "pHash bits two near-identical posters may differ by"})
    max_pixels: int = field(default=50_000_000, metadata={
        "example": "100000000", "help": "refuse an image with more pixels than this (a decompression bomb)"})
    workers: int = field(default=0, metadata={  # 0 → every core
        "flag": "--workers", "example": "2", "help": "processes for posters and trailers (0: every core)"})


def column_name(size: tuple[int, int]) -> str:
    return f"poster_{size[0]}x{size[1]}"


def resolve_poster(raw_dir: Path, poster_path: object, root: str | None = None) -> Path:
    """The poster file inside its crawl folder; paths that escape the folder are refused.

    The check here is lexical (normpath); the worker's ``read_media`` then resolves symlinks and refuses
    anything that is not a regular file inside the folder."""
    if not isinstance(poster_path, str) or not poster_path:
        raise ImageProblem("no_poster_path")
    root = root or os.path.abspath(raw_dir)
    full = os.path.normpath(os.path.join(root, poster_path))
    if os.path.isabs(poster_path) or not full.startswith(root + os.sep):
        raise ImageProblem("poster_path_escapes_raw_folder")
    return Path(full)


def _work(job: tuple[str, str, tuple, str, int, bool]) -> tuple[str, list[bytes] | None, int, str]:
    path, root, sizes, fit, max_pixels, want_hash = job
    try:
        data = read_media(path, root, max_pixels * 4 + 1)  # a FIFO, device or link out of the folder: refused
        digest = hashlib.sha1(data).hexdigest()
        pngs, ph = process_image(data, list(sizes), fit, max_pixels, want_hash)
        return digest, pngs, ph, ""
    except ImageProblem as problem:
        return "", None, 0, str(problem)


def _init_worker() -> None:
    cv2.setNumThreads(1)


def run_jobs(jobs: list, workers: int, desc: str, quiet: bool, fn=_work) -> list:
    """Map `fn` over jobs on every core (in-process for one worker or few jobs), in order, with a bar."""
    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=len(jobs), desc=desc, unit="img", disable=quiet)
    if workers == 1 or len(jobs) < 64:
        _init_worker()
        out = []
        for job in jobs:
            out.append(fn(job))
            bar.update()
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
            out = []
            for r in pool.map(fn, jobs, chunksize=max(1, min(256, len(jobs) // (workers * 8)))):
                out.append(r)
                bar.update()
    bar.close()
    return out


@functools.cache
def _popcount_table() -> np.ndarray:
    return np.array([bin(i).count("1") for i in range(1 << 16)], np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per uint64 (numpy ≥ 2 has it built in; a 16-bit table otherwise)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    table = _popcount_table()
    out = np.zeros(len(x), np.uint8)
    for shift in (0, 16, 32, 48):
        out += table[(x >> np.uint64(shift)) & np.uint64(0xFFFF)]
    return out


def _band_pairs(values: np.ndarray, distance: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every pair of distinct hashes that agree exactly on some band and differ in ≤ `distance` bits.

    Pigeonhole: 64 bits cut into distance+1 bands, two hashes within `distance` bits agree on at
    least one band. Within a band, hashes are sorted by the band's bits and each is compared with
    the 1st, 2nd, … next one while the band still matches, so every pair in a bucket is checked
    (not only pairs with the bucket's first hash) and the work is the number of candidate pairs."""
    bands = distance + 1
    widths = [64 // bands + (1 if b < 64 % bands else 0) for b in range(bands)]
    found, shift = [], 0
    for width in widths:
        key = (values >> np.uint64(shift)) & np.uint64((1 << width) - 1)
        shift += width
        order = np.argsort(key, kind="stable")
        key = key[order]
        active = np.flatnonzero(key[1:] == key[:-1])  # positions whose next neighbour shares the band
        step = 1
        while len(active):
            a, b = order[active], order[active + step]
            close = _popcount(values[a] ^ values[b]) <= distance
            if close.any():
                found.append((a[close], b[close]))
            step += 1
            active = active[active + step < len(key)]
            active = active[key[active] == key[active + step]]
    return found


def near_duplicate_groups(hashes: list[int], distance: int) -> list[int]:
    """Group id per hash (the smallest index in its group): hashes linked by chains of ≤ `distance` bits.

    Exact-pair check over all band collisions, then union-find, so the result depends only on the
    hashes and their order (never on bucket order); ~500k hashes take a few seconds."""
    n = len(hashes)
    if n == 0:
        return []
    if distance >= 64:
        return [0] * n
    uniq, inverse = np.unique(np.array(hashes, dtype=np.uint64), return_inverse=True)
    parent = list(range(len(uniq)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if distance >= 0:
        for a, b in _band_pairs(uniq, distance):
            for i, j in zip(a.tolist(), b.tolist(), strict=True):
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(i) for i in range(len(uniq))])[inverse.ravel()]
    first: dict[int, int] = {}  # root → first original index holding it
    return [first.setdefault(r, i) for i, r in enumerate(roots.tolist())]


def downsample_posters(df: pd.DataFrame, raw_dirs: list[Path], params: ImageParams, report: Report,
                       quiet: bool = False) -> pd.DataFrame:
    """Add `has_poster` and one `poster_HxW` column per size; oversampled copies reuse their original's images."""
    df = df.copy()
    has_path = df["poster_path"].map(lambda p: isinstance(p, str) and bool(p)).to_numpy(dtype=bool)
    if not params.sizes:
        df["has_poster"] = has_path
        return df
    n_in = len(df)
    originals = df.loc[~df["is_oversampled"].to_numpy(dtype=bool) & has_path, ["imdb_id", "poster_path", "_raw"]]
    ids, slots, reasons = [], [], {}
    jobs: dict[tuple[str, str], int] = {}  # one job per file: titles sharing a poster file share its decode
    roots = [os.path.abspath(d) for d in raw_dirs]
    for imdb_id, rel, raw in originals.itertuples(index=False):
        try:
            path = str(resolve_poster(Path(raw_dirs[raw]), rel, roots[raw]))
        except ImageProblem as problem:
            reasons[imdb_id] = str(problem)
            continue
        ids.append(imdb_id)
        slots.append(jobs.setdefault((path, roots[raw]), len(jobs)))
    results = run_jobs([(path, root, params.sizes, params.fit, params.max_pixels, True) for path, root in jobs],
                       params.workers, "posters", quiet)
    ok = {}
    for imdb_id, slot in zip(ids, slots, strict=True):
        digest, pngs, ph, reason = results[slot]
        if pngs is None:
            reasons[imdb_id] = reason
        else:
            ok[imdb_id] = (digest, pngs, ph)
    for imdb_id, reason in sorted(reasons.items()):
        report.quarantine(STAGE, imdb_id, reason)
        report.note(STAGE, f"poster_{reason}")
    keep_ids = sorted(ok)
    groups = near_duplicate_groups([ok[i][2] for i in keep_ids], params.near_distance)
    for pos, (imdb_id, g) in enumerate(zip(keep_ids, groups, strict=True)):
        if g != pos:  # a group is named by its first member's position, which is kept
            same = ok[imdb_id][0] == ok[keep_ids[g]][0]
            report.note(STAGE, "poster_identical_to_another_title" if same else "poster_near_identical_to_another_title")
            if params.dedupe == "drop":
                del ok[imdb_id]
    got = df["imdb_id"].map(lambda i: i in ok).to_numpy(dtype=bool)
    df["has_poster"] = got
    for k, size in enumerate(params.sizes):
        name = column_name(size)
        df[name] = objects([({"bytes": ok[i][1][k], "path": f"{i}.png"} if g else None)
                            for i, g in zip(df["imdb_id"].tolist(), got, strict=True)], df.index)
    if params.missing == "drop":
        failed = has_path & ~got & df["imdb_id"].map(lambda i: i in reasons).to_numpy(dtype=bool)
        report.drop(STAGE, "poster_unusable", int(failed.sum()))
        df = df[~failed].reset_index(drop=True)
    report.stage_rows(STAGE, n_in, len(df))
    return df


def decode_png(data: bytes) -> np.ndarray:
    """PNG bytes → RGB array (used by dataset.load and the card's poster grid)."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return img[:, :, ::-1]
