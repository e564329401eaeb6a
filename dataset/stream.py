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

The same rows in the same order reach the same stage code, so the parquet files are byte-identical
to the in-memory build's (tests/dataset/test_stream.py). Poster images (decoded once per file,
pHash groups across titles) still need the whole table: with `--image-size` the build runs in
memory (`dataset.build._in_memory`).
"""
from __future__ import annotations

import math
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.card import draw_plots
from dataset.clean import LIST_FIELDS, TEXT_FIELDS, clean_fields
from dataset.features import CATEGORICALS, apply_features, collapse_column, rating_classes
from dataset.filter import VOTES_SKIPPED, filter_titles, nothing_left
from dataset.images import downsample_posters
from dataset.oversample import METHODS, _inverse, _seed002, oversample_genres
from dataset.publish import COMPRESSION, COMPRESSION_LEVEL, frame_table, published_columns
from dataset.raw import FIELDS, IMDB_ID, RAW_SCHEMA, arrow_frame, item_files, records_frame, valid_records
from dataset.report import DatasetError, Report, objects
from dataset.schema import COLUMNS, schema_for
from dataset.sequences import attach_frame_embeddings
from dataset.split import SPLITS, _by_ratio, _stratified, hash_unit, read_splits_file, report_unknown_ids
from dataset.trailers import extract_trailer_frames

if TYPE_CHECKING:
    from dataset.build import BuildParams

SPILL_COMPRESSION = "lz4"
DUCKDB_MEMORY = "768MB"  # DuckDB's own cap; past it, its sorts and joins spill to the build folder
LOAD_SCHEMA = pa.schema([*(RAW_SCHEMA.field(f) for f in FIELDS), ("_raw", pa.int32()), ("_seq", pa.int64()),
                         ("_json", pa.binary())])
_S, _L, _F32, _F64 = pa.string(), pa.list_(pa.string()), pa.float32(), pa.float64()
CLEAN_SCHEMA = pa.schema(  # the clean stage's columns, as its frame holds them
    [("imdb_id", _S), *((f, _S) for f in TEXT_FIELDS), ("year", pa.int32()), ("runtime_min", _F32), ("rating", _F32),
     ("metascore", _F32), ("votes", pa.int64()), ("content_rating", _S), ("age_band", _S), ("color", _S),
     *((f, _L) for f in LIST_FIELDS), ("budget_usd", _F64), ("gross_usd", _F64), ("poster_path", _S),
     ("poster_sha1", _S), ("frame_embeddings_index", pa.int64()), ("_raw", pa.int32()), ("_pos", pa.int64())])
ROW_GROUP = 10_000  # write_splits' batch_rows: one row group per 10,000 rows of a shard


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
    con.execute(f"SET temp_directory = {_quoted(spill / 'duckdb')}")
    con.execute("SET preserve_insertion_order = false")
    try:
        with stage("load"):
            files, rising = _load(raw_dirs, spill, report, quiet)
        kept, codes = _pass1(con, files, rising, spill / "kept.parquet", params, report, stage, quiet)
        with stage("features"):
            labels, has_rating = _labels(con, kept, codes, params)
        with stage("oversample"):
            picks = _picks(kept, codes, params)
        split_spills, counts, plot_inputs = _pass2(kept, codes, labels, has_rating, raw_dirs, spill, params, report,
                                                   stage, quiet)
        if params.oversample.method != "none":
            with stage("oversample"):
                _copies(con, split_spills, picks, counts, plot_inputs[1], report)
        with stage("publish"):
            names = published_columns(params.images.sizes, raw_dirs)
            written = _publish(split_spills, counts, names, tmp, params.shard_rows, quiet)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    before, after, ratings = plot_inputs
    return Outcome(names, written, labels, dict(sorted(before.items())), dict(sorted(after.items())),
                   lambda: draw_plots(tmp, dict(sorted(before.items())), after, ratings, None, None))


def _quoted(path: Path) -> str:
    """A path as an SQL string literal (a build folder may have a quote in its name)."""
    return "'" + path.as_posix().replace("'", "''") + "'"


# pass 0: load ------------------------------------------------------------------------------------------------


def _fast_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """Arrow's streaming JSON reader against the declared types; raises on anything the exact path must see."""
    reader = pj.open_json(path, read_options=pj.ReadOptions(block_size=8 << 20),
                          parse_options=pj.ParseOptions(explicit_schema=RAW_SCHEMA, unexpected_field_behavior="ignore"))
    for batch in reader:
        if not batch.num_rows:
            continue
        ids = batch.column("imdb_id")
        if ids.null_count or not pc.all(pc.match_substring_regex(ids, f"^{IMDB_ID.pattern}$")).as_py():
            raise ValueError("an imdb_id is missing or malformed")
        batch.validate(full=True)  # Arrow's JSON reader does not reject every malformed UTF-8 sequence
        yield batch.select(FIELDS)


