"""Posters: drawn per title (colours, layout and shapes follow the genre) and resized like IMDb's image CDN.

`_V1_.jpg` is the original (400x600 for drawn posters, the file as-is for a table catalog's posters);
the modifiers between `_V1_` and `.jpg` are applied left to right:
UX<w>/UY<h> scale to that width/height; SX<w>/SY<h> alone do the same, and together fit inside the box;
CR<x>,<y>,<w>,<h> crops (clipped to the image, zero-padded when the box leaves it, so the size is as asked);
QL<q> sets JPEG quality (default 90). Unknown tokens (AL, FMjpg, ...) are ignored, as the CDN does.
"""
from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np

from .base import Latent

WIDTH, HEIGHT = 400, 600
cv2.setNumThreads(1)  # the server's own worker threads parallelise; OpenCV's pool would only contend
MAX_SIDE = 4000  # larger requests are refused (400) rather than allocating gigabytes
# genre -> (background top, background bottom, accent) in BGR
PALETTES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "Action": ((20, 60, 160), (10, 10, 30), (0, 140, 255)), "Adventure": ((140, 110, 40), (40, 120, 60), (60, 200, 240)),
    "Animation": ((255, 200, 80), (120, 230, 255), (60, 60, 255)), "Biography": ((90, 110, 130), (30, 40, 50), (200, 220, 230)),
    "Comedy": ((60, 230, 255), (180, 250, 255), (200, 80, 255)), "Crime": ((40, 40, 40), (10, 10, 60), (30, 200, 230)),
    "Documentary": ((200, 200, 200), (110, 110, 110), (30, 30, 30)), "Drama": ((120, 100, 90), (60, 50, 45), (180, 170, 160)),
    "Family": ((120, 220, 140), (250, 220, 160), (60, 160, 255)), "Fantasy": ((120, 40, 90), (200, 120, 40), (120, 255, 255)),
    "History": ((90, 140, 170), (40, 70, 100), (160, 210, 230)), "Horror": ((10, 10, 70), (0, 0, 0), (20, 20, 200)),
    "Music": ((150, 30, 120), (60, 10, 40), (255, 120, 255)), "Musical": ((60, 20, 120), (20, 0, 40), (200, 240, 255)),
    "Mystery": ((90, 50, 20), (30, 15, 5), (220, 190, 120)), "Romance": ((180, 150, 255), (120, 80, 220), (60, 20, 200)),
    "Sci-Fi": ((90, 40, 10), (20, 5, 0), (255, 240, 80)), "Sport": ((40, 150, 40), (20, 90, 20), (255, 255, 255)),
    "Thriller": ((60, 50, 30), (10, 10, 10), (40, 220, 255)), "War": ((70, 90, 80), (40, 50, 45), (60, 120, 200)),
    "Western": ((60, 150, 230), (30, 70, 130), (20, 220, 255)),
}
_TOKEN = re.compile(r"^(UX|UY|SX|SY|QL)(\d{1,5})$|^CR(\d{1,5}),(\d{1,5}),(\d{1,5}),(\d{1,5})$")


class ModifierError(ValueError):
    """A resize request that cannot be served (zero or huge sizes)."""


def palette(genre: str) -> tuple[tuple[int, int, int], ...]:
    return PALETTES.get(genre, PALETTES["Drama"])


