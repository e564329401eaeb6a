"""Posters, trailer frames and trailer videos as files and as bytes (issue 15, #4): only regular files
inside their folder are opened (a FIFO never blocks, a link out of the folder is refused), and every
accepted format's pixel count comes from its header before any decoding."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.cli import main
from dataset.imaging import ImageProblem, check_bytes, header_size, process_image
from tests.helpers.inputs import add_poster, make_item, poster_jpeg, write_items
from tests.helpers.strategies import PROFILE

pytestmark = [pytest.mark.hardening, pytest.mark.timeout(120)]  # the old readers blocked forever on a FIFO


def build(tmp_path: Path, raw: Path, capsys, *extra: str) -> tuple[int, Path, dict[str, str]]:
    out = tmp_path / "ds"
    code = main(["build", "--raw", str(raw), "--out", str(out), "--min-votes", "-1", "--no-plots", "--quiet",
                 "--workers", "1", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = (out / "quarantine.jsonl").read_text().splitlines() if (out / "quarantine.jsonl").exists() else []
    return code, out, {q["where"]: q["reason"] for q in map(json.loads, lines)}


def test_posters_that_are_fifos_devices_or_links_out_of_the_folder_are_refused(tmp_path, capsys) -> None:
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    items = [add_poster(raw, make_item(i + 1), poster_jpeg(i)) for i in range(8)]
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(poster_jpeg(99))
    os.mkfifo(raw / "posters" / "fifo.jpg")
    (raw / "posters" / "out.jpg").symlink_to(outside / "secret.jpg")
    (raw / "posters" / "dev.jpg").symlink_to("/dev/zero")
    (raw / "posters" / "in.jpg").symlink_to(raw / items[0]["poster_path"])  # a link inside the folder is fine
    for item, name in zip(items[4:], ["fifo.jpg", "out.jpg", "dev.jpg", "in.jpg"], strict=True):
        item["poster_path"] = f"posters/{name}"
    write_items(raw, items)
    code, out, quarantined = build(tmp_path, raw, capsys, "--image-size", "32x32")
    assert code == 0
    assert quarantined == {"tt0000005": "not_a_regular_file", "tt0000006": "file_outside_its_folder",
                           "tt0000007": "file_outside_its_folder"}
    counts = json.loads((out / "build.json").read_text())["counts"]["changed"]["images"]
    assert counts["poster_not_a_regular_file"] == 1 and counts["poster_file_outside_its_folder"] == 2


def test_trailer_frames_and_videos_that_are_not_regular_files_inside_the_folder(tmp_path, capsys) -> None:
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    items = [make_item(i + 1) for i in range(6)]
    write_items(raw, items)
    frame = cv2.imencode(".jpg", np.full((90, 160, 3), 120, np.uint8))[1].tobytes()
    for i in (1, 2):  # two good frame folders
        folder = raw / "trailer_frames" / f"tt{i:07d}"
        folder.mkdir(parents=True)
        for n in range(3):
            (folder / f"{n}.jpg").write_bytes(frame)
    (raw / "trailer_frames" / "tt0000003").mkdir()
    os.mkfifo(raw / "trailer_frames" / "tt0000003" / "0.jpg")  # only a FIFO: no readable frames
    outside.mkdir()
    (outside / "0.jpg").write_bytes(frame)
    (raw / "trailer_frames" / "tt0000004").symlink_to(outside, target_is_directory=True)
    (raw / "trailers").mkdir()
    os.mkfifo(raw / "trailers" / "tt0000005.mp4")  # cv2.VideoCapture would block on it
    code, out, quarantined = build(tmp_path, raw, capsys)
    assert code == 0
    assert quarantined == {"tt0000003": "no_readable_frames", "tt0000004": "no_readable_frames"}
    changed = json.loads((out / "build.json").read_text())["counts"]["changed"]["trailers"]
    assert changed["titles_with_trailer_frames"] == 2


def test_import_posters_copies_only_regular_files_inside_images(tmp_path, capsys) -> None:
    images, outside = tmp_path / "images", tmp_path / "outside"
    images.mkdir()
    outside.mkdir()
    (images / "tt0000010.jpg").write_bytes(b"poster")
    (outside / "secret.jpg").write_bytes(b"not yours")
    (images / "tt0000011.jpg").symlink_to(outside / "secret.jpg")
    os.mkfifo(images / "tt0000012.jpg")
    labels = tmp_path / "labels.csv"
    labels.write_text("imdb_id,split,genres\ntt0000010,train,Drama\ntt0000011,train,Drama\ntt0000012,val,Drama\n")
    out = tmp_path / "raw"
    assert main(["import", "posters", str(labels), str(images), "--out", str(out)]) == 0
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [(i["imdb_id"], bool(i["poster_path"])) for i in items] == [
        ("tt0000010", True), ("tt0000011", False), ("tt0000012", False)]
    assert [p.read_bytes() for p in (out / "posters").iterdir()] == [b"poster"]
    report = json.loads((out / "import-report.json").read_text())
    assert report["skipped_by_reason"] == {
        "image refused: file_outside_its_folder (item kept without poster)": 1,
        "image refused: not_a_regular_file (item kept without poster)": 1}


def webp_header(kind: bytes, h: int, w: int) -> bytes:
    """The first bytes of a WebP of each flavour declaring h x w (what a 10 KB bomb starts with)."""
    if kind == b"VP8 ":
        body = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", w, h)
    elif kind == b"VP8L":
        body = b"\x2f" + ((w - 1) | (h - 1) << 14).to_bytes(4, "little")
    else:
        body = b"\x00" * 4 + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(body)) + b"WEBP" + kind + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize("kind", [b"VP8 ", b"VP8L", b"VP8X"])
def test_a_huge_webp_is_refused_from_its_header(kind: bytes) -> None:
    data = webp_header(kind, 16383, 16383) + b"\x00" * 10_000
    assert header_size(data) == (16383, 16383)  # the old reader said (1, 1) and decoded it: 1.77 GB
    with pytest.raises(ImageProblem, match="too_many_pixels"):
        check_bytes(data, 50_000_000)


# --- image bytes: fuzz ------------------------------------------------------------------------------

FORMATS = {".png": [], ".jpg": [cv2.IMWRITE_JPEG_QUALITY, 80], ".bmp": [],
           ".webp": [cv2.IMWRITE_WEBP_QUALITY, 80], "lossless.webp": [cv2.IMWRITE_WEBP_QUALITY, 101]}


@settings(PROFILE, max_examples=60)
@given(h=st.integers(1, 300), w=st.integers(1, 300), fmt=st.sampled_from(sorted(FORMATS)))
def test_header_size_is_the_decoded_size_for_every_format(h: int, w: int, fmt: str) -> None:
    img = np.random.default_rng(h * 1000 + w).integers(0, 255, (h, w, 3), dtype=np.uint8)
    data = cv2.imencode(fmt if fmt.startswith(".") else ".webp", img, FORMATS[fmt])[1].tobytes()
    assert header_size(data) == (h, w) == cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape[:2]


SEEDS = {fmt: cv2.imencode(fmt if fmt.startswith(".") else ".webp", np.full((40, 30, 3), 90, np.uint8),
                           FORMATS[fmt])[1].tobytes() for fmt in FORMATS}


@settings(PROFILE, max_examples=200)
@given(fmt=st.sampled_from(sorted(FORMATS)), edits=st.lists(st.tuples(st.integers(0, 400), st.binary(max_size=6)),
                                                          max_size=6), cut=st.integers(0, 2000))
def test_damaged_image_bytes_are_a_counted_problem_or_a_bounded_image(fmt: str, edits, cut: int) -> None:
    data = bytearray(SEEDS[fmt])
    for at, chunk in edits:
        data[at:at + len(chunk)] = chunk
    data = bytes(data[:cut] if cut < len(data) else data)
    try:
        pngs, _ = process_image(data, [(32, 32)], "crop", 1_000_000, True)
    except ImageProblem:
        return  # counted by the build with this reason
    size = header_size(data)
    assert size is not None and size[0] * size[1] <= 1_000_000  # never decoded past what the header allowed
    assert len(pngs) == 1 and cv2.imdecode(np.frombuffer(pngs[0], np.uint8), cv2.IMREAD_COLOR).shape == (32, 32, 3)
