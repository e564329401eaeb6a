"""Stage 7: the image path — reduced decoding, crop/letterbox, PNG, pHash dedupe, and every bad poster counted."""
from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dataset import imaging
from dataset.images import ImageParams, decode_png, downsample_posters, near_duplicate_groups, resolve_poster
from dataset.report import Report, objects
from tests.helpers.inputs import add_poster, poster_jpeg


def test_header_size_and_reduction_factor():
    data = poster_jpeg(1)
    assert imaging.header_size(data) == (268, 182)
    assert imaging.reduction(268, 182, [(32, 32)], "crop") == 4  # 182/4 = 45 >= 32 wide
    assert imaging.reduction(268, 182, [(32, 32)], "letterbox") == 8  # 268/8 = 33 >= 32 tall
    assert imaging.reduction(268, 182, [(32, 32), (150, 101)], "crop") == 1
    assert imaging.decode(data, 4).shape == (67, 46, 3)


@pytest.mark.parametrize("fit", ["crop", "letterbox"])
@pytest.mark.parametrize("size", [(32, 32), (150, 101), (40, 90)])
def test_outputs_have_the_size_and_decode_with_pil(fit, size):
    pngs, ph = imaging.process_image(poster_jpeg(3), [size], fit, 10**8, True)
    img = np.asarray(Image.open(io.BytesIO(pngs[0])).convert("RGB"))
    assert img.shape == (*size, 3) and ph != 0
    assert (decode_png(pngs[0]) == img).all()
    if fit == "letterbox" and size == (40, 90):
        assert img[:, :5].max() == 0 and img[:, -5:].max() == 0  # black side bars


def test_resize_matches_the_seed_reference_skimage():
    """Same crop, then skimage.transform.resize (seed 002's way) vs ours: nearly the same pixels."""
    skimage = pytest.importorskip("skimage.transform")
    data = poster_jpeg(5)
    ours = decode_png(imaging.process_image(data, [(150, 101)], "crop", 10**8, False)[0][0]).astype(float)
    full = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    ref = skimage.resize(full[:, 1:181], (150, 101), anti_aliasing=True, preserve_range=True)  # 180/268 = 101/150
    assert np.abs(ours - ref).mean() < 2.0


