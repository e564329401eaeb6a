"""The per-value engine of the clean stage: Python values (the exact loader's, or any object column)
through the rules of `dataset.clean_rules`, each distinct value parsed once (a 540k-row crawl has far
fewer distinct strings than rows)."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from dataset.clean_rules import (
    NUMBERS,
    Cleaned,
    clean_list,
    not_a_list,
    not_a_number,
    not_money,
    not_text,
    null_text,
    parse_money,
    unknown_currency,
)
from dataset.rates import USD_PER_UNIT

_MISS = object()


def map_unique(values: list, fn: Callable) -> list:
    """Apply `fn` once per distinct value (bools and unhashable dicts/lists are computed per row)."""
    cache: dict = {}
    out = []
    for v in values:
        if v.__class__ is bool:
            out.append(fn(v))
            continue
        try:
            r = cache[v]
        except KeyError:
            r = cache[v] = fn(v)
        except TypeError:
            r = fn(v)
        out.append(r)
    return out


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def text(values: list, name: str) -> Cleaned:
    """Cleaned strings; a value of another type (a list, a number, an object) is null and reported."""
    bad = [(i, *not_text(name, v)) for i, v in enumerate(values) if not (v is None or isinstance(v, str) or _is_nan(v))]
    return Cleaned(map_unique(values, null_text), bad)


def number(values: list, name: str) -> Cleaned:
    """Floats (NaN for null): a value the parser refuses, or one outside the column's range, is reported;
    a missing one (None, NaN, 'unknown') is not."""
    spec = NUMBERS[name]
    parsed = map_unique(values, spec.parse)
    bad = [(i, *not_a_number(name, r, parsed=False)) for i, (r, p) in enumerate(zip(values, parsed, strict=True))
           if p is None and not (r is None or _is_nan(r) or isinstance(r, str) and null_text(r) is None)]
    out = np.array([np.nan if p is None else p for p in parsed], dtype="float64")
    wide = spec.out_of_range(out)
    bad += [(i, *not_a_number(name, values[i], parsed=True)) for i in np.flatnonzero(wide).tolist()]
    out[wide] = np.nan
    return Cleaned(out, bad)


def money(values: list, name: str) -> Cleaned:
    """US dollars (NaN for null); an amount that does not parse, or has no known currency, is reported."""
    usd = np.full(len(values), np.nan)
    bad = []
    for i, v in enumerate(values):
        if v is None:
            continue
        amount, currency = parse_money(v)
        if amount is None:
            bad.append((i, *not_money(name, v)))
        elif currency not in USD_PER_UNIT:
            bad.append((i, *unknown_currency(name, amount, currency)))
        else:
            usd[i] = amount * USD_PER_UNIT[currency]
    return Cleaned(usd, bad)


def names(values: list, name: str, memo: dict) -> Cleaned:
    """`clean_list` over a column, each distinct name cleaned once (`memo`: names repeat across columns
    and 540k titles); a value that is neither a list nor a string is null and reported."""
    bad = [(i, *not_a_list(name, v)) for i, v in enumerate(values) if v is not None and not isinstance(v, list | str)]
    out = []
    for v in values:
        if v.__class__ is not list:
            out.append(clean_list(v))
            continue
        cleaned: list[str] = []
        for x in v:
            if x.__class__ is not str:
                continue
            c = memo.get(x, _MISS)
            if c is _MISS:
                c = memo[x] = null_text(x)
            if c and c not in cleaned:
                cleaned.append(c)
        out.append(cleaned or None)
    return Cleaned(out, bad)
