"""Frames sampled from trailers (index.csv: folder,title,imdb_id,imdb_score,frames + <folder>/<n>.jpg)
→ a raw folder with `trailer_frames/<imdb_id>/<n>.jpg`, which the build's trailer stage reads."""
from __future__ import annotations

import csv
from pathlib import Path

from dataset.importers.common import BAD_ID, RawWriter, copy_tree_file, imdb_id_of, inside, item, require_file
from dataset.trailers import FRAME_EXT

SOURCE = "trailer-frames"


def import_trailer_frames(folder: Path, out: Path, limit: int | None = None) -> dict:
    index = require_file(folder / "index.csv", "trailer index")
    writer = RawWriter(out, SOURCE, index)
    try:
        with open(index, newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                if limit is not None and writer.items >= limit:
                    break
                imdb_id = imdb_id_of(row.get("imdb_id"))
                frames_dir = inside(folder, (row.get("folder") or "").strip())
                if imdb_id is None:
                    writer.skip(BAD_ID, f"{index}:{n}")
                    continue
                if frames_dir is None:  # a `folder` like ../../home would copy files from outside the source
                    writer.skip("frame folder is empty or outside the source folder", f"{index}:{n}")
                    continue
                if not frames_dir.is_dir():
                    writer.skip("no frame folder", f"{index}:{n}")
                    continue
                frames = [p for p in sorted(frames_dir.iterdir()) if p.suffix.lower() in FRAME_EXT
                          and inside(frames_dir, p.name) is not None and p.is_file()]
                for p in frames:
                    copy_tree_file(p, out / "trailer_frames" / imdb_id / p.name)
                try:
                    rating = float(row.get("imdb_score") or "")
                except ValueError:
                    rating = None
                writer.write(item(SOURCE, writer.scraped_at, imdb_id=imdb_id, title=(row.get("title") or None),
                                  rating=rating))
    except BaseException:
        writer.abort()
        raise
    return writer.close()
