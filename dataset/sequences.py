"""Stage 8b: per-movie frame-embedding sequences at one fixed length T: stored ones (seed 003, MovieNet
CLIP, `frame_embeddings.npy`) or, with `encoder`, computed from the trailer stage's frames by a pretrained
image encoder (seed 003's frames → encoder step), so `genres_frames` runs on crawled trailers too."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dataset.report import Report, objects

STAGE = "sequences"
EMBEDDINGS_FILE = "frame_embeddings.npy"


@dataclass(frozen=True)
class SequenceParams:
    length: int | None = field(default=None, metadata={  # None keeps the stored length
        "flag": "--sequence-length", "example": "16",
        "help": "resample frame sequences to this length (default: the stored length)"})
    mode: str = field(default="uniform", metadata={
        "flag": "--sequence-mode", "choices": ("uniform", "pad"), "example": "pad",
        "help": "uniform: resample over the whole sequence; pad: trim or zero-pad the end"})
    encoder: str | None = field(default=None, metadata={  # embed each title's trailer frames (dataset/encoders.py)
        "flag": "--frame-embeddings", "example": "efficientnet-lite0",
        "choices": ("efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"),
        "help": "embed each trailer's frames with this pretrained encoder into a [T, D] frame_embeddings column"})


def fix_length(seq: np.ndarray, length: int, mode: str) -> np.ndarray:
    """[T0, D] → [length, D]: uniform index sampling (keeps the whole film's span) or trim / zero-pad."""
    t0 = seq.shape[0]
    if t0 == length:
        return seq
    if mode == "uniform" and t0 > 0:
        return seq[np.linspace(0, t0 - 1, length).round().astype(int)]
    out = np.zeros((length, seq.shape[1]), dtype=seq.dtype)
    out[:min(t0, length)] = seq[:length]
    return out


def attach_frame_embeddings(df: pd.DataFrame, raw_dirs: list[Path], params: SequenceParams,
                            report: Report) -> pd.DataFrame:
    """Add `frame_embeddings` ([T, D] float32 per row) for rows whose raw folder holds frame_embeddings.npy."""
    index = df["frame_embeddings_index"]
    if index.isna().all():
        return df
    df = df.copy()
    arrays = {}
    for raw_i, d in enumerate(raw_dirs):
        path = Path(d) / EMBEDDINGS_FILE
        if path.is_file():
            arrays[raw_i] = np.load(path, mmap_mode="r")
    out = []
    for idx, raw_i in zip(index.tolist(), df["_raw"].tolist(), strict=True):
        store = arrays.get(raw_i)
        missing = idx is None or pd.isna(idx)  # a typed (Arrow-read) column gives pd.NA, not None
        if missing or store is None or not 0 <= int(idx) < len(store):
            if not missing:
                report.note(STAGE, "embedding_index_out_of_range")
            out.append(None)
            continue
        seq = np.asarray(store[int(idx)], dtype=np.float32)
        out.append(fix_length(seq, params.length or seq.shape[0], params.mode))
    df["frame_embeddings"] = objects(out, df.index)
    return df


def embed_trailer_frames(df: pd.DataFrame, params: SequenceParams, report: Report) -> pd.DataFrame:
    """`frame_embeddings` ([T, D] float32) from each row's `trailer_frames`, T = `length` or the frames kept.

    Replaces stored embeddings where a row has trailer frames (one encoder per column: widths must agree);
    rows without frames get none. Features are cached on disk by frame content, so a rebuild is cheap."""
    if not params.encoder or "trailer_frames" not in df:
        return df
    from dataset import encoders
    from dataset.imaging import decode

    encoders.check_name(params.encoder)
    rows = [i for i, frames in enumerate(df["trailer_frames"].tolist()) if frames is not None and len(frames)]
    if not rows:
        report.note(STAGE, "no_trailer_frames_to_embed")
        return df
    decoded = [[decode(f["bytes"])[:, :, ::-1] for f in df["trailer_frames"].iat[i]] for i in rows]  # BGR → RGB
    shapes = {im.shape for frames in decoded for im in frames}
    if len(shapes) != 1:
        raise ValueError(f"trailer frames have several sizes {sorted(shapes)}; rebuild with one --frame-size")
    flat = np.stack([im for frames in decoded for im in frames])
    vectors = encoders.embed(flat, params.encoder)
    out: list[np.ndarray | None] = [None] * len(df)
    start = 0
    for i, frames in zip(rows, decoded, strict=True):
        seq = vectors[start : start + len(frames)]
        start += len(frames)
        out[i] = fix_length(seq, params.length or len(seq), params.mode)
    if params.length is None and len({len(s) for s in out if s is not None}) > 1:
        longest = max(len(s) for s in out if s is not None)  # one T for the column: the most frames any title kept
        out = [None if s is None else fix_length(s, longest, params.mode) for s in out]
    report.note(STAGE, "titles_with_frame_embeddings", len(rows))
    df = df.copy()
    df["frame_embeddings"] = objects(out, df.index)
    return df
