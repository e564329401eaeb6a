"""IMDb's official bulk dumps (title.basics.tsv.gz + title.ratings.tsv.gz) → a raw folder, streamed.

The ratings file is read first and only titles over the vote threshold are remembered, so the
multi-million-row basics file streams through in constant memory. A damaged row (cut short, a
year like ``²``, bytes that are not UTF-8) costs that row or those bytes, counted with its
``file:line`` in import-report.json; a truncated gzip or an empty file is one sentence.
"""
from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from dataset.importers.common import BAD_ID, ROW_ERRORS, RawWriter, imdb_id_of, item, row_error, whole_number
from dataset.report import DatasetError

SOURCE = "tsv-dumps"
TSV = {"delimiter": "\t", "quoting": csv.QUOTE_NONE}


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / f"{name}.tsv.gz", folder / f"{name}.tsv"):
        if candidate.is_file():
            return candidate
    raise DatasetError(f"{folder} has no {name}.tsv.gz; download IMDb's dumps from datasets.imdbws.com into it.")


def _open(path: Path) -> IO[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    return opener(path, "rt", encoding="utf-8", errors="imdbkit-count", newline="")


def _rows(writer: RawWriter, path: Path, required: set[str]) -> Iterator[tuple[str, dict]]:
    """(``file:line``, row with ``\\N`` as None) for each row of one dump file."""
    try:
        with _open(path) as fh:
            for where, row in writer.rows(path, fh, required, "is not an IMDb dump file", **TSV):
                yield where, {k: None if v == "\\N" else v for k, v in row.items()}
    except (EOFError, OSError) as exc:
        raise DatasetError(f"{path} is truncated or not gzip ({exc}); download it again.") from None


def import_tsv_dumps(folder: Path, out: Path, title_types: list[str] | None = None, min_votes: int = 125,
                     limit: int | None = None) -> dict:
    if not folder.is_dir():
        raise DatasetError(f"dump folder {folder} does not exist.")
    wanted = set(title_types or ["movie"])
    ratings_path, basics_path = _find(folder, "title.ratings"), _find(folder, "title.basics")
    writer = RawWriter(out, SOURCE, basics_path)
    try:
        ratings = {}
        for where, r in _rows(writer, ratings_path, {"tconst", "averageRating", "numVotes"}):
            try:  # one damaged row costs that title, never the import
                votes = whole_number(r["numVotes"] or "0")
                rating = float(r["averageRating"]) if r["averageRating"] else None
                if votes is None:
                    raise ValueError
            except ValueError:
                writer.skip("rating or vote count is not a number", where)
                continue
            if votes > min_votes:
                ratings[r["tconst"]] = (rating, votes)
        for where, r in _rows(writer, basics_path, {"tconst", "titleType"}):
            if limit is not None and writer.items >= limit:
                break
            if r["titleType"] not in wanted or r["tconst"] not in ratings:
                continue
            if imdb_id_of(r["tconst"]) is None:
                writer.skip(BAD_ID, where)
                continue
            try:
                writer.write(_record(r, *ratings[r["tconst"]], writer.scraped_at))
            except ROW_ERRORS as exc:
                writer.skip(row_error(exc), where)
    except BaseException:
        writer.abort()
        raise
    return writer.close({"title_types": sorted(wanted), "min_votes": min_votes})


def _record(r: dict, rating: float | None, votes: int, scraped_at: str) -> dict:
    runtime = whole_number(r.get("runtimeMinutes"))
    return item(SOURCE, scraped_at, imdb_id=r["tconst"], title=r.get("primaryTitle"),
                original_title=r.get("originalTitle"), title_type=r["titleType"],
                year=whole_number(r.get("startYear")), runtime_min=float(runtime) if runtime is not None else None,
                genres=[g for g in (r.get("genres") or "").split(",") if g], rating=rating, votes=votes)
