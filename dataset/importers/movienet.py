"""MovieNet CLIP keyframe embeddings (features.npy [N, T, D] + labels.csv imdb_id,genres) → a raw folder.

The embeddings stay one array (`frame_embeddings.npy`, same dtype); each item points at its row
with `frame_embeddings_index`, so the build can memory-map instead of parsing JSON floats.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from dataset.importers.common import BAD_ID, RawWriter, imdb_id_of, item, open_text, require_file
from dataset.report import DatasetError
from dataset.sequences import EMBEDDINGS_FILE

SOURCE = "movienet-clip"


def import_movienet(folder: Path, out: Path, limit: int | None = None) -> dict:
    features = require_file(folder / "features.npy", "embeddings file")
    labels = require_file(folder / "labels.csv", "labels file")
    try:
        array = np.load(features, mmap_mode="r")
    except (ValueError, OSError) as exc:
        raise DatasetError(f"{features} is not a readable .npy array ({exc}).") from None
    if array.ndim != 3:
        raise DatasetError(f"{features} has shape {array.shape}; expected [movies, frames, dims].")
    writer = RawWriter(out, SOURCE, features)
    try:
        with open_text(labels) as fh:  # row i is movie i: a damaged row keeps its place, as an empty one
            rows = list(writer.rows(labels, fh, {"imdb_id"}, "needs an imdb_id column", placeholders=True))
    except BaseException:
        writer.abort()
        raise
    if len(rows) != array.shape[0]:
        writer.abort()
        raise DatasetError(f"{labels} has {len(rows)} rows but {features} has {array.shape[0]} movies; "
                           "they must line up one to one.")
    n = len(rows) if limit is None else min(limit, len(rows))
    try:
        for i, (where, row) in enumerate(rows[:n]):
            if not row:
                continue  # damaged: already counted
            imdb_id = imdb_id_of(row.get("imdb_id"))
            if imdb_id is None:
                writer.skip(BAD_ID, where)
                continue
            genres = [g.strip() for g in (row.get("genres") or "").split("|") if g.strip()]
            record = item(SOURCE, writer.scraped_at, imdb_id=imdb_id, genres=genres)
            record["frame_embeddings_index"] = i
            writer.write(record)
    except BaseException:
        writer.abort()
        raise
    np.save(out / EMBEDDINGS_FILE, np.ascontiguousarray(array[:n]))
    return writer.close({"frame_embeddings_shape": [n, *array.shape[1:]], "dtype": str(array.dtype)})
