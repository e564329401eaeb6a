"""One way to read a list option: `--opt a,b` and `--opt a --opt b` mean the same, everywhere.

Every `imdbkit` list flag (and the stage front ends it forwards to) uses `ListAction`, so a comma list
is never taken as one literal value (`--title-type movie,tvMovie` once filtered on "movie,tvMovie").
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from dataset.values import split_list


class ListAction(argparse.Action):
    """Repeatable option whose every value may also be a comma list; `item` converts each element.

    Use as `parser.add_argument("--raw", action=ListAction, item=Path)`. The result is a list (the
    default, `None` unless given, is replaced by the first use, never mutated); a bad element is a
    usage error naming the flag, through the parser's own `error`.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, item: Callable[[str], Any] = str,
                 metavar: str | None = None, **kwargs: Any) -> None:
        if kwargs.get("type") is not None:
            raise ValueError("ListAction converts elements with item=, not type=")
        kwargs.setdefault("nargs", None)
        super().__init__(option_strings, dest, metavar=metavar or f"{dest.upper()}[,...]", **kwargs)
        self.item = item

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        current = getattr(namespace, self.dest, None)
        items = list(current) if isinstance(current, list) and current is not self.default else []
        for text in split_list(values):
            try:
                items.append(self.item(text))
            except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
                raise argparse.ArgumentError(self, str(exc)) from None
        setattr(namespace, self.dest, items)


__all__ = ["ListAction"]
