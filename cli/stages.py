"""`imdbkit import | build | leaderboard`: the stage modules' own `main(argv)`, with defaults under ./imdbkit-data/.

Each wrapper only fills in a default path and checks that an input folder exists (so a typo is a
one-sentence usage error); every other flag goes to `python -m dataset` / `python -m baselines.leaderboard`
unchanged, so their `--help` (`imdbkit build -- --help`) lists the full set.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import (
    DATA,
    DEFAULT_CRAWL,
    DEFAULT_DATASET,
    DEFAULT_REPORT,
    CliError,
    command,
    existing_dataset,
)
from cli.lists import ListAction

IMPORT_EXAMPLE = """  imdbkit import imdb5000 ../shared/data/imdb5000/movie_metadata.csv --out imdbkit-data/raw/imdb5000
  imdbkit import posters labels.csv images/            # --out defaults to imdbkit-data/raw/posters
  imdbkit import tsv-dumps ~/imdb-dumps --title-type movie --min-votes 125
sources: imdb5000, posters, movienet-clip, trailer-frames, tsv-dumps (`imdbkit import SOURCE --help`)"""

BUILD_EXAMPLE = f"""  imdbkit build --raw {DEFAULT_CRAWL} --out {DEFAULT_DATASET} --image-size 32x32 --image-size 150x101
  imdbkit build --raw imdbkit-data/raw/imdb5000 --raw {DEFAULT_CRAWL} --min-votes 125 --oversample seed002
every flag of `python -m dataset build` works here; `imdbkit build -- --help` lists them all"""

LEADERBOARD_EXAMPLE = f"""  imdbkit leaderboard --dataset {DEFAULT_DATASET} --out {DEFAULT_REPORT}
  imdbkit leaderboard --tasks rating_class,rating --models lightgbm,xgboost --budget-minutes 1
every flag of `python -m baselines.leaderboard` works here (`imdbkit leaderboard -- --help`)"""


def add_arguments(groups: argparse._SubParsersAction) -> None:
    p = command(groups, "import", "turn a third-party table into a raw folder (python -m dataset import)",
                "Import IMDB 5000, poster folders, MovieNet CLIP embeddings, trailer frames or IMDb's TSV dumps "
                "into the raw crawl layout, so `imdbkit build` treats them like a crawl.", IMPORT_EXAMPLE)
    p.add_argument("source", choices=["imdb5000", "posters", "movienet-clip", "trailer-frames", "tsv-dumps"])
    p.set_defaults(passthrough="the source's files and flags")
    p.set_defaults(func=run_import)

    p = command(groups, "build", "raw folders -> published parquet dataset (python -m dataset build)",
                "Build a dataset (parquet shards, dataset card, build.json) from raw crawl or import folders.",
                BUILD_EXAMPLE)
    p.add_argument("--raw", action=ListAction, item=Path, help=f"raw folders: a,b or repeated (default {DEFAULT_CRAWL})")
    p.add_argument("--out", type=Path, default=DEFAULT_DATASET, help=f"dataset folder (default {DEFAULT_DATASET})")
    p.set_defaults(passthrough="python -m dataset build")
    p.set_defaults(func=run_build)

    p = command(groups, "leaderboard", "train and score every baseline (python -m baselines.leaderboard)",
                "Train every registered baseline on a dataset and write leaderboard.{md,csv,json} and report.html.",
                LEADERBOARD_EXAMPLE)
    p.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help=f"default {DEFAULT_DATASET}")
    p.add_argument("--out", type=Path, default=DEFAULT_REPORT, help=f"report folder (default {DEFAULT_REPORT})")
    p.set_defaults(passthrough="python -m baselines.leaderboard")
    p.set_defaults(func=run_leaderboard)


def _rest(args: argparse.Namespace) -> list[str]:
    return [a for a in args.rest if a != "--"]


def run_import(args: argparse.Namespace) -> int:
    from dataset.cli import main

    rest = _rest(args)
    if "--out" not in rest and not {"-h", "--help"} & set(rest):
        rest += ["--out", str(DATA / "raw" / args.source)]
    quiet = ["--quiet"] if args.quiet else []
    return main((["--verbose"] if args.verbose else []) + ["import", args.source, *rest, *quiet])


def run_build(args: argparse.Namespace) -> int:
    from dataset.cli import main

    rest = _rest(args)
    if {"-h", "--help"} & set(rest):
        return main(["build", "--help"])
    raws = args.raw or [DEFAULT_CRAWL]
    for raw in raws:
        if not raw.is_dir():
            raise CliError(f"--raw {raw} is not a folder; crawl one with `imdbkit crawl --out {raw}` or import "
                           "one with `imdbkit import`.", 2)
    argv = ["build", *(x for r in raws for x in ("--raw", str(r))), "--out", str(args.out), *rest]
    return main((["--verbose"] if args.verbose else []) + argv + (["--quiet"] if args.quiet else []))


def run_leaderboard(args: argparse.Namespace) -> int:
    from baselines.leaderboard import main

    rest = _rest(args)
    if {"-h", "--help"} & set(rest):
        try:
            return main(["--help"])
        except SystemExit as exc:
            return int(exc.code or 0)
    existing_dataset(args.dataset)
    try:
        flags = (["--quiet"] if args.quiet else []) + (["--verbose"] if args.verbose else [])
        return main(["--dataset", str(args.dataset), "--out", str(args.out), *rest, *flags])
    except SystemExit as exc:  # its parser exits on a bad flag after printing one sentence
        return int(exc.code or 0)


def check_size(text: str) -> None:
    """Reject a bad --image-size before any work, with the dataset CLI's own sentence."""
    from dataset.cli import size

    try:
        size(text)
    except argparse.ArgumentTypeError as exc:
        raise CliError(f"{exc}.", 2) from None


__all__ = ["add_arguments", "check_size", "existing_dataset"]
