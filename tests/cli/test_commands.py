"""Every command's --help (with a worked example) and every documented error path: one sentence, right code."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import cli, imdbkit

COMMANDS = [[], ["demo"], ["mirror"], ["mirror", "serve"], ["mirror", "ids"], ["crawl"], ["import"], ["build"], ["leaderboard"],
            ["info"]]


def one_sentence(run, code: int, *words: str) -> None:
    assert run.code == code, (run.code, run.err)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err and lines[0].rstrip().endswith((".", ")"))
    for word in words:
        assert word in lines[0], lines[0]


def test_console_script_runs():
    script = Path(sys.executable).parent / "imdbkit"  # the entry point `pip install -e .` wrote
    run = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "imdbkit demo" in run.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "imdbkit")
def test_help_has_a_worked_example(args):
    run = cli(*args, "--help")
    assert run.code == 0, run.err
    assert "example" in run.out and "imdbkit " in run.out.split("example", 1)[1]


def test_missing_dataset(tmp_path):
    for args in (["info", str(tmp_path / "nope")], ["leaderboard", "--dataset", str(tmp_path / "nope")]):
        one_sentence(cli(*args), 2, str(tmp_path / "nope"), "imdbkit build")


def test_bad_image_size(tmp_path):
    (tmp_path / "raw").mkdir()
    run = cli("build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "ds"), "--image-size", "32")
    one_sentence(run, 2, "'32'", "HEIGHTxWIDTH")
    assert not (tmp_path / "ds").exists()


def test_unreachable_base_url(tmp_path):
    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        run = cli("crawl", "--base-url", url, "--ids", "tt0000001", "--out", str(tmp_path / "c"))
    one_sentence(run, 1, url, "imdbkit mirror serve")


def test_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = str(s.getsockname()[1])
        one_sentence(imdbkit("mirror", "serve", "--port", port), 1, port)
        one_sentence(cli("demo", "--port", port, "--titles", "20", "--workdir", str(tmp_path / "d")), 1,
                     f"--port {port}", "--port 0")


def test_usage_errors_exit_2(tmp_path):
    one_sentence(cli("demo", "--bogus"), 2, "--bogus")
    one_sentence(cli("demo", "--models", "nope", "--workdir", str(tmp_path / "d")), 2, "nope")
    one_sentence(cli("crawl", "--out", str(tmp_path / "c")), 2, "--ids")
    one_sentence(cli("crawl", "--ids-file", str(tmp_path / "missing.txt")), 2, "missing.txt")


def test_verbose_adds_the_traceback(tmp_path):
    run = cli("info", str(tmp_path / "nope"), "--verbose")
    assert run.code == 2 and "Traceback" in run.err


def test_crawl_wrapper_runs_scrapy_against_the_mirror(mirror, tmp_path):
    ids = [mirror.catalog.id_at(i) for i in range(3)]
    run = imdbkit("crawl", "--base-url", mirror.base_url, "--ids", ",".join(ids), "--out", str(tmp_path / "c"),
                  "--local-fast", "--no-posters", "--quiet")
    assert run.code == 0, run.err[-2000:]
    items = [json.loads(line) for line in (tmp_path / "c" / "items.jsonl").read_text().splitlines()]
    assert sorted(i["imdb_id"] for i in items) == sorted(ids)
    assert all(i["title"] == mirror.catalog.record(i["imdb_id"])["title"] for i in items)


def test_crawl_logs_to_a_file_and_prints_one_summary_line(mirror, tmp_path):
    ids = [mirror.catalog.id_at(i) for i in range(3)]
    run = imdbkit("crawl", "--base-url", mirror.base_url, "--ids", ",".join(ids), "--out", str(tmp_path / "c"),
                  "--local-fast", "--no-posters")
    assert run.code == 0, run.err[-2000:]
    log = (tmp_path / "c" / "crawl.log").read_text()
    assert "[scrapy.core.engine] INFO: Spider opened" in log and "Spider closed (finished)" in log
    assert run.out.splitlines() == [line for line in run.out.splitlines() if line.startswith("crawl: 3 items written")]
    assert len(run.out.splitlines()) == 1
    assert "[scrapy" not in run.out + run.err
    progress = json.loads((tmp_path / "c" / "progress.json").read_text())
    assert progress["finished"] and progress["items"] == 3 and progress["pages"] >= 3


def test_import_wrapper_defaults_out_under_imdbkit_data(tmp_path):
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "title.basics.tsv").write_text(
        "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n"
        "tt0000001\tmovie\tOne\tOne\t0\t1999\t\\N\t90\tDrama,Comedy\n"
        "tt0000002\tshort\tTwo\tTwo\t0\t2001\t\\N\t9\tDrama\n")
    (dumps / "title.ratings.tsv").write_text("tconst\taverageRating\tnumVotes\ntt0000001\t7.1\t500\n"
                                             "tt0000002\t6.0\t900\n")
    run = imdbkit("import", "tsv-dumps", str(dumps), "--min-votes", "100", cwd=tmp_path)
    assert run.code == 0, run.err
    lines = (tmp_path / "imdbkit-data" / "raw" / "tsv-dumps" / "items.jsonl").read_text().splitlines()
    assert [json.loads(line)["imdb_id"] for line in lines] == ["tt0000001"]


def test_leaderboard_forwards_quiet_and_verbose(tmp_path, monkeypatch):
    import baselines.leaderboard_cli

    seen: list[tuple[bool, bool]] = []
    monkeypatch.setattr(baselines.leaderboard_cli, "execute", lambda args: seen.append((args.quiet, args.verbose)) or 0)
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "build.json").write_text("{}")
    base = ["leaderboard", "--dataset", str(tmp_path / "ds"), "--out", str(tmp_path / "out")]
    assert cli("--quiet", *base, "--verbose").code == 0
    assert cli(*base).code == 0
    assert seen == [(True, True), (False, False)]


def test_leaderboard_quiet_prints_only_the_paths_line(tmp_path):
    from tests.helpers.synthetic import build_tiny_dataset

    ds = build_tiny_dataset(tmp_path)
    run = cli("leaderboard", "--dataset", str(ds), "--out", str(tmp_path / "out"), "--tasks", "rating_class",
              "--models", "majority,logreg", "--bootstrap", "10", "--quiet")
    assert run.code == 0, run.err
    assert run.out == "" and run.err.strip().splitlines() == [
        f"wrote {tmp_path / 'out'}/leaderboard.md, .csv, .json and report.html"]
