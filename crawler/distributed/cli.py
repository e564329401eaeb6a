"""`python -m crawler.distributed {push,status,reset}`: the shell's way into a shared crawl."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable

from scrapy.exceptions import UsageError

from crawler.distributed.admin import crawl_status, push_ids, reset


def _read_ids(args: argparse.Namespace) -> Iterable[str]:
    """The spider's own discovery (crawler/discovery.py), so ids are read and checked the same way."""
    from crawler import discovery

    if args.ids:
        yield from discovery.parse_ids(args.ids)
    if args.ids_file:
        yield from discovery.read_ids_file(args.ids_file)
    if args.dumps:
        filters = discovery.DumpFilter.from_args(args.title_type, args.min_votes, args.min_year, args.max_year)
        yield from discovery.iter_dump_ids(args.dumps, filters)


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.distributed {push,status,reset}`: drive a shared crawl from a shell."""
    parser = argparse.ArgumentParser(prog="python -m crawler.distributed", description=main.__doc__)
    parser.add_argument("command", choices=["push", "status", "reset"])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--prefix", default="imdb")
    parser.add_argument("--ids", help="comma-separated title ids")
    parser.add_argument("--ids-file", help="one id per line; blanks and # comments allowed")
    parser.add_argument("--dumps", help="folder with IMDb's title.basics/title.ratings dumps")
    for name in ("--title-type", "--min-votes", "--min-year", "--max-year"):
        parser.add_argument(name, help="filter on the dumps (as the spider's -a arguments)")
    args = parser.parse_args(argv)
    try:
        if args.command == "push":
            if not (args.ids or args.ids_file or args.dumps):
                parser.error("push needs --ids, --ids-file or --dumps")
            print(f"pushed {push_ids(args.redis_url, _read_ids(args), args.prefix)} new ids to {args.prefix}:ids")
        elif args.command == "status":
            for name, value in crawl_status(args.redis_url, args.prefix).items():
                print(f"{name:16} {value}")
        else:
            reset(args.redis_url, args.prefix)
            print(f"forgot the shared crawl {args.prefix}:* on {args.redis_url}")
    except (UsageError, OSError, ValueError) as exc:  # DiscoveryError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
