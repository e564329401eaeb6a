"""The clean stage's two engines agree: typed Arrow columns (the fast loader's) through the vectorised
cleaners and the same items as Python values (the exact loader's) through the per-value ones give the
same columns and the same report, entry for entry, on generated messy items."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import example, given
from hypothesis import strategies as st

from dataset import clean_fast
from dataset.clean import clean_fields
from dataset.rates import USD_PER_UNIT
from dataset.raw import FIELDS, RAW_SCHEMA, arrow_frame, records_frame
from dataset.report import Report
from tests.helpers.strategies import PROFILE

# Pieces where Python's and Arrow's string handling part ways, and the stage's own artefacts and null words.
PIECES = [" ", "\t", "\n", "\x0b", "\x1c", "\u00a0", "\u2003", "\u3000", "\ufeff", "İ", "\u212a", "ß", "٣", "&amp;",
          "&", "&raquo;", "»", ">>", "|", ",", "(", ")", "3", "See All", "See all (12) »", "see all", "SEE ALL", "See ALL",
          "N/A", "na", "NaN", "unknown", "UNKNOWN", "null", "-", "not available", "Drama", "Tom", "é",
          "Not Avaİlable", "See All (٣) »", "See All\u00a0(3)", " See\tAll (2) \u00bb", "Drama,See all\x0b"]
hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=5).map("".join)
limit = 2**53  # Arrow turns Python ints into float64 only where exact
numbers = (st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-limit, limit)
           | st.floats(-5, 120) | st.sampled_from([0, 0.0, 10, 10.0, 100, 1e6, 1e15, -1e-12]))
currencies = st.none() | st.sampled_from([*sorted(USD_PER_UNIT)[:8], "usd", " eur ", "", " ", "XYZ", "ß", "İ"]) | hostile
money = st.none() | st.fixed_dictionaries({"amount": st.none() | numbers, "currency": currencies})
names = st.none() | st.lists(st.none() | hostile, max_size=4)
FIELD_VALUES = {
    **{f: st.none() | hostile for f in ("title", "original_title", "title_type", "release_date", "description",
                                        "source", "content_rating", "color")},
    **{f: names for f in ("genres", "countries", "languages", "directors", "writers", "actors", "keywords")},
    "year": st.none() | st.integers(-2**63, 2**63 - 1) | st.integers(1860, 2110),
    "votes": st.none() | st.integers(-2**63, 2**63 - 1) | st.integers(-3, 10**6),
    "runtime_min": numbers, "rating": numbers, "metascore": numbers,
    "budget": money, "gross_worldwide": money,
}
items = st.lists(st.fixed_dictionaries({}, optional=FIELD_VALUES), min_size=1, max_size=8)


def _frames(generated: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(typed frame as the fast loader makes it, Python-valued frame as the exact loader makes it)."""
    recs = json.loads(json.dumps([{**item, "imdb_id": f"tt{n:07d}"} for n, item in enumerate(generated)]))
    raw = np.zeros(len(recs), np.int32)
    typed = arrow_frame(pa.Table.from_pylist(recs, schema=RAW_SCHEMA).select(FIELDS), raw)
    return typed, records_frame({f: [r.get(f) for r in recs] for f in FIELDS}, raw.tolist())


def _plain(df: pd.DataFrame) -> dict[str, list]:
    return {c: [v if isinstance(v, list) or not pd.isna(v) else None for v in df[c].tolist()] for c in df.columns}


@PROFILE
@given(generated=items)
@example(generated=[  # each once told the engines apart
    {"votes": 2**53 + 1, "year": 1869, "runtime_min": 0, "rating": 11, "title": "Not Avaİlable"},
    {"budget": {"amount": 3, "currency": " "}, "gross_worldwide": {"amount": None, "currency": "ß"},
     "genres": ["Drama See All (٣) »", "Drama"], "description": "Heat See All\u00a0(3)"},
    {"budget": {"amount": -1e308, "currency": "USD"}, "gross_worldwide": {"amount": 5, "currency": "ß"}},
])
def test_fast_and_per_value_engines_give_the_same_columns_and_report(generated: list[dict]) -> None:
    typed, values = _frames(generated)
    assert clean_fast.text(typed["title"], "title") is not None and clean_fast.money(typed["budget"], "budget")
    assert clean_fast.text(values["title"], "title") is None  # really the two engines
    fast_report, slow_report = Report(), Report()
    fast, slow = clean_fields(typed, fast_report), clean_fields(values, slow_report)
    assert _plain(fast) == _plain(slow)
    assert [str(t) for t in fast.dtypes] == [str(t) for t in slow.dtypes]
    assert fast_report.to_dict() == slow_report.to_dict()
    assert fast_report.quarantined == slow_report.quarantined
