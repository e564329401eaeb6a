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

This module runs the passes, one module each: pass 0 `stream_spill.py`, pass 1 `stream_clean.py`, the
whole-table steps between and after (DuckDB) `stream_sql.py`, pass 2 `stream_stages.py`, pass 3
`stream_publish.py`.

The same rows in the same order reach the same stage code, so the parquet files are byte-identical
to the in-memory build's (tests/dataset/test_stream.py). Poster images (decoded once per file,
pHash groups across titles) still need the whole table: with `--image-size` the build runs in
memory (`dataset.build._in_memory`).
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dataset.card import draw_plots
from dataset.publish import published_columns
from dataset.report import Report
from dataset.stream_clean import clean_filter_split
from dataset.stream_publish import publish_spills
from dataset.stream_spill import load_spills
from dataset.stream_sql import append_copies, fit_labels, oversample_picks, sql_path
from dataset.stream_stages import later_stages

if TYPE_CHECKING:
    from dataset.build import BuildParams

DUCKDB_MEMORY = "768MB"  # DuckDB's own cap; past it, its sorts and joins spill to the build folder

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
        kept, codes = clean_filter_split(con, files, rising, spill / "kept.parquet", params, report, stage, quiet)
        with stage("features"):
            labels, has_rating = fit_labels(con, kept, codes, params)
        with stage("oversample"):
            picks = oversample_picks(kept, codes, params)
        split_spills, counts, plot_inputs = later_stages(kept, codes, labels, has_rating, raw_dirs, spill, params,
                                                          report, stage, quiet)
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
