"""The build in bounded memory: the same stage functions on record batches, the global steps in DuckDB.

Memory follows the batch size, not the input: the rows wait on disk between passes (parquet spills
inside the build folder), and the few steps that need every row run as SQL over those spills with
DuckDB spilling to disk, or on a few bytes per row.

  pass 0  load: each items file → a spill (typed by Arrow's streaming JSON reader; a file with any
          bad line goes through the exact per-line reader and its rows keep their JSON text);
          DuckDB keeps the newest copy of each imdb_id and hands the rows back in imdb_id order.
  pass 1  clean → filter → split, batch by batch → a spill of the kept rows. A stratified split
          needs every row's hash and stratum first (9 bytes a row), so it is decided after the pass.
  between the vocabularies (genres; top-k names fitted on train) in DuckDB over that spill, and the
          oversampling picks from the training genres (one shared-string list a training row).
  pass 2  features → oversample (the flag) → has_poster → trailers → sequences → one spill per split;
          then the picked training rows, flagged, joined out of core by DuckDB in pick order.
  pass 3  publish: the split spills cut into exactly the shards and row groups of `write_splits`.

This module runs the passes and holds passes 1 and 2; pass 0 is `stream_spill.py`, the whole-table steps
in between and after (DuckDB) `stream_sql.py`, pass 3 `stream_publish.py`.

The same rows in the same order reach the same stage code, so the parquet files are byte-identical
to the in-memory build's (tests/dataset/test_stream.py). Poster images (decoded once per file,
pHash groups across titles) still need the whole table: with `--image-size` the build runs in
memory (`dataset.build._in_memory`).
"""
from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.card import draw_plots
from dataset.clean import clean_fields
from dataset.clean_rules import LIST_FIELDS, TEXT_FIELDS
from dataset.features import CATEGORICALS, apply_features, collapse_column, rating_classes
from dataset.filter import VOTES_SKIPPED, filter_titles, nothing_left
from dataset.images import downsample_posters
from dataset.oversample import oversample_genres
from dataset.publish import frame_table, published_columns
from dataset.report import DatasetError, Report, objects
from dataset.schema import COLUMNS
from dataset.sequences import attach_frame_embeddings
from dataset.split import SPLITS, _by_ratio, _stratified, hash_unit, read_splits_file, report_unknown_ids
from dataset.stream_publish import publish_spills
from dataset.stream_spill import load_spills, newest_in_id_order, raw_frame, spill_writer
from dataset.stream_sql import append_copies, fit_labels, oversample_picks, sql_path
from dataset.trailers import extract_trailer_frames

if TYPE_CHECKING:
    from dataset.build import BuildParams

DUCKDB_MEMORY = "768MB"  # DuckDB's own cap; past it, its sorts and joins spill to the build folder
_S, _L, _F32, _F64 = pa.string(), pa.list_(pa.string()), pa.float32(), pa.float64()
CLEAN_SCHEMA = pa.schema(  # the clean stage's columns, as its frame holds them
    [("imdb_id", _S), *((f, _S) for f in TEXT_FIELDS), ("year", pa.int32()), ("runtime_min", _F32), ("rating", _F32),
     ("metascore", _F32), ("votes", pa.int64()), ("content_rating", _S), ("age_band", _S), ("color", _S),
     *((f, _L) for f in LIST_FIELDS), ("budget_usd", _F64), ("gross_usd", _F64), ("poster_path", _S),
     ("poster_sha1", _S), ("frame_embeddings_index", pa.int64()), ("_raw", pa.int32()), ("_pos", pa.int64())])


@dataclass
class Outcome:
    """What an engine hands back to `dataset.build.build`: the rest (build.json, card) is shared."""

    names: list[str]
    written: dict[str, dict]
    labels: dict
    genres_before: dict[str, int]
    genres_after: dict[str, int]
    plot: Callable[[], list[str]]


def streams(params: BuildParams) -> bool:
    """Whether these stages run batch by batch (poster images need the whole table: pHash groups; frame
    embeddings come from a build's few trailers and run the whole-table way)."""
    return not params.images.sizes and not params.sequences.encoder


def run_streamed(raw_dirs: list[Path], tmp: Path, params: BuildParams, report: Report, stage: Callable,
                 quiet: bool) -> Outcome:
    """The stages of `dataset.build` over record batches; the dataset's files land in `tmp`."""
    import duckdb

    spill = tmp / "_spill"
    spill.mkdir()
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.execute(f"SET temp_directory = {sql_path(spill / 'duckdb')}")
    con.execute("SET preserve_insertion_order = false")
    try:
        with stage("load"):
            files, rising = load_spills(raw_dirs, spill, report, quiet)
        kept, codes = _pass1(con, files, rising, spill / "kept.parquet", params, report, stage, quiet)
        with stage("features"):
            labels, has_rating = fit_labels(con, kept, codes, params)
        with stage("oversample"):
            picks = oversample_picks(kept, codes, params)
        split_spills, counts, plot_inputs = _pass2(kept, codes, labels, has_rating, raw_dirs, spill, params, report,
                                                   stage, quiet)
        if params.oversample.method != "none":
            with stage("oversample"):
                append_copies(con, split_spills, picks, counts, plot_inputs[1], report)
        with stage("publish"):
            names = published_columns(params.images.sizes, raw_dirs)
            written = publish_spills(split_spills, counts, names, tmp, params.shard_rows, quiet)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    before, after, ratings = plot_inputs
    return Outcome(names, written, labels, dict(sorted(before.items())), dict(sorted(after.items())),
                   lambda: draw_plots(tmp, dict(sorted(before.items())), after, ratings, None, None))


# pass 1: clean → filter → split -------------------------------------------------------------------------------


