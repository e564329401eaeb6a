"""Stage 2: clean raw fields into typed columns (seed 000's cleaning chain).

One cleaner per kind of column (text, number, money, list of names), each with two engines that read
the same rules (`dataset.clean_rules`): the vectorised one (`dataset.clean_fast`) for columns the fast
loader kept typed, the per-value one (`dataset.clean_slow`) for anything else. Either hands back the
values and the rows it set to null with their counter and reason; the report is written here, once.
"""
from __future__ import annotations

from collections import Counter
from operator import itemgetter

import numpy as np
import pandas as pd
from tqdm import tqdm

from dataset import clean_fast as fast
from dataset import clean_slow as slow
from dataset.clean_rules import (
    LIST_FIELDS,
    STAGE,
    TEXT_FIELDS,
    Cleaned,
    age_band,
    normalise_color,
    usd_not_in_range,
    usd_out_of_range,
)
from dataset.report import Report, objects


def _reported(cleaned: Cleaned, report: Report, columns: list[Cleaned]) -> list | np.ndarray:
    """The values; each one set to null is counted under its counter now and quarantined by `_quarantine`
    once every column is clean (`columns` keeps them in column order)."""
    for counter, n in Counter(counter for _, counter, _ in cleaned.bad).items():
        report.note(STAGE, counter, n)
    columns.append(cleaned)
    return cleaned.values


def _quarantine(columns: list[Cleaned], report: Report, ids: list) -> None:
    """Quarantine in row order, then column order within a row: the one rule, so the whole table and the
    streamed build (the same rows, batch by batch) write the same quarantine.jsonl, line for line."""
    bad = [(row, col, reason) for col, cleaned in enumerate(columns) for row, _, reason in cleaned.bad]
    for row, _, reason in sorted(bad, key=itemgetter(0, 1)):
        report.quarantine(STAGE, ids[row], reason)

def _text(series: pd.Series, name: str) -> Cleaned:
    return fast.text(series, name) or slow.text(fast.pylist(series), name)

def _number(series: pd.Series, name: str) -> Cleaned:
    return fast.number(series, name) or slow.number(fast.pylist(series), name)

def _names(series: pd.Series, name: str, memo: dict) -> Cleaned:
    return fast.names(series, name) or slow.names(fast.pylist(series), name, memo)

def _money(series: pd.Series, name: str) -> Cleaned:
    """US dollars; an amount outside [0, MAX_USD) once converted (1e308, -8.5e305) is null and reported too."""
    cleaned = fast.money(series, name) or slow.money(fast.pylist(series), name)
    usd = cleaned.values
    wide = usd_out_of_range(usd)
    cleaned.bad += [(i, *usd_not_in_range(name, usd[i])) for i in np.flatnonzero(wide).tolist()]
    usd[wide] = np.nan
    return cleaned

def _nullable_int(values: np.ndarray, dtype: str) -> pd.arrays.IntegerArray:
    missing = np.isnan(values)
    out = pd.array(np.where(missing, 0, values).astype("int64"), dtype=dtype)
    out[missing] = pd.NA
    return out

def clean_fields(df: pd.DataFrame, report: Report, quiet: bool = True) -> pd.DataFrame:
    """Typed, normalised columns named as in Contract 2; raw money/text columns replaced."""
    bar = tqdm(total=4, desc="clean", unit="group", disable=quiet)
    idx = df.index
    out = pd.DataFrame({"imdb_id": objects(fast.pylist(df["imdb_id"]), idx)}, index=idx)
    columns: list[Cleaned] = []
    for name in TEXT_FIELDS:
        out[name] = objects(_reported(_text(df[name], name), report, columns), idx)
    year = _reported(_number(df["year"], "year"), report, columns)
    out["year"] = pd.Series(_nullable_int(year, "Int32"), index=idx)
    for name in ("runtime_min", "rating", "metascore"):
        out[name] = _reported(_number(df[name], name), report, columns).astype("float32")
    votes = _reported(_number(df["votes"], "votes"), report, columns)
    out["votes"] = pd.Series(_nullable_int(votes, "Int64"), index=idx)
    bar.update()
    out["content_rating"] = objects(_reported(_text(df["content_rating"], "content_rating"), report, columns), idx)
    out["age_band"] = objects(slow.map_unique(out["content_rating"].tolist(), age_band), idx)
    color = _reported(_text(df["color"], "color"), report, columns)
    out["color"] = objects(slow.map_unique(list(color), normalise_color), idx)
    bar.update()
    memo: dict = {}
    for name in LIST_FIELDS:
        out[name] = objects(_reported(_names(df[name], name, memo), report, columns), idx)
    bar.update()
    out["budget_usd"] = _reported(_money(df["budget"], "budget"), report, columns)
    out["gross_usd"] = _reported(_money(df["gross_worldwide"], "gross"), report, columns)
    for name in ["poster_path", "poster_sha1", "frame_embeddings_index"]:
        out[name] = objects(fast.pylist(df[name]), idx)
    out["_raw"] = df["_raw"].to_numpy()
    _quarantine(columns, report, out["imdb_id"].tolist())
    bar.update()
    bar.close()
    report.stage_rows(STAGE, len(df), len(out))
    return out
