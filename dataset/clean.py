"""Stage 2: clean raw fields into typed columns (seed 000's cleaning chain, one tested function each).

Scalars are parsed once per distinct value (a 540k-row crawl has far fewer distinct strings),
so the stage stays vectorised in practice while every parser is a small pure function.
"""
from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from pyarrow import types as pa_types
from tqdm import tqdm

from dataset import clean_fast as fast
from dataset.clean_fast import is_arrow
from dataset.rates import RATES_DATE, RATES_VERSION, SYMBOLS, USD_PER_UNIT
from dataset.report import Report, objects

STAGE = "clean"
MAX_USD = 1e11  # no film has cost or earned 100 billion dollars: above it is a parse or unit error
NULLS = {"", "unknown", "none", "null", "n/a", "na", "nan", "-", "not available"}
SEE_ALL = re.compile(r"\s*[,|]?\s*See (?:all|All|ALL)\s*\(?\d*\)?\s*(?:»|&raquo;|>>)?\s*$")
LIST_FIELDS = ["genres", "countries", "languages", "directors", "writers", "actors", "keywords"]
TEXT_FIELDS = ["title", "original_title", "title_type", "release_date", "description", "source"]
DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in(?:utes?|s)?)?)?$", re.I)
ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", re.I)
MONEY = re.compile(r"^\s*([^\d\s.,-]*)\s*([\d][\d,.\s]*)\s*([A-Za-z]{3})?")
AGE_BANDS = {
    "all": ["G", "TV-G", "TV-Y", "U", "APPROVED", "PASSED", "E", "ALL", "0", "AL"],
    "7+": ["TV-Y7", "TV-Y7-FV", "7", "6"],
    "pg": ["PG", "TV-PG", "GP", "M", "M/PG", "10"],
    "13+": ["PG-13", "TV-14", "12", "12A", "13", "14", "15", "16", "M/12"],
    "17+": ["R", "TV-MA", "17"],
    "18+": ["NC-17", "X", "18", "R18", "R-18", "AO", "NC17"],
}
AGE_BAND_OF = {cert: band for band, certs in AGE_BANDS.items() for cert in certs}
COLORS = {"color": "color", "colour": "color", "black and white": "black_and_white", "b&w": "black_and_white",
          "black & white": "black_and_white", "bw": "black_and_white"}


def null_text(value: object) -> str | None:
    """Strip, unescape HTML entities and 'See All (N) »' artefacts; unknown/empty → None.

    Anything that is not a string is None too: ``str(['x'])`` would store the Python repr ``"['x']"``
    as a title (``_text`` counts those values)."""
    if not isinstance(value, str):
        return None
    text = html.unescape(value) if "&" in value else value
    if "ee" in text or "EE" in text:  # cheap gate before the regex: most strings have no "See All"
        text = SEE_ALL.sub("", text)
    text = text.strip()
    return None if len(text) <= 13 and text.lower() in NULLS else text


def _finite(value: int | float) -> float | None:
    """A Python number as a finite float; ints beyond float range (or numpy's int64) → None."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_duration(value: object) -> float | None:
    """'2h 16min', '136 min', 'PT2H16M', 136 → minutes; anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = _finite(value)
        return number if number is not None and number > 0 else None
    text = str(value).strip()
    if text.isdigit():
        minutes = float(text)
        return minutes if 0 < minutes < 1e6 else None
    if m := ISO_DURATION.match(text):
        h, mi, s = (int(g or 0) for g in m.groups())
        total = h * 60 + mi + s / 60
        return total or None
    m = DURATION.match(text)
    if not m or not any(m.groups()):
        return None
    total = float(m.group(1) or 0) * 60 + float(m.group(2) or 0)
    return total or None


