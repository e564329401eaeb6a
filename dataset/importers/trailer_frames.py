"""Frames sampled from trailers (index.csv: folder,title,imdb_id,imdb_score,frames + <folder>/<n>.jpg)
→ a raw folder with `trailer_frames/<imdb_id>/<n>.jpg`, which the build's trailer stage reads."""
from __future__ import annotations

import math
from pathlib import Path

from dataset.importers.common import RawWriter, copy_media, inside, item, open_text, require_file
from dataset.trailers import FRAME_EXT

SOURCE = "trailer-frames"


def _score(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def import_trailer_frames(folder: Path, out: Path, limit: int | None = None) -> dict:
    index = require_file(folder / "index.csv", "trailer index")
    writer = RawWriter(out, SOURCE, index)
    try:
        with open_text(index) as fh:
            for where, row, imdb_id in writer.titles(index, fh, {"folder", "imdb_id"}, "needs columns folder,imdb_id",
                                                     limit):
                frames_dir = inside(folder, row["folder"].strip())
                if frames_dir is None:  # a `folder` like ../../home would copy files from outside the source
                    writer.skip("frame folder is empty or outside the source folder", where)
                    continue
                if not frames_dir.is_dir():
                    writer.skip("no frame folder", where)
                    continue
                for p in sorted(frames_dir.iterdir()):
                    if p.suffix.lower() in FRAME_EXT and not copy_media(p, frames_dir, out / "trailer_frames"
                                                                        / imdb_id / p.name):
                        writer.skip("frame refused: not a regular image file inside its folder", str(p))
                rating = _score(row.get("imdb_score"))
                writer.write(item(SOURCE, writer.scraped_at, imdb_id=imdb_id, title=(row.get("title") or None),
                                  rating=rating))
    except BaseException:
        writer.abort()
        raise
    return writer.close()