class _IdOrder:
    """Whether the ids met so far rise strictly: then there is nothing to dedupe or sort (a sorted crawl)."""

    def __init__(self) -> None:
        self.rising, self.last = True, None

    def see(self, ids: pa.Array) -> None:
        if not self.rising or not len(ids):
            return
        if self.last is not None and not ids[0].as_py() > self.last:
            self.rising = False
        elif len(ids) > 1 and not pc.all(pc.less(ids[:-1], ids[1:])).as_py():
            self.rising = False
        self.last = ids[-1].as_py()


def _writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A spill file: read once, soon, by this build; cheap to write rather than small."""
    return pq.ParquetWriter(path, schema, compression=SPILL_COMPRESSION, use_dictionary=False, write_statistics=False)


def _spill_fast(path: Path, raw_i: int, seq: int, writer: pq.ParquetWriter, order: _IdOrder) -> int:
    for batch in _fast_batches(path):
        n = batch.num_rows
        order.see(batch.column("imdb_id"))
        writer.write_batch(pa.RecordBatch.from_arrays(
            [*batch.columns, pa.array(np.full(n, raw_i, np.int32)), pa.array(np.arange(seq, seq + n)),
             pa.nulls(n, pa.binary())], schema=LOAD_SCHEMA))
        seq += n
    return seq


def _spill_lines(path: Path, raw_i: int, seq: int, writer: pq.ParquetWriter, report: Report,
                 order: _IdOrder) -> int:
    """The exact path: every bad line reported as file:line; good lines kept as their JSON text."""
    ids: list[str] = []
    stamps: list[str | None] = []
    lines: list[bytes] = []

    def flush() -> None:
        nonlocal seq
        n = len(ids)
        arrays = {f: pa.nulls(n, RAW_SCHEMA.field(f).type) for f in FIELDS}
        arrays["imdb_id"], arrays["scraped_at"] = pa.array(ids, pa.string()), pa.array(stamps, pa.string())
        order.see(arrays["imdb_id"])
        writer.write_batch(pa.RecordBatch.from_arrays(
            [*(arrays[f] for f in FIELDS), pa.array(np.full(n, raw_i, np.int32)), pa.array(np.arange(seq, seq + n)),
             pa.array(lines, pa.binary())], schema=LOAD_SCHEMA))
        seq += n
        ids.clear(), stamps.clear(), lines.clear()

    for _, line, rec in valid_records(path, report):
        ids.append(rec["imdb_id"])
        stamp = rec.get("scraped_at")
        stamps.append(stamp if isinstance(stamp, str) else None)
        lines.append(line)
        if len(ids) == 20_000:
            flush()
    if ids:
        flush()
    return seq


def _load(raw_dirs: list[Path], spill: Path, report: Report, quiet: bool) -> tuple[list[Path], bool]:
    """One spill per items file; the rows are numbered across files (ties between copies go to the later)."""
    files = [(i, f) for i, d in enumerate(raw_dirs) for f in item_files(Path(d))]
    bar = tqdm(total=sum(f.stat().st_size for _, f in files), unit="B", unit_scale=True, desc="load", disable=quiet)
    out, seq = [], 0
    order = _IdOrder()
    for k, (raw_i, path) in enumerate(files):
        target = spill / f"load-{k:05d}.parquet"
        state = (order.rising, order.last)
        try:
            with _writer(target, LOAD_SCHEMA) as writer:
                after = _spill_fast(path, raw_i, seq, writer, order)
        except (pa.ArrowException, OSError, EOFError, ValueError):
            order.rising, order.last = state
            with _writer(target, LOAD_SCHEMA) as writer:
                after = _spill_lines(path, raw_i, seq, writer, report, order)
        seq = after
        out.append(target)
        bar.update(path.stat().st_size)
    bar.close()
    if seq == 0:
        where = ", ".join(str(d) for d in raw_dirs)
        raise DatasetError(f"no valid items in {where}; see the warnings above for why each line was skipped.")
    return out, order.rising


def _newest_in_id_order(con, files: list[Path], rising: bool, report: Report,
                        batch_rows: int) -> Iterator[pa.RecordBatch]:
    """The newest copy of each imdb_id (latest scraped_at, then the later file and line), in imdb_id order."""
    if rising:  # already one row per id, in order (as raw._newest_perm's None)
        n = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        report.stage_rows("load", n, n)
        return (b for f in files for b in pq.ParquetFile(f).iter_batches(batch_size=batch_rows))
    con.read_parquet([str(f) for f in files]).create_view("loaded")
    [(n_read, n_ids)] = con.sql("SELECT count(*), count(DISTINCT imdb_id) FROM loaded").fetchall()
    report.drop("load", "duplicate_imdb_id_older_copy", n_read - n_ids)
    report.stage_rows("load", n_read, n_ids)
    rows = "loaded" if n_read == n_ids else (
        "(SELECT * FROM loaded WHERE _seq IN (SELECT _seq FROM (SELECT _seq, row_number() OVER (PARTITION BY imdb_id "
        "ORDER BY coalesce(scraped_at, '') DESC, _seq DESC) AS newest FROM loaded) WHERE newest = 1))")
    ordered = con.cursor().sql(f"SELECT * FROM {rows} ORDER BY imdb_id")
    reader = getattr(ordered, "to_arrow_reader", None) or ordered.fetch_arrow_reader  # DuckDB 2 / 1.x
    return iter(reader(batch_rows))


def _raw_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    """A loaded batch as the load stage's frame: typed rows as the fast path has them; a batch holding any
    row of a file read line by line takes the exact path's Python values for every row."""
    table = pa.Table.from_batches([batch]).cast(LOAD_SCHEMA)
    raw = table.column("_raw").to_numpy()
    text = table.column("_json")
    if text.null_count == len(text):
        return arrow_frame(table.select(FIELDS).combine_chunks(), raw)
    typed = table.select(FIELDS).to_pylist()
    recs = [orjson.loads(t) if t is not None else r for t, r in zip(text.to_pylist(), typed, strict=True)]
    return records_frame({f: [r.get(f) for r in recs] for f in FIELDS}, raw.tolist())


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
        reader = _newest_in_id_order(con, files, rising, part_report, params.batch_rows)
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
    with _writer(target, CLEAN_SCHEMA) as writer:
        while True:
            with stage("load"):  # DuckDB's sort runs on the first read
                batch = next(batches, None)
            if batch is None:
                break
            part = Report(max_quarantine=report.room())
            with stage("clean"):
                df = clean_fields(_raw_frame(batch), part)
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


