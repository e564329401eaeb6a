"""The `imdbkit` console command: a thin dispatcher over the toolkit's modules (one subcommand group per area)."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    """Each area registers its subcommand group here; a group's `func(args) -> int` does the work."""
    parser = argparse.ArgumentParser(prog="imdbkit", description="Crawl IMDb, build datasets, benchmark baselines.")
    groups = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups.required = True

    from crawler.mirror.cli import add_arguments as add_mirror

    add_mirror(groups.add_parser("mirror", help="the offline IMDb mirror (imdbkit mirror serve)",
                                 description="The offline IMDb mirror."))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
