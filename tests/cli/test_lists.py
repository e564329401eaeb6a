"""Every list option reads `a,b` and repeats the same way (cli/lists.py), in imdbkit and the stage front ends."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from cli.lists import ListAction
from cli.main import build_parser
from dataset.values import split_list
from tests.helpers.cli import cli
from tests.helpers.inputs import make_item, write_items


def test_split_list():
    assert split_list("a,b") == ["a", "b"]
    assert split_list(["a", "b, c", ""]) == ["a", "b", "c"]
    assert split_list(None) == [] and split_list(" , ") == []


def test_comma_and_repeats_mean_the_same_and_defaults_are_not_mutated():
    p = argparse.ArgumentParser()
    default: list[str] = []
    p.add_argument("--x", action=ListAction, default=default)
    p.add_argument("--n", action=ListAction, item=int)
    assert p.parse_args(["--x", "a,b", "--x", "c"]).x == p.parse_args(["--x", "a", "--x", "b", "--x", "c"]).x \
        == ["a", "b", "c"]
    assert p.parse_args([]).x == [] and default == []
    assert p.parse_args(["--n", "1,2", "--n", "3"]).n == [1, 2, 3]
    assert p.parse_args([]).n is None


def test_a_bad_element_is_a_usage_error_naming_the_flag(capsys):
    p = argparse.ArgumentParser(prog="x")
    p.add_argument("--n", action=ListAction, item=int)
    with pytest.raises(SystemExit) as exc:
        p.parse_args(["--n", "1,two"])
    assert exc.value.code == 2 and "argument --n" in capsys.readouterr().err


def _imdbkit(*argv: str) -> argparse.Namespace:
    return build_parser().parse_known_args(list(argv))[0]


@pytest.mark.parametrize("comma, repeated, attr, want", [
    (["crawl", "--ids", "tt0000001,tt0000002"], ["crawl", "--ids", "tt0000001", "--ids", "tt0000002"], "ids",
     ["tt0000001", "tt0000002"]),
    (["crawl", "--dumps", ".", "--title-type", "movie,tvMovie"],
     ["crawl", "--dumps", ".", "--title-type", "movie", "--title-type", "tvMovie"], "title_type", ["movie", "tvMovie"]),
    (["build", "--raw", "a,b"], ["build", "--raw", "a", "--raw", "b"], "raw", [Path("a"), Path("b")]),
    (["demo", "--models", "majority,mean"], ["demo", "--models", "majority", "--models", "mean"], "models",
     ["majority", "mean"]),
])
def test_imdbkit_list_options(comma, repeated, attr, want):
    assert getattr(_imdbkit(*comma), attr) == getattr(_imdbkit(*repeated), attr) == want


def test_crawl_passes_one_comma_list_to_the_spider():
    from cli.crawl import spider_arguments

    args = _imdbkit("crawl", "--dumps", ".", "--title-type", "movie", "--title-type", "tvMovie,tvSeries")
    assert spider_arguments(args)["title_type"] == "movie,tvMovie,tvSeries"
    args = _imdbkit("crawl", "--ids", "tt0000001", "--ids", "tt0000002")
    assert spider_arguments(args)["ids"] == "tt0000001,tt0000002"


def test_dataset_build_list_options():
    from dataset.cli import parser

    base = ["build", "--out", "o"]
    comma = parser().parse_args([*base, "--raw", "a,b", "--title-type", "movie,tvMovie",
                                 "--image-size", "32x32,150x101", "--exclude-genre", "TV Movie,Foreign"])
    repeated = parser().parse_args([*base, "--raw", "a", "--raw", "b", "--title-type", "movie", "--title-type",
                                    "tvMovie", "--image-size", "32x32", "--image-size", "150x101",
                                    "--exclude-genre", "TV Movie", "--exclude-genre", "Foreign"])
    for name, want in [("raw", [Path("a"), Path("b")]), ("title_type", ["movie", "tvMovie"]),
                       ("image_size", [(32, 32), (150, 101)]), ("exclude_genre", ["TV Movie", "Foreign"])]:
        assert getattr(comma, name) == getattr(repeated, name) == want, name
    tsv = parser().parse_args(["import", "tsv-dumps", "d", "--out", "o", "--title-type", "movie,short"])
    assert tsv.title_type == ["movie", "short"]


def test_build_with_a_comma_title_type_keeps_both_types(tmp_path):
    """The issue's case: `--title-type movie,tvMovie` once filtered on the literal "movie,tvMovie"."""
    items = [make_item(i + 10, title_type=("movie", "tvMovie", "tvSeries")[i % 3]) for i in range(30)]
    write_items(tmp_path / "raw", items)
    run = cli("build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "ds"), "--min-votes", "0",
              "--title-type", "movie,tvMovie", "--no-plots", "--quiet")
    assert run.code == 0, run.err
    removed = json.loads((tmp_path / "ds" / "build.json").read_text())["counts"]["removed"]["filter"]
    assert removed == {"title_type_not_wanted": 10}


def test_no_titles_left_names_what_removed_them_and_no_dry_run(tmp_path):
    write_items(tmp_path / "raw", [make_item(i + 10) for i in range(5)])
    run = cli("build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "ds"), "--min-votes", "0",
              "--title-type", "tvEpisode", "--no-plots", "--quiet")
    assert run.code == 1
    assert "dry run" not in run.err
    assert "after filtering 5 titles" in run.err and "title_type_not_wanted 5" in run.err


@pytest.mark.parametrize("flag, values, bad", [("--models", ["bogus", "majority"], "bogus"),
                                                ("--tasks", ["nope", "rating"], "nope")])
def test_leaderboard_reads_every_repeat(tmp_path, capsys, flag, values, bad):
    """Repeats are combined and each value checked (argparse once kept only the last one)."""
    from baselines.leaderboard_cli import main

    argv = ["--dataset", str(tmp_path), "--out", str(tmp_path / "out")]
    for value in values:
        argv += [flag, value]
    assert main(argv) == 2
    assert f"unknown {flag[2:-1]} {bad}" in capsys.readouterr().err
