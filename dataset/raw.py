"""Stage 1: load raw crawl folders (Contract 1) into one DataFrame, newest copy of each title wins.

Named raw.py, not load.py: a submodule `dataset.load` would shadow the public `dataset.load()` function."""
from __future__ import annotations

import gzip
import re
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
from tqdm import tqdm

from dataset.report import DatasetError, Report, objects

IMDB_ID = re.compile(r"tt[0-9]{7,8}")  # Contract 1: tt + 7-8 ASCII digits; Arrow's RE2 reads it alike

STAGE = "load"
FIELDS = [
    "imdb_id", "url", "title", "original_title", "title_type", "year", "release_date", "runtime_min",
    "rating", "votes", "metascore", "content_rating", "genres", "countries", "languages", "color",
    "directors", "writers", "actors", "keywords", "description", "budget", "gross_worldwide",
    "poster_url", "poster_path", "poster_sha1", "trailer_urls", "scraped_at", "source",
    "frame_embeddings_index",
]
_S, _L = pa.string(), pa.list_(pa.string())
_MONEY = pa.struct([("amount", pa.float64()), ("currency", pa.string())])
RAW_SCHEMA = pa.schema(
    [(f, _S) for f in ("imdb_id", "url", "title", "original_title", "title_type", "release_date", "content_rating",
                       "color", "description", "poster_url", "poster_path", "poster_sha1", "scraped_at", "source")]
    + [(f, _L) for f in ("genres", "countries", "languages", "directors", "writers", "actors", "keywords",
                         "trailer_urls")]
    + [("year", pa.int64()), ("runtime_min", pa.float64()), ("rating", pa.float64()), ("votes", pa.int64()),
       ("metascore", pa.float64()), ("budget", _MONEY), ("gross_worldwide", _MONEY),
       ("frame_embeddings_index", pa.int64())])
ITEM_GLOBS = ("items.jsonl", "items.jsonl.gz", "items-*.jsonl", "items-*.jsonl.gz")


def is_imdb_id(value: object) -> bool:
    """Contract 1's id test, one definition for the line reader, the Arrow fast path and every importer."""
    return isinstance(value, str) and IMDB_ID.fullmatch(value) is not None


def item_files(raw_dir: Path) -> list[Path]:
    """The items files of one raw folder, in a fixed order; a clear error when there are none."""
    if not raw_dir.is_dir():
        raise DatasetError(f"raw folder {raw_dir} does not exist; pass a crawl output folder to --raw.")
    files = sorted({p for pattern in ITEM_GLOBS for p in raw_dir.glob(pattern) if p.is_file()})
    if not files:
        raise DatasetError(
            f"raw folder {raw_dir} has no items.jsonl, items.jsonl.gz or items-*.jsonl[.gz]; point --raw at a "
            "crawl output folder or create one with `python -m dataset import ...`."
        )
    return files


def _lines(path: Path, report: Report):
    """Yield (line_number, bytes); a truncated gzip keeps every line read before the cut."""
    if path.suffix != ".gz":
        with open(path, "rb") as fh:
            yield from enumerate(fh, start=1)
        return
    n = 0
    try:
        with gzip.open(path, "rb") as fh:
            for n, line in enumerate(fh, start=1):
                yield n, line
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        kind = "is truncated" if isinstance(exc, EOFError) else f"is not a valid gzip file ({exc})"
        report.drop(STAGE, "truncated_gzip")
        report.quarantine(STAGE, f"{path}:{n + 1}", f"{path.name} {kind}; kept the {n} lines before it")
        tqdm.write(f"warning: {path} {kind}; kept the {n} lines read before the damage — re-copy the file.", file=sys.stderr)


def _parse(line: bytes) -> tuple[dict | None, str]:
    """One JSONL line → (record, '') or (None, reason)."""
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return None, "invalid UTF-8"
        return None, f"not JSON ({str(exc).split(':')[0]})"
    if not isinstance(rec, dict):
        return None, "not a JSON object"
    imdb_id = rec.get("imdb_id")
    if not is_imdb_id(imdb_id):
        return None, f"no valid imdb_id (got {str(imdb_id)[:20]!r})"
    return rec, ""


def _arrow_table(path: Path) -> pa.Table | None:
    """Fast path: the whole file parsed by Arrow's multithreaded JSON reader against the declared types.
    None when anything is off (bad line, wrong type, truncated gzip, invalid id): the exact per-line
    path then finds, reports and skips each bad line."""
    try:
        table = pj.read_json(path, read_options=pj.ReadOptions(block_size=8 << 20),
                             parse_options=pj.ParseOptions(explicit_schema=RAW_SCHEMA,
                                                           unexpected_field_behavior="ignore"))
        ids = table.column("imdb_id")
        if ids.null_count or not pc.all(pc.match_substring_regex(ids, f"^{IMDB_ID.pattern}$")).as_py():
            return None
        table.validate(full=True)  # Arrow's JSON reader does not reject every malformed UTF-8 sequence
        return table.select(FIELDS)
    except (pa.ArrowException, OSError, EOFError, ValueError):
        return None


def _from_arrow(tables: list[tuple[int, pa.Table]]) -> pd.DataFrame:
    """Arrow tables → the stage frame: numbers stay numeric, text and lists stay Arrow-backed for clean."""
    table = pa.concat_tables([t for _, t in tables]).combine_chunks()
    raw = np.concatenate([np.full(t.num_rows, i, np.int32) for i, t in tables])
    perm = _newest_perm(table.column("imdb_id").combine_chunks(),
                        pc.fill_null(table.column("scraped_at"), "").combine_chunks())
    if perm is not None:  # one Arrow take of the whole table beats a pandas take per column
        table, raw = table.take(pa.array(perm)), raw[perm]
    return arrow_frame(table, raw)


