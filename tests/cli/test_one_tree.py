"""One command-line tree: every subcommand's errors share one prefix and exit codes, and its --help lists every flag."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import cli

ROOT = Path(__file__).resolve().parents[2]

# One usage mistake per subcommand (and per shim): the prefix it must print and exit status 2.
MISTAKES = {
    "imdbkit": ["--bogus"],
    "imdbkit demo": ["demo", "--titles", "many"],
    "imdbkit mirror serve": ["mirror", "serve", "--port", "high"],
    "imdbkit mirror ids": ["mirror", "ids", "--limit", "-1"],
    "imdbkit crawl": ["crawl", "--render", "magic"],
    "imdbkit import": ["import", "imdb5000", "--limit", "x", "movie_metadata.csv"],
    "imdbkit build": ["build", "--bogus"],
    "imdbkit leaderboard": ["leaderboard", "--seed", "x"],
    "imdbkit info": ["info"],
}


@pytest.mark.parametrize("prefix", MISTAKES)
def test_a_usage_mistake_is_one_line_with_the_command_prefix_and_exit_2(prefix):
    run = cli(*MISTAKES[prefix])
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert run.code == 2, run.err
    assert len(lines) == 1 and lines[0].startswith(f"{prefix}: error: "), run.err


@pytest.mark.parametrize("shim, argv, prefix", [
    ("dataset", ["build", "--raw", "r", "--out", "o", "--bogus"], "imdbkit build"),
    ("dataset", ["import", "imdb5000", "x.csv"], "imdbkit import"),
    ("baselines.leaderboard", ["--dataset", "d", "--out", "o", "--tasks", "nope"], "imdbkit leaderboard"),
])
def test_the_python_dash_m_shims_print_the_same_prefix(shim, argv, prefix):
    run = subprocess.run([sys.executable, "-m", shim, *argv], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [line for line in run.stderr.strip().splitlines()
                                              if line.startswith(f"{prefix}: error: ")], run.stderr


def test_a_failure_is_exit_1_with_the_prefix(tmp_path):
    (tmp_path / "raw").mkdir()  # a raw folder with no items file: the build fails, it is no usage mistake
    run = cli("build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "ds"), "--quiet")
    assert run.code == 1, run.err
    assert run.err.strip().splitlines()[-1].startswith("imdbkit build: error: ")


def test_a_leaderboard_whose_selection_trains_nothing_exits_1(tmp_path):
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "build.json").write_text("{}")
    run = cli("leaderboard", "--dataset", str(tmp_path / "ds"), "--tasks", "rating", "--models", "majority")
    assert run.code == 1 and run.out == "", run.err
    assert run.err.strip().splitlines() == [line for line in run.err.strip().splitlines()
                                           if line.startswith("imdbkit leaderboard: error: ")]
    assert "nothing would run" in run.err


def test_a_leaderboard_whose_tasks_are_all_skipped_exits_1_without_a_table(tmp_path):
    from tests.helpers.synthetic import build_tiny_dataset

    ds = build_tiny_dataset(tmp_path)  # no trailer frames: genres_frames has nothing to train on
    run = cli("leaderboard", "--dataset", str(ds), "--out", str(tmp_path / "out"), "--tasks", "genres_frames")
    assert run.code == 1, run.err
    assert "imdbkit leaderboard" not in run.out and "│" not in run.out
    assert run.err.strip().splitlines()[-1].startswith("imdbkit leaderboard: error: nothing ran")


def parsers(parser: argparse.ArgumentParser, name: str = "imdbkit"):
    """Every parser in the tree, with its command line."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from parsers(sub, f"{name} {sub_name}")


def tree() -> list[tuple[str, argparse.ArgumentParser]]:
    from cli.main import build_parser

    return list(parsers(build_parser()))


def test_the_tree_holds_every_subcommand():
    names = {name for name, _ in tree()}
    assert {"imdbkit build", "imdbkit leaderboard", "imdbkit import tsv-dumps", "imdbkit mirror ids",
            "imdbkit crawl", "imdbkit demo", "imdbkit info"} <= names


@pytest.mark.parametrize("name", [name for name, _ in tree()])
def test_every_option_has_help_and_the_epilog_an_example(name):
    parser = dict(tree())[name]
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        assert action.help and action.help.strip(), f"{name}: {action.option_strings or action.dest} has no help"
    assert parser.epilog and "example" in parser.epilog and "imdbkit " in parser.epilog.split("example", 1)[1]


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def test_build_and_leaderboard_help_list_the_stage_flags():
    from baselines.leaderboard_cli import add_arguments as leaderboard_arguments
    from dataset.cli import parser as dataset_parser

    stage = dict(parsers(dataset_parser(), "dataset"))["dataset build"]
    assert len(options(stage)) > 30
    build = cli("build", "--help")
    assert build.code == 0 and all(flag in build.out for flag in options(stage)), build.out
    board = argparse.ArgumentParser()
    leaderboard_arguments(board)
    run = cli("leaderboard", "--help")
    assert run.code == 0 and all(flag in run.out for flag in options(board)), run.out


def test_import_source_help_is_that_importers_help():
    run = cli("import", "tsv-dumps", "--help")
    assert run.code == 0, run.err
    assert "--min-votes" in run.out and "--title-type" in run.out and "imdbkit import tsv-dumps" in run.out
    assert "imdb5000" not in run.out
