"""Pass 2 of the streamed build (`dataset.stream`): features → oversample (the flag) → has_poster → trailers
→ sequences on each batch of the kept rows, into one spill per split; the categoricals are collapsed in
Arrow and the columns no later stage changes go from the spill to the output untouched.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.features import CATEGORICALS, apply_features, collapse_column
from dataset.images import downsample_posters
from dataset.oversample import oversample_genres
from dataset.publish import frame_table
from dataset.report import Report, objects
from dataset.schema import COLUMNS
from dataset.sequences import attach_frame_embeddings
from dataset.split import SPLITS
from dataset.stream_spill import spill_writer
from dataset.trailers import extract_trailer_frames

if TYPE_CHECKING:
    from dataset.build import BuildParams

# The columns the stages after the split read; the rest go from the spill to the output as Arrow, untouched.
# (the categoricals are collapsed in Arrow, `features.collapse_column`, and the genres counted there).
READ = ("imdb_id", "rating", "description", "poster_path", "frame_embeddings_index", "_raw", "_pos")
READ_ONLY = ("imdb_id", "rating", "description", "poster_path")  # read, never changed: kept as Arrow


def _clean_frame(table: pa.Table, names: tuple[str, ...]) -> pd.DataFrame:
    """Columns of a spilled batch as the clean stage's frame has them (objects, nullable ints, float32)."""
    columns = {}
    for name in names:
        col = table.column(name)
        if name in ("year", "votes"):
            columns[name] = pd.Series(pd.array(col.to_pylist(), dtype="Int32" if name == "year" else "Int64"))
        elif pa.types.is_floating(col.type) or name in ("_raw", "_pos"):
            columns[name] = pd.Series(col.to_numpy())
        else:
            columns[name] = objects(col.to_pylist())
    return pd.DataFrame(columns)


def _output(df: pd.DataFrame, table: pa.Table, mask: np.ndarray, superset: pa.Schema) -> pa.Table:
    """One split's rows of a batch: columns the stages made or changed converted from the frame, the others
    taken from `table` (the spilled batch, its categoricals collapsed: the clean stage's values)."""
    made = [f for f in superset if f.name in df and f.name not in READ_ONLY]
    converted = frame_table(df.loc[mask, [f.name for f in made]], pa.schema(made))
    rows = pa.array(np.flatnonzero(mask))
    arrays = []
    for field in superset:
        if field.name in converted.column_names:
            arrays.append(converted.column(field.name))
        elif field.name in table.column_names:
            arrays.append(table.column(field.name).take(rows))
        else:
            arrays.append(pa.nulls(len(rows), field.type))
    return pa.Table.from_arrays(arrays, schema=superset)


def later_stages(kept: Path, codes: np.ndarray, labels: dict, has_rating: bool, raw_dirs: list[Path], spill: Path,
                 params: BuildParams, report: Report, stage: Callable, quiet: bool):
    """Every later stage per batch → one spill per split; what build.json and the card need is summed on the way."""
    superset = pa.schema([pa.field(n, t) for n, t in COLUMNS])
    paths = {s: spill / f"split-{s}.parquet" for s in SPLITS}
    writers = {s: spill_writer(paths[s], superset) for s in SPLITS}
    counts: dict = {s: 0 for s in SPLITS}
    before: Counter = Counter()  # train genres before oversampling; `after` gains the copies in stream_sql.append_copies
    after: dict[str, int] = {}
    ratings: list[np.ndarray] = []
    names = np.array(SPLITS, dtype=object)
    bar = tqdm(total=len(codes), desc="features", unit="row", disable=quiet)
    try:
        for batch in pq.ParquetFile(kept).iter_batches(batch_size=params.batch_rows):
            part = Report(max_quarantine=report.room())
            table = pa.Table.from_batches([batch])
            df = _clean_frame(table, tuple(c for c in READ if c != "description" or params.features.yake_keywords))
            pos = df["_pos"].to_numpy()
            df["split"] = names[codes[pos]]
            train = pa.array((df["split"] == "train").to_numpy())
            with stage("features"):
                table = _collapse(table, labels, part)
                df = apply_features(df, params.features, {}, part, has_rating=has_rating)
                part.stage_rows("features", len(df), len(df))
            train_genres = pc.list_flatten(table.column("genres").combine_chunks().filter(train))
            for value in pc.value_counts(train_genres).to_pylist():  # in order of first appearance
                before[value["values"]] += value["counts"]
                after[value["values"]] = after.get(value["values"], 0) + value["counts"]
            with stage("oversample"):  # the flag here; the copies after the pass (stream_sql.append_copies)
                df = oversample_genres(df, replace(params.oversample, method="none"), part)
            with stage("images"):
                df = downsample_posters(df, raw_dirs, params.images, part, quiet=True)
            with stage("trailers"):
                df = extract_trailer_frames(df, raw_dirs, params.trailers, part, quiet=True)
            with stage("sequences"):
                df = attach_frame_embeddings(df, raw_dirs, params.sequences, part)
            if not np.array_equal(df["_pos"].to_numpy(), pos):
                raise AssertionError("a streamed stage added, removed or reordered rows")
            with stage("publish"):
                ratings.append(df.loc[~df["is_oversampled"].to_numpy(dtype=bool), "rating"].dropna().to_numpy("float64"))
                for s in SPLITS:
                    mask = (df["split"] == s).to_numpy()
                    if mask.any():
                        writers[s].write_table(_output(df, table, mask, superset))
                        counts[s] += int(mask.sum())
            report.merge(part)
            bar.update(len(df))
    finally:
        for writer in writers.values():
            writer.close()
        bar.close()
    return {s: [path] for s, path in paths.items()}, counts, (before, after, np.concatenate(ratings) if ratings else np.zeros(0))


def _collapse(table: pa.Table, labels: dict, report: Report) -> pa.Table:
    """The categoricals collapsed to their train-fitted vocabularies, as `apply_features` does per row."""
    for name in CATEGORICALS:
        if name in labels:
            column, collapsed = collapse_column(table.column(name).combine_chunks(), labels[name])
            report.note("features", f"{name}_values_collapsed_to_other", collapsed)
            table = table.set_column(table.schema.get_field_index(name), name, column)
    return table
