"""Stage 9: parquet shards per split, written in batches against the declared schema, byte-reproducible.

Reproducible because rows arrive in a fixed order, the Arrow schema is declared (no pandas
metadata), the codec and level are fixed and nothing time-dependent is written into a file.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.images import column_name
from dataset.schema import COLUMNS, MEDIA, ordered, schema_for
from dataset.sequences import EMBEDDINGS_FILE
from dataset.split import SPLITS
from dataset.trailers import has_trailers

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1


def published_columns(poster_sizes: tuple[tuple[int, int], ...], raw_dirs: list[Path],
                      frame_encoder: str | None = None) -> list[str]:
    """Contract 2's columns for a build: every column always (null-filled where no row has a value, so
    two builds share one schema), media columns by flag: a poster column per `--image-size`,
    `trailer_frames` when a raw folder holds trailers, `frame_embeddings` when one holds the embeddings file
    or `--frame-embeddings ENCODER` embeds the trailers' frames."""
    names = {name for name, _ in COLUMNS if name not in MEDIA}
    names.update(column_name(size) for size in poster_sizes)
    if has_trailers(raw_dirs):
        names.add("trailer_frames")
    if any((Path(d) / EMBEDDINGS_FILE).is_file() for d in raw_dirs) or (frame_encoder and has_trailers(raw_dirs)):
        names.add("frame_embeddings")
    return ordered(names)


def _embeddings(values: list) -> pa.Array:
    """[T, D] arrays (or None) → list<list<float32>> built from offsets, not element by element."""
    valid = np.array([v is not None for v in values], dtype=bool)
    rows = [np.asarray(v, np.float32) for v in values if v is not None]
    if not rows:
        return pa.nulls(len(values), pa.list_(pa.list_(pa.float32())))
    widths = np.concatenate([np.full(r.shape[0], r.shape[1], np.int64) for r in rows])
    flat = pa.array(np.concatenate([r.ravel() for r in rows]), pa.float32())
    inner = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(widths)]), pa.int32()), flat)
    lengths = np.zeros(len(values), np.int64)
    lengths[valid] = [r.shape[0] for r in rows]
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]), pa.int32())
    return pa.ListArray.from_arrays(offsets, inner, mask=pa.array(~valid))




def frame_table(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Stage-frame columns → a table of `schema` (Python objects where the type does not fit become null)."""
    arrays = []
    for field in schema:
        name, t = field.name, field.type
        if name not in df:  # a column no stage made for these rows: all null, of its declared type
            arrays.append(pa.nulls(len(df), t))
            continue
        col = df[name]
        if name == "frame_embeddings":
            arrays.append(_embeddings(col.tolist()))
        elif pa.types.is_list(t) or pa.types.is_struct(t):
            arrays.append(pa.array([v if isinstance(v, list | dict) else None for v in col.tolist()], t))
        elif pa.types.is_string(t):
            arrays.append(pa.array([v if isinstance(v, str) else None for v in col.tolist()], t))
        else:
            arrays.append(pa.array(col, type=t, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_splits(df: pd.DataFrame, out_dir: Path, names: list[str], shard_rows: int = 100_000,
                 batch_rows: int = 10_000, quiet: bool = False) -> dict[str, dict]:
    """data/{split}-{i:05d}-of-{n:05d}.parquet (columns `names`) for every non-empty split; returns rows and
    files per split."""
    schema = schema_for(names)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict] = {}
    bar = tqdm(total=len(df), desc="publish", unit="row", disable=quiet)
    for split in SPLITS:
        part = df[df["split"] == split]
        if part.empty:
            continue
        n = math.ceil(len(part) / shard_rows)
        files = []
        for i in range(n):
            shard = part.iloc[i * shard_rows:(i + 1) * shard_rows]
            path = data / f"{split}-{i:05d}-of-{n:05d}.parquet"
            with pq.ParquetWriter(path, schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
                                  write_statistics=True) as writer:
                for start in range(0, len(shard), batch_rows):
                    batch = shard.iloc[start:start + batch_rows]
                    writer.write_table(frame_table(batch, schema), row_group_size=batch_rows)
                    bar.update(len(batch))
            files.append(str(path.relative_to(out_dir)))
        written[split] = {"rows": len(part), "files": files,
                          "oversampled": int(part["is_oversampled"].sum())}
    bar.close()
    return written


def add_sizes(out_dir: Path, written: dict[str, dict]) -> None:
    """Per split, `num_bytes` (the data uncompressed, as the parquet footers count it) and `download_size`
    (the files on disk): the card's dataset_info needs both, or `datasets` warns on every load."""
    for info in written.values():
        metas = [pq.ParquetFile(out_dir / f).metadata for f in info["files"]]
        info["num_bytes"] = sum(m.row_group(i).total_byte_size for m in metas for i in range(m.num_row_groups))
        info["download_size"] = sum((out_dir / f).stat().st_size for f in info["files"])


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
