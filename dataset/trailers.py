"""Stage 8a: trailer frames (seed 001) from video files or frame folders, k informative frames in order.

Seed 001 sampled 100 frames per trailer and dropped those whose mean or standard deviation
fell in the lowest 20th percentile (black frames, fades, text cards) before keeping 15.
We sample evenly instead of at random and keep the k survivors evenly spaced, in order,
so a build is reproducible and the frames still cover the whole trailer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from dataset.images import run_jobs
from dataset.imaging import ImageProblem, check_bytes, check_media, decode, encode_png, fit_to, read_media
from dataset.report import Report, objects
from dataset.values import size as parse_size

STAGE = "trailers"
FRAME_EXT = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
VIDEO_EXT = (".mp4", ".webm", ".mkv", ".mov", ".avi")
MAX_PIXELS = 50_000_000  # per frame or video frame, read from the header before decoding


@dataclass(frozen=True)
class TrailerParams:
    samples: int = field(default=100, metadata={  # N frames sampled per trailer
        "flag": "--trailer-samples", "example": "50", "help": "frames sampled per trailer"})
    percentile: float = field(default=20.0, metadata={  # P: drop frames whose mean or std is below this percentile
        "flag": "--trailer-percentile", "example": "10",
        "help": "drop sampled frames whose brightness mean or spread is below this percentile"})
    keep: int = field(default=15, metadata={  # k frames kept, in order
        "flag": "--trailer-frames", "example": "8", "help": "frames kept per trailer, in order"})
    size: tuple[int, int] = field(default=(90, 160), metadata={  # stored frame height x width
        "flag": "--frame-size", "parse": parse_size, "metavar": "HxW", "example": "72x128", "help": "trailer frame HEIGHTxWIDTH"})
    workers: int = field(default=0, metadata={
        "flag": "--workers", "example": "2", "help": "processes for posters and trailers (0: every core)"})


def sample_video(path: Path, n: int) -> list[np.ndarray]:
    """N frames evenly spaced over the video (BGR): seeking when the video is long, else grab() through it."""
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise ImageProblem("unreadable_video")
    if cap.get(cv2.CAP_PROP_FRAME_WIDTH) * cap.get(cv2.CAP_PROP_FRAME_HEIGHT) > MAX_PIXELS:
        cap.release()
        raise ImageProblem("too_many_pixels")
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    frames: list[np.ndarray] = []
    if total <= 0:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
        cap.release()
        return [frames[i] for i in evenly(len(frames), n)]
    if total > 3 * n:  # long video: seek to each wanted frame instead of decoding all of them
        for i in evenly(total, n):
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, frame = cap.read()
            if ok:
                frames.append(frame)
        if len(frames) >= min(n, total) // 2:
            cap.release()
            return frames
        frames = []  # seeking unsupported for this file: fall back to reading through it
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    wanted = set(evenly(total, n))
    for i in range(total):
        if not cap.grab():
            break
        if i in wanted:
            ok, frame = cap.retrieve()
            if ok:
                frames.append(frame)
    cap.release()
    if not frames:
        raise ImageProblem("unreadable_video")
    return frames


def evenly(total: int, n: int) -> list[int]:
    """min(n, total) indices spread evenly over range(total), first and last included."""
    if total <= n:
        return list(range(total))
    return sorted(set(np.linspace(0, total - 1, n).round().astype(int).tolist()))


def informative(frames: list[np.ndarray], percentile: float) -> list[int]:
    """Indices of frames whose mean and std are both at or above the P-th percentile of the trailer."""
    if not frames:
        return []
    means = np.array([f.mean() for f in frames])
    stds = np.array([f.std() for f in frames])
    ok = (means >= np.percentile(means, percentile)) & (stds >= np.percentile(stds, percentile))
    return np.flatnonzero(ok).tolist()


def select_frames(frames: list[np.ndarray], percentile: float, keep: int) -> list[np.ndarray]:
    """The filter then k survivors evenly spaced, in their original order."""
    good = informative(frames, percentile)
    return [frames[good[i]] for i in evenly(len(good), keep)]


def _frame_number(p: Path) -> tuple[int, str]:
    m = re.search(r"(\d+)", p.stem)
    return (int(m.group(1)) if m else -1, p.name)


def _work(job: tuple[str, str, str, int, float, int, tuple[int, int]]) -> tuple[list[bytes] | None, str]:
    kind, path, root, samples, percentile, keep, size = job
    try:
        if kind == "video":  # only a regular file inside the raw folder: a FIFO would block the decoder
            frames = sample_video(Path(check_media(path, root)), samples)
        else:
            files = sorted((p for p in Path(path).iterdir() if p.suffix.lower() in FRAME_EXT), key=_frame_number)
            frames = []
            for i in evenly(len(files), samples):
                try:
                    data = read_media(files[i], root, MAX_PIXELS * 4 + 1)
                    check_bytes(data, MAX_PIXELS)
                    frames.append(decode(data))
                except ImageProblem:
                    continue
        if not frames:
            raise ImageProblem("no_readable_frames")
        chosen = select_frames(frames, percentile, keep)
        return [encode_png(fit_to(f, size[0], size[1], "crop")) for f in chosen], ""
    except ImageProblem as problem:
        return None, str(problem)


def find_trailer(raw_dir: Path, imdb_id: str) -> tuple[str, str] | None:
    """`trailers/<imdb_id>.mp4` (or another video suffix) or a `trailer_frames/<imdb_id>/` folder."""
    for ext in VIDEO_EXT:
        video = raw_dir / "trailers" / f"{imdb_id}{ext}"
        if video.is_file():
            return "video", str(video)
    folder = raw_dir / "trailer_frames" / imdb_id
    return ("frames", str(folder)) if folder.is_dir() else None


def has_trailers(raw_dirs: list[Path]) -> bool:
    """Whether the trailers stage has inputs (then `trailer_frames` is a column of the dataset)."""
    return any((Path(d) / "trailers").is_dir() or (Path(d) / "trailer_frames").is_dir() for d in raw_dirs)


def extract_trailer_frames(df: pd.DataFrame, raw_dirs: list[Path], params: TrailerParams, report: Report,
                           quiet: bool = False) -> pd.DataFrame:
    """Add `trailer_frames` (list of HF Image structs) when any raw folder holds trailers; else unchanged."""
    if not has_trailers(raw_dirs):
        return df
    df = df.copy()
    ids, jobs = [], []
    for imdb_id, raw, copy in df[["imdb_id", "_raw", "is_oversampled"]].itertuples(index=False):
        found = None if copy else find_trailer(Path(raw_dirs[raw]), imdb_id)
        if found:
            ids.append(imdb_id)
            kind, path = found
            jobs.append((kind, path, str(raw_dirs[raw]), params.samples, params.percentile, params.keep, params.size))
    results = run_jobs(jobs, params.workers, "trailers", quiet, fn=_work)
    frames: dict[str, list] = {}
    for imdb_id, (pngs, reason) in zip(ids, results, strict=True):
        if pngs is None:
            report.note(STAGE, f"trailer_{reason}")
            report.quarantine(STAGE, imdb_id, reason)
        else:
            frames[imdb_id] = [{"bytes": b, "path": f"{imdb_id}-{j:02d}.png"} for j, b in enumerate(pngs)]
    report.note(STAGE, "titles_with_trailer_frames", len(frames))
    df["trailer_frames"] = objects([frames.get(i) for i in df["imdb_id"].tolist()], df.index)
    return df