def gradient(top: tuple[int, int, int], bottom: tuple[int, int, int], height: int, width: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    column = (np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t).astype(np.uint8)
    return np.ascontiguousarray(np.broadcast_to(column, (height, width, 3)))


# film grain: two fixed tiles added and subtracted at a per-poster offset (cheaper than fresh noise)
_GRAIN = np.random.default_rng(2026).integers(0, 7, (2, HEIGHT + 64, WIDTH + 64, 3), dtype=np.uint8)


def draw_motif(img: np.ndarray, genre: str, rng: np.random.Generator, accent: tuple[int, int, int]) -> None:
    """The genre's shapes (also used for trailer scenes): what a poster model can learn to recognise."""
    h, w = img.shape[:2]
    s = w / 400.0

    def pt(x: float, y: float) -> tuple[int, int]:
        return int(x * w), int(y * h)

    r = lambda a, b: float(rng.uniform(a, b))  # noqa: E731
    if genre in ("Action", "Thriller"):
        for _ in range(int(r(4, 9))):
            x = r(-0.2, 1.0)
            cv2.line(img, pt(x, 1.0), pt(x + r(0.2, 0.5), 0.0), accent, max(1, int(r(3, 14) * s)))
        cx, cy = r(0.3, 0.7), r(0.35, 0.65)
        pts = [pt(cx + np.cos(a) * r(0.1, 0.3), cy + np.sin(a) * r(0.07, 0.2)) for a in np.linspace(0, 6.28, 14)]
        cv2.fillPoly(img, [np.array(pts, np.int32)], (0, 200, 255) if genre == "Action" else accent)
    elif genre in ("Horror", "Mystery"):
        cv2.circle(img, pt(r(0.2, 0.8), r(0.12, 0.3)), int(r(30, 60) * s), (200, 220, 230), -1)
        for i in range(int(r(6, 12))):
            x = i / 8.0
            cv2.fillPoly(img, [np.array([pt(x, 1.0), pt(x + 0.06, r(0.55, 0.8)), pt(x + 0.12, 1.0)], np.int32)], accent)
    elif genre in ("Sci-Fi", "Fantasy"):
        for _ in range(60):
            cv2.circle(img, pt(r(0, 1), r(0, 1)), max(1, int(r(1, 3) * s)), (255, 255, 255), -1)
        c, rad = pt(r(0.3, 0.7), r(0.3, 0.5)), int(r(60, 120) * s)
        cv2.circle(img, c, rad, accent, -1)
        cv2.ellipse(img, c, (int(rad * 1.8), int(rad * 0.35)), r(-20, 20), 0, 360, (255, 255, 255), max(1, int(3 * s)))
    elif genre in ("Romance", "Musical", "Music"):
        for _ in range(int(r(2, 5))):
            c = pt(r(0.25, 0.75), r(0.25, 0.7))
            cv2.circle(img, c, int(r(40, 110) * s), accent, max(2, int(8 * s)) if genre == "Music" else -1)
    elif genre in ("Western", "Adventure", "War"):
        cv2.circle(img, pt(r(0.3, 0.7), 0.55), int(r(60, 110) * s), accent, -1)
        peaks = [pt(0, 1.0)] + [pt(x, r(0.5, 0.75)) for x in np.linspace(0, 1, 7)] + [pt(1, 1.0)]
        cv2.fillPoly(img, [np.array(peaks, np.int32)], (20, 40, 60))
    elif genre in ("Comedy", "Animation", "Family"):
        for _ in range(int(r(8, 18))):
            color = tuple(int(c) for c in rng.integers(40, 256, 3))
            cv2.circle(img, pt(r(0, 1), r(0.1, 0.9)), int(r(12, 50) * s), color, -1)
    elif genre in ("Crime", "History", "Sport"):
        vertical = genre == "History"
        for i in range(9):
            a = i / 9.0
            p1, p2 = (pt(a, 0.15), pt(a + 0.05, 0.85)) if vertical else (pt(0.0, a), pt(1.0, a + 0.04))
            cv2.rectangle(img, p1, p2, accent, -1)
    else:  # Drama, Biography, Documentary: a portrait silhouette in a frame
        m, cx, k = r(0.06, 0.18), r(0.35, 0.65), r(0.7, 1.2)
        cv2.rectangle(img, pt(m, m), pt(1 - m, 0.8), accent, max(2, int(r(3, 9) * s)))
        cv2.ellipse(img, pt(cx, 0.42), (int(70 * s * k), int(90 * s * k)), 0, 0, 360, (20, 20, 20), -1)
        cv2.ellipse(img, pt(cx, 0.8), (int(130 * s * k), int(90 * s * k)), 0, 180, 360, (20, 20, 20), -1)


def ascii_text(text: str) -> str:
    """OpenCV fonts draw ASCII only: other scripts are left out (a title in kanji leaves the band empty)."""
    return " ".join("".join(c for c in text if 32 <= ord(c) < 127).split())


def draw_poster(latent: Latent) -> np.ndarray:
    """A 400x600 BGR poster whose colours, layout and shapes follow the title's genres."""
    rng = np.random.default_rng(latent.art_seed)
    top, bottom, accent = palette(latent.primary_genre)
    img = gradient(top, bottom, HEIGHT, WIDTH)
    draw_motif(img, latent.primary_genre, rng, accent)
    if len(latent.genres) > 1:  # a secondary genre leaves a small badge in its colours
        second = next(g for g in latent.genres if g != latent.primary_genre)
        cv2.rectangle(img, (WIDTH - 70, 10), (WIDTH - 10, 40), palette(second)[2], -1)
    band_top = rng.random() < 0.5
    y0 = 0 if band_top else HEIGHT - 110
    cv2.rectangle(img, (0, y0), (WIDTH, y0 + 110), bottom, -1)
    words, line, lines = ascii_text(latent.title).split(), "", []
    for word in words:
        if len(line) + len(word) > 16 and line:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    for i, text in enumerate(lines[:3]):
        cv2.putText(img, text.upper(), (18, y0 + 38 + 32 * i), cv2.FONT_HERSHEY_DUPLEX, 0.95, accent, 2, cv2.LINE_AA)
    dy, dx = (int(v) for v in rng.integers(0, 64, 2))
    cv2.add(img, _GRAIN[0, dy: dy + HEIGHT, dx: dx + WIDTH], dst=img)
    cv2.subtract(img, _GRAIN[1, dy: dy + HEIGHT, dx: dx + WIDTH], dst=img)
    return img


def parse_modifiers(text: str) -> list[tuple]:
    """`QL75_UX380_CR0,1,380,562_` -> [("QL", 75), ("UX", 380), ("CR", 0, 1, 380, 562)]."""
    ops: list[tuple] = []
    for token in filter(None, text.split("_")):
        m = _TOKEN.match(token)
        if not m:
            continue
        if m.group(1):
            value = int(m.group(2))
            if value == 0 or value > (100 if m.group(1) == "QL" else MAX_SIDE):
                raise ModifierError(f"image modifier {token} is out of range")
            ops.append((m.group(1), value))
        else:
            box = tuple(int(g) for g in m.group(3, 4, 5, 6))
            if box[2] == 0 or box[3] == 0 or box[2] > MAX_SIDE or box[3] > MAX_SIDE:
                raise ModifierError(f"image modifier {token} is out of range")
            ops.append(("CR", *box))
    return ops


def _scale(img: np.ndarray, width: int, height: int) -> np.ndarray:
    width, height = max(1, width), max(1, height)
    interp = cv2.INTER_AREA if width < img.shape[1] else cv2.INTER_LINEAR
    return cv2.resize(img, (width, height), interpolation=interp)


def apply_modifiers(img: np.ndarray, ops: list[tuple]) -> tuple[np.ndarray, int]:
    """Resize/crop as asked; returns the image and the JPEG quality."""
    quality = 90
    kinds = {op[0] for op in ops}
    for op in ops:
        h, w = img.shape[:2]
        kind = op[0]
        if kind == "QL":
            quality = op[1]
        elif kind in ("UX", "SX") and not (kind == "SX" and "SY" in kinds):
            img = _scale(img, op[1], round(h * op[1] / w))
        elif kind in ("UY", "SY") and not (kind == "SY" and "SX" in kinds):
            img = _scale(img, round(w * op[1] / h), op[1])
        elif kind == "SX":  # SX with SY: fit inside the box
            box_h = next(o[1] for o in ops if o[0] == "SY")
            f = min(op[1] / w, box_h / h)
            img = _scale(img, round(w * f), round(h * f))
        elif kind == "CR":
            x, y, cw, ch = op[1:]
            out = np.zeros((ch, cw, 3), np.uint8)
            part = img[y: y + ch, x: x + cw]
            out[: part.shape[0], : part.shape[1]] = part
            img = out
    return img, quality


def encode_jpeg(img: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()


def read_image(path: Path) -> np.ndarray | None:
    """A poster file as BGR, or None when it is missing or not an image."""
    data = np.fromfile(str(path), dtype=np.uint8) if path.is_file() else None
    img = cv2.imdecode(data, cv2.IMREAD_COLOR) if data is not None and data.size else None
    return img
