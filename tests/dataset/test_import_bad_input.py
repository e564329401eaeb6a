"""Bad *content* handed to `python -m dataset import` (the dataset tests cover missing files and
flags): damaged rows are skipped and counted in import-report.json, valid rows all kept, and a
damaged file ends in one sentence naming it — never a traceback."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.cli import main
from tests.helpers.inputs import dumps
from tests.helpers.strategies import PROFILE

pytestmark = pytest.mark.hardening

HEADER = ("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n")
BASICS = [f"tt00000{n}\tmovie\tTitle {n}\tTitle {n}\t0\t{1990 + n}\t\\N\t{80 + n}\tDrama\n" for n in range(10, 20)]
RATINGS = ["tconst\taverageRating\tnumVotes\n"] + [f"tt00000{n}\t{5 + n % 4}.5\t{1000 + n}\n" for n in range(10, 20)]


def good_basics() -> bytes:
    return (HEADER + "".join(BASICS)).encode()


def good_ratings() -> bytes:
    return "".join(RATINGS).encode()


CASES = {  # name -> (basics bytes, ratings bytes, post-process, expected exit code, items kept, message/skip reason)
    "vote count is not a number": (good_basics(), good_ratings() + b"tt0000020\t7.0\tmany\n", None, 0, 10,
                                   "rating or vote count is not a number"),
    "rating is not a number": (good_basics(), good_ratings() + b"tt0000021\tgood\t5000\n", None, 0, 10,
                               "rating or vote count is not a number"),
    "wrong types in basics": (good_basics() + b"tt0000022\tmovie\tX\tX\t0\tsoon\t\\N\tlong\tDrama\n",
                              good_ratings() + b"tt0000022\t6.0\t5000\n", None, 0, 11, None),
    # one bad byte in a multi-million-row dump costs that byte (U+FFFD, counted), not the import
    "invalid UTF-8": (good_basics() + b"tt0000023\tmovie\tB\xff\tB\t0\t2000\t\\N\t95\tComedy\n",
                      good_ratings() + b"tt0000023\t6.0\t5000\n", None, 0, 11, None),
    "year that is a superscript digit": (good_basics() + "tt0000024\tmovie\tS\tS\t0\t²\t\\N\t95\tDrama\n".encode(),
                                         good_ratings() + b"tt0000024\t6.0\t5000\n", None, 0, 11, None),
    "row cut short": (good_basics() + b"tt0000025\tmovie\tCut\n", good_ratings() + b"tt0000025\t6.0\t5000\n", None, 0,
                      10, "row has a different number of cells than the header"),
    "field over 131,072 characters": (good_basics() + b"tt0000026\tmovie\t" + b"L" * 140_000 + b"\tL\t0\t2000\t\\N\t95"
                                      b"\tDrama\n", good_ratings() + b"tt0000026\t6.0\t5000\n", None, 0, 10,
                                      "unreadable row (field larger than field limit (131072))"),
    "truncated gzip": (good_basics(), good_ratings(), "truncate", 1, 0, "is truncated or not gzip"),
    "zero-byte file": (good_basics(), good_ratings(), "empty", 1, 0, "is empty"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tsv_dumps_bad_content(tmp_path, capsys, case) -> None:
    basics, ratings, post, code, kept, message = CASES[case]
    folder = dumps(tmp_path / "dumps", basics, ratings)
    if post == "truncate":
        data = (folder / "title.basics.tsv.gz").read_bytes()
        (folder / "title.basics.tsv.gz").write_bytes(data[: len(data) // 2])
    elif post == "empty":
        (folder / "title.basics.tsv.gz").write_bytes(gzip.compress(b"", mtime=0))
    out = tmp_path / "raw"
    got = main(["import", "tsv-dumps", str(folder), "--out", str(out), "--min-votes", "0"])
    stdout, stderr = capsys.readouterr()
    assert got == code and "Traceback" not in stdout + stderr
    if code:
        lines = stderr.strip().splitlines()
        assert lines[-1].startswith("imdbkit import: error: ") and message in lines[-1] and "title.basics.tsv.gz" in lines[-1]
        assert not (out / "items.jsonl").exists()  # a damaged dump writes nothing half-done
        return
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert len(items) == kept and {i["imdb_id"] for i in items} >= {f"tt00000{n}" for n in range(10, 20)}
    report = json.loads((out / "import-report.json").read_text())
    if message:
        assert report["skipped_by_reason"] == {message: 1}


def test_poster_labels_not_utf8_are_imported_with_the_bytes_counted(tmp_path, capsys) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_bytes("imdb_id,split,genres\ntt0000010,train,Drama\ntt0000011,train,Comédie\n".encode("latin-1"))
    (tmp_path / "images").mkdir()
    got = main(["import", "posters", str(labels), str(tmp_path / "images"), "--out", str(tmp_path / "raw")])
    err = capsys.readouterr().err
    assert got == 0 and "1 bytes were not UTF-8" in err and "Traceback" not in err
    report = report_of(tmp_path / "raw")
    assert report["replaced_bytes"] == 1 and report["items"] == 2
    assert {"where": f"{labels}:3", "reason": "bytes not UTF-8, replaced by U+FFFD (row kept)"} in report["examples"]


def report_of(out: Path) -> dict:
    return json.loads((out / "import-report.json").read_text())


def test_trailer_frames_index_with_bad_ids_and_escaping_folders(tmp_path, capsys) -> None:
    """Ids become `trailer_frames/<imdb_id>/` and `folder` is read: neither may leave its folder."""
    src, outside = tmp_path / "frames", tmp_path / "outside"
    for d in (src / "good", src / "also", outside):
        d.mkdir(parents=True)
        (d / "0.jpg").write_bytes(b"jpeg bytes of " + d.name.encode())
    (src / "link").symlink_to(outside, target_is_directory=True)
    (src / "index.csv").write_text(
        "folder,title,imdb_id,imdb_score,frames\n"
        "good,Good,tt0000010,7.1,1\n"           # line 2: kept
        "also,Evil,../../evil,5.0,1\n"          # line 3: id that is a path
        "also,Short,tt12,5.0,1\n"               # line 4: too few digits
        "../outside,Up,tt0000011,5.0,1\n"       # line 5: folder escapes with ..
        f"{outside},Abs,tt0000012,5.0,1\n"      # line 6: absolute folder
        "link,Link,tt0000013,5.0,1\n"           # line 7: symlink out of the source
        "missing,Gone,tt0000014,5.0,1\n"        # line 8: no such folder
        "also,Also,tt00000015,6.0,1\n")         # line 9: kept (8 digits)
    out = tmp_path / "raw"
    assert main(["import", "trailer-frames", str(src), "--out", str(out)]) == 0, capsys.readouterr().err
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [i["imdb_id"] for i in items] == ["tt0000010", "tt00000015"]
    frames = out / "trailer_frames"
    assert sorted(p.relative_to(frames).as_posix() for p in frames.rglob("*.jpg")) == [
        "tt00000015/0.jpg", "tt0000010/0.jpg"]
    assert not (tmp_path / "evil").exists() and not (out.parent / "evil").exists()
    report = report_of(out)
    assert report["skipped_by_reason"] == {"imdb id is not tt followed by 7 or 8 digits": 2,
                                           "frame folder is empty or outside the source folder": 3,
                                           "no frame folder": 1}
    assert [e["where"].rsplit(":", 1)[1] for e in report["examples"]] == ["3", "4", "5", "6", "7", "8"]


def test_poster_labels_with_ids_that_are_paths(tmp_path, capsys) -> None:
    """labels.csv ids name images/<imdb_id>.jpg: a crafted id must not read a file outside images/."""
    images = tmp_path / "images"
    images.mkdir()
    (images / "tt0000010.jpg").write_bytes(b"poster")
    (tmp_path / "secret.jpg").write_bytes(b"not yours")
    labels = tmp_path / "labels.csv"
    labels.write_text("imdb_id,split,genres\ntt0000010,train,Drama\n../secret,train,Drama\n"
                      "tt0000011/../../secret,val,Drama\ntt123,val,Drama\n")
    out = tmp_path / "raw"
    assert main(["import", "posters", str(labels), str(images), "--out", str(out)]) == 0, capsys.readouterr().err
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [i["imdb_id"] for i in items] == ["tt0000010"]
    assert [p.read_bytes() for p in (out / "posters").iterdir()] == [b"poster"]
    assert (out / "splits.csv").read_text().splitlines() == ["imdb_id,split", "tt0000010,train"]
    report = report_of(out)
    assert report["skipped_by_reason"] == {"imdb id is not tt followed by 7 or 8 digits": 3}
    assert [e["where"] for e in report["examples"]] == [f"{labels}:{n}" for n in (3, 4, 5)]


# --- every importer: one bad row is a counted skip with file:line, never the import (issue 15, #5) -------

IMDB5000_HEADER = ("color,director_name,duration,actor_1_name,genres,movie_title,num_voted_users,language,country,"
                   "content_rating,budget,title_year,actor_2_name,actor_3_name,plot_keywords,movie_imdb_link,"
                   "imdb_score,gross\n")


def imdb5000_row(n: int, votes: str = "5000", title: str = "Film") -> str:
    return (f"Color,Dir {n},100,Act,Drama|Comedy,{title} {n},{votes},English,USA,PG,1000000,2001,B,C,k|w,"
            f"http://www.imdb.com/title/tt{n:07d}/?ref_=fn_tt_tt_1,7.1,500000\n")


def test_imdb5000_bad_rows_are_counted_skips(tmp_path, capsys) -> None:
    path = tmp_path / "movie_metadata.csv"
    rows = [imdb5000_row(n) for n in range(10, 20)]
    rows[2] = "Color,Dir 12,100\n"                                    # cut short
    rows[4] = imdb5000_row(14, votes="inf")                          # int(inf) raised OverflowError
    rows[6] = imdb5000_row(16, title="L" * 140_000)                  # a field over csv's limit
    path.write_bytes(IMDB5000_HEADER.encode() + "".join(rows).encode() + imdb5000_row(20, title="Am\xe9lie").encode(
        "latin-1"))
    out = tmp_path / "raw"
    assert main(["import", "imdb5000", str(path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "1 bytes were not UTF-8" in err
    items = {i["imdb_id"]: i for i in map(json.loads, (out / "items.jsonl").read_text().splitlines())}
    assert sorted(items) == [f"tt{n:07d}" for n in (10, 11, 13, 14, 15, 17, 18, 19, 20)]
    assert items["tt0000014"]["votes"] is None and items["tt0000020"]["title"] == "Am\ufffdlie 20"
    report = report_of(out)
    assert report["skipped_by_reason"] == {"row has a different number of cells than the header": 1,
                                           "unreadable row (field larger than field limit (131072))": 1}
    assert report["replaced_bytes"] == 1
    assert {e["where"] for e in report["examples"]} >= {f"{path}:4", f"{path}:8", f"{path}:12"}


def test_movienet_and_trailer_frames_latin1_tables_are_imported_and_counted(tmp_path, capsys) -> None:
    import numpy as np

    movienet = tmp_path / "movienet"
    movienet.mkdir()
    np.save(movienet / "features.npy", np.zeros((3, 2, 4), np.float32))
    (movienet / "labels.csv").write_bytes("imdb_id,genres\ntt0000010,Drama\ntt0000011\ntt0000012,Com\xe9die\n"
                                          .encode("latin-1"))
    assert main(["import", "movienet-clip", str(movienet), "--out", str(tmp_path / "m")]) == 0
    report = report_of(tmp_path / "m")
    assert report["items"] == 2 and report["replaced_bytes"] == 1  # the bare UnicodeDecodeError named no file
    assert report["skipped_by_reason"] == {"row has a different number of cells than the header": 1}
    items = [json.loads(line) for line in (tmp_path / "m" / "items.jsonl").read_text().splitlines()]
    assert [(i["imdb_id"], i["frame_embeddings_index"]) for i in items] == [("tt0000010", 0), ("tt0000012", 2)]

    frames = tmp_path / "frames"
    (frames / "a").mkdir(parents=True)
    (frames / "a" / "0.jpg").write_bytes(b"frame")
    (frames / "index.csv").write_bytes("folder,title,imdb_id,imdb_score,frames\na,Am\xe9lie,tt0000010,inf,1\n"
                                       .encode("latin-1"))
    assert main(["import", "trailer-frames", str(frames), "--out", str(tmp_path / "t")]) == 0
    (item,) = [json.loads(line) for line in (tmp_path / "t" / "items.jsonl").read_text().splitlines()]
    assert item["title"] == "Am\ufffdlie" and item["rating"] is None and report_of(tmp_path / "t")["replaced_bytes"] == 1
    assert "Traceback" not in capsys.readouterr().err


# --- fuzz: junk rows among good ones ----------------------------------------------------------------

JUNK = st.text(alphabet=st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs",)), max_size=60)
JUNK_BYTES = st.binary(max_size=40).map(lambda b: b.replace(b'"', b"").replace(b"\r", b"").replace(b"\n", b""))


def quiet_main(argv: list[str]) -> int:
    """`main` with its output kept; an error is one of the sentences importers raise, never a bug's."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    assert "rerun with --verbose" not in err.getvalue() and "Traceback" not in err.getvalue(), err.getvalue()
    return code


