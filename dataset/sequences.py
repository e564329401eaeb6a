"""Stage 8b: per-movie frame-embedding sequences (seed 003, MovieNet CLIP) at one fixed length T."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dataset.report import Report, objects

STAGE = "sequences"
EMBEDDINGS_FILE = "frame_embeddings.npy"


@dataclass(frozen=True)
class SequenceParams:
    length: int | None = None  # None keeps the stored length
    mode: str = "uniform"  # "uniform" resampling over the whole sequence, or "pad" (trim / zero-pad the end)


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
