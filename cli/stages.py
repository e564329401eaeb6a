"""`imdbkit import | build | leaderboard`: the stage modules' own argparse builders, with defaults under ./imdbkit-data/.

The subparsers are built by `dataset.cli` and `baselines.leaderboard` themselves, so `--help` lists
every flag and parsing and help are one tree; this module only adds the default paths and checks
that an input folder exists (so a typo is a one-sentence usage error) before running the stage.
"""
from __future__ import annotations

import argparse

from cli.common import (
    DATA,
    DEFAULT_CRAWL,
    DEFAULT_DATASET,
    DEFAULT_REPORT,
    CliError,
    command,
    existing_dataset,
)

IMPORT_EXAMPLE = """  imdbkit import imdb5000 ../shared/data/imdb5000/movie_metadata.csv --out imdbkit-data/raw/imdb5000
  imdbkit import posters labels.csv images/            # --out defaults to imdbkit-data/raw/posters
  imdbkit import tsv-dumps ~/imdb-dumps --title-type movie --min-votes 125
sources: imdb5000, posters, movienet-clip, trailer-frames, tsv-dumps (`imdbkit import SOURCE --help`)"""

IMPORT_EXAMPLES = {
    "imdb5000": "imdbkit import imdb5000 ../shared/data/imdb5000/movie_metadata.csv",
    "posters": "imdbkit import posters labels.csv images/ --out imdbkit-data/raw/posters",
    "movienet-clip": "imdbkit import movienet-clip ~/movienet --limit 1000",
    "trailer-frames": "imdbkit import trailer-frames ~/trailer-frames",
    "tsv-dumps": "imdbkit import tsv-dumps ~/imdb-dumps --title-type movie --min-votes 125"}

BUILD_EXAMPLE = f"""  imdbkit build --raw {DEFAULT_CRAWL} --out {DEFAULT_DATASET} --image-size 32x32 --image-size 150x101
  imdbkit build --raw imdbkit-data/raw/imdb5000,{DEFAULT_CRAWL} --min-votes 125 --oversample seed002"""

LEADERBOARD_EXAMPLE = f"""  imdbkit leaderboard --dataset {DEFAULT_DATASET} --out {DEFAULT_REPORT}
  imdbkit leaderboard --tasks rating_class,rating --models lightgbm,xgboost --budget-minutes 1"""


def add_arguments(groups: argparse._SubParsersAction) -> None:
    from baselines import leaderboard_cli
    from dataset import cli as dataset_cli

    p = command(groups, "import", "turn a third-party table into a raw folder (python -m dataset import)",
                "Import IMDB 5000, poster folders, MovieNet CLIP embeddings, trailer frames or IMDb's TSV dumps "
                "into the raw crawl layout, so `imdbkit build` treats them like a crawl.", IMPORT_EXAMPLE)
    dataset_cli.add_import_sources(p, out=lambda source: DATA / "raw" / source, example=IMPORT_EXAMPLES.get)
    p.set_defaults(func=run_import)

    p = command(groups, "build", "raw folders -> published parquet dataset (python -m dataset build)",
                "Build a dataset (parquet shards, dataset card, build.json) from raw crawl or import folders.",
                BUILD_EXAMPLE)
    dataset_cli.add_build_arguments(p, raw=DEFAULT_CRAWL, out=DEFAULT_DATASET)
    p.set_defaults(func=run_build)

    p = command(groups, "leaderboard", "train and score every baseline (python -m baselines.leaderboard)",
                "Train every registered baseline on a dataset and write leaderboard.{md,csv,json} and report.html.",
                LEADERBOARD_EXAMPLE)
    leaderboard_cli.add_arguments(p, dataset=DEFAULT_DATASET, out=DEFAULT_REPORT)
    p.set_defaults(func=run_leaderboard)


def run_import(args: argparse.Namespace) -> int:
    from dataset.cli import execute

    args.command = "import"
    return execute(args)


def run_build(args: argparse.Namespace) -> int:
    from dataset.cli import execute

    for raw in args.raw:
        if not raw.is_dir():
            raise CliError(f"--raw {raw} is not a folder; crawl one with `imdbkit crawl --out {raw}` or import "
                           "one with `imdbkit import`.", 2)
    return execute(args)


def run_leaderboard(args: argparse.Namespace) -> int:
    from baselines.leaderboard_cli import execute

    existing_dataset(args.dataset)
    return execute(args)


def check_size(text: str) -> None:
    """Reject a bad --image-size before any work, with the dataset CLI's own sentence."""
    from dataset.values import size

    try:
        size(text)
    except argparse.ArgumentTypeError as exc:
        raise CliError(f"{exc}.", 2) from None


__all__ = ["add_arguments", "check_size", "existing_dataset"]
