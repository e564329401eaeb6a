"""The demo's splits file names exactly the titles the build's own filter keeps (`dataset.filter`)."""
from __future__ import annotations

from cli.demo import read_items, write_splits


def item(imdb_id: str, votes: int | None, title_type: str | None) -> dict:
    return {"imdb_id": imdb_id, "votes": votes, "title_type": title_type, "trailer_urls": [],
            "poster_path": "posters/x.jpg"}


def test_splits_keep_what_the_build_keeps(tmp_path):
    items = [item("tt0000001", 200, "Movie"),  # the build compares types case-insensitively
             item("tt0000002", 100, "movie"),  # 125 votes or fewer
             item("tt0000003", 300, "tvSeries"),
             item("tt0000004", 500, None),  # an untyped title is kept
             item("tt0000005", None, "movie")]  # no vote count
    path = tmp_path / "splits.csv"
    write_splits(items, path)
    lines = path.read_text().splitlines()
    assert lines[0] == "imdb_id,split"
    assert {line.split(",")[0] for line in lines[1:]} == {"tt0000001", "tt0000004"}


def test_a_torn_last_line_is_skipped(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text('{"imdb_id": "tt0000001", "title": "A"}\n{"imdb_id": "tt00000')
    assert [i["imdb_id"] for i in read_items(path)] == ["tt0000001"]
    assert read_items(tmp_path / "missing.jsonl") == []
