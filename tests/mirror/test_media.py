"""Posters honour the CDN's resize modifiers; trailers are real MP4s with black and title-card frames."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from mirror.posters import draw_poster
from mirror.trailers import FRAMES, HEIGHT, WIDTH, trailer_frames
from tests.helpers.mirror_pages import Client


def _decode(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, "not a JPEG"
    return img


def _poster_ids(mirror, n):
    recs = (mirror.catalog.record(i) for i in mirror.catalog.ids())
    return [r["poster_id"] for r in recs if r["poster_id"]][:n]


@pytest.mark.parametrize("modifiers, size", [
    ("", (400, 600)), ("UX300_", (300, 450)), ("UY268_", (179, 268)), ("SX101", (101, 152)),
    ("SY450_", (300, 450)), ("SX200_SY200_", (133, 200)), ("QL75_UX380_CR0,1,380,562_", (380, 562)),
    ("UY268_CR4,0,182,268_AL_", (182, 268)), ("CR0,0,182,268_", (182, 268)), ("FMjpg_UX1000_", (1000, 1500)),
])
def test_resize_modifiers_give_requested_size(mirror, modifiers, size):
    client = Client(mirror.base_url)
    for pid in _poster_ids(mirror, 3):
        status, headers, body = client.get(f"/images/M/{pid}._V1_{modifiers}.jpg")
        assert status == 200 and headers["content-type"] == "image/jpeg"
        h, w = _decode(body).shape[:2]
        assert (w, h) == size


def test_quality_changes_size_and_original_is_tall(mirror):
    client = Client(mirror.base_url)
    for pid in _poster_ids(mirror, 5):
        original = _decode(client.get(f"/images/M/{pid}._V1_.jpg")[2])
        assert original.shape[0] >= 600
        low = client.get(f"/images/M/{pid}._V1_QL20_UX300_.jpg")[2]
        high = client.get(f"/images/M/{pid}._V1_QL95_UX300_.jpg")[2]
        assert len(low) < 0.7 * len(high)
    assert client.get("/images/M/MV5Bnotours._V1_.jpg")[0] == 404
    assert client.get(f"/images/M/{_poster_ids(mirror, 1)[0]}._V1_UX0_.jpg")[0] == 400


def test_posters_depend_on_genre(mirror):
    """Mean colour separates genres: a nearest-centroid rule on 4 colour stats beats chance by far."""
    by_genre: dict[str, list[np.ndarray]] = {}
    for imdb_id in list(mirror.catalog.ids())[:400]:
        latent = mirror.catalog.latent(imdb_id)
        if latent.primary_genre in ("Horror", "Comedy", "Sci-Fi", "Romance"):
            img = cv2.resize(draw_poster(latent), (40, 60)).astype(float)
            by_genre.setdefault(latent.primary_genre, []).append(
                np.r_[img.mean((0, 1)), img.std()])
    centroids = {g: np.mean(v, 0) for g, v in by_genre.items()}
    hits = total = 0
    for g, feats in by_genre.items():
        for f in feats:
            total += 1
            hits += min(centroids, key=lambda c: np.linalg.norm(centroids[c] - f)) == g
    assert hits / total > 0.8


def test_trailer_is_mp4_with_black_and_flat_frames(mirror, tmp_path):
    client = Client(mirror.base_url)
    rec = next(r for r in map(mirror.catalog.record, mirror.catalog.ids()) if r["trailer_ids"])
    status, headers, body = client.get(f"/video/{rec['trailer_ids'][0]}.mp4")
    assert status == 200 and headers["content-type"] == "video/mp4"
    assert body[4:8] == b"ftyp"
    path = tmp_path / "t.mp4"
    path.write_bytes(body)
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    assert len(frames) == FRAMES and frames[0].shape == (HEIGHT, WIDTH, 3)
    means = np.array([f.mean() for f in frames])
    stds = np.array([f.std(axis=(0, 1)).max() for f in frames])  # spatial spread per channel
    assert (means < 10).sum() >= 4, "black frames"
    assert ((means > 20) & (stds < 6)).sum() >= 3, "flat title-card frames"
    assert (stds > 15).sum() >= 20, "scenes with content"
    assert client.get("/video/vi0000000000.mp4")[0] == 404


def test_trailer_frames_depend_on_genre(mirror):
    colours: dict[str, list[np.ndarray]] = {}
    for imdb_id in list(mirror.catalog.ids())[:300]:
        latent = mirror.catalog.latent(imdb_id)
        if latent.primary_genre in ("Horror", "Comedy"):
            frames = trailer_frames(latent)
            colours.setdefault(latent.primary_genre, []).append(np.mean([f.mean((0, 1)) for f in frames[12:50]], 0))
    horror, comedy = np.mean(colours["Horror"], 0), np.mean(colours["Comedy"], 0)
    assert comedy.sum() > horror.sum() + 150  # comedies are bright, horror is dark
