"""Pass 0 of the streamed build (`dataset.stream`): every items file → a parquet spill, read back as the
newest copy of each imdb_id in imdb_id order (DuckDB sorts and dedupes out of core), as the load stage's frame.

A file Arrow's streaming JSON reader types in full is spilled typed; a file with any bad line goes through
the exact per-line reader (each bad line reported as file:line) and its rows keep their JSON text.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.raw import FIELDS, IMDB_ID, RAW_SCHEMA, arrow_frame, item_files, records_frame, valid_records
from dataset.report import DatasetError, Report

SPILL_COMPRESSION = "lz4"
LOAD_SCHEMA = pa.schema([*(RAW_SCHEMA.field(f) for f in FIELDS), ("_raw", pa.int32()), ("_seq", pa.int64()),
                         ("_json", pa.binary())])


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


def spill_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
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


def load_spills(raw_dirs: list[Path], spill: Path, report: Report, quiet: bool) -> tuple[list[Path], bool]:
    """One spill per items file; the rows are numbered across files (ties between copies go to the later)."""
    files = [(i, f) for i, d in enumerate(raw_dirs) for f in item_files(Path(d))]
    bar = tqdm(total=sum(f.stat().st_size for _, f in files), unit="B", unit_scale=True, desc="load", disable=quiet)
    out, seq = [], 0
    order = _IdOrder()
    for k, (raw_i, path) in enumerate(files):
        target = spill / f"load-{k:05d}.parquet"
        state = (order.rising, order.last)
        try:
            with spill_writer(target, LOAD_SCHEMA) as writer:
                after = _spill_fast(path, raw_i, seq, writer, order)
        except (pa.ArrowException, OSError, EOFError, ValueError):
            order.rising, order.last = state
            with spill_writer(target, LOAD_SCHEMA) as writer:
                after = _spill_lines(path, raw_i, seq, writer, report, order)
        seq = after
        out.append(target)
        bar.update(path.stat().st_size)
    bar.close()
    if seq == 0:
        where = ", ".join(str(d) for d in raw_dirs)
        raise DatasetError(f"no valid items in {where}; see the warnings above for why each line was skipped.")
    return out, order.rising


def newest_in_id_order(con, files: list[Path], rising: bool, report: Report,
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


def raw_frame(batch: pa.RecordBatch) -> pd.DataFrame:
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