def _spill_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Values the spill's types cannot hold are ones no later stage uses (a non-text poster_path means no
    poster; a non-integer embedding index, none)."""
    df = df.copy()
    for name in ("poster_path", "poster_sha1"):
        df[name] = objects([v if isinstance(v, str) else None for v in df[name].tolist()], df.index)
    df["frame_embeddings_index"] = objects(
        [int(v) if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() else None
         for v in df["frame_embeddings_index"].tolist()], df.index)
    return df


def _pass1(con, files: list[Path], rising: bool, target: Path, params: BuildParams, report: Report, stage: Callable,
           quiet: bool) -> tuple[Path, np.ndarray]:
    """Clean, filter and split every batch; returns the spill of kept rows and their split codes (0/1/2).

    Whether the inputs carry vote counts at all is known only at the end: the pass assumes they do
    and, in the rare case that none does, runs again with the vote rule skipped (as the in-memory build)."""
    for votes_known in (True, False):
        part_report = Report(max_quarantine=report.room())
        fparams = params.filter if votes_known else replace(params.filter, min_votes=None)
        reader = newest_in_id_order(con, files, rising, part_report, params.batch_rows)
        codes, any_votes, filtered = _clean_filter_split(reader, target, fparams, votes_known, params, part_report,
                                                         stage, quiet)
        if any_votes or params.filter.min_votes is None or not votes_known:
            break
    if not votes_known:
        params.filter.notes.append(VOTES_SKIPPED)
    report.merge(part_report)
    if not filtered:
        raise DatasetError(nothing_left(report))
    return target, codes


def _clean_filter_split(batches: Iterator[pa.RecordBatch], target: Path, fparams, votes_known: bool, params: BuildParams,
                        report: Report, stage: Callable, quiet: bool) -> tuple[np.ndarray, bool, int]:
    """(split code per kept row, whether any row had a vote count, rows left by the filter)."""
    split = params.split
    given = read_splits_file(Path(split.splits_file)) if split.splits_file is not None else None
    found: set[str] = set()
    codes, hashes, strata = [], [], []
    strata_codes: dict[str, int] = {}
    any_votes, pos, rows_in = False, 0, 0
    bar = tqdm(desc="clean", unit="row", disable=quiet)
    with spill_writer(target, CLEAN_SCHEMA) as writer:
        while True:
            with stage("load"):  # DuckDB's sort runs on the first read
                batch = next(batches, None)
            if batch is None:
                break
            part = Report(max_quarantine=report.room())
            with stage("clean"):
                df = clean_fields(raw_frame(batch), part)
            any_votes = any_votes or bool(df["votes"].notna().any())
            with stage("filter"):
                df = filter_titles(df, fparams, part, votes_known=votes_known)
            with stage("split"):
                rows_in += len(df)
                ids = df["imdb_id"].tolist()
                if given is not None:
                    names = df["imdb_id"].map(given)
                    found.update(i for i in ids if i in given)
                    part.drop("split", "not_in_splits_file", int(names.isna().sum()))
                    df = df[names.notna().to_numpy()].reset_index(drop=True)
                    codes.append(_codes(names.dropna().to_numpy()))
                else:
                    u = hash_unit(ids, split.seed)
                    if split.stratify is None:
                        codes.append(_codes(_by_ratio(u, split.ratios)))
                    else:
                        hashes.append(u)
                        strata.append(np.array([strata_codes.setdefault(s, len(strata_codes))
                                                for s in _strata(df, split.stratify, params)], np.int32))
                df["_pos"] = np.arange(pos, pos + len(df))
                pos += len(df)
                writer.write_table(frame_table(_spill_frame(df), CLEAN_SCHEMA))
            report.merge(part)
            bar.update(len(batch))
    bar.close()
    if given is not None:
        report_unknown_ids(sorted(set(given) - found), split, report)
    if split.stratify is not None and given is None:
        u = np.concatenate(hashes) if hashes else np.zeros(0)
        codes = [_codes(_stratified(u, np.concatenate(strata) if strata else np.zeros(0, np.int32), split.ratios))]
    report.stage_rows("split", rows_in, pos)
    return (np.concatenate(codes) if codes else np.zeros(0, np.int8)), any_votes, rows_in


def _codes(names: np.ndarray) -> np.ndarray:
    return np.select([names == "train", names == "validation"], [0, 1], 2).astype(np.int8)


def _strata(df: pd.DataFrame, stratify: str, params: BuildParams) -> list[str]:
    """A stratum per row, as `assign_splits` forms it (first genre, or the rating class as text)."""
    if stratify == "genre":
        return df["genres"].map(lambda g: g[0] if g else "").tolist()
    values = rating_classes(df["rating"], params.features.rating_bins) if stratify == "rating_class" else df[stratify]
    return values.astype("string").fillna("").tolist()


# pass 2: features → … → sequences -----------------------------------------------------------------------------


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


def _pass2(kept: Path, codes: np.ndarray, labels: dict, has_rating: bool, raw_dirs: list[Path], spill: Path,
           params: BuildParams, report: Report, stage: Callable, quiet: bool):
    """Every later stage per batch → one spill per split; what build.json and the card need is summed on the way."""
    superset = pa.schema([pa.field(n, t) for n, t in COLUMNS])
    paths = {s: spill / f"split-{s}.parquet" for s in SPLITS}
    writers = {s: spill_writer(paths[s], superset) for s in SPLITS}
    counts: dict = {s: 0 for s in SPLITS}
    before: Counter = Counter()  # train genres before oversampling; `after` gains the copies in _copies
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
            with stage("oversample"):  # the flag here; the copies after the pass (_copies)
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


