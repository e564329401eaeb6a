"""Per-image work shared by the poster and trailer stages: safe read, reduced decode, resize, PNG, pHash.

Safe read: ``read_media`` opens only regular files inside their folder (no FIFO, device or symlink out
of it), and ``check_bytes`` takes the pixel count from the header of every accepted format (JPEG,
PNG, GIF, BMP, the three WebP flavours) before anything is decoded; other formats are refused.

Why this path: libjpeg-turbo can decode at 1/2, 1/4 or 1/8 scale directly from the DCT
coefficients (cv2.IMREAD_REDUCED_COLOR_*), which skips most of the decode work for small
targets; the remaining non-integer downscale is an anti-aliasing Gaussian (sigma = (factor-1)/2,
as skimage.transform.resize does) followed by bilinear sampling; integer factors use INTER_AREA.
PNGs are written with the Up filter and stored (level-0) deflate: parquet's zstd then compresses
them as well as libpng's default level does, at several times the speed.
"""
from __future__ import annotations

import os
import stat
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np

REDUCED = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
           8: cv2.IMREAD_REDUCED_COLOR_8}
SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class ImageProblem(Exception):
    """A poster or frame that cannot be used; the message is the counted reason."""


def header_size(data: bytes) -> tuple[int, int] | None:
    """(height, width) from a JPEG/PNG/GIF/WebP/BMP header without decoding; None if unknown format."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return h, w
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in SOF:
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return h, w
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
        return (0, 0)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return h, w
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(h), w
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """(height, width) of a lossy (VP8), lossless (VP8L) or extended (VP8X) WebP; None if unreadable."""
    kind = data[12:16]
    if kind == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return h & 0x3FFF, w & 0x3FFF
    if kind == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return ((bits >> 14) & 0x3FFF) + 1, (bits & 0x3FFF) + 1
    if kind == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[27:30], "little") + 1, int.from_bytes(data[24:27], "little") + 1
    return None


def check_bytes(data: bytes, max_pixels: int) -> tuple[int, int]:
    """Reject empty, non-image and decompression-bomb inputs before any decoding."""
    if not data:
        raise ImageProblem("empty_file")
    size = header_size(data)
    if size is None:
        raise ImageProblem("not_an_image")
    h, w = size
    if h * w > max_pixels:
        raise ImageProblem("too_many_pixels")
    if not h or not w:  # a JPEG without a frame header: nothing to decode
        raise ImageProblem("corrupt_image")
    return h, w


def read_media(path: str | Path, root: str | Path, limit: int) -> bytes:
    """The bytes of one poster, frame or trailer file, only if it is a regular file inside ``root``.

    Symlinks are followed and must land inside ``root`` (a link to ``/etc`` or another user's files
    is refused); FIFOs, sockets and devices are refused before they are opened, and the file is
    opened non-blocking, so a FIFO swapped in between the check and the open cannot hang the build."""
    real = check_media(path, root)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise ImageProblem("missing_file") from None
    except OSError:
        raise ImageProblem("unreadable_file") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ImageProblem("not_a_regular_file")
        try:
            return fh.read(limit)
        except OSError:
            raise ImageProblem("unreadable_file") from None


def check_media(path: str | Path, root: str | Path) -> str:
    """``path`` resolved, if it is a regular file inside ``root`` (for readers that open it themselves)."""
    real = os.path.realpath(path)
    if not real.startswith(os.path.realpath(root) + os.sep):
        raise ImageProblem("file_outside_its_folder")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise ImageProblem("missing_file") from None
    except OSError:
        raise ImageProblem("unreadable_file") from None
    if not stat.S_ISREG(mode):
        raise ImageProblem("not_a_regular_file")
    return real


def target_box(h: int, w: int, th: int, tw: int, fit: str) -> float:
    """Largest JPEG reduction allowed for one target: never decode below what the resize needs."""
    if not h or not w:
        return 1.0
    return min(h / th, w / tw) if fit == "crop" else max(h / th, w / tw)


def reduction(h: int, w: int, sizes: list[tuple[int, int]], fit: str) -> int:
    limit = min(target_box(h, w, th, tw, fit) for th, tw in sizes)
    return max(k for k in REDUCED if k <= max(1.0, limit))


def decode(data: bytes, factor: int = 1) -> np.ndarray:
    """BGR uint8 image; reduced-size decoding for JPEGs when factor > 1."""
    flag = REDUCED[factor] if data[:2] == b"\xff\xd8" else cv2.IMREAD_COLOR
    img = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if img is None or img.size == 0:
        raise ImageProblem("corrupt_image")
    return img


def _scale(img: np.ndarray, th: int, tw: int) -> np.ndarray:
    h, w = img.shape[:2]
    if (h, w) == (th, tw):
        return img
    ky, kx = max(1, int(h / th)), max(1, int(w / tw))
    if ky > 1 or kx > 1:
        # Whole-number part first: INTER_AREA at an exact integer factor is a cheap box filter; the few
        # leftover rows/columns (< factor) are trimmed evenly from both edges.
        y0, x0 = (h % ky) // 2, (w % kx) // 2
        img = img[y0:y0 + h - h % ky, x0:x0 + w - w % kx]
        img = cv2.resize(img, (img.shape[1] // kx, img.shape[0] // ky), interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
        if (h, w) == (th, tw):
            return img
    fy, fx = h / th, w / tw
    if fy < 1 or fx < 1:
        return cv2.resize(img, (tw, th), interpolation=cv2.INTER_LINEAR)
    sy, sx = (fy - 1) / 2, (fx - 1) / 2  # the rest (< 2x): skimage's anti-aliasing sigma, then bilinear
    if sy > 0.05 or sx > 0.05:
        img = cv2.GaussianBlur(img, (3, 3), sigmaX=max(sx, 1e-3), sigmaY=max(sy, 1e-3))
    return cv2.resize(img, (tw, th), interpolation=cv2.INTER_LINEAR)


def fit_to(img: np.ndarray, th: int, tw: int, fit: str) -> np.ndarray:
    """Centre-crop to the target aspect then scale ('crop'), or scale inside a black frame ('letterbox')."""
    h, w = img.shape[:2]
    if fit == "crop":
        if h * tw > w * th:  # too tall
            ch = max(1, round(w * th / tw))
            y = (h - ch) // 2
            img = img[y:y + ch]
        else:
            cw = max(1, round(h * tw / th))
            x = (w - cw) // 2
            img = img[:, x:x + cw]
        return _scale(img, th, tw)
    s = min(th / h, tw / w)
    nh, nw = max(1, min(th, round(h * s))), max(1, min(tw, round(w * s)))
    out = np.zeros((th, tw, 3), np.uint8)
    y, x = (th - nh) // 2, (tw - nw) // 2
    out[y:y + nh, x:x + nw] = _scale(img, nh, nw)
    return out


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(bgr: np.ndarray) -> bytes:
    """RGB PNG, Up filter, stored deflate (parquet's zstd compresses it); any PNG reader decodes it."""
    h, w = bgr.shape[:2]
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).reshape(h, w * 3)
    raw = np.empty((h, w * 3 + 1), np.uint8)
    raw[:, 0] = 2
    raw[0, 1:] = rgb[0]
    np.subtract(rgb[1:], rgb[:-1], out=raw[1:, 1:])
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 0)) + _chunk(b"IEND", b""))


def phash(bgr: np.ndarray) -> int:
    """64-bit perceptual hash: sign of the 8x8 low-frequency DCT of a 32x32 grey thumbnail vs its median."""
    grey = _scale(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), 32, 32)
    low = cv2.dct(grey.astype(np.float32))[:8, :8].ravel()
    bits = low > np.median(low[1:])
    return int(np.packbits(bits).view(">u8")[0])


def process_image(data: bytes, sizes: list[tuple[int, int]], fit: str, max_pixels: int,
                  want_hash: bool) -> tuple[list[bytes], int]:
    """Decode once at the largest allowed reduction, then one PNG per size and the pHash."""
    h, w = check_bytes(data, max_pixels)
    img = decode(data, reduction(h, w, sizes, fit))
    if img.shape[0] * img.shape[1] > max_pixels:
        raise ImageProblem("too_many_pixels")
    outs = [fit_to(img, th, tw, fit) for th, tw in sizes]
    return [encode_png(o) for o in outs], (phash(min(outs, key=lambda o: o.size)) if want_hash else 0)
