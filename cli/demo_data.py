"""What the demo reads and writes between its phases: the crawl's items and the stratified splits file.

Apart from the phases (`cli/demo_phases.py`) because both are plain data steps, tested on their own.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def read_items(path: Path) -> list[dict[str, Any]]:
    """Items of a crawl's items.jsonl, read by the build's reader; a torn last line (killed crawl) is skipped."""
    from dataset.raw import valid_records
    from dataset.report import Report

    return [record for _, _, record in valid_records(path, Report())] if path.is_file() else []


def write_splits(items: list[dict[str, Any]], path: Path) -> None:
    """70/15/15 stratified by (has trailer, has poster), written for `dataset build --splits`.

    The build's own split is a hash per title; at demo sizes (60 titles) chance can leave the test split
    without a single trailer, and `rating_trailer` would get no row. Titles the build's default filter
    drops (`dataset.filter`: votes, title type) are left out so the file names only rows it keeps.
    """
    import pandas as pd

    from dataset.filter import FilterParams, filter_titles
    from dataset.report import Report

    frame = pd.DataFrame(items)
    for column in ("votes", "title_type", "trailer_urls", "poster_path"):
        if column not in frame:
            frame[column] = None
    kept = filter_titles(frame, FilterParams(), Report()) if len(frame) else frame
    groups: dict[tuple[bool, bool], list[str]] = {}
    for imdb_id, trailers, poster in zip(kept["imdb_id"], kept["trailer_urls"], kept["poster_path"], strict=True):
        has_trailer = trailers is not None and len(trailers) > 0
        groups.setdefault((has_trailer, isinstance(poster, str) and bool(poster)), []).append(imdb_id)
    lines = ["imdb_id,split"]
    for ids in groups.values():
        for i, imdb_id in enumerate(sorted(ids, key=lambda x: hashlib.sha1(x.encode()).hexdigest())):
            slot = i % 20  # 3 test and 3 validation slots in every 20, spread so small groups get some of each
            lines.append(f"{imdb_id},{'test' if slot in (3, 10, 16) else 'validation' if slot in (6, 13, 19) else 'train'}")
    path.write_text("\n".join(lines) + "\n")
