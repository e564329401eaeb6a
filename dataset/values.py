"""Text -> value readers for the build's options (named in the params dataclasses' field metadata).

Why here: the stage modules declare their own options (`cli/options.py` turns the fields into flags),
so the readers must be importable by them without importing a command line. Each raises
`argparse.ArgumentTypeError` with one sentence that shows a valid value. `split_list` is the one way
a list option's text splits, shared by `cli/lists.py` and the baselines' `--tasks`/`--models` checks.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence


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
    """'80,10,10' or '0.8,0.1,0.1' → shares summing to 1."""
    try:
        parts = tuple(float(x) for x in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 3 or min(parts) < 0 or abs(sum(parts) - (100 if sum(parts) > 1.5 else 1)) > 1e-6:
        raise argparse.ArgumentTypeError(f"split ratios {text!r} must be three numbers summing to 1 or 100, e.g. 80,10,10")
    total = sum(parts)
    return tuple(p / total for p in parts)


def floats(text: str) -> tuple[float, ...]:
    """'0,5,6.5,10' → increasing bin edges (at least three)."""
    try:
        values = tuple(float(x) for x in text.split(","))
    except ValueError:
        values = ()
    if len(values) < 3 or list(values) != sorted(values):
        raise argparse.ArgumentTypeError(f"rating bins {text!r} must be at least three increasing edges, e.g. 0,5,6.5,10")
    return values


def negative_is_none(text: str) -> int | None:
    """`--min-votes -1`: the rule is off."""
    value = int(text)
    return None if value < 0 else value


def zero_is_none(text: str) -> int | None:
    """`--top-k 0`: no limit."""
    return int(text) or None


def every_type_if_all(given: tuple[str, ...]) -> tuple[str, ...]:
    """--title-type as FilterParams wants it: `all` (alone or among others) keeps every type, ()."""
    return () if any(t.lower() == "all" for t in given) else tuple(given)


def unique(given: tuple[object, ...]) -> tuple[object, ...]:
    """A repeated value counts once (`--image-size 32x32,32x32` makes one column), order kept."""
    return tuple(dict.fromkeys(given))


def split_list(values: str | Sequence[str] | None) -> list[str]:
    """'a,b' or ['a', 'b,c'] -> ['a', 'b', 'c']: commas split, blanks dropped, order kept."""
    if values is None:
        return []
    texts = [values] if isinstance(values, str) else list(values)
    return [part.strip() for text in texts for part in str(text).split(",") if part.strip()]
