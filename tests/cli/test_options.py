"""Options generated from the typed params dataclasses (cli/options.py): every field is a documented flag, the
flags and defaults users already type are kept, and the parsed flags give back exactly the dataclass."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from baselines.params import LeaderboardParams
from cli.common import CliError, Parser
from cli.crawl import CrawlParams
from cli.options import UndocumentedField, add_options, field_of, from_args, options
from dataset.build import BuildParams

# Flags users, tests and docs already type: they are promises and must survive any regeneration.
KEPT = {
    "build": "--raw --out --min-votes --require-poster --require-rating --title-type --year-min --year-max "
             "--exclude-genre --min-genres --ratios --split-seed --stratify --splits --rating-bins --top-k "
             "--min-count --yake-keywords --oversample --oversample-seed --image-size --fit --missing-poster "
             "--poster-duplicates --trailer-samples --trailer-percentile --trailer-frames --frame-size "
             "--sequence-length --sequence-mode --frame-embeddings --frames-per-trailer --shard-rows --workers "
             "--no-plots --quiet",
    "leaderboard": "--dataset --out --tasks --models --budget-minutes --seed --bootstrap --weights --quiet --verbose",
    "crawl": "--base-url --ids --ids-file --dumps --search --max-results --title-type --min-votes --min-year "
             "--max-year --out --render --posters-width --no-posters --no-keywords --jobdir --contact --gzip "
             "--local-fast --set",
}
PARAMS = {"build": BuildParams, "leaderboard": LeaderboardParams, "crawl": CrawlParams}
REQUIRED = {"build": ["--raw", "r", "--out", "o"], "leaderboard": [], "crawl": []}


def subcommand(name: str) -> argparse.ArgumentParser:
    from cli.main import build_parser

    return build_parser()._subparsers._group_actions[0].choices[name]


def one_line_help(parser: argparse.ArgumentParser, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "100000")  # no wrapping, so a help sentence is found whole
    return " ".join(parser.format_help().split())


@pytest.mark.parametrize("name", PARAMS)
def test_every_field_is_an_option_with_its_help_and_an_example_in_the_subcommands_help(name, monkeypatch):
    text = one_line_help(subcommand(name), monkeypatch)
    found = options(PARAMS[name])
    assert len(found) >= {"build": 40, "leaderboard": 6, "crawl": 19}[name]
    for opt in found:
        assert f" {opt.flag} " in text or f"[{opt.flag}" in text, opt.flag
        sentence = " ".join(field_of(PARAMS[name], opt.path).metadata["help"].split())
        assert sentence.removesuffix(")") in text, opt.flag  # a closing parenthesis takes the example inside
        assert f"e.g. {opt.flag}" in text or f"e.g. --no-{opt.flag[2:]}" in text, opt.flag


@pytest.mark.parametrize("name", KEPT)
def test_the_flags_users_type_are_kept(name):
    flags = {s for a in subcommand(name)._actions for s in a.option_strings}
    assert set(KEPT[name].split()) <= flags, set(KEPT[name].split()) - flags


@pytest.mark.parametrize("name", PARAMS)
def test_no_flags_give_the_dataclass_defaults(name):
    args = subcommand(name).parse_args(REQUIRED[name])
    assert from_args(PARAMS[name], args) == PARAMS[name]()


def test_build_flags_become_build_params():
    args = subcommand("build").parse_args([
        "--raw", "r", "--min-votes", "-1", "--top-k", "0", "--title-type", "movie,all", "--workers", "3",
        "--no-plots", "--split-seed", "4", "--oversample-seed", "5", "--image-size", "32x32,32x32",
        "--image-size", "150x101", "--ratios", "60,20,20", "--rating-bins", "0,4,8,10", "--stratify", "genre",
        "--frame-size", "36x64", "--exclude-genre", "TV Movie", "--require-poster", "--engine", "memory"])
    p = from_args(BuildParams, args)
    assert p.filter.min_votes is None and p.features.top_k is None and p.filter.title_types == ()
    assert p.images.workers == p.trailers.workers == 3 and p.plots is False
    assert (p.split.seed, p.oversample.seed) == (4, 5)
    assert p.images.sizes == ((32, 32), (150, 101)) and p.trailers.size == (36, 64)
    assert p.split.ratios == pytest.approx((0.6, 0.2, 0.2)) and p.features.rating_bins == (0, 4, 8, 10)
    assert p.split.stratify == "genre" and p.filter.exclude_genres == ("TV Movie",)
    assert p.filter.require_poster is True and p.engine == "memory"


def test_leaderboard_flags_become_leaderboard_params(tmp_path):
    w = tmp_path / "w,1.pt"  # a comma in a path: --weights repeats, it never splits
    args = subcommand("leaderboard").parse_args(["--tasks", "rating,rating_class", "--models", "mean",
                                                 "--models", "majority", "--weights", f"poster_cnn={w}",
                                                 "--budget-minutes", "0.5", "--bootstrap", "10"])
    assert from_args(LeaderboardParams, args) == LeaderboardParams(
        tasks=("rating", "rating_class"), models=("mean", "majority"), budget_minutes=0.5, bootstrap=10,
        weights=(f"poster_cnn={w}",))


def test_crawl_params_map_onto_spider_arguments_and_settings(tmp_path):
    from cli.crawl import settings, spider_arguments

    args = subcommand("crawl").parse_args(["--ids", "tt0000001,tt0000002", "--no-posters", "--gzip",
                                           "--jobdir", str(tmp_path / "job"), "--out", str(tmp_path / "c"),
                                           "-s", "DOWNLOAD_DELAY=2", "--render", "challenge"])
    assert spider_arguments(args) == {"base_url": "https://www.imdb.com", "ids": "tt0000001,tt0000002"}
    got = settings(args)
    assert got == {"IMDB_OUTPUT_DIR": str(tmp_path / "c"), "IMDB_RENDER": "challenge", "IMDB_POSTER_WIDTH": "300",
                   "IMDB_DOWNLOAD_POSTERS": "0", "IMDB_FOLLOW_KEYWORDS": "1", "JOBDIR": str(tmp_path / "job"),
                   "IMDB_JSONL_GZIP": "1", "DOWNLOAD_DELAY": "2"}
    fast = settings(subcommand("crawl").parse_args(["--ids", "tt0000001", "--local-fast"]))
    assert fast["DOWNLOAD_DELAY"] == "0" and "IMDB_CONTACT" not in fast and "JOBDIR" not in fast


# --- the generator itself, on small dataclasses ---

@dataclass(frozen=True)
class Inner:
    size: int = field(default=3, metadata={"help": "how many", "example": "5"})


@dataclass(frozen=True)
class Sample:
    inner: Inner = field(default_factory=Inner, metadata={"help": "the inner part"})
    names: tuple[str, ...] = field(default=("a",), metadata={"help": "names", "example": "a,b"})
    mode: Literal["x", "y"] = field(default="x", metadata={"help": "the mode", "example": "y"})
    path: Path | None = field(default=None, metadata={"help": "a file", "example": "f.txt"})
    on: bool = field(default=True, metadata={"help": "switch"})
    secret: list[str] = field(default_factory=list, metadata={"cli": False})


def parse(cls: type, *argv: str):
    parser = Parser(prog="t")
    add_options(parser, cls)
    return from_args(cls, parser.parse_args(list(argv)))


def test_types_drive_the_parsing():
    assert parse(Sample) == Sample()
    got = parse(Sample, "--names", "b,c", "--names", "d", "--mode", "y", "--path", "f.txt", "--no-on", "--size", "7")
    assert got == Sample(inner=Inner(7), names=("b", "c", "d"), mode="y", path=Path("f.txt"), on=False)
    with pytest.raises(CliError, match="invalid choice"):
        parse(Sample, "--mode", "z")
    with pytest.raises(CliError, match="--size"):
        parse(Sample, "--size", "many")
    with pytest.raises(CliError, match="unrecognized arguments: --secret"):
        parse(Sample, "--secret", "s")


def test_a_field_added_without_help_fails_when_the_parser_is_built():
    @dataclass(frozen=True)
    class Bare:
        documented: int = field(default=1, metadata={"help": "fine", "example": "2"})
        added: int = 0

    with pytest.raises(UndocumentedField, match="added has no help"):
        add_options(argparse.ArgumentParser(), Bare)

    @dataclass(frozen=True)
    class NoExample:
        count: int = field(default=1, metadata={"help": "how many"})

    with pytest.raises(UndocumentedField, match="no example"):
        add_options(argparse.ArgumentParser(), NoExample)


@dataclass(frozen=True)
class TwoInners:
    a: Inner = field(default_factory=Inner, metadata={"help": "a"})
    b: Inner = field(default_factory=Inner, metadata={"help": "b"})


def test_two_fields_may_share_a_flag_only_by_naming_it():
    with pytest.raises(UndocumentedField, match="a.size and b.size both become --size"):
        options(TwoInners)
