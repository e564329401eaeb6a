"""Stage 1: loading raw folders — shards, gzip, dedupe, and every malformed line counted as file:line."""
from __future__ import annotations

import gzip

import pytest

from dataset.raw import load_raw
from dataset.report import DatasetError, Report
from tests.helpers.inputs import make_item, write_items


def test_shards_and_gzip_concatenate_and_newest_copy_wins(tmp_path):
    raw = tmp_path / "raw"
    write_items(raw, [make_item(1, title="old", scraped_at="2024-01-01T00:00:00Z"), make_item(2)], "items-0001.jsonl")
    write_items(raw, [make_item(1, title="new", scraped_at="2024-02-01T00:00:00Z"), make_item(3)], "items-0002.jsonl.gz")
    write_items(tmp_path / "raw2", [make_item(1, title="older", scraped_at="2023-01-01T00:00:00Z")])
    report = Report()
    df = load_raw([raw, tmp_path / "raw2"], report, quiet=True)
    assert df["imdb_id"].tolist() == ["tt0000001", "tt0000002", "tt0000003"]
    assert df.loc[0, "title"] == "new"
    assert report.removed["load"]["duplicate_imdb_id_older_copy"] == 2


def test_malformed_lines_are_skipped_counted_and_located(tmp_path):
    raw = tmp_path / "raw"
    path = write_items(raw, [make_item(1)])
    with open(path, "ab") as fh:
        fh.write(b"{not json\n")
        fh.write(b'{"imdb_id": "tt0000002", "title": "\xff\xfe"}\n')
        fh.write(b"[1, 2]\n")
        fh.write(b'{"imdb_id": "nm123"}\n')
        fh.write(b"\n")
    fh_line = make_item(3)
    write_items(raw, [make_item(1), fh_line], "items-2.jsonl")
    report = Report()
    df = load_raw([raw], report, quiet=True)
    assert df["imdb_id"].tolist() == ["tt0000001", "tt0000003"]
    removed = report.removed["load"]
    assert removed["not_JSON"] == 1 and removed["invalid_UTF-8"] == 1
    assert removed["not_a_JSON_object"] == 1 and removed["no_valid_imdb_id"] == 1
    where = {q["where"]: q["reason"] for q in report.quarantined}
    assert where[f"{path}:2"].startswith("not JSON")
    assert where[f"{path}:3"] == "invalid UTF-8"


def test_truncated_gzip_keeps_lines_before_the_cut(tmp_path):
    raw = tmp_path / "raw"
    path = write_items(raw, [make_item(i, description="x" * 2000) for i in range(200)], "items.jsonl.gz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    report = Report()
    df = load_raw([raw], report, quiet=True)
    assert 0 < len(df) < 200
    assert report.removed["load"]["truncated_gzip"] == 1
    assert "is truncated" in report.quarantined[-1]["reason"]
    assert gzip.decompress(data).count(b"\n") == 200


@pytest.mark.parametrize("setup, message", [
    (lambda p: p.mkdir(), "has no items.jsonl"),
    (lambda p: None, "does not exist"),
    (lambda p: write_items(p, []) and None, "no valid items"),
])
def test_empty_or_missing_folder_is_one_clear_error(tmp_path, setup, message):
    raw = tmp_path / "raw"
    setup(raw)
    with pytest.raises(DatasetError, match=message):
        load_raw([raw], Report(), quiet=True)