def parse_count(value: object) -> int | None:
    """Votes: 12345, '12,345', '(12,345)', '1.2K', '3M' → int; anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if np.isfinite(value) and value >= 0 else None
    text = str(value).strip().strip("()").replace(",", "").replace(" ", "").upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    if scale > 1:
        text = text[:-1]
    try:
        number = float(text) * scale
    except ValueError:
        return None
    return int(round(number)) if 0 <= number < 1e15 else None


def parse_float(value: object) -> float | None:
    """Ratings and metascores: 7.5, '7.5', '7.5/10' → float; anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _finite(value)
    text = str(value).split("/")[0].strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def parse_year(value: object) -> int | None:
    """2009, '2009', '(2009)', '2009–2012' → 2009."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1870 <= value <= 2100 else None
    m = re.search(r"(18[7-9]\d|19\d\d|20\d\d|2100)", str(value)) if value is not None else None
    return int(m.group(1)) if m else None


def parse_money(value: object) -> tuple[float | None, str | None]:
    """{'amount', 'currency'} or '$237,000,000 (estimated)' / 'FRF 20,000,000' → (amount, ISO code or None)."""
    if value is None:
        return None, None
    if isinstance(value, dict):
        amount = parse_float(value.get("amount"))
        currency = value.get("currency")
        return amount, (currency.strip().upper() if isinstance(currency, str) and currency.strip() else None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_float(value), None
    m = MONEY.match(html.unescape(str(value)))
    if not m:
        return None, None
    prefix, digits, suffix = m.group(1).strip(), m.group(2), m.group(3)
    amount = parse_float(re.sub(r"[,\s]", "", digits).rstrip("."))
    if prefix.upper() in USD_PER_UNIT or (len(prefix) == 3 and prefix.isalpha()):
        return amount, prefix.upper()
    if prefix:
        return amount, SYMBOLS.get(prefix)
    return amount, suffix.upper() if suffix else None


def age_band(certificate: str | None) -> str | None:
    """Certificate → age band (seed 000): all, 7+, pg, 13+, 17+, 18+; unrated/unknown → None."""
    if certificate is None:
        return None
    key = certificate.strip().upper().replace("RATED ", "")
    return AGE_BAND_OF.get(key)


def normalise_color(value: object) -> str | None:
    """'Color', ' Black and White', 'B&W' → color / black_and_white; both → mixed."""
    text = null_text(value)
    if text is None:
        return None
    parts = {COLORS.get(p.strip().lower()) for p in re.split(r"[/|,]", text)}
    parts.discard(None)
    if not parts:
        return None
    return parts.pop() if len(parts) == 1 else "mixed"


def clean_list(value: object) -> list[str] | None:
    """A list (or 'A|B' / 'A, B' string) of names, artefacts and unknowns removed; empty → None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = re.split(r"\s*[|,]\s*", value)
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if isinstance(item, str):
            item = null_text(item)
            if item and item not in out:
                out.append(item)
    return out or None


def _map_unique(values: pd.Series | list, fn: Callable) -> list:
    """Apply `fn` once per distinct value (bools and unhashable dicts/lists are computed per row)."""
    cache: dict = {}
    out = []
    for v in fast.pylist(values) if isinstance(values, pd.Series) else values:
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


def _clean_lists(values: list, memo: dict) -> list:
    """clean_list over a column, each distinct string cleaned once (names repeat across 540k titles)."""
    out = []
    miss = memo.get
    for v in values:
        if v.__class__ is not list:
            out.append(clean_list(v))
            continue
        cleaned: list[str] = []
        for x in v:
            if x.__class__ is not str:
                continue
            c = miss(x, _MISS)
            if c is _MISS:
                c = memo[x] = null_text(x)
            if c and c not in cleaned:
                cleaned.append(c)
        out.append(cleaned or None)
    return out


_MISS = object()


def _shown(value: object) -> str:
    """A bad value as quoted in the quarantine report: its repr, cut to 60 characters, and its type if odd."""
    text = repr(value.item() if isinstance(value, np.generic) else value)
    text = text if len(text) <= 60 else text[:59] + "…"
    return text if isinstance(value, str | int | float | np.generic) else f"{text} ({type(value).__name__})"


def _not_valid(name: str, value: object, valid: str) -> str:
    """The quarantine reason for a value the clean stage set to null."""
    return f"{name} {_shown(value)} is not {valid}; stored as null"


def _quarantine(report: Report, ids: list, rows: Iterable[int], reason: Callable[[int], str]) -> None:
    """One quarantine entry per bad value (the row is kept, the value set to null)."""
    for i in rows:
        report.quarantine(STAGE, ids[i], reason(i))