def arrow_frame(table: pa.Table, raw: np.ndarray) -> pd.DataFrame:
    """Typed rows (FIELDS) → the stage frame; also how the streamed build (dataset/stream.py) reads a batch."""
    columns = {}
    for name in FIELDS:
        col = table.column(name)
        if pa.types.is_floating(col.type):
            columns[name] = pd.Series(col.to_numpy(), dtype="float64")
        elif pa.types.is_integer(col.type):  # exact: to_pandas() goes through float64 where a value is null
            values = pc.fill_null(col, 0).to_numpy().astype("int64")
            columns[name] = pd.Series(pd.arrays.IntegerArray(values, col.is_null().to_numpy(zero_copy_only=False)))
        else:
            columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(col))
    df = pd.DataFrame(columns)
    df["_raw"] = raw
    return df


def _read_lines(files: list[tuple[int, Path]], report: Report, bar: tqdm) -> pd.DataFrame:
    """Exact path: one line at a time, each bad line reported as file:line, skipped and counted."""
    columns: dict[str, list] = {f: [] for f in FIELDS}
    raw_index: list[int] = []

    def flush(chunk: list[dict], raw_i: int) -> None:
        for f in FIELDS:  # one comprehension per field beats 30 appends per record
            columns[f].extend([r.get(f) for r in chunk])
        raw_index.extend([raw_i] * len(chunk))
        chunk.clear()

    for raw_i, path in files:
        chunk: list[dict] = []
        done = 0
        for size, _, rec in valid_records(path, report):
            done += size
            chunk.append(rec)
            if len(chunk) == 20_000:
                flush(chunk, raw_i)
                bar.update(done)
                done = 0
        flush(chunk, raw_i)
        bar.update(done)
    return records_frame(columns, raw_index)


def valid_records(path: Path, report: Report) -> Iterator[tuple[int, bytes, dict]]:
    """(bytes read for it, line, record) per valid line of an items file; each bad line reported and skipped."""
    done = 0
    for lineno, line in _lines(path, report):
        done += len(line)
        if not line.strip():
            continue
        rec, reason = _parse(line)
        if rec is None:
            skip_line(report, f"{path}:{lineno}", reason)
            continue
        yield done, line, rec
        done = 0


def skip_line(report: Report, where: str, reason: str) -> None:
    """A bad line: counted under its reason's first words and quarantined with its file:line."""
    report.drop(STAGE, reason.split(" (")[0].replace(" ", "_"))
    report.quarantine(STAGE, where, reason)


def records_frame(columns: dict[str, list], raw_index: list[int]) -> pd.DataFrame:
    """Python values per field (the exact path's representation) → the stage frame."""
    df = pd.DataFrame({f: objects(v) for f, v in columns.items()})
    df["_raw"] = pd.array(raw_index, dtype="int32") if raw_index else pd.array([], dtype="int32")
    return df


def _as_arrow(series: pd.Series) -> pa.Array:
    if isinstance(series.dtype, pd.ArrowDtype):
        arr = pa.array(series.array)  # pandas hands its Arrow data over by `__arrow_array__`
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return pa.array([v if isinstance(v, str) else "" for v in series.tolist()], pa.string())


def _newest_perm(ids: pa.Array, stamps: pa.Array) -> np.ndarray | None:
    """Row order for one row per id in imdb_id order: the newest scraped_at, ties to the later file/line.
    None when the rows already are exactly that."""
    n = len(ids)
    if pc.count_distinct(ids).as_py() == n:
        perm = pc.sort_indices(ids).to_numpy()
    else:
        order = pa.table({"id": ids, "t": stamps, "i": pa.array(np.arange(n))})
        ranked = pc.sort_indices(order, sort_keys=[("id", "ascending"), ("t", "ascending"), ("i", "ascending")])
        sorted_ids = ids.take(ranked)
        last = np.ones(n, dtype=bool)
        last[:-1] = pc.not_equal(sorted_ids[:-1], sorted_ids[1:]).to_numpy(zero_copy_only=False)
        perm = ranked.to_numpy()[last]
    return None if len(perm) == n and (perm == np.arange(n)).all() else perm


def load_raw(raw_dirs: list[Path], report: Report, quiet: bool = False) -> pd.DataFrame:
    """Read and concatenate every items file of every raw folder; dedupe by imdb_id, newest scraped_at wins."""
    files = [(i, f) for i, d in enumerate(raw_dirs) for f in item_files(Path(d))]
    bar = tqdm(total=sum(f.stat().st_size for _, f in files), unit="B", unit_scale=True,
               desc="load", disable=quiet)
    tables = []
    for raw_i, path in files:
        table = _arrow_table(path)
        if table is None:
            break
        tables.append((raw_i, table))
        bar.update(path.stat().st_size)
    n_read = sum(t.num_rows for _, t in tables)
    if len(tables) == len(files) and n_read:
        df = _from_arrow(tables)  # deduplicated and ordered inside
    else:
        tables.clear()
        bar.reset()
        df = _read_lines(files, report, bar)
        n_read = len(df)
        if n_read:
            perm = _newest_perm(_as_arrow(df["imdb_id"]), _as_arrow(df["scraped_at"]))
            df = df if perm is None else df.iloc[perm].reset_index(drop=True)
    bar.close()
    if n_read == 0:
        where = ", ".join(str(d) for d in raw_dirs)
        raise DatasetError(f"no valid items in {where}; see the warnings above for why each line was skipped.")
    report.drop(STAGE, "duplicate_imdb_id_older_copy", n_read - len(df))
    report.stage_rows(STAGE, n_read, len(df))
    return df
