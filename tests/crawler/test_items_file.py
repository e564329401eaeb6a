"""The crawl's ``items.jsonl`` on resume: only a torn last line is cut; any other unreadable line is
skipped and counted, and every readable item before and after it is kept (defect 1 of issue 15)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import MovieItem
from tests.helpers.components import open_writer
from tests.helpers.strategies import PROFILE

pytestmark = pytest.mark.hardening


def line(n: int) -> bytes:
    return orjson.dumps(MovieItem(imdb_id=f"tt{n:07d}", title=f"T{n}").to_dict()) + b"\n"


def ids_in(path: Path) -> list[str]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    out = []
    for text in raw.split(b"\n"):
        try:
            imdb_id = json.loads(text)["imdb_id"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(imdb_id, str):
            out.append(imdb_id)
    return out


@pytest.mark.parametrize("bad", [b"\n", b"\xff\xfe not json\n", b'{"title": "no id"}\n', b"[1, 2]\n"],
                         ids=["blank", "garbage", "no-id", "not-an-object"])
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_an_unreadable_line_in_the_middle_loses_nothing_after_it(tmp_path: Path, bad: bytes, gz: bool) -> None:
    body = b"".join(line(n) for n in range(1, 101)) + bad + b"".join(line(n) for n in range(101, 1001))
    path = tmp_path / ("items.jsonl.gz" if gz else "items.jsonl")
    path.write_bytes(gzip.compress(body) if gz else body)
    writer = open_writer(tmp_path, gz)
    assert len(writer.ids) == 1000  # the old writer cut the file at line 101: 900 items lost
    assert writer.stats.get_value("imdb/resume/unreadable_lines") == 1
    assert not writer.stats.get_value("imdb/resume/truncated_lines")
    writer.process_item(MovieItem(imdb_id="tt0001001"))
    writer.close_spider()
    assert ids_in(path) == [f"tt{n:07d}" for n in range(1, 1002)]


def test_a_gzip_member_that_lost_its_trailer_loses_nothing_written_after_it(tmp_path: Path) -> None:
    """A run killed mid-member leaves a member without its trailer; the next run appends a whole one."""
    first = gzip.compress(b"".join(line(n) for n in range(1, 201)) + line(201)[:25])  # torn in its last line
    torn = first[:-8]  # no CRC/size trailer: the writer was killed before closing the member
    second = gzip.compress(b"".join(line(n) for n in range(202, 401)))
    path = tmp_path / "items.jsonl.gz"
    path.write_bytes(torn + second)
    writer = open_writer(tmp_path, True)
    assert len(writer.ids) == 399  # the old reader stopped at the broken member: 199 items lost
    writer.process_item(MovieItem(imdb_id="tt0000201"))
    writer.close_spider()
    assert sorted(ids_in(path)) == [f"tt{n:07d}" for n in range(1, 401)]


def test_a_last_line_without_its_newline_but_whole_is_kept(tmp_path: Path) -> None:
    (tmp_path / "items.jsonl").write_bytes(line(1) + line(2)[:-1])
    writer = open_writer(tmp_path, False)
    writer.process_item(MovieItem(imdb_id="tt0000003"))
    writer.close_spider()
    assert ids_in(tmp_path / "items.jsonl") == ["tt0000001", "tt0000002", "tt0000003"]


# --- fuzz: any damage to the file loses only the damaged lines --------------------------------------

damage = st.sampled_from([b"", b"\n", b"\x00\xff", b"{", b'{"imdb_id": 7}', b"null", b'"tt0000001"', b"}\n{"])


@settings(PROFILE, max_examples=60)
@given(cuts=st.lists(st.tuples(st.integers(0, 29), damage), max_size=4), torn=st.integers(0, 80))
def test_any_damage_loses_only_the_damaged_lines(tmp_path_factory, cuts, torn: int) -> None:
    folder = tmp_path_factory.mktemp("items")
    lines = [line(n) for n in range(1, 31)]
    damaged = set()
    for at, junk in cuts:  # overwrite a line with junk (always a whole line: the writer writes whole lines)
        lines[at] = junk.replace(b"\n", b" ") + b"\n"
        damaged.add(at)
    body = b"".join(lines) + line(31)[:torn]  # and a torn last line, as a SIGKILL leaves it
    (folder / "items.jsonl").write_bytes(body)
    writer = open_writer(folder, False)
    writer.close_spider()
    survivors = [f"tt{n + 1:07d}" for n in range(30) if n not in damaged]
    if torn >= len(line(31)) - 1:  # the whole record, only its newline missing: an item, kept
        survivors.append("tt0000031")
    assert writer.ids == set(survivors)
    assert ids_in(folder / "items.jsonl") == survivors
    body = (folder / "items.jsonl").read_bytes()
    assert not body or body.endswith(b"\n")


@settings(PROFILE, max_examples=40)
@given(junk=st.lists(st.tuples(st.integers(0, 29), damage | st.binary(max_size=30)), max_size=5))
def test_the_build_loads_every_readable_item_and_quarantines_the_rest(tmp_path_factory, junk) -> None:
    """The other reader of items.jsonl: `dataset build`'s load stage keeps every whole item around junk."""
    from dataset.raw import load_raw
    from dataset.report import Report

    folder = tmp_path_factory.mktemp("raw")
    lines = [line(n) for n in range(1, 31)]
    for at, bad in sorted(junk, reverse=True):
        lines.insert(at, bad.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n")
    (folder / "items.jsonl").write_bytes(b"".join(lines))
    report = Report()
    df = load_raw([folder], report, quiet=True)
    assert sorted(df["imdb_id"]) == [f"tt{n:07d}" for n in range(1, 31)]
    assert report.quarantined_total == sum(1 for _, bad in junk if bad.strip(b" \t\r\n"))
