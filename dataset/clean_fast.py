"""Vectorised twins of clean.py's parsers for columns the fast loader kept typed (Arrow / numeric).

Same results as the per-value parsers (tests compare both paths on the same items); any value
these cannot handle exactly (HTML entities) goes back through the per-value parser.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dataset.rates import USD_PER_UNIT

SEE_ALL_RE2 = r"\s*[,|]?\s*See (?:all|All|ALL)\s*\(?\d*\)?\s*(?:»|&raquo;|>>)?\s*$"


def is_arrow(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.ArrowDtype)


def pylist(series: pd.Series) -> list:
    """Python values of a column; Arrow's own conversion is far faster than iterating the pandas array."""
    return _array(series).to_pylist() if is_arrow(series) else series.tolist()


def _array(series: pd.Series) -> pa.Array:
    arr = series.array._pa_array
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _clean_strings(arr: pa.Array, nulls: set[str]) -> pa.Array:
    # The anchored regex costs a scan per string; a literal search first skips it when no value has the artefact.
    if pc.any(pc.match_substring(arr, "see all", ignore_case=True)).as_py():
        arr = pc.replace_substring_regex(arr, SEE_ALL_RE2, "")
    text = pc.utf8_trim_whitespace(arr)
    empty = pc.or_(pc.is_in(pc.utf8_lower(text), value_set=pa.array(sorted(nulls))), pc.equal(pc.utf8_length(text), 0))
    return pc.if_else(pc.fill_null(empty, True), pa.scalar(None, pa.string()), text)


def text_column(series: pd.Series, nulls: set[str], slow) -> np.ndarray:
    """Object array of cleaned strings (None for null); entity-bearing values go through `slow`."""
    arr = _array(series)
    out = _clean_strings(arr, nulls).to_numpy(zero_copy_only=False)
    entities = np.flatnonzero(pc.fill_null(pc.match_substring(arr, "&"), False).to_numpy(zero_copy_only=False))
    for i in entities:
        out[i] = slow(arr[int(i)].as_py())
    return out


def list_column(series: pd.Series, nulls: set[str]) -> list | None:
    """Cleaned Python lists (None when empty), deduplicated in order; None if a value needs the slow path."""
    arr = _array(series)
    flat = pc.list_flatten(arr)
    if pc.any(pc.fill_null(pc.match_substring(flat, "&"), False)).as_py():
        return None
    n = len(arr)
    parents = pc.list_parent_indices(arr).to_numpy()
    cleaned = _clean_strings(flat, nulls)
    codes = pc.fill_null(pc.dictionary_encode(cleaned).indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = codes >= 0
    key = parents.astype(np.int64) * (int(codes.max(initial=0)) + 2) + codes + 1
    keep = valid & ~pd.Series(key).duplicated().to_numpy()
    kept_parents = parents[keep]
    counts = np.bincount(kept_parents, minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, cleaned.filter(pa.array(keep)), mask=pa.array(counts == 0))
    return lists.to_pylist()


def number_column(series: pd.Series, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Float array with values outside (low, high) or non-finite set to NaN, and where they were."""
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isnan(values) & ~((values > low) & (values < high))
    return np.where(bad, np.nan, values), bad


def money_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """USD amounts from {amount, currency} structs: (usd, amounts, currency codes, unparseable mask).

    A row with an amount but NaN usd had an unknown (or missing, code None) currency."""
    arr = _array(series)
    amount = pc.struct_field(arr, "amount").to_numpy(zero_copy_only=False).astype("float64")
    currency = pc.utf8_upper(pc.utf8_trim_whitespace(pc.struct_field(arr, "currency")))
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    amount = np.where(present, amount, np.nan)
    codes = pd.Series(currency.to_numpy(zero_copy_only=False), dtype=object)
    rate = codes.map(USD_PER_UNIT).to_numpy(dtype="float64", na_value=np.nan)
    has_amount = ~np.isnan(amount)
    unknown = has_amount & np.isnan(rate)
    return np.where(unknown, np.nan, amount * rate), amount, codes.to_numpy(), present & ~has_amount
