"""The fast path from a published dataset to numpy: `load(path, split, columns)` and `info(path)`."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dataset.images import decode_png
from dataset.report import DatasetError
from dataset.schema import POSTER
from dataset.split import split_name


def info(path: str | Path) -> dict:
    """build.json of a published dataset."""
    file = Path(path) / "build.json"
    if not file.is_file():
        raise DatasetError(f"{path} is not a published dataset (no build.json); build one with "
                           "`python -m dataset build`.")
    return json.loads(file.read_text(encoding="utf-8"))


def _read(path: Path, split: str, columns: list[str] | None) -> pa.Table:
    files = sorted((path / "data").glob(f"{split}-*.parquet"))
    if not files:
        raise DatasetError(f"{path} has no {split!r} split (found: "
                           f"{sorted({p.name.split('-')[0] for p in (path / 'data').glob('*.parquet')})}).")
    tables = []
    for f in files:
        try:
            tables.append(pq.read_table(f, columns=columns))
        except (pa.ArrowInvalid, OSError) as exc:
            raise DatasetError(f"cannot read {f}: {exc}") from None
    return pa.concat_tables(tables)


def _images(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    values = col.to_pylist()
    first = next((v for v in values if v), None)
    if first is None:
        return np.zeros((len(values), 0, 0, 3), np.uint8), np.zeros(len(values), bool)
    h, w = decode_png(first["bytes"]).shape[:2]
    out = np.zeros((len(values), h, w, 3), np.uint8)
    mask = np.zeros(len(values), bool)
    for i, v in enumerate(values):
        if v:
            out[i] = decode_png(v["bytes"])
            mask[i] = True
    return out, mask


def _frames(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    values = col.to_pylist()
    first = next((f[0] for f in values if f), None)
    k = max((len(f) for f in values if f), default=0)
    if first is None:
        return np.zeros((len(values), 0, 0, 0, 3), np.uint8), np.zeros((len(values), 0), bool)
    h, w = decode_png(first["bytes"]).shape[:2]
    out = np.zeros((len(values), k, h, w, 3), np.uint8)
    mask = np.zeros((len(values), k), bool)
    for i, frames in enumerate(values):
        for j, f in enumerate(frames or ()):
            out[i, j] = decode_png(f["bytes"])
            mask[i, j] = True
    return out, mask


def _embeddings(col: pa.ChunkedArray) -> np.ndarray:
    arr = col.combine_chunks()
    n = len(arr)
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False))
    lengths = arr.value_lengths().fill_null(0).to_numpy()
    t = int(lengths.max()) if n else 0
    inner = arr.flatten()
    d = int(inner.value_lengths().to_numpy().max()) if len(inner) else 0
    out = np.zeros((n, t, d), np.float32)
    flat = inner.flatten().to_numpy()
    if len(flat) and (lengths[valid] == t).all():
        out[valid] = flat.reshape(-1, t, d)
    else:
        rows = arr.to_pylist()
        for i, r in enumerate(rows):
            if r:
                out[i, :len(r)] = np.asarray(r, np.float32)
    return out


def load(path: str | Path, split: str, columns: list[str] | None = None) -> dict[str, np.ndarray]:
    """One split (`train`, `validation` — alias `val` — or `test`) as numpy arrays (Contract 2): scalars 1-D (NaN for null floats, object strings), lists as
    object arrays of lists, `genres_multi_hot` [N, G] uint8, images [N, H, W, 3] uint8 with `<col>_mask`,
    `trailer_frames` [N, k, H, W, 3], `frame_embeddings` [N, T, D] float32."""
    path = Path(path)
    split = split_name(split) or split  # `val` is `validation`
    meta = info(path)
    want_multi_hot = columns is None or "genres_multi_hot" in columns
    read_cols = None
    if columns is not None:
        read_cols = [c for c in columns if c != "genres_multi_hot"]
        if "genres_multi_hot" in columns and "genres" not in read_cols:
            read_cols.append("genres")
        unknown = sorted(set(read_cols) - set(meta["columns"]))
        if unknown:
            raise DatasetError(f"{path} has no column(s) {', '.join(unknown)}; it has: {', '.join(meta['columns'])}.")
    table = _read(path, split, read_cols)
    out: dict[str, np.ndarray] = {}
    for name in table.column_names:
        col = table.column(name)
        t = col.type
        if POSTER.match(name):
            out[name], out[f"{name}_mask"] = _images(col)
        elif name == "trailer_frames":
            out[name], out["trailer_frames_mask"] = _frames(col)
        elif name == "frame_embeddings":
            out[name] = _embeddings(col)
        elif pa.types.is_list(t) or pa.types.is_string(t):
            out[name] = np.array(col.to_pylist() + [None], dtype=object)[:-1]
        elif pa.types.is_floating(t):
            out[name] = col.to_numpy().astype(t.to_pandas_dtype())
        elif pa.types.is_boolean(t):
            out[name] = col.fill_null(False).to_numpy()
        elif col.null_count:
            out[name] = col.cast(pa.float64()).to_numpy()  # ints with nulls → float with NaN
        else:
            out[name] = col.to_numpy()
    if want_multi_hot and "genres" in table.column_names:
        vocab = meta["labels"]["genres"]
        index = {g: i for i, g in enumerate(vocab)}
        multi = np.zeros((table.num_rows, len(vocab)), np.uint8)
        for i, lst in enumerate(out["genres"]):
            for g in lst or ():
                if g in index:
                    multi[i, index[g]] = 1
        out["genres_multi_hot"] = multi
        if columns is not None and "genres" not in columns:
            del out["genres"]
    return out
