"""Poster genre table (labels.csv: imdb_id, split, genres `A|B|C`) + images/<imdb_id>.jpg → a raw folder.

The given train/val split is written to `splits.csv` beside the items, so
`python -m dataset build --splits RAW/splits.csv` reproduces it. The label `N/A` means no genre.
"""
from __future__ import annotations

import csv
from pathlib import Path

from dataset.imaging import ImageProblem
from dataset.importers.common import RawWriter, item, open_text, require_file
from dataset.report import DatasetError

SOURCE = "posters"


def import_posters(labels: Path, images: Path, out: Path, limit: int | None = None) -> dict:
    require_file(labels, "labels file")
    if not images.is_dir():
        raise DatasetError(f"images folder {images} does not exist; pass the folder holding <imdb_id>.jpg files.")
    writer = RawWriter(out, SOURCE, labels)
    splits: list[tuple[str, str]] = []
    try:
        with open_text(labels) as fh:
            # the id names images/<imdb_id>.jpg: `titles` skips any that is not an IMDb id ("../x")
            for _, row, imdb_id in writer.titles(labels, fh, {"imdb_id", "genres"}, "needs columns imdb_id,genres",
                                                 limit):
                genres = [g.strip() for g in row["genres"].split("|") if g.strip() and g.strip() != "N/A"]
                image = images / f"{imdb_id}.jpg"
                poster_path = sha1 = None
                try:  # only a regular image file inside images/: no FIFO, device, bomb or link out of it
                    poster_path, sha1 = writer.copy_poster(image, images)
                except ImageProblem as problem:
                    reason = "no image file" if str(problem) == "missing_file" else f"image refused: {problem}"
                    writer.skip(f"{reason} (item kept without poster)", str(image))
                writer.write(item(SOURCE, writer.scraped_at, imdb_id=imdb_id, genres=genres,
                                  poster_path=poster_path, poster_sha1=sha1))
                if row.get("split"):
                    splits.append((imdb_id, row["split"].strip()))
    except BaseException:
        writer.abort()
        raise
    if splits:
        with open(out / "splits.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["imdb_id", "split"])
            w.writerows(splits)
    return writer.close({"splits_file": "splits.csv" if splits else None})