def _count_invalid(report: Report, name: str, raw: list, parsed: list, ids: list, valid: str) -> None:
    """Numbers that parse to None were out of range; anything else that did was unparseable text."""
    numeric = bad = 0
    for i, (r, p) in enumerate(zip(raw, parsed, strict=True)):
        if p is None and not (r is None or _is_nan(r) or isinstance(r, str) and null_text(r) is None):
            if isinstance(r, int | float) and not isinstance(r, bool):
                numeric += 1
            else:
                bad += 1
            report.quarantine(STAGE, ids[i], _not_valid(name, r, valid))
    report.note(STAGE, f"{name}_unparseable_to_null", bad)
    report.note(STAGE, f"{name}_out_of_range_to_null", numeric)


def _not_money(name: str, value: object) -> str:
    return f"{name} {_shown(value)} is not an amount of money; stored as null"


def _unknown_currency(name: str, amount: float, currency: str | None) -> str:
    if currency is None:
        return f"{name} {amount:,.0f} has no currency; stored as null (a currency is never guessed)"
    return (f"{name} currency {currency!r} is not in the rate table (version {RATES_VERSION}, {RATES_DATE}); "
            "stored as null")


def _money_usd(series: pd.Series, name: str, report: Report, ids: list) -> np.ndarray:
    out = np.full(len(series), np.nan)
    for i, v in enumerate(series.tolist()):
        if v is None:
            continue
        amount, currency = parse_money(v)
        if amount is None:
            report.note(STAGE, f"{name}_unparseable_to_null")
            report.quarantine(STAGE, ids[i], _not_money(name, v))
        elif currency is None or currency not in USD_PER_UNIT:
            report.note(STAGE, f"{name}_unknown_currency_to_null:{currency or 'missing'}")
            report.quarantine(STAGE, ids[i], _unknown_currency(name, amount, currency))
        else:
            out[i] = amount * USD_PER_UNIT[currency]
    return out


def _text(series: pd.Series, name: str, report: Report, ids: list) -> list:
    """Cleaned strings; a value of another type (a list, a number, an object) is null and counted."""
    arrow_type = series.dtype.pyarrow_dtype if is_arrow(series) else None
    if arrow_type is not None and (pa_types.is_string(arrow_type) or pa_types.is_large_string(arrow_type)):
        return list(fast.text_column(series, NULLS, null_text))
    values = fast.pylist(series)
    wrong = [i for i, v in enumerate(values) if not (v is None or isinstance(v, str) or _is_nan(v))]
    report.note(STAGE, f"{name}_not_text_to_null", len(wrong))
    _quarantine(report, ids, wrong, lambda i: f"{name} {_shown(values[i])} is not text; stored as null")
    return _map_unique(values, null_text)


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


# name → (parser, exclusive low, exclusive high, what a valid value is: the quarantine report quotes it)
NUMBERS: dict[str, tuple[Callable, float, float, str]] = {
    "year": (parse_year, 1869, 2101, "a year from 1870 to 2100"),
    "runtime_min": (parse_duration, 0, 1e6, "a positive duration"),
    "rating": (parse_float, -1e-9, 10 + 1e-9, "a rating from 0 to 10"),
    "metascore": (parse_float, -1e-9, 100 + 1e-9, "a score from 0 to 100"),
    "votes": (parse_count, -1, 1e15, "a vote count"),
}


def _number(series: pd.Series, name: str, report: Report, ids: list) -> np.ndarray:
    """Typed numbers are range-checked in one vector operation; anything else is parsed per distinct value."""
    fn, low, high, valid = NUMBERS[name]
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values, bad = fast.number_column(series, low, high)
        report.note(STAGE, f"{name}_out_of_range_to_null", int(bad.sum()))
        rows = np.flatnonzero(bad).tolist()
        shown = dict(zip(rows, series.iloc[rows].tolist(), strict=True))  # one lookup, not one per bad value
        _quarantine(report, ids, rows, lambda i: _not_valid(name, shown[i], valid))
        return values
    raw = fast.pylist(series)
    parsed = _map_unique(raw, fn)  # the python values already read
    _count_invalid(report, name, raw, parsed, ids, valid)
    values = np.array([np.nan if p is None else p for p in parsed], dtype="float64")
    bad = ~np.isnan(values) & ~((values > low) & (values < high))
    report.note(STAGE, f"{name}_out_of_range_to_null", int(bad.sum()))
    _quarantine(report, ids, np.flatnonzero(bad).tolist(),
                lambda i: _not_valid(name, raw[i], valid))
    return np.where(bad, np.nan, values)


