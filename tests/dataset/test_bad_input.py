"""Bad input to `python -m dataset import/build` (issue 7's table): one clear message, bad rows counted in
the quarantine report, nothing valid lost, no traceback, and the previous dataset untouched."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

import dataset.build
from dataset.cli import main
from dataset.report import Report
from tests.helpers.inputs import add_poster, make_item, poster_jpeg, write_items


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def raw_with(tmp_path, mutate) -> tuple:
    """A raw folder of 20 good titles, then `mutate(folder, items)` adds one kind of bad input."""
    raw = tmp_path / "raw"
    items = [make_item(i + 10) for i in range(20)]
    extra = mutate(raw, items)
    write_items(raw, items)
    if extra:
        with open(raw / "items.jsonl", "ab") as fh:
            fh.write(extra)
    return raw


def poster_case(data: bytes):
    def mutate(raw, items):
        (raw / "posters").mkdir(parents=True)
        (raw / "posters" / "bad.jpg").write_bytes(data)
        items[0]["poster_path"] = "posters/bad.jpg"
        add_poster(raw, items[1], poster_jpeg(1))
    return mutate


LINE21 = "items.jsonl:21"  # the bad line appended after the 20 good ones
CASES = {  # case → (mutate, the build.json count it lands in, the quarantine.jsonl entries it gives)
    "invalid UTF-8": (lambda raw, items: b'{"imdb_id": "tt0000001", "title": "\xc3\x28"}\n',
                      ("removed", "load", "invalid_UTF-8"), [("load", LINE21, "invalid UTF-8")]),
    "line is not JSON": (lambda raw, items: b'{"imdb_id": "tt0000001", \n',
                         ("removed", "load", "not_JSON"), [("load", LINE21, "not JSON (unexpected end of data)")]),
    "wrong types": (
        lambda raw, items: items[0].update(votes="lots", year="abc", genres=5, runtime_min=[1], rating=["7"]),
        ("changed", "clean", "votes_unparseable_to_null"),
        [("clean", "tt0000010", "year 'abc' is not a year from 1870 to 2100; stored as null"),
         ("clean", "tt0000010", "runtime_min [1] (list) is not a positive duration; stored as null"),
         ("clean", "tt0000010", "rating ['7'] (list) is not a rating from 0 to 10; stored as null"),
         ("clean", "tt0000010", "votes 'lots' is not a vote count; stored as null"),
         ("clean", "tt0000010", "genres 5 is not a list of names; stored as null")]),
    "votes as a list": (lambda raw, items: items[3].update(votes=[1, 2]), ("changed", "clean", "votes_unparseable_to_null"),
                        [("clean", "tt0000013", "votes [1, 2] (list) is not a vote count; stored as null")]),
    # a newer copy of an id is the normal result of re-crawling: counted, not quarantined
    "duplicate ids, conflicting data": (
        lambda raw, items: items.append(make_item(10, title="newer", scraped_at="2025-01-01T00:00:00Z")),
        ("removed", "load", "duplicate_imdb_id_older_copy"), []),
    "zero-byte poster": (poster_case(b""), ("changed", "images", "poster_empty_file"),
                         [("images", "tt0000010", "empty_file")]),
    "corrupt poster": (poster_case(poster_jpeg(2)[:200]), ("changed", "images", "poster_corrupt_image"),
                       [("images", "tt0000010", "corrupt_image")]),
    "not an image named .jpg": (poster_case(b"GIF? no: plain text\n" * 3), ("changed", "images", "poster_not_an_image"),
                                [("images", "tt0000010", "not_an_image")]),
    "decompression bomb": (poster_case(b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03" + b"\x00" * 40),
                           ("changed", "images", "poster_too_many_pixels"), [("images", "tt0000010", "too_many_pixels")]),
    "poster_path escaping the crawl folder": (
        lambda raw, items: items[0].update(poster_path="../../etc/passwd"),
        ("changed", "images", "poster_poster_path_escapes_raw_folder"),
        [("images", "tt0000010", "poster_path_escapes_raw_folder")]),
    "unknown currency": (
        lambda raw, items: items[0].update(budget={"amount": 5.0, "currency": "XQZ"}),
        ("changed", "clean", "budget_unknown_currency_to_null:XQZ"),
        [("clean", "tt0000010", "budget currency 'XQZ' is not in the rate table (version 1, 2016-12-30); "
                                "stored as null")]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_counted_and_nothing_valid_is_lost(tmp_path, capsys, case):
    mutate, (kind, stage, key), expected = CASES[case]
    raw = raw_with(tmp_path, mutate)
    out = tmp_path / "ds"
    code, stdout, err = run(capsys, "build", "--raw", raw, "--out", out, "--min-votes", -1, "--image-size", "32x32",
                            "--workers", 1, "--no-plots", "--quiet")
    assert code == 0, err
    info = json.loads((out / "build.json").read_text())
    assert info["counts"][kind][stage][key] == 1
    entries = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    got = [(e["stage"], e["where"], e["reason"]) for e in entries]
    assert [(s, w[-len(want):], r) for (s, w, r), (_, want, _) in zip(got, expected, strict=True)] == expected
    assert info["counts"]["quarantined"] == len(expected)
    assert sum(s["rows"] for s in info["splits"].values()) == 20  # every good title survived
    assert f"; {len(expected)} items quarantined (see {out / 'quarantine.jsonl'})" in stdout


def test_quarantine_file_is_capped_but_the_count_is_not(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dataset.build, "Report", lambda: Report(max_quarantine=3))

    def unknown_currency_everywhere(raw, items) -> None:
        for i in items:
            i.update(budget={"amount": 5.0, "currency": "XQZ"})

    raw = raw_with(tmp_path, unknown_currency_everywhere)
    out = tmp_path / "ds"
    code, stdout, err = run(capsys, "build", "--raw", raw, "--out", out, "--min-votes", -1, "--no-plots", "--quiet")
    assert code == 0, err
    counts = json.loads((out / "build.json").read_text())["counts"]
    assert counts["quarantined"] == 20 and counts["quarantine_file_entries"] == 3
    assert len((out / "quarantine.jsonl").read_text().splitlines()) == 3
    assert "20 items quarantined" in stdout and "which holds the first 3)" in stdout


@pytest.mark.parametrize("data", [poster_jpeg(2)[:200], b"", None])
def test_require_poster_drops_titles_whose_poster_does_not_decode(tmp_path, capsys, data):
    """--require-poster checks more than poster_path: a corrupt, empty or missing file drops the title."""
    mutate = poster_case(b"" if data is None else data)
    raw = raw_with(tmp_path, mutate)
    if data is None:
        (raw / "posters" / "bad.jpg").unlink()
    out = tmp_path / "ds"
    code, _, err = run(capsys, "build", "--raw", raw, "--out", out, "--min-votes", -1, "--image-size", "32x32",
                       "--require-poster", "--workers", 1, "--no-plots", "--quiet")
    assert code == 0, err
    info = json.loads((out / "build.json").read_text())
    assert info["counts"]["removed"]["filter"] == {"no_poster": 18}
    assert info["counts"]["removed"]["images"] == {"poster_unusable": 1}
    assert info["parameters"]["stages"]["images"]["missing"] == "drop"
    ids = pq.read_table(out / "data", columns=["imdb_id"]).column("imdb_id").to_pylist()
    assert ids == ["tt0000011"]


def test_truncated_gzip_keeps_earlier_lines_and_says_so(tmp_path, capsys):
    raw = tmp_path / "raw"
    path = write_items(raw, [make_item(i + 10, description="y" * 3000) for i in range(100)], "items.jsonl.gz")
    path.write_bytes(path.read_bytes()[:-2000])
    code, _, err = run(capsys, "build", "--raw", raw, "--out", tmp_path / "ds", "--min-votes", 0, "--no-plots", "--quiet")
    assert code == 0 and "is truncated" in err
    quarantine = (tmp_path / "ds" / "quarantine.jsonl").read_text()
    assert "items.jsonl.gz" in quarantine and "truncated" in quarantine


def test_splits_file_with_unknown_ids(tmp_path, capsys):
    raw = raw_with(tmp_path, lambda raw, items: None)
    splits = tmp_path / "splits.csv"
    splits.write_text("imdb_id,split\n" + "".join(f"tt{i + 10:07d},train\n" for i in range(20)) + "tt9999999,test\n")
    code, _, err = run(capsys, "build", "--raw", raw, "--out", tmp_path / "ds", "--min-votes", 0, "--splits", splits,
                       "--no-plots", "--quiet")
    assert code == 0 and "1 ids in" in err and "tt9999999" in err
    info = json.loads((tmp_path / "ds" / "build.json").read_text())
    assert info["counts"]["changed"]["split"]["splits_file_ids_not_in_data"] == 1


@pytest.mark.parametrize("argv, code, message", [
    (["build", "--raw", "{tmp}/empty", "--out", "{tmp}/ds"], 1, "has no items.jsonl"),
    (["build", "--raw", "{tmp}/nowhere", "--out", "{tmp}/ds"], 1, "does not exist"),
    (["build", "--raw", "{tmp}/raw", "--out", "{tmp}/ds", "--image-size", "32by32"], 2, "HEIGHTxWIDTH"),
    (["build", "--raw", "{tmp}/raw", "--out", "{tmp}/ds", "--ratios", "1,2"], 2, "three numbers"),
    (["build", "--raw", "{tmp}/raw", "--out", "{tmp}/ds", "--splits", "{tmp}/none.csv"], 1, "does not exist"),
    (["build", "--raw", "{tmp}/raw", "--out", "{tmp}/ds", "--min-votes", "999999999"], 1, "no titles are left"),
    (["build", "--raw", "{tmp}/raw", "--out", "{tmp}/ds", "--bogus"], 2, "unrecognized arguments"),
    (["build"], 2, "required: --raw, --out"),
    (["info", "{tmp}/raw"], 1, "not a published dataset"),
    (["import", "imdb5000", "{tmp}/missing.csv", "--out", "{tmp}/r"], 1, "does not exist"),
    (["import", "posters", "{tmp}/raw/items.jsonl", "{tmp}/raw", "--out", "{tmp}/r"], 1, "needs columns"),
    (["import", "tsv-dumps", "{tmp}/empty", "--out", "{tmp}/r"], 1, "title.ratings.tsv.gz"),
])
def test_user_errors_are_one_sentence(tmp_path, capsys, argv, code, message):
    (tmp_path / "empty").mkdir()
    write_items(tmp_path / "raw", [make_item(i + 10) for i in range(5)])
    got, _, err = run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    assert got == code and message in err
    lines = err.strip().splitlines()
    assert lines[-1].startswith(f"imdbkit {argv[0]}: error: ") and sum(": error: " in line for line in lines) == 1


def test_failed_build_keeps_the_previous_dataset(tmp_path, capsys):
    raw = raw_with(tmp_path, lambda raw, items: None)
    out = tmp_path / "ds"
    assert run(capsys, "build", "--raw", raw, "--out", out, "--min-votes", 0, "--no-plots", "--quiet")[0] == 0
    before = {p.name: p.read_bytes() for p in (out / "data").iterdir()}
    code, _, err = run(capsys, "build", "--raw", raw, "--out", out, "--min-votes", 10**9, "--no-plots", "--quiet")
    assert code == 1 and {p.name: p.read_bytes() for p in (out / "data").iterdir()} == before
