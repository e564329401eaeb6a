"""IMDb's official bulk dumps (title.basics.tsv.gz + title.ratings.tsv.gz) → a raw folder, streamed.

The ratings file is read first and only titles over the vote threshold are remembered, so the
multi-million-row basics file streams through in constant memory.
"""
from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

from dataset.importers.common import BAD_ID, RawWriter, imdb_id_of, item
from dataset.report import DatasetError

SOURCE = "tsv-dumps"


def _open(folder: Path, name: str):
    for candidate in (folder / f"{name}.tsv.gz", folder / f"{name}.tsv"):
        if candidate.is_file():
            opener = gzip.open if candidate.suffix == ".gz" else open
            return candidate, opener(candidate, "rt", encoding="utf-8", newline="")
    raise DatasetError(f"{folder} has no {name}.tsv.gz; download IMDb's dumps from datasets.imdbws.com into it.")


def _rows(path: Path, fh):
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{path} is empty.")
        for row in reader:
            yield dict(zip(header, (None if v == "\\N" else v for v in row), strict=False))
    except (EOFError, OSError) as exc:
        raise DatasetError(f"{path} is truncated or not gzip ({exc}); download it again.") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not valid UTF-8 text (a damaged download?); download it again.") from None


def import_tsv_dumps(folder: Path, out: Path, title_types: list[str] | None = None, min_votes: int = 125,
                     limit: int | None = None) -> dict:
    if not folder.is_dir():
        raise DatasetError(f"dump folder {folder} does not exist.")
    wanted = set(title_types or ["movie"])
    ratings_path, fh = _open(folder, "title.ratings")
    ratings, bad = {}, []
    with fh:
        for r in _rows(ratings_path, fh):
            try:  # one damaged row costs that title, never the import
                votes = int(r.get("numVotes") or 0)
                rating = float(r["averageRating"]) if r.get("averageRating") else None
            except ValueError:
                bad.append(r.get("tconst"))
                continue
            if votes > min_votes:
                ratings[r["tconst"]] = (rating, votes)
    basics_path, fh = _open(folder, "title.basics")
    writer = RawWriter(out, SOURCE, basics_path)
    for tconst in bad:
        writer.skip("rating or vote count is not a number", f"{ratings_path}:{tconst}")
    try:
        with fh:
            for n, r in enumerate(_rows(basics_path, fh), start=2):
                if limit is not None and writer.items >= limit:
                    break
                if r.get("titleType") not in wanted or r.get("tconst") not in ratings:
                    continue
                if imdb_id_of(r["tconst"]) is None:
                    writer.skip(BAD_ID, f"{basics_path}:{n}")
                    continue
                rating, votes = ratings[r["tconst"]]
                year = r.get("startYear")
                runtime = r.get("runtimeMinutes")
                writer.write(item(
                    SOURCE, writer.scraped_at, imdb_id=r["tconst"], title=r.get("primaryTitle"),
                    original_title=r.get("originalTitle"), title_type=r.get("titleType"),
                    year=int(year) if year and year.isdigit() else None,
                    runtime_min=float(runtime) if runtime and runtime.isdigit() else None,
                    genres=[g for g in (r.get("genres") or "").split(",") if g], rating=rating, votes=votes))
    except BaseException:
        writer.abort()
        raise
    return writer.close({"title_types": sorted(wanted), "min_votes": min_votes})