def _money(series: pd.Series, name: str, report: Report, ids: list) -> np.ndarray:
    """US dollars; an amount outside [0, MAX_USD) once converted (1e308, -8.5e305) is null and counted."""
    usd = _money_any(series, name, report, ids)
    bad = ~np.isnan(usd) & ~((usd >= 0) & (usd < MAX_USD))
    report.note(STAGE, f"{name}_out_of_range_to_null", int(bad.sum()))
    shown = {i: usd[i] for i in np.flatnonzero(bad).tolist()}
    _quarantine(report, ids, shown, lambda i: f"{name} {shown[i]:.3g} USD is not an amount from 0 to "
                                              f"{MAX_USD:.0e} USD; stored as null")
    usd[bad] = np.nan
    return usd


def _money_any(series: pd.Series, name: str, report: Report, ids: list) -> np.ndarray:
    if is_arrow(series) and pa_types.is_struct(series.dtype.pyarrow_dtype):
        usd, amount, codes, unparseable = fast.money_column(series)
        unknown = np.flatnonzero(~np.isnan(amount) & np.isnan(usd)).tolist()
        for currency, n in sorted(Counter(codes[i] or "missing" for i in unknown).items()):
            report.note(STAGE, f"{name}_unknown_currency_to_null:{currency}", n)
        _quarantine(report, ids, unknown, lambda i: _unknown_currency(name, amount[i], codes[i]))
        report.note(STAGE, f"{name}_unparseable_to_null", int(unparseable.sum()))
        _quarantine(report, ids, np.flatnonzero(unparseable).tolist(),
                    lambda i: _not_money(name, series.iloc[i]))
        return usd
    return _money_usd(series, name, report, ids)


def _lists(series: pd.Series, name: str, memo: dict, report: Report, ids: list) -> list:
    if is_arrow(series):
        out = fast.list_column(series, NULLS)
        if out is not None:
            return out
    values = fast.pylist(series)
    wrong = [i for i, v in enumerate(values) if v is not None and not isinstance(v, list | str)]
    report.note(STAGE, f"{name}_not_a_list_to_null", len(wrong))
    _quarantine(report, ids, wrong, lambda i: f"{name} {_shown(values[i])} is not a list of names; stored as null")
    return _clean_lists(values, memo)


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
    ids = out["imdb_id"].tolist()
    for name in TEXT_FIELDS:
        out[name] = objects(_text(df[name], name, report, ids), idx)
    year = _number(df["year"], "year", report, ids)
    out["year"] = pd.Series(_nullable_int(year, "Int32"), index=idx)
    for name in ("runtime_min", "rating", "metascore"):
        out[name] = _number(df[name], name, report, ids).astype("float32")
    votes = _number(df["votes"], "votes", report, ids)
    out["votes"] = pd.Series(_nullable_int(votes, "Int64"), index=idx)
    bar.update()
    out["content_rating"] = objects(_text(df["content_rating"], "content_rating", report, ids), idx)
    out["age_band"] = objects(_map_unique(out["content_rating"], age_band), idx)
    out["color"] = objects(_map_unique(_text(df["color"], "color", report, ids), normalise_color), idx)
    bar.update()
    memo: dict = {}
    for name in LIST_FIELDS:
        out[name] = objects(_lists(df[name], name, memo, report, ids), idx)
    bar.update()
    out["budget_usd"] = _money(df["budget"], "budget", report, ids)
    out["gross_usd"] = _money(df["gross_worldwide"], "gross", report, ids)
    for name in ["poster_path", "poster_sha1", "frame_embeddings_index"]:
        out[name] = objects(fast.pylist(df[name]), idx)
    out["_raw"] = df["_raw"].to_numpy()
    bar.update()
    bar.close()
    report.stage_rows(STAGE, len(df), len(out))
    return out