def test_png_is_lossless_and_valid():
    rgb = np.random.default_rng(0).integers(0, 255, (7, 5, 3), dtype=np.uint8)
    data = imaging.encode_png(rgb[:, :, ::-1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", data[-12:-8])[0] == 0
    assert (np.asarray(Image.open(io.BytesIO(data))) == rgb).all()
    zlib.decompress(data[41:-12])


def test_near_duplicate_groups():
    a = 0x0F0F_F0F0_1234_5678
    hashes = [a, a ^ 0b101, a ^ (1 << 63) ^ 1 ^ (1 << 40) ^ (1 << 20), 0xFFFF_0000_FFFF_0000, a]
    assert near_duplicate_groups(hashes, 3) == [0, 0, 2, 3, 0]


def test_near_duplicates_are_found_beyond_a_buckets_first_hash():
    """Hash 2 shares no band with hash 0 but is 3 bits from hash 1, which does: all pairs are checked."""
    hashes = [0xFFFF_FFFF_FFFF_0000, 0, (1 << 16) ^ (1 << 32) ^ (1 << 48)]
    assert near_duplicate_groups(hashes, 3) == [0, 1, 1]
    assert near_duplicate_groups(list(reversed(hashes)), 3) == [0, 0, 2]
    assert near_duplicate_groups([], 3) == [] and near_duplicate_groups([7, 7, 6], 0) == [0, 0, 2]


def test_near_duplicate_groups_match_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(50):
        base = [int(b) for b in rng.integers(0, 2**63, 4, dtype=np.uint64)]
        hashes = [b ^ sum(1 << int(k) for k in set(rng.integers(0, 64, rng.integers(0, 6)).tolist()))
                  for b in base for _ in range(4)]
        parent = list(range(len(hashes)))
        for i in range(len(hashes)):
            for j in range(i):
                if bin(hashes[i] ^ hashes[j]).count("1") <= 3:
                    a, b = parent[i], parent[j]
                    parent = [min(a, b) if p in (a, b) else p for p in parent]
        assert near_duplicate_groups(hashes, 3) == parent


def reencoded(data: bytes, quality: int, scale: float) -> bytes:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def test_a_reencoded_resized_poster_is_a_near_duplicate(tmp_path):
    raw = tmp_path / "raw"
    original = poster_jpeg(4)
    posters = [original, reencoded(original, 40, 2.0), reencoded(original, 70, 0.75), poster_jpeg(5)]
    items = [add_poster(raw, {"imdb_id": f"tt{i:07d}"}, data) for i, data in enumerate(posters)]
    df = pd.DataFrame({"imdb_id": objects(i["imdb_id"] for i in items),
                       "poster_path": objects(i["poster_path"] for i in items)})
    df["_raw"] = 0
    df["is_oversampled"] = False
    report = Report()
    out = downsample_posters(df, [raw], ImageParams(sizes=((32, 32),), dedupe="drop", workers=1), report, quiet=True)
    assert report.noted["images"]["poster_near_identical_to_another_title"] == 2
    assert out.set_index("imdb_id")["has_poster"].to_dict() == {
        "tt0000000": True, "tt0000001": False, "tt0000002": False, "tt0000003": True}


def test_poster_path_escaping_the_crawl_folder_is_refused(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(imaging.ImageProblem, match="escapes"):
        resolve_poster(tmp_path / "raw", "../../etc/passwd")
    with pytest.raises(imaging.ImageProblem, match="escapes"):
        resolve_poster(tmp_path / "raw", "/etc/passwd")


def bomb_png() -> bytes:
    """A valid PNG header claiming 100000 x 100000 pixels (the body is never decoded)."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def bad_frame(tmp_path):
    raw = tmp_path / "raw"
    rows = []
    cases = {"good": poster_jpeg(1), "same": poster_jpeg(1), "empty_file": b"", "corrupt_image": poster_jpeg(2)[:300],
             "not_an_image": b"<html>not a poster</html>", "too_many_pixels": bomb_png(), "other": poster_jpeg(9)}
    for i, (name, data) in enumerate(cases.items()):
        item = {"imdb_id": f"tt{i:07d}", "poster_path": None}
        add_poster(raw, item, data) if name not in ("same", "empty_file", "corrupt_image") else None
        if name in ("empty_file", "corrupt_image", "same"):
            (raw / "posters").mkdir(exist_ok=True)
            (raw / "posters" / f"{name}.jpg").write_bytes(data)
            item["poster_path"] = f"posters/{name}.jpg"
        rows.append(item)
    rows.append({"imdb_id": "tt0000007", "poster_path": "posters/missing.jpg"})
    rows.append({"imdb_id": "tt0000008", "poster_path": "../../etc/passwd"})
    rows.append({"imdb_id": "tt0000009", "poster_path": None})
    df = pd.DataFrame({"imdb_id": objects(r["imdb_id"] for r in rows),
                       "poster_path": objects(r["poster_path"] for r in rows)})
    df["_raw"] = 0
    df["is_oversampled"] = False
    return raw, df


@pytest.mark.parametrize("missing", ["keep", "drop"])
def test_bad_posters_are_counted_and_rows_kept_or_dropped(tmp_path, missing):
    raw, df = bad_frame(tmp_path)
    report = Report()
    params = ImageParams(sizes=((32, 32), (150, 101)), missing=missing, dedupe="drop", workers=1)
    out = downsample_posters(df, [raw], params, report, quiet=True)
    changed = report.noted["images"]
    for reason in ("empty_file", "corrupt_image", "not_an_image", "too_many_pixels", "missing_file",
                   "poster_path_escapes_raw_folder"):
        assert changed[f"poster_{reason}"] == 1, reason
    assert changed["poster_identical_to_another_title"] == 1
    assert out.set_index("imdb_id")["has_poster"].to_dict()["tt0000000"]
    assert {q["reason"] for q in report.quarantined} >= {"missing_file", "poster_path_escapes_raw_folder"}
    kept = out["imdb_id"].tolist()
    if missing == "keep":
        assert len(kept) == 10 and out["has_poster"].sum() == 2  # good + other; "same" deduped
        assert out["poster_32x32"].isna().sum() == 8
    else:
        assert kept == ["tt0000000", "tt0000001", "tt0000006", "tt0000009"]
        assert report.removed["images"]["poster_unusable"] == 6
    kept_all = downsample_posters(df, [raw], ImageParams(sizes=((32, 32),), workers=1), Report(), quiet=True)
    assert kept_all["has_poster"].sum() == 3  # the default keeps the duplicate, only counting it


def test_parallel_and_serial_give_identical_bytes(tmp_path):
    raw = tmp_path / "raw"
    items = [add_poster(raw, {"imdb_id": f"tt{i:07d}"}, poster_jpeg(i)) for i in range(80)]
    df = pd.DataFrame({"imdb_id": objects(i["imdb_id"] for i in items),
                       "poster_path": objects(i["poster_path"] for i in items)})
    df["_raw"] = 0
    df["is_oversampled"] = False
    one = downsample_posters(df, [raw], ImageParams(sizes=((32, 32),), workers=1), Report(), quiet=True)
    two = downsample_posters(df, [raw], ImageParams(sizes=((32, 32),), workers=2), Report(), quiet=True)
    assert one["poster_32x32"].tolist() == two["poster_32x32"].tolist()
    assert one["has_poster"].all()
