"""The streamed build (dataset/stream.py) against the in-memory reference: the same files, byte for byte."""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from dataset import build as build_module
from dataset.build import BuildParams, build
from dataset.features import FeatureParams
from dataset.filter import FilterParams
from dataset.images import ImageParams
from dataset.oversample import OversampleParams
from dataset.split import SplitParams
from dataset.stream import streams
from dataset.trailers import TrailerParams
from tests.helpers.inputs import make_item, trailer_frames, write_items, write_video

N = 900


def _item(n: int, rng: np.random.Generator) -> dict:
    """Varied values: missing fields, entities, 'See All' artefacts, foreign currencies, shared names."""
    item = make_item(n, actors=[f"Actor {k}" for k in rng.integers(0, 60, 3)],
                     directors=[f"Director {int(rng.integers(0, 40))}"], keywords=[f"kw{k}" for k in rng.integers(0, 30, 2)],
                     countries=[["USA"], ["France", "USA"], None][n % 3], metascore=[None, 55, 80][n % 3])
    if n % 7 == 0:
        item["votes"] = None
    if n % 11 == 0:
        item["rating"] = None
    if n % 13 == 0:
        item["budget"] = {"amount": 5e6, "currency": ["EUR", "XYZ", None][n % 3]}
    if n % 17 == 0:
        item["title"] = f"Tom &amp; Jerry {n}"
    if n % 19 == 0:
        item["languages"] = ["English", "See All (3) »"]
    if n % 23 == 0:
        item["year"] = 1700  # out of range: nulled and quarantined
    if n % 29 == 0:
        item["title_type"] = ["tvSeries", "videoGame", None][n % 3]  # left out by the default (movies)
    return item


