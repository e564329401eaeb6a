"""Pass 1 of the streamed build (`dataset.stream`): clean → filter → split, batch by batch, into a spill of
the kept rows. A stratified split needs every row's hash and stratum first (9 bytes a row), so it is
decided after the pass; the rows' split codes travel beside the spill, not in it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from dataset.clean import clean_fields
from dataset.clean_rules import LIST_FIELDS, TEXT_FIELDS
from dataset.features import rating_classes
from dataset.filter import VOTES_SKIPPED, filter_titles, nothing_left
from dataset.publish import frame_table
from dataset.report import DatasetError, Report, objects
from dataset.split import (
    hash_unit,
    read_splits_file,
    report_unknown_ids,
    split_by_ratio,
    split_stratified,
    strata_of,
)
from dataset.stream_spill import newest_in_id_order, raw_frame, spill_writer

if TYPE_CHECKING:
    from dataset.build import BuildParams

_S, _L, _F32, _F64 = pa.string(), pa.list_(pa.string()), pa.float32(), pa.float64()
CLEAN_SCHEMA = pa.schema(  # the clean stage's columns, as its frame holds them
    [("imdb_id", _S), *((f, _S) for f in TEXT_FIELDS), ("year", pa.int32()), ("runtime_min", _F32), ("rating", _F32),
     ("metascore", _F32), ("votes", pa.int64()), ("content_rating", _S), ("age_band", _S), ("color", _S),
     *((f, _L) for f in LIST_FIELDS), ("budget_usd", _F64), ("gross_usd", _F64), ("poster_path", _S),
     ("poster_sha1", _S), ("frame_embeddings_index", pa.int64()), ("_raw", pa.int32()), ("_pos", pa.int64())])


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


def clean_filter_split(con, files: list[Path], rising: bool, target: Path, params: BuildParams, report: Report,
                       stage: Callable, quiet: bool) -> tuple[Path, np.ndarray]:
    """Clean, filter and split every batch; returns the spill of kept rows and their split codes (0/1/2).

    Whether the inputs carry vote counts at all is known only at the end: the pass assumes they do
    and, in the rare case that none does, runs again with the vote rule skipped (as the in-memory build)."""
    for votes_known in (True, False):
        part_report = Report(max_quarantine=report.room())
        fparams = params.filter if votes_known else replace(params.filter, min_votes=None)
        reader = newest_in_id_order(con, files, rising, part_report, params.batch_rows)
        codes, any_votes, filtered = _batches(reader, target, fparams, votes_known, params, part_report, stage, quiet)
        if any_votes or params.filter.min_votes is None or not votes_known:
            break
    if not votes_known:
        params.filter.notes.append(VOTES_SKIPPED)
    report.merge(part_report)
    if not filtered:
        raise DatasetError(nothing_left(report))
    return target, codes


def _batches(batches: Iterator[pa.RecordBatch], target: Path, fparams, votes_known: bool, params: BuildParams,
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
                        codes.append(_codes(split_by_ratio(u, split.ratios)))
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
        codes = [_codes(split_stratified(u, np.concatenate(strata) if strata else np.zeros(0, np.int32), split.ratios))]
    report.stage_rows("split", rows_in, pos)
    return (np.concatenate(codes) if codes else np.zeros(0, np.int8)), any_votes, rows_in


def _codes(names: np.ndarray) -> np.ndarray:
    return np.select([names == "train", names == "validation"], [0, 1], 2).astype(np.int8)


def _strata(df: pd.DataFrame, stratify: str, params: BuildParams) -> np.ndarray:
    """A stratum per row, as `assign_splits` forms it; the rating class is computed here (the whole-table engine
    has its column by then)."""
    classes = rating_classes(df["rating"], params.features.rating_bins) if stratify == "rating_class" else None
    return strata_of(df, stratify, classes)
