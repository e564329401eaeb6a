"""Poster genre table (labels.csv: imdb_id, split, genres `A|B|C`) + images/<imdb_id>.jpg → a raw folder.

The given train/val split is written to `splits.csv` beside the items, so
`python -m dataset build --splits RAW/splits.csv` reproduces it. The label `N/A` means no genre.
"""
from __future__ import annotations

import csv
from pathlib import Path

from dataset.importers.common import BAD_ID, RawWriter, imdb_id_of, item, require_file
from dataset.report import DatasetError

SOURCE = "posters"


def import_posters(labels: Path, images: Path, out: Path, limit: int | None = None) -> dict:
    require_file(labels, "labels file")
    if not images.is_dir():
        raise DatasetError(f"images folder {images} does not exist; pass the folder holding <imdb_id>.jpg files.")
    writer = RawWriter(out, SOURCE, labels)
    splits = []
    try:
        with open(labels, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if not {"imdb_id", "genres"} <= set(reader.fieldnames or ()):
                raise DatasetError(f"{labels} needs columns imdb_id,genres (found {reader.fieldnames}).")
            for n, row in enumerate(reader, start=2):
                if limit is not None and writer.items >= limit:
                    break
                imdb_id = imdb_id_of(row["imdb_id"])
                if imdb_id is None:  # it names images/<imdb_id>.jpg: "../x" must never be read
                    writer.skip(BAD_ID, f"{labels}:{n}")
                    continue
                genres = [g.strip() for g in (row["genres"] or "").split("|") if g.strip() and g.strip() != "N/A"]
                image = images / f"{imdb_id}.jpg"
                poster_path = sha1 = None
                if image.is_file():
                    poster_path, sha1 = writer.copy_poster(image)
                else:
                    writer.skip("no image file (item kept without poster)", str(image))
                writer.write(item(SOURCE, writer.scraped_at, imdb_id=imdb_id, genres=genres,
                                  poster_path=poster_path, poster_sha1=sha1))
                if row.get("split"):
                    splits.append((imdb_id, row["split"].strip()))
    except UnicodeDecodeError:
        writer.abort()
        raise DatasetError(f"{labels} is not valid UTF-8 text; re-save it as UTF-8.") from None
    except BaseException:
        writer.abort()
        raise
    if splits:
        with open(out / "splits.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["imdb_id", "split"])
            w.writerows(splits)
    return writer.close({"splits_file": "splits.csv" if splits else None})