# between the passes: the vocabularies -------------------------------------------------------------------------


def _labels(con, kept: Path, codes: np.ndarray, params: BuildParams) -> tuple[dict, bool]:
    """`features.fit_labels` in SQL over the kept rows: every genre, and per categorical the top-k names of
    the training split with at least min_count rows, most frequent first, ties by name (UTF-8 byte order
    is code point order, as Python sorts)."""
    con.read_parquet(str(kept)).create_view("kept")
    con.register("splits", pa.table({"_pos": np.arange(len(codes)), "split": codes}))
    fp = params.features
    labels: dict = {"rating_bins": list(fp.rating_bins)}
    genres = con.sql("SELECT DISTINCT g FROM (SELECT unnest(genres) AS g FROM kept) WHERE g IS NOT NULL").fetchall()
    labels["genres"] = sorted(g for (g,) in genres)
    [(*categoricals, ratings)] = con.sql(
        "SELECT " + ", ".join(f"count({c})" for c in (*CATEGORICALS, "rating")) + " FROM kept").fetchall()
    for name, n in zip(CATEGORICALS, categoricals, strict=True):
        if not n:
            continue
        rows = con.execute(
            f"SELECT v, count(*) AS c FROM (SELECT unnest(k.{name}) AS v FROM kept k JOIN splits s USING (_pos) "
            "WHERE s.split = 0) GROUP BY v HAVING count(*) >= ? ORDER BY c DESC, v"
            + (" LIMIT ?" if fp.top_k else ""), [fp.min_count, *([fp.top_k] if fp.top_k else [])]).fetchall()
        labels[name] = [v for v, _ in sorted(rows, key=lambda vc: (-vc[1], vc[0]))]
    con.unregister("splits")
    return labels, bool(ratings)


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
    writers = {s: _writer(paths[s], superset) for s in SPLITS}
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


