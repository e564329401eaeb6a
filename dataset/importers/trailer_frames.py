"""Frames sampled from trailers (index.csv: folder,title,imdb_id,imdb_score,frames + <folder>/<n>.jpg)
→ a raw folder with `trailer_frames/<imdb_id>/<n>.jpg`, which the build's trailer stage reads."""
from __future__ import annotations

import csv
from pathlib import Path

from dataset.importers.common import RawWriter, copy_tree_file, item, require_file
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
                imdb_id = (row.get("imdb_id") or "").strip()
                frames_dir = folder / (row.get("folder") or "")
                if not imdb_id.startswith("tt") or not row.get("folder") or not frames_dir.is_dir():
                    writer.skip("no imdb id or no frame folder", f"{index}:{n}")
                    continue
                frames = [p for p in frames_dir.iterdir() if p.suffix.lower() in FRAME_EXT]
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
