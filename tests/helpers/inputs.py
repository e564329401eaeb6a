"""Hand-made input files: raw crawl folders (Contract-1 items, posters, trailer videos) and IMDb TSV dumps."""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cv2
import numpy as np

BASE = {
    "url": None, "original_title": None, "title_type": "movie", "release_date": None, "metascore": None,
    "content_rating": "PG-13", "countries": ["USA"], "languages": ["English"], "color": "Color",
    "directors": ["Ann Director"], "writers": ["Wri Ter"], "actors": ["Act One", "Act Two"], "keywords": ["heist"],
    "description": "A plot.", "budget": {"amount": 1_000_000.0, "currency": "USD"}, "gross_worldwide": None,
    "poster_url": None, "poster_path": None, "poster_sha1": None, "trailer_urls": [],
    "scraped_at": "2024-01-01T00:00:00Z", "source": "test", "warnings": [],
}


def make_item(n: int, **values) -> dict:
    """A Contract-1 item with a predictable id, title and values."""
    genres = [["Drama"], ["Comedy"], ["Drama", "Romance"], ["Horror"], ["Action", "Comedy"], ["Western"]][n % 6]
    out = {**BASE, "imdb_id": f"tt{n:07d}", "title": f"Title {n}", "year": 1990 + n % 30, "runtime_min": 90 + n % 40,
           "rating": round(3 + (n * 7 % 60) / 10, 1), "votes": 100 + n * 10, "genres": genres}
    out.update(values)
    return out


def write_items(folder: Path, items: list[dict], name: str = "items.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(i) + "\n" for i in items).encode()
    path = folder / name
    path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    return path


def poster_jpeg(seed: int, h: int = 268, w: int = 182) -> bytes:
    """A small real JPEG with a distinct pattern per seed (so pHashes differ)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), rng.integers(40, 200, 3), np.uint8)
    for _ in range(6):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(20, 90)), y + int(rng.integers(20, 120))),
                      tuple(int(c) for c in rng.integers(0, 255, 3)), -1)
    cv2.putText(img, str(seed), (10, h // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return buf.tobytes()


def add_poster(folder: Path, item: dict, data: bytes) -> dict:
    """Store bytes as posters/<sha1>.jpg and point the item at it."""
    sha1 = hashlib.sha1(data).hexdigest()
    (folder / "posters").mkdir(parents=True, exist_ok=True)
    (folder / "posters" / f"{sha1}.jpg").write_bytes(data)
    item.update(poster_path=f"posters/{sha1}.jpg", poster_sha1=sha1)
    return item


def write_video(path: Path, frames: list[np.ndarray], fps: int = 10) -> Path:
    """An MP4 (mp4v) from BGR frames, as a downloaded trailer would be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def trailer_frames(n: int = 40, dark_every: int = 5) -> list[np.ndarray]:
    """Bright textured frames with a black frame every `dark_every`: the filter must drop the black ones."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        if i % dark_every == 0:
            out.append(np.zeros((72, 128, 3), np.uint8))
        else:
            out.append(rng.integers(60, 255, (72, 128, 3), dtype=np.uint8))
    return out


def dumps(folder: Path, basics: bytes, ratings: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "title.basics.tsv.gz").write_bytes(gzip.compress(basics, mtime=0))
    (folder / "title.ratings.tsv.gz").write_bytes(gzip.compress(ratings, mtime=0))
    return folder
