"""`imdbkit mirror serve` (also `python -m mirror serve`): the mirror in the foreground until SIGINT/SIGTERM."""
from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import threading

from cli.errors import fail

from .faults import RATES, FaultSpecError, parse_faults


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `mirror` subcommands on a parser (used by `imdbkit` and by `python -m mirror`)."""
    sub = parser.add_subparsers(dest="mirror_command", metavar="{serve,ids}")
    sub.required = True
    serve = sub.add_parser("serve", help="serve IMDb-structured pages on 127.0.0.1 until stopped",
                           description="Serve the offline IMDb mirror; prints its base URL as the first line of stdout.")
    serve.add_argument("--catalog", default="synthetic:1000",
                       help="synthetic:N (deterministic from --seed) or a path to an IMDB-5000-layout CSV (default synthetic:1000)")
    serve.add_argument("--posters", default=None, metavar="DIR", help="folder of <imdb_id>.jpg posters for a CSV catalog")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="0 (default) lets the system pick a free port")
    serve.add_argument("--faults", default=None, metavar="SPEC",
                       help=f"e.g. '429=0.1,503=0.05,delay=0.1,waf=1.0'; rates: {', '.join(RATES)}; "
                            "options: retry_after=S, delay_s=S, assets=1, waf_ttl=S, waf_max=N, small=1; "
                            "layout=2022|2021|2019|2014 serves every title page in that era")
    serve.add_argument("--seed", type=int, default=0, help="seed of a synthetic catalog (default 0)")
    serve.set_defaults(func=serve_command)
    ids = sub.add_parser("ids", help="print a catalog's title ids, one per line",
                         description="Print the ids the mirror would serve for --catalog/--seed, one per line, "
                                     "in catalog order (e.g. as a crawl's --ids-file).")
    ids.add_argument("--catalog", default="synthetic:1000",
                     help="synthetic:N or a path to an IMDB-5000-layout CSV (default synthetic:1000)")
    ids.add_argument("--seed", type=int, default=0, help="the seed `mirror serve` is started with (default 0)")
    ids.add_argument("--limit", type=int, default=None, metavar="N", help="print only the first N ids")
    ids.set_defaults(func=ids_command)


def serve_command(args: argparse.Namespace) -> int:
    from .server import MirrorServer, PortInUseError

    try:
        faults = parse_faults(args.faults)
    except FaultSpecError as exc:
        return fail("mirror serve", f"{exc}.", 2)
    try:
        server = MirrorServer(args.catalog, faults=faults, seed=args.seed, host=args.host, port=args.port,
                              posters_dir=args.posters)
    except ValueError as exc:
        return fail("mirror serve", str(exc), 2)
    try:
        base_url = server.start()
    except PortInUseError as exc:
        return fail("mirror serve", f"{exc.strerror}.")
    except OSError as exc:
        return fail("mirror serve", f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}).")
    # Handlers before the URL: whoever reads the URL may signal at once, and must get a clean stop.
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(base_url, flush=True)
    print(f"serving {server.catalog.name} ({len(server.catalog):,} titles, seed {server.seed}, "
          f"faults: {server.faults.spec() or 'none'}); Ctrl-C stops", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    print("mirror stopped", file=sys.stderr, flush=True)
    return 0


def ids_command(args: argparse.Namespace) -> int:
    """The catalog's ids on stdout; safe to pipe into `head` (a closed pipe ends it quietly)."""
    from .catalog import load_catalog

    if args.limit is not None and args.limit < 0:
        return fail("mirror ids", f"--limit {args.limit} is negative; pass 0 or more.", 2)
    try:
        catalog = load_catalog(args.catalog, seed=args.seed)
    except ValueError as exc:
        return fail("mirror ids", str(exc), 2)
    try:
        for imdb_id in itertools.islice(catalog.ids(), args.limit):
            sys.stdout.write(imdb_id + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `imdbkit mirror ids | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirror", description="The offline IMDb mirror.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)
