"""The `imdbkit` console command: a thin dispatcher over the toolkit's modules (one subcommand group per area).

`--verbose` (tracebacks) and `--quiet` (no progress) work anywhere on the line. A user's mistake is
one sentence on stderr: exit 2 for usage errors, 1 for failures; a traceback only with --verbose.
"""
from __future__ import annotations

import argparse
import os
import sys

from cli.common import CliError, Parser
from cli.errors import Guard

EXAMPLES = """examples:
  imdbkit demo                                  # the whole chain offline: mirror, crawl, build, leaderboard, report
  imdbkit mirror serve --catalog synthetic:500  # IMDb-structured pages on 127.0.0.1
  imdbkit crawl --base-url http://127.0.0.1:PORT --ids-file ids.txt
  imdbkit build --raw imdbkit-data/crawl --image-size 32x32
  imdbkit leaderboard --dataset imdbkit-data/datasets/imdb
  imdbkit info imdbkit-data/datasets/imdb
`imdbkit COMMAND --help` shows each command's flags and a worked example."""

MIRROR_EXAMPLE = """example:
  imdbkit mirror serve --catalog synthetic:500 --seed 0       # first stdout line: http://127.0.0.1:PORT
  imdbkit mirror serve --catalog ../shared/data/imdb5000/movie_metadata.csv --posters ../shared/data/posters/images
  imdbkit mirror serve --faults "429=0.1,503=0.05,waf=1.0"    # faults and the bot challenge
  imdbkit mirror ids --catalog synthetic:500 --limit 20 > ids.txt   # the ids it serves, for crawl --ids-file"""


def build_parser() -> argparse.ArgumentParser:
    """Each area registers its subcommand group here; a group's `func(args) -> int` does the work."""
    parser = Parser(prog="imdbkit", description="Crawl IMDb, build datasets, benchmark baselines.",
                    epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print tracebacks on failure (anywhere on the line)")
    parser.add_argument("--quiet", action="store_true", help="no progress output (anywhere on the line)")
    groups = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups.required = True

    from cli import crawl, demo, info, stages
    from mirror.cli import add_arguments as add_mirror

    demo.add_arguments(groups)
    mirror = groups.add_parser("mirror", help="the offline IMDb mirror (imdbkit mirror serve | ids)",
                               description="The offline IMDb mirror.", epilog=MIRROR_EXAMPLE,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    add_mirror(mirror)
    for action in mirror._subparsers._group_actions:  # the mirror's own subcommands get the example too
        for sub in action.choices.values():
            sub.epilog, sub.formatter_class = MIRROR_EXAMPLE, argparse.RawDescriptionHelpFormatter
    crawl.add_arguments(groups)
    stages.add_arguments(groups)
    info.add_arguments(groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in argv or bool(os.environ.get("IMDBKIT_DEBUG"))
    quiet = "--quiet" in argv
    argv = [a for a in argv if a not in ("--verbose", "--quiet")]
    guard = Guard(verbose=verbose)

    def body() -> int:
        parser = build_parser()
        names = parser._subparsers._group_actions[0].choices  # a parse error names its subcommand too
        at = next((i for i, a in enumerate(argv) if a in names), None)
        if at is not None:  # `imdbkit mirror ids: error: ...` names the mirror's own subcommand too
            guard.command = " ".join(argv[at:at + 2] if argv[at] == "mirror" and argv[at + 1:at + 2] in (
                ["serve"], ["ids"]) else argv[at:at + 1])
        args, extra = parser.parse_known_args(argv)
        if extra:
            raise CliError(f"unrecognized arguments: {' '.join(extra)} (see `imdbkit {guard.command} --help`)", 2)
        args.verbose, args.quiet = verbose, quiet
        return int(args.func(args) or 0)

    return guard(body)


if __name__ == "__main__":
    sys.exit(main())
