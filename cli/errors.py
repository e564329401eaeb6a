"""One error format for every `imdbkit` command and its `python -m` shims.

`imdbkit <cmd>: error: <sentence>` on stderr; exit 2 for usage errors (unknown flag, bad value,
missing path), 1 for failures; a traceback only with --verbose. Each front end runs its work through
`Guard`, so the prefix and the codes cannot drift apart again.
"""
from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from cli.common import CliError

USAGE, FAILURE = 2, 1


def prefix(command: str) -> str:
    """`imdbkit build`, or `imdbkit` before a subcommand is known."""
    return f"imdbkit {command}".strip()


def fail(command: str, message: str, code: int = FAILURE) -> int:
    """Print the one error line for `command` and return `code`, for front ends that return a status."""
    print(f"{prefix(command)}: error: {message}", file=sys.stderr)
    return code


@dataclass
class Guard:
    """Runs a command body; `command` may be set by the body once its subcommand is parsed."""

    command: str = ""
    verbose: bool = False
    interrupted: str = "interrupted; finished work is kept and the same command resumes it"

    def __call__(self, body: Callable[[], int | None]) -> int:
        try:
            return int(body() or 0)
        except CliError as exc:
            if self.verbose:
                traceback.print_exc()
            return fail(self.command, str(exc), exc.code)
        except SystemExit as exc:  # --help, or a library's own exit status
            return exc.code if isinstance(exc.code, int) else 0
        except KeyboardInterrupt:
            print(f"{prefix(self.command)}: {self.interrupted}", file=sys.stderr)
            return 130
        except Exception as exc:  # noqa: BLE001 - last resort: one sentence, traceback only on request
            if self.verbose:
                traceback.print_exc()
            return fail(self.command, f"{type(exc).__name__}: {exc} (rerun with --verbose for the traceback)")


__all__ = ["FAILURE", "USAGE", "Guard", "fail", "prefix"]
