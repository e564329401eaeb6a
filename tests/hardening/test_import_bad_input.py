"""Bad *content* handed to `python -m dataset import` (the dataset tests cover missing files and
flags): damaged rows are skipped and counted in import-report.json, valid rows all kept, and a
damaged file ends in one sentence naming it — never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dataset.cli import main

HEADER = ("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n")
BASICS = [f"tt00000{n}\tmovie\tTitle {n}\tTitle {n}\t0\t{1990 + n}\t\\N\t{80 + n}\tDrama\n" for n in range(10, 20)]
RATINGS = ["tconst\taverageRating\tnumVotes\n"] + [f"tt00000{n}\t{5 + n % 4}.5\t{1000 + n}\n" for n in range(10, 20)]


def dumps(folder: Path, basics: bytes, ratings: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "title.basics.tsv.gz").write_bytes(gzip.compress(basics, mtime=0))
    (folder / "title.ratings.tsv.gz").write_bytes(gzip.compress(ratings, mtime=0))
    return folder


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
    "invalid UTF-8": (good_basics() + b"tt0000023\tmovie\tB\xff\tB\t0\t2000\t\\N\t95\tComedy\n", good_ratings(),
                      None, 1, 0, "is not valid UTF-8"),
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
        assert lines[-1].startswith("error: ") and message in lines[-1] and "title.basics.tsv.gz" in lines[-1]
        assert not (out / "items.jsonl").exists()  # a damaged dump writes nothing half-done
        return
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert len(items) == kept and {i["imdb_id"] for i in items} >= {f"tt00000{n}" for n in range(10, 20)}
    report = json.loads((out / "import-report.json").read_text())
    if message:
        assert report["skipped_by_reason"] == {message: 1}


def test_poster_labels_not_utf8_is_one_sentence(tmp_path, capsys) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_bytes(b"imdb_id,split,genres\ntt0000010,train,Dr\xffama\n")
    (tmp_path / "images").mkdir()
    got = main(["import", "posters", str(labels), str(tmp_path / "images"), "--out", str(tmp_path / "raw")])
    err = capsys.readouterr().err
    assert got == 1 and err.strip().splitlines()[-1] == f"error: {labels} is not valid UTF-8 text; re-save it as UTF-8."


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
