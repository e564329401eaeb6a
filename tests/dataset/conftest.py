"""Fixtures for the dataset tests: raw crawl folders written from hand-made items."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.inputs import add_poster, make_item, poster_jpeg, trailer_frames, write_items, write_video


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    """120 titles, 24 with posters (two sharing one image), one with a trailer video."""
    raw = tmp_path / "raw"
    items = [make_item(i) for i in range(120)]
    for i in range(24):
        add_poster(raw, items[i], poster_jpeg(i if i != 23 else 22))
    write_video(raw / "trailers" / f"{items[5]['imdb_id']}.mp4", trailer_frames())
    write_items(raw, items)
    return raw
