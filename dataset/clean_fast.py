"""The vectorised engine of the clean stage, for columns the fast loader kept typed (Arrow / numeric).

It reads the same patterns, null words, ranges and currency rule as the per-value engine
(`dataset.clean_rules`); a value it cannot handle exactly (HTML entities) goes through the per-value
rule. Each cleaner returns None when the column is not of the type it vectorises.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dataset.clean_rules import (
    NULLS,
    NUMBERS,
    SEE_ALL,
    Cleaned,
    currency_code,
    not_a_number,
    not_money,
    null_text,
    unknown_currency,
)
from dataset.rates import USD_PER_UNIT

_NULL_WORDS = pa.array(sorted(NULLS))


def is_arrow(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.ArrowDtype)


def arrow_array(series: pd.Series) -> pa.Array:
    """The Arrow array behind an Arrow-backed column, in one chunk (pandas hands it over by `__arrow_array__`)."""
    arr = pa.array(series.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def pylist(series: pd.Series) -> list:
    """Python values of a column; Arrow's own conversion is far faster than iterating the pandas array."""
    return arrow_array(series).to_pylist() if is_arrow(series) else series.tolist()


def _is(series: pd.Series, test) -> bool:
    return is_arrow(series) and test(series.dtype.pyarrow_dtype)


def _clean_strings(arr: pa.Array) -> pa.Array:
    """`null_text` without the entity step: the 'See All' artefact cut, whitespace trimmed, null words → null."""
    # The anchored regex costs a scan per string; a literal search first skips it when no value has the artefact.
    if pc.any(pc.match_substring(arr, "see all", ignore_case=True)).as_py():
        arr = pc.replace_substring_regex(arr, SEE_ALL.pattern, "")
    text = pc.utf8_trim_whitespace(arr)
    empty = pc.is_in(pc.ascii_lower(text), value_set=_NULL_WORDS)  # null words are ASCII (`is_null_word`)
    return pc.if_else(pc.fill_null(empty, True), pa.scalar(None, pa.string()), text)


def text(series: pd.Series, name: str) -> Cleaned | None:
    """Cleaned strings of a string column (an Arrow string is always text: nothing to report)."""
    if not _is(series, lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)):
        return None
    arr = arrow_array(series)
    out = _clean_strings(arr).to_numpy(zero_copy_only=False)
    entities = np.flatnonzero(pc.fill_null(pc.match_substring(arr, "&"), False).to_numpy(zero_copy_only=False))
    for i in entities:
        out[i] = null_text(arr[int(i)].as_py())
    return Cleaned(list(out))


def names(series: pd.Series, name: str) -> Cleaned | None:
    """Cleaned Python lists (None when empty), deduplicated in order; None when not a list of strings or a
    name has an HTML entity (the per-value engine then takes the column)."""
    if not _is(series, lambda t: pa.types.is_list(t) and pa.types.is_string(t.value_type)):
        return None
    arr = arrow_array(series)
    flat = pc.list_flatten(arr)
    if pc.any(pc.fill_null(pc.match_substring(flat, "&"), False)).as_py():
        return None
    n = len(arr)
    parents = pc.list_parent_indices(arr).to_numpy()
    cleaned = _clean_strings(flat)
    codes = pc.fill_null(pc.dictionary_encode(cleaned).indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = codes >= 0
    key = parents.astype(np.int64) * (int(codes.max(initial=0)) + 2) + codes + 1
    keep = valid & ~pd.Series(key).duplicated().to_numpy()
    counts = np.bincount(parents[keep], minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, cleaned.filter(pa.array(keep)), mask=pa.array(counts == 0))
    return Cleaned(lists.to_pylist())


def number(series: pd.Series, name: str) -> Cleaned | None:
    """Floats of a numeric column, values outside the column's range set to NaN and reported."""
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    wide = NUMBERS[name].out_of_range(values)
    rows = np.flatnonzero(wide).tolist()
    bad = [(i, *not_a_number(name, v, parsed=True)) for i, v in zip(rows, series.iloc[rows].tolist(), strict=True)]
    return Cleaned(np.where(wide, np.nan, values), bad)


def money(series: pd.Series, name: str) -> Cleaned | None:
    """US dollars from {amount, currency} structs; currencies go through `currency_code` once per distinct
    spelling. An amount with an unknown (or no) currency, or a struct without an amount, is reported."""
    if not _is(series, pa.types.is_struct):
        return None
    arr = arrow_array(series)
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    amount = np.where(present, pc.struct_field(arr, "amount").to_numpy(zero_copy_only=False).astype("float64"), np.nan)
    spelled = pc.dictionary_encode(pc.struct_field(arr, "currency"))
    distinct = [currency_code(c) for c in spelled.dictionary.to_pylist()] + [None]  # the last: no currency
    which = pc.fill_null(spelled.indices, len(distinct) - 1).to_numpy(zero_copy_only=False)
    codes = np.array(distinct, dtype=object)[which]
    rate = np.array([USD_PER_UNIT.get(c, np.nan) if c else np.nan for c in distinct], dtype="float64")[which]
    has_amount = ~np.isnan(amount)
    unknown = has_amount & np.isnan(rate)
    bad = [(i, *unknown_currency(name, amount[i], codes[i])) for i in np.flatnonzero(unknown).tolist()]
    bad += [(i, *not_money(name, arr[i].as_py())) for i in np.flatnonzero(present & ~has_amount).tolist()]
    return Cleaned(np.where(unknown, np.nan, amount * rate), bad)