def _write_raw(root: Path, *, bad_line: bool, embeddings: bool = False) -> list[Path]:
    """Two raw folders; 1 in 6 titles crawled again later (newer or same scraped_at), one file gzipped."""
    rng = np.random.default_rng(0)
    items = [_item(n, rng) for n in range(N)]
    again = [dict(items[n], title=f"Recrawled {n}", scraped_at="2024-06-01T00:00:00Z" if n % 2 else BASE_TIME)
             for n in range(0, N, 6)]
    first, second = root / "a", root / "b"
    write_items(first, items[: N // 2])
    write_items(first, items[N // 2:], name="items-2.jsonl.gz")
    write_items(second, again[::-1])  # newer copies first in their file: order must not matter
    if bad_line:
        with open(second / "items.jsonl", "ab") as fh:
            fh.write(b'{"imdb_id": "tt12", "title": "bad id"}\nnot json\n')
            fh.write(json.dumps(dict(make_item(N + 1), year="(1999)", runtime_min="2h 16min", votes="1,234",
                                     rating="7.5/10", budget="$1,000,000")).encode() + b"\n")
    if embeddings:  # a third folder: rows of the others have no index, which is not "out of range"
        third = root / "c"
        write_items(third, [make_item(n, frame_embeddings_index=n - 2000) for n in range(2000, 2006)])
        np.save(third / "frame_embeddings.npy", rng.random((5, 4, 3), dtype=np.float32))  # index 5: out of range
        return [first, second, third]
    return [first, second]


BASE_TIME = "2024-01-01T00:00:00Z"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((folder / "data").glob("*.parquet"))}


def _both(raws: list[Path], tmp_path: Path, params: BuildParams) -> tuple[Path, Path, dict, dict]:
    ref, new = tmp_path / "memory" / "ds", tmp_path / "stream" / "ds"
    fresh = {"filter": replace(params.filter, notes=[])}  # the filter writes its notes into its params
    expected = build(raws, ref, replace(params, engine="memory", **fresh), quiet=True)
    fresh = {"filter": replace(params.filter, notes=[])}
    got = build(raws, new, replace(params, engine="stream", batch_rows=97, **fresh), quiet=True)
    return ref, new, expected, got


def _same_build(ref: Path, new: Path, expected: dict, got: dict) -> None:
    """The same parquet bytes, build.json counts and labels, card and quarantine entries."""
    assert _digest(new) == _digest(ref) and _digest(ref)
    for key in ("columns", "splits", "labels", "genre_counts", "counts", "notes"):
        assert got[key] == expected[key], key
    assert set(got["timings_s"]) <= set(expected["timings_s"]) | {"load"}
    # the same entries in the same order: the clean stage writes row by row, whole table or batch by batch
    assert (new / "quarantine.jsonl").read_bytes() == (ref / "quarantine.jsonl").read_bytes()
    for name in ("README.md", "genres.png", "ratings.png"):
        assert (new / name).read_bytes() == (ref / name).read_bytes(), name


CONFIGS = {
    "defaults": BuildParams(shard_rows=120),
    "oversample_seed002": BuildParams(oversample=OversampleParams(method="seed002", seed=4), shard_rows=150),
    "oversample_inverse": BuildParams(oversample=OversampleParams(method="inverse", max_factor=3.0),
                                      split=SplitParams(stratify="genre")),
    "stratified_by_genre_no_vote_rule": BuildParams(
        filter=FilterParams(min_votes=None), split=SplitParams(stratify="genre"), shard_rows=10_050),
    "stratified_by_rating_class_filters": BuildParams(
        filter=FilterParams(min_votes=300, year_min=1992, exclude_genres=("Horror",), require_rating=True),
        split=SplitParams(stratify="rating_class", seed=3), features=FeatureParams(top_k=7, min_count=3)),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("bad_line", [False, True], ids=["arrow_path", "line_path"])
def test_streamed_build_is_byte_identical_to_the_in_memory_build(tmp_path, name, bad_line):
    raws = _write_raw(tmp_path / "raw", bad_line=bad_line)
    ref, new, expected, got = _both(raws, tmp_path, CONFIGS[name])
    _same_build(ref, new, expected, got)
    assert expected["counts"]["removed"]["load"]["duplicate_imdb_id_older_copy"] == len(range(0, N, 6))
    assert expected["counts"]["quarantined"] > 0


def test_streamed_build_with_a_splits_file_trailers_and_embeddings(tmp_path):
    raws = _write_raw(tmp_path / "raw", bad_line=False, embeddings=True)
    write_video(raws[0] / "trailers" / "tt0000004.mp4", trailer_frames())
    splits = tmp_path / "splits.csv"
    splits.write_text("imdb_id,split\n" + "".join(f"tt{n:07d},{['train', 'val', 'test'][n % 3]}\n"
                                                  for n in [*range(0, N + 50, 2), *range(2000, 2006)]))
    params = BuildParams(split=SplitParams(splits_file=splits), trailers=TrailerParams(keep=3, size=(18, 32), workers=1))
    ref, new, expected, got = _both(raws, tmp_path, params)
    _same_build(ref, new, expected, got)
    assert {"trailer_frames", "frame_embeddings"} <= set(got["columns"])
    assert got["counts"]["changed"]["split"]["splits_file_ids_not_in_data"] > 0
    assert got["counts"]["changed"]["sequences"]["embedding_index_out_of_range"] == 1


def test_no_vote_counts_anywhere_skips_the_vote_rule_like_the_in_memory_build(tmp_path):
    raw = tmp_path / "raw"
    write_items(raw, [make_item(n, votes=None) for n in range(300)])
    ref, new, expected, got = _both([raw], tmp_path, BuildParams())
    _same_build(ref, new, expected, got)
    assert got["notes"] == ["min_votes skipped: the inputs carry no vote counts"]


def test_titles_without_a_type_are_kept_beside_typed_ones_like_the_in_memory_build(tmp_path):
    typed, untyped = tmp_path / "crawl", tmp_path / "table"
    write_items(typed, [make_item(n, title_type=["movie", "tvSeries"][n % 2]) for n in range(200)])
    write_items(untyped, [make_item(n, title_type=None) for n in range(1000, 1100)])
    ref, new, expected, got = _both([typed, untyped], tmp_path, BuildParams(filter=FilterParams(min_votes=None)))
    _same_build(ref, new, expected, got)
    assert sum(s["rows"] for s in got["splits"].values()) == 200
    assert got["counts"]["removed"]["filter"]["title_type_not_wanted"] == 100
    assert got["counts"]["changed"]["filter"]["title_type_unknown_kept"] == 100


def test_unsorted_items_without_copies_come_out_in_id_order(tmp_path):
    raw = tmp_path / "raw"
    items = [make_item(n) for n in range(400)]
    np.random.default_rng(1).shuffle(items)
    write_items(raw, items)
    _same_build(*_both([raw], tmp_path, BuildParams(shard_rows=70)))


def test_a_gzip_cut_short_keeps_its_lines_and_says_so(tmp_path):
    raw = tmp_path / "raw"
    data = gzip.compress("".join(json.dumps(make_item(n)) + "\n" for n in range(400)).encode(), mtime=0)
    raw.mkdir()
    (raw / "items.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    ref, new, expected, got = _both([raw], tmp_path, BuildParams())
    _same_build(ref, new, expected, got)
    assert got["counts"]["removed"]["load"]["truncated_gzip"] == 1


def test_poster_images_still_take_the_in_memory_path(monkeypatch, small_raw, tmp_path):
    assert streams(BuildParams()) and streams(BuildParams(oversample=OversampleParams(method="inverse")))
    assert not streams(BuildParams(images=ImageParams(sizes=((32, 32),))))
    calls = []
    monkeypatch.setattr(build_module, "run_streamed", lambda *a, **k: calls.append(a))
    build([small_raw], tmp_path / "ds", BuildParams(images=ImageParams(sizes=((32, 32),), workers=1)), quiet=True)
    assert calls == []


def test_the_streamed_build_leaves_no_spill_behind(tmp_path):
    raws = _write_raw(tmp_path / "raw", bad_line=False)
    out = tmp_path / "it's" / "ds"  # the spill folder's path goes into DuckDB's SQL
    build(raws, out, BuildParams(batch_rows=50, oversample=OversampleParams(method="inverse")), quiet=True)
    assert not (out / "_spill").exists()
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["README.md", "build.json", "genres.png",
                                                                    "quarantine.jsonl", "ratings.png"]


def test_collapse_column_matches_the_per_row_collapse():
    from dataset.features import _collapse, collapse_column

    lists = [["a", "x", "b", "y"], None, ["x"], ["a", "b"], ["y", "a", "z"], ["b"]]
    vocab = ["a", "b"]
    column, collapsed = collapse_column(pa.array(lists, pa.list_(pa.string())), vocab)
    assert column.to_pylist() == [_collapse(v, set(vocab)) for v in lists]
    assert collapsed == 5
    unchanged, none = collapse_column(pa.array([["a"], None], pa.list_(pa.string())), vocab)
    assert unchanged.to_pylist() == [["a"], None] and none == 0
