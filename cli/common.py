"""What every `imdbkit` command shares: the error type, the one-sentence parser, default paths."""
from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

DATA = Path("imdbkit-data")  # every default output lives under ./imdbkit-data/
DEFAULT_CRAWL = DATA / "crawl"
DEFAULT_DATASET = DATA / "datasets" / "imdb"
DEFAULT_REPORT = DATA / "reports" / "imdb"
DEFAULT_DEMO = DATA / "demo"


class CliError(Exception):
    """A problem the user can fix: printed as one sentence; `code` 2 for usage, 1 for failures."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one sentence (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:
        raise CliError(f"{message} (see `{self.prog} --help`)", 2)


def command(groups: argparse._SubParsersAction, name: str, help: str, description: str,
            example: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with a worked example."""
    return groups.add_parser(name, help=help, description=description, epilog=f"example:\n{example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)


def existing_dataset(path: Path) -> Path:
    """A published dataset folder, or a usage error saying how to make one."""
    if not (Path(path) / "build.json").is_file():
        what = "does not exist" if not Path(path).exists() else "is not a published dataset (no build.json)"
        raise CliError(f"dataset {path} {what}; build one with `imdbkit build --raw CRAWL --out {path}` "
                       "or run `imdbkit demo`.", 2)
    return Path(path)


def check_reachable(base_url: str, timeout: float = 5.0) -> None:
    """Fail fast, in one sentence, when nothing answers at the crawl's base URL."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--base-url {base_url!r} is not an http(s) URL; pass e.g. http://127.0.0.1:PORT.", 2)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise CliError(f"cannot reach --base-url {base_url} ({reason}); start the mirror with "
                       "`imdbkit mirror serve` and pass the URL it prints, or check your network.", 1) from None


def say(quiet: bool, *parts: object) -> None:
    """Progress notes go to stderr so stdout stays clean for what a script might parse."""
    if not quiet:
        print(*parts, file=sys.stderr, flush=True)