# oversampling: picks from the training genres, copies after pass 2 ----------------------------------------------


def _picks(kept: Path, codes: np.ndarray, params: BuildParams) -> np.ndarray:
    """The training rows `oversample_genres` would copy, in its order, from the training genres alone
    (one list a row, sharing one string per genre: ~100 bytes a training row)."""
    method = params.oversample.method
    if method not in METHODS:
        raise ValueError(f"oversample method {method!r} is not one of {', '.join(METHODS)}")
    if method == "none":
        return np.zeros(0, np.int64)
    genres: list = []
    train = codes == 0
    for batch in pq.ParquetFile(kept).iter_batches(batch_size=params.batch_rows, columns=["genres", "_pos"]):
        rows = pa.array(train[batch.column("_pos").to_numpy()])
        column = batch.column("genres").filter(rows)
        names = pc.list_flatten(column).dictionary_encode()
        shared = names.dictionary.to_pylist()
        values = [shared[i] for i in names.indices.to_numpy().tolist()]
        offsets = column.offsets.to_numpy() - column.offsets[0].as_py()
        valid = column.is_valid().to_numpy(zero_copy_only=False)
        genres.extend(values[offsets[i]:offsets[i + 1]] if valid[i] else None for i in range(len(column)))
    frame = pd.DataFrame({"genres": objects(genres)})
    rng = np.random.default_rng(params.oversample.seed)
    picks = (_seed002 if method == "seed002" else _inverse)(frame, params.oversample, rng)
    return np.asarray(picks, dtype=np.int64)


