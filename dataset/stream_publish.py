"""Pass 3 of the streamed build (`dataset.stream`): the split spills cut into exactly the shards and row
groups `dataset.publish.write_splits` writes, so the parquet files are the in-memory build's byte for byte."""
from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset.publish import COMPRESSION, COMPRESSION_LEVEL
from dataset.schema import schema_for
from dataset.split import SPLITS

ROW_GROUP = 10_000  # write_splits' batch_rows: one row group per 10,000 rows of a shard


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


def publish_spills(paths: dict[str, list[Path]], counts: dict[str, int], names: list[str], out_dir: Path,
                   shard_rows: int, quiet: bool) -> dict[str, dict]:
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
