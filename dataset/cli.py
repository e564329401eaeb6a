"""`python -m dataset {import,build,info}`: argparse front end; usage errors exit 2, failures exit 1."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cli.common import CliError, Parser
from cli.errors import Guard
from cli.lists import ListAction
from dataset.report import DatasetError

IMPORTERS = ("imdb5000", "posters", "movienet-clip", "trailer-frames", "tsv-dumps")


def size(text: str) -> tuple[int, int]:
    """'32x32' → (32, 32): height x width, like seed 002's 150x101."""
    try:
        h, w = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"image size {text!r} is not HEIGHTxWIDTH, e.g. 32x32 or 150x101") from None
    if not (1 <= h <= 4096 and 1 <= w <= 4096):
        raise argparse.ArgumentTypeError(f"image size {text!r} must be between 1x1 and 4096x4096")
    return h, w


def ratios(text: str) -> tuple[float, float, float]:
    try:
        parts = tuple(float(x) for x in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 3 or min(parts) < 0 or abs(sum(parts) - (100 if sum(parts) > 1.5 else 1)) > 1e-6:
        raise argparse.ArgumentTypeError(f"split ratios {text!r} must be three numbers summing to 1 or 100, e.g. 80,10,10")
    total = sum(parts)
    return tuple(p / total for p in parts)


def floats(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(x) for x in text.split(","))
    except ValueError:
        values = ()
    if len(values) < 3 or list(values) != sorted(values):
        raise argparse.ArgumentTypeError(f"rating bins {text!r} must be at least three increasing edges, e.g. 0,5,6.5,10")
    return values


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
    """Every `build` flag; `raw`/`out` give defaults (imdbkit's ./imdbkit-data/ paths), else they are required."""
    b.add_argument("--raw", action=ListAction, item=Path, required=raw is None, default=[raw] if raw else None,
                   help="raw crawl or import folders: a,b or repeated" + (f" (default {raw})" if raw else ""))
    b.add_argument("--out", type=Path, required=out is None, default=out,
                   help="dataset folder to publish (replaced atomically)" + (f" (default {out})" if out else ""))
    b.add_argument("--min-votes", type=int, default=125, help="keep titles with MORE than this many votes; -1 off")
    b.add_argument("--require-poster", action="store_true",
                   help="keep only titles with a poster; with --image-size, titles whose poster file is missing or "
                        "fails to decode are dropped too (images stage, counted as poster_unusable)")
    b.add_argument("--require-rating", action="store_true", help="keep only titles with a rating")
    b.add_argument("--title-type", action=ListAction, default=["movie"],
                   help="keep these title types (default movie): movie,tvMovie or repeated; `all` keeps every type")
    b.add_argument("--year-min", type=int, help="keep titles released in or after this year")
    b.add_argument("--year-max", type=int, help="keep titles released in or before this year")
    b.add_argument("--exclude-genre", action=ListAction, default=[], help='e.g. "TV Movie,Foreign" (seed 002)')
    b.add_argument("--min-genres", type=int, default=0, help="keep titles with at least this many genres")
    b.add_argument("--ratios", type=ratios, default=(0.8, 0.1, 0.1), help="train,validation,test shares (default 80,10,10)")
    b.add_argument("--split-seed", type=int, default=0, help="seed of the random split (default 0)")
    b.add_argument("--stratify", choices=["rating_class", "genre"], help="keep this label's shares (genre: the first genre) equal across splits")
    b.add_argument("--splits", type=Path, help="csv imdb_id,split reproducing a given split")
    b.add_argument("--rating-bins", type=floats, default=(0.0, 5.0, 6.5, 10.0),
                   help="rating_class bin edges (default 0,5,6.5,10)")
    b.add_argument("--top-k", type=int, default=5000, help="keep this many names per categorical (0: all)")
    b.add_argument("--min-count", type=int, default=2, help="names seen fewer times in train become <other>")
    b.add_argument("--yake-keywords", type=int, default=0, help="add description_keywords with this many YAKE keywords per title (0: off)")
    b.add_argument("--oversample", choices=["none", "seed002", "inverse"], default="none",
                   help="oversample rare genres in the train split: seed 002's rule or inverse frequency (default none)")
    b.add_argument("--oversample-seed", type=int, default=0, help="seed of the oversampling (default 0)")
    b.add_argument("--image-size", action=ListAction, item=size, default=[], help="HEIGHTxWIDTH: 32x32,150x101 or repeated")
    b.add_argument("--fit", choices=["crop", "letterbox"], default="crop",
                   help="how a poster meets --image-size: centre crop or letterbox (default crop)")
    b.add_argument("--missing-poster", choices=["keep", "drop"], default="keep",
                   help="a missing or corrupt poster: keep the row without it, or drop it (--require-poster: drop)")
    b.add_argument("--poster-duplicates", choices=["keep", "drop"], default="keep",
                   help="drop near-identical posters (pHash) from all titles but the first")
    b.add_argument("--trailer-samples", type=int, default=100, help="frames sampled per trailer (default 100)")
    b.add_argument("--trailer-percentile", type=float, default=20.0,
                   help="drop sampled frames whose brightness mean or spread is below this percentile (default 20)")
    b.add_argument("--trailer-frames", type=int, default=15, help="frames kept per trailer, in order (default 15)")
    b.add_argument("--frame-size", type=size, default=(90, 160), help="trailer frame HEIGHTxWIDTH (default 90x160)")
    b.add_argument("--sequence-length", type=int, help="resample frame sequences to this length (default: the stored length)")
    b.add_argument("--sequence-mode", choices=["uniform", "pad"], default="uniform",
                   help="uniform: resample over the whole sequence; pad: trim or zero-pad the end (default uniform)")
    b.add_argument("--frame-embeddings", metavar="ENCODER", choices=["efficientnet-lite0", "efficientnet-lite1",
                                                                     "efficientnet-lite2"],
                   help="embed each trailer's frames with this pretrained encoder into a [T, D] frame_embeddings column")
    b.add_argument("--frames-per-trailer", type=int, metavar="T",
                   help="T, the fixed sequence length of frame_embeddings (default: the frames kept per trailer)")
    b.add_argument("--shard-rows", type=int, default=100_000, help="rows per parquet shard (default 100000)")
    b.add_argument("--workers", type=int, default=0, help="processes for images (0: every core)")
    b.add_argument("--no-plots", action="store_true", help="write the dataset card without its plots")
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
    from dataset.features import FeatureParams
    from dataset.filter import FilterParams
    from dataset.images import ImageParams
    from dataset.oversample import OversampleParams
    from dataset.sequences import SequenceParams
    from dataset.split import SplitParams
    from dataset.trailers import TrailerParams

    if args.frames_per_trailer is not None and args.frames_per_trailer < 1:
        raise CliError(f"--frames-per-trailer {args.frames_per_trailer} must be at least 1.", 2)
    if args.frames_per_trailer is not None and not args.frame_embeddings:
        raise CliError("--frames-per-trailer needs --frame-embeddings ENCODER, e.g. efficientnet-lite0.", 2)
    params = BuildParams(
        filter=FilterParams(min_votes=None if args.min_votes < 0 else args.min_votes,
                            require_poster=args.require_poster, require_rating=args.require_rating,
                            title_types=title_types(args.title_type), year_min=args.year_min, year_max=args.year_max,
                            exclude_genres=tuple(args.exclude_genre), min_genres=args.min_genres),
        split=SplitParams(ratios=args.ratios, seed=args.split_seed, stratify=args.stratify, splits_file=args.splits),
        features=FeatureParams(rating_bins=args.rating_bins, top_k=args.top_k or None, min_count=args.min_count,
                               yake_keywords=args.yake_keywords),
        oversample=OversampleParams(method=args.oversample, seed=args.oversample_seed),
        images=ImageParams(sizes=tuple(dict.fromkeys(args.image_size)), fit=args.fit, missing=args.missing_poster,
                           dedupe=args.poster_duplicates, workers=args.workers),
        trailers=TrailerParams(samples=args.trailer_samples, percentile=args.trailer_percentile,
                               keep=args.trailer_frames, size=args.frame_size, workers=args.workers),
        sequences=SequenceParams(length=args.frames_per_trailer or args.sequence_length, mode=args.sequence_mode,
                                 encoder=args.frame_embeddings),
        shard_rows=args.shard_rows, plots=not args.no_plots)
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


def title_types(given: list[str]) -> tuple[str, ...]:
    """--title-type as FilterParams wants it: `all` (alone or among others) keeps every type."""
    return () if any(t.lower() == "all" for t in given) else tuple(given)


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