def _copies(con, paths: dict[str, list[Path]], picks: np.ndarray, counts: dict, after: dict[str, int],
            report: Report) -> None:
    """Append the picked training rows, flagged and without trailer frames (as `oversample_genres` then
    `extract_trailer_frames` leave them), to the training spill in pick order: DuckDB joins them out of core."""
    n = sum(counts[s] for s in SPLITS)
    report.note("oversample", "training_copies_added", len(picks))
    report.stage_rows("oversample", n, n + len(picks))
    if not len(picks):
        return
    train = paths["train"][0]
    con.register("oversample_picks", pa.table({"k": np.arange(len(picks)), "i": picks}))
    query = con.sql(
        f"SELECT t.* EXCLUDE (file_row_number) FROM read_parquet({_quoted(train)}, file_row_number = true) t "
        "JOIN oversample_picks p ON t.file_row_number = p.i ORDER BY p.k")
    reader = getattr(query, "to_arrow_reader", None) or query.fetch_arrow_reader
    copies = train.with_name("copies-train.parquet")
    superset = pq.read_schema(train)
    with _writer(copies, superset) as writer:
        for batch in reader(ROW_GROUP):
            table = pa.Table.from_batches([batch]).cast(superset)
            table = table.set_column(superset.get_field_index("is_oversampled"), "is_oversampled",
                                     pa.array(np.ones(table.num_rows, bool)))
            field = superset.get_field_index("trailer_frames")
            table = table.set_column(field, "trailer_frames", pa.nulls(table.num_rows, superset.field(field).type))
            for value in pc.value_counts(pc.list_flatten(table.column("genres"))).to_pylist():
                after[value["values"]] = after.get(value["values"], 0) + value["counts"]
            writer.write_table(table)
    con.unregister("oversample_picks")
    paths["train"].append(copies)
    counts["train"] += len(picks)


# pass 3: publish ----------------------------------------------------------------------------------------------


def _row_groups(total: int, shard_rows: int) -> Iterator[tuple[int, int, int]]:
    """(shard, shards, rows) for each row group `write_splits` writes: 10,000-row groups from each shard's start."""
    shards = math.ceil(total / shard_rows)
    for i in range(shards):
        left = min(shard_rows, total - i * shard_rows)
        while left:
            rows = min(ROW_GROUP, left)
            yield i, shards, rows
            left -= rows


def _cut(batches: Iterator[pa.RecordBatch], sizes: Iterator[int]) -> Iterator[pa.Table]:
    """Re-cut a stream of batches into tables of the given sizes (each one contiguous, as to_arrow makes it)."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for size in sizes:
        while held < size:
            batch = next(batches)
            pending.append(batch)
            held += batch.num_rows
        table = pa.Table.from_batches(pending)
        yield table.slice(0, size).combine_chunks()
        rest = table.slice(size)
        pending, held = rest.to_batches(), rest.num_rows


def _publish(paths: dict[str, list[Path]], counts: dict[str, int], names: list[str], out_dir: Path, shard_rows: int,
             quiet: bool) -> dict[str, dict]:
    """The split spills → data/{split}-{i:05d}-of-{n:05d}.parquet, byte for byte what write_splits writes."""
    schema = schema_for(names)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict] = {}
    bar = tqdm(total=sum(counts.values()), desc="publish", unit="row", disable=quiet)
    for split in SPLITS:
        if not counts[split]:
            continue
        groups = list(_row_groups(counts[split], shard_rows))
        batches = (b for f in paths[split] for b in pq.ParquetFile(f).iter_batches(batch_size=ROW_GROUP, columns=names))
        tables = _cut(batches,
                      iter([rows for _, _, rows in groups]))
        files, oversampled, writer, current = [], 0, None, -1
        try:
            for (shard, shards, _), table in zip(groups, tables, strict=True):
                if shard != current:
                    if writer is not None:
                        writer.close()
                    path = data / f"{split}-{shard:05d}-of-{shards:05d}.parquet"
                    writer = pq.ParquetWriter(path, schema, compression=COMPRESSION,
                                              compression_level=COMPRESSION_LEVEL, write_statistics=True)
                    files.append(str(path.relative_to(out_dir)))
                    current = shard
                table = pa.Table.from_arrays(table.columns, schema=schema)
                oversampled += pc.sum(table.column("is_oversampled")).as_py() or 0
                writer.write_table(table, row_group_size=ROW_GROUP)
                bar.update(table.num_rows)
        finally:
            if writer is not None:
                writer.close()
        written[split] = {"rows": counts[split], "files": files, "oversampled": int(oversampled)}
    bar.close()
    return written
