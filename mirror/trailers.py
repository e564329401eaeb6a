"""Trailers: short MP4 files (OpenCV `mp4v`, 64 frames of 160x90 at 16 fps) drawn from the title's genre.

Like real trailers they open and close on black frames and flat title cards, and cut between scenes
through black; scenes show the genre's palette and shapes in motion (the same motifs as its poster).
Files are generated on first request and cached on disk (`cache_dir`, default a temp folder) and in memory.
"""
from __future__ import annotations

import os
import tempfile
import threading
from functools import lru_cache
from html import escape
from pathlib import Path

import cv2
import numpy as np

from .base import Catalog, Latent, imdb_id_of_trailer
from .posters import ascii_text, draw_motif, gradient, palette

WIDTH, HEIGHT, FRAMES, FPS = 160, 90, 64, 16
_lock = threading.Lock()


def trailer_frames(latent: Latent, k: int = 0) -> list[np.ndarray]:
    """The BGR frames of trailer number k of a title: black, title cards, genre scenes, black."""
    rng = np.random.default_rng([latent.art_seed, k])
    top, bottom, accent = palette(latent.primary_genre)
    black = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    flat = np.full((HEIGHT, WIDTH, 3), bottom, np.uint8)
    card = flat.copy()
    cv2.putText(card, ascii_text(latent.title)[:18].upper(), (8, HEIGHT // 2 + 5), cv2.FONT_HERSHEY_SIMPLEX,
                0.45, accent, 1, cv2.LINE_AA)
    end_card = flat.copy()
    cv2.putText(end_card, "COMING SOON", (28, HEIGHT // 2 + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.5, accent, 1, cv2.LINE_AA)
    frames = [black] * 4 + [flat] * 4 + [card] * 4
    genres = list(latent.genres)
    while len(frames) < FRAMES - 10:
        genre = latent.primary_genre if rng.random() < 0.7 else genres[int(rng.integers(len(genres)))]
        t, b, a = palette(genre)
        scene = gradient(t, b, HEIGHT + 30, WIDTH + 60)
        draw_motif(scene, genre, rng, a)
        length = int(rng.integers(9, 14))
        dx, dy = rng.integers(-2, 3), rng.integers(-1, 2)
        for i in range(min(length, FRAMES - 10 - len(frames))):
            x, y = 30 + int(dx * i), 15 + int(dy * i)
            frames.append(np.ascontiguousarray(scene[y: y + HEIGHT, x: x + WIDTH]))
        frames += [black] * int(rng.integers(1, 3))
    frames = frames[: FRAMES - 10] + [end_card] * 4 + [flat] * 2 + [black] * 4
    return frames[:FRAMES]


def encode_mp4(frames: list[np.ndarray], path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write mp4v video here (is opencv-python-headless installed?)")
    for frame in frames:
        writer.write(frame)
    writer.release()


class TrailerStore:
    """Finds, draws and caches the trailers of a catalog."""

    def __init__(self, catalog: Catalog, seed: int, cache_dir: str | Path | None = None) -> None:
        self.catalog, self.seed = catalog, seed
        default = Path(tempfile.gettempdir()) / "imdbkit-mirror-trailers"
        name = "".join(c if c.isalnum() else "_" for c in catalog.name)[-60:]
        self.dir = Path(cache_dir or default) / f"{name}-seed{catalog.seed}"
        self.mp4 = lru_cache(maxsize=256)(self._mp4)

    def owner(self, trailer_id: str) -> tuple[str, int] | None:
        found = imdb_id_of_trailer(trailer_id, self.catalog.seed)
        if found is None:
            return None
        rec = self.catalog.record(found[0])
        return found if rec is not None and trailer_id in rec["trailer_ids"] else None

    def _mp4(self, trailer_id: str) -> bytes | None:
        found = self.owner(trailer_id)
        if found is None:
            return None
        path = self.dir / f"{trailer_id}.mp4"
        if not path.is_file():
            latent = self.catalog.latent(found[0])
            assert latent is not None
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp = self.dir / f".{trailer_id}.{os.getpid()}.{threading.get_ident()}.mp4"
            with _lock:  # OpenCV's FFmpeg writer is not reliably thread-safe
                encode_mp4(trailer_frames(latent, found[1]), tmp)
            os.replace(tmp, path)
        return path.read_bytes()

    def page(self, trailer_id: str, base: str) -> str | None:
        found = self.owner(trailer_id)
        if found is None:
            return None
        rec = self.catalog.record(found[0]) or {}
        title = escape(rec.get("title") or "")
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Official Trailer - {title} - IMDb</title></head>'
                f'<body><h1>{title}: Official Trailer</h1><video controls width="640" src="{base}/video/{trailer_id}.mp4">'
                f"</video></body></html>")
