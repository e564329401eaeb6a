"""The streamed build's whole-table steps (`dataset.stream`), between and after its passes: the vocabularies
fitted in DuckDB over the kept rows, the oversampling picks from the training genres alone, and the picked
rows joined out of core onto the training spill.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset.features import CATEGORICALS
from dataset.oversample import METHODS, inverse_picks, seed002_picks
from dataset.report import Report, objects
from dataset.split import SPLITS
from dataset.stream_publish import ROW_GROUP
from dataset.stream_spill import spill_writer

if TYPE_CHECKING:
    from dataset.build import BuildParams


def sql_path(path: Path) -> str:
    """A path as an SQL string literal (a build folder may have a quote in its name)."""
    return "'" + path.as_posix().replace("'", "''") + "'"


def fit_labels(con, kept: Path, codes: np.ndarray, params: BuildParams) -> tuple[dict, bool]:
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


def oversample_picks(kept: Path, codes: np.ndarray, params: BuildParams) -> np.ndarray:
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
    picks = (seed002_picks if method == "seed002" else inverse_picks)(frame, params.oversample, rng)
    return np.asarray(picks, dtype=np.int64)


def append_copies(con, paths: dict[str, list[Path]], picks: np.ndarray, counts: dict, after: dict[str, int],
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
        f"SELECT t.* EXCLUDE (file_row_number) FROM read_parquet({sql_path(train)}, file_row_number = true) t "
        "JOIN oversample_picks p ON t.file_row_number = p.i ORDER BY p.k")
    reader = getattr(query, "to_arrow_reader", None) or query.fetch_arrow_reader
    copies = train.with_name("copies-train.parquet")
    superset = pq.read_schema(train)
    with spill_writer(copies, superset) as writer:
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


