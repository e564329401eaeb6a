"""`python -m dataset {import,build,info}`: argparse front end; usage errors exit 2, failures exit 1."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cli.common import CliError, Parser
from cli.errors import Guard
from cli.lists import ListAction
from cli.options import add_options, from_args
from dataset.report import DatasetError

IMPORTERS = ("imdb5000", "posters", "movienet-clip", "trailer-frames", "tsv-dumps")


IMPORTER_ARGS = {"imdb5000": {"csv": "IMDB 5000's movie_metadata.csv"},
                 "posters": {"labels": "labels.csv: imdb_id, split, genres A|B|C", "images": "folder of <imdb_id>.jpg posters"},
                 "movienet-clip": {"folder": "folder with MovieNet's features.npy and labels.csv"},
                 "trailer-frames": {"folder": "folder with index.csv and one <folder>/<n>.jpg frame folder per trailer"},
                 "tsv-dumps": {"folder": "folder with IMDb's title.basics.tsv[.gz] and title.ratings.tsv[.gz]"}}
IMPORT_EXAMPLES = {
    "imdb5000": "python -m dataset import imdb5000 movie_metadata.csv --out raw/imdb5000",
    "posters": "python -m dataset import posters labels.csv images/ --out raw/posters",
    "movienet-clip": "python -m dataset import movienet-clip ~/movienet --out raw/movienet --limit 1000",
    "trailer-frames": "python -m dataset import trailer-frames ~/frames --out raw/trailers",
    "tsv-dumps": "python -m dataset import tsv-dumps ~/imdb-dumps --title-type movie --min-votes 125 --out raw/tsv"}
BUILD_EXAMPLE = """example:
  python -m dataset build --raw raw/crawl --out datasets/imdb --image-size 32x32,150x101
  python -m dataset build --raw raw/imdb5000,raw/crawl --min-votes 125 --oversample seed002 --out datasets/seed002"""


def add_import_sources(imp: argparse.ArgumentParser, out: Callable[[str], Path] | None = None,
                       example: Callable[[str], str] | None = None) -> None:
    """One subcommand per importer on `imp`; `out(source)` gives --out a default (else it is required)."""
    isub = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    for name, positionals in IMPORTER_ARGS.items():
        text = example(name) if example else IMPORT_EXAMPLES[name]
        sp = isub.add_parser(name, help=f"import {name} into a raw folder", epilog=f"example:\n  {text}",
                             description=f"Import {name} into the raw crawl layout (Contract 1).",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        for arg, help_text in positionals.items():
            sp.add_argument(arg, type=Path, help=help_text)
        if out is None:
            sp.add_argument("--out", type=Path, required=True, help="raw folder to write (created)")
        else:
            sp.add_argument("--out", type=Path, default=out(name), help=f"raw folder to write (default {out(name)})")
        sp.add_argument("--limit", type=int, default=None, help="import only the first N titles")
        sp.add_argument("--quiet", action="store_true", help="no progress output")
        if name == "tsv-dumps":
            sp.add_argument("--title-type", action=ListAction, default=None, help="movie, or a list: movie,tvMovie")
            sp.add_argument("--min-votes", type=int, default=125, help="keep titles with more votes (default 125)")


def add_build_arguments(b: argparse.ArgumentParser, raw: Path | None = None, out: Path | None = None) -> None:
    """Every `build` flag: one per `BuildParams` field (cli/options.py), plus the build's inputs and output.

    `raw`/`out` give defaults (imdbkit's ./imdbkit-data/ paths), else they are required."""
    from dataset.build import BuildParams

    b.add_argument("--raw", action=ListAction, item=Path, required=raw is None, default=[raw] if raw else None,
                   metavar="PATH[,...]", help="raw crawl or import folders: a,b or repeated (" +
                   (f"default {raw}; " if raw else "") + "e.g. --raw imdbkit-data/crawl,imdbkit-data/raw/imdb5000)")
    b.add_argument("--out", type=Path, required=out is None, default=out, metavar="PATH",
                   help="dataset folder to publish, replaced atomically (" + (f"default {out}; " if out else "") +
                   "e.g. --out imdbkit-data/datasets/movies)")
    add_options(b, BuildParams)
    b.add_argument("--frames-per-trailer", type=int, metavar="T",
                   help="T, the fixed sequence length of frame_embeddings (default: the frames kept per trailer; "
                        "needs --frame-embeddings; e.g. --frames-per-trailer 8)")
    b.add_argument("--quiet", action="store_true", help="no progress output")


def parser() -> Parser:
    p = Parser(prog="python -m dataset", description=__doc__)
    p.add_argument("--verbose", action="store_true", help="show tracebacks on failure (anywhere on the line)")
    sub = p.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="turn a third-party source into a raw folder (Contract 1)")
    add_import_sources(imp)
    b = sub.add_parser("build", help="raw folders → published dataset", epilog=BUILD_EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_build_arguments(b)
    i = sub.add_parser("info", help="print build.json of a published dataset")
    i.add_argument("path", type=Path, help="a published dataset folder")
    return p


def _build(args: argparse.Namespace) -> int:
    from dataset.build import BuildParams, build

    if args.frames_per_trailer is not None and args.frames_per_trailer < 1:
        raise CliError(f"--frames-per-trailer {args.frames_per_trailer} must be at least 1.", 2)
    if args.frames_per_trailer is not None and not args.frame_embeddings:
        raise CliError("--frames-per-trailer needs --frame-embeddings ENCODER, e.g. efficientnet-lite0.", 2)
    params = from_args(BuildParams, args)
    if args.frames_per_trailer:
        params = replace(params, sequences=replace(params.sequences, length=args.frames_per_trailer))
    result = build(args.raw, args.out, params, quiet=args.quiet)
    rows = ", ".join(f"{s} {i['rows']:,}" for s, i in result["splits"].items())
    counts = result["counts"]
    capped = counts["quarantine_file_entries"] < counts["quarantined"]
    print(f"built {args.out}: {rows}; {counts['quarantined']:,} items quarantined "
          f"(see {args.out / 'quarantine.jsonl'}" + (f", which holds the first {counts['quarantine_file_entries']:,}"
                                                    if capped else "") + ")")
    return 0


def _import(args: argparse.Namespace) -> int:
    from dataset import importers

    fn = importers.IMPORTERS[args.source]
    summary = fn(args)
    print(f"imported {summary['items']:,} items into {args.out}" +
          (f" ({summary['skipped']:,} skipped, see {args.out / 'import-report.json'})" if summary.get("skipped") else ""))
    if summary.get("replaced_bytes"):
        print(f"warning: {summary['replaced_bytes']:,} bytes were not UTF-8 and became U+FFFD (rows listed in "
              f"{args.out / 'import-report.json'}); re-save the source as UTF-8 if its text matters.", file=sys.stderr)
    return 0


def execute(args: argparse.Namespace) -> int:
    """Run a parsed `import`/`build`/`info`; a DatasetError is a one-sentence failure (exit 1)."""
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "import":
            return _import(args)
        from dataset.api import info

        print(json.dumps(info(args.path), indent=2, ensure_ascii=False))
        return 0
    except DatasetError as exc:
        raise CliError(str(exc), 1) from exc


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m dataset`: the same builders and errors as `imdbkit import|build`."""
    argv = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in argv or bool(os.environ.get("IMDBKIT_DEBUG"))
    argv = [a for a in argv if a != "--verbose"]
    guard = Guard(command=next((a for a in argv if a in ("import", "build", "info")), ""), verbose=verbose,
                  interrupted="interrupted; the previous dataset (if any) is untouched.")
    return guard(lambda: execute(parser().parse_args(argv)))