def fill(rows: list[bytes], junk: list[tuple[int, bytes]]) -> tuple[bytes, set[int]]:
    """Good rows with junk lines inserted; which good rows (by index) stay untouched."""
    out = list(rows)
    for at, line in sorted(junk, reverse=True):
        out.insert(at % (len(out) + 1), line + b"\n")
    return b"".join(out), set(range(len(rows)))


ROWS = st.lists(st.tuples(st.integers(0, 40), JUNK.map(str.encode) | JUNK_BYTES), max_size=5)


@settings(PROFILE, max_examples=25)
@given(junk=ROWS)
def test_imdb5000_fuzz_loses_no_good_row(tmp_path_factory, junk) -> None:
    folder = tmp_path_factory.mktemp("i5")
    body, _ = fill([imdb5000_row(n).encode() for n in range(100, 130)], junk)
    (folder / "t.csv").write_bytes(IMDB5000_HEADER.encode() + body)
    assert quiet_main(["import", "imdb5000", str(folder / "t.csv"), "--out", str(folder / "raw"), "--quiet"]) == 0
    ids = {json.loads(line)["imdb_id"] for line in (folder / "raw" / "items.jsonl").read_text().splitlines()}
    assert ids >= {f"tt{n:07d}" for n in range(100, 130)}


@settings(PROFILE, max_examples=25)
@given(junk=st.lists(st.tuples(st.integers(0, 20), st.binary(max_size=60).map(
    lambda b: b.replace(b"\n", b"").replace(b"\r", b""))), max_size=5))
def test_tsv_dumps_fuzz_loses_no_good_row(tmp_path_factory, junk) -> None:
    folder = tmp_path_factory.mktemp("tsv")
    body, _ = fill([line.encode() for line in BASICS], junk)
    dumps(folder / "d", HEADER.encode() + body, good_ratings())
    assert quiet_main(["import", "tsv-dumps", str(folder / "d"), "--out", str(folder / "raw"), "--min-votes", "0"]) == 0
    ids = {json.loads(line)["imdb_id"] for line in (folder / "raw" / "items.jsonl").read_text().splitlines()}
    assert ids == {f"tt00000{n}" for n in range(10, 20)}


@settings(PROFILE, max_examples=25)
@given(junk=ROWS)
def test_poster_and_movienet_tables_fuzz_lose_no_good_row(tmp_path_factory, junk) -> None:
    import numpy as np

    folder = tmp_path_factory.mktemp("labels")
    (folder / "images").mkdir()
    good = [f"tt{n:07d},train,Drama\n".encode() for n in range(100, 120)]
    body, _ = fill(good, junk)
    (folder / "labels.csv").write_bytes(b"imdb_id,split,genres\n" + body)
    assert quiet_main(["import", "posters", str(folder / "labels.csv"), str(folder / "images"), "--out",
                 str(folder / "raw"), "--quiet"]) == 0
    ids = {json.loads(line)["imdb_id"] for line in (folder / "raw" / "items.jsonl").read_text().splitlines()}
    assert ids >= {f"tt{n:07d}" for n in range(100, 120)}
    # movienet: the table must line up with the array row for row, so junk may only end in one sentence
    (folder / "mn").mkdir()
    (folder / "mn" / "labels.csv").write_bytes(b"imdb_id,genres\n" + body.replace(b",train,", b","))
    rows = 1 + body.count(b"\n")
    np.save(folder / "mn" / "features.npy", np.zeros((rows, 1, 2), np.float32))
    assert quiet_main(["import", "movienet-clip", str(folder / "mn"), "--out", str(folder / "m"), "--quiet"]) in (0, 1)
