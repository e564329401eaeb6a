"""Stage 2: clean raw fields into typed columns (seed 000's cleaning chain, one tested function each).

Scalars are parsed once per distinct value (a 540k-row crawl has far fewer distinct strings),
so the stage stays vectorised in practice while every parser is a small pure function.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from dataset.rates import SYMBOLS, USD_PER_UNIT
from dataset.report import Report, objects

STAGE = "clean"
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
    """Strip, unescape HTML entities and 'See All (N) »' artefacts; unknown/empty → None."""
    if not isinstance(value, str):
        return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = html.unescape(value) if "&" in value else value
    if "ee" in text or "EE" in text:  # cheap gate before the regex: most strings have no "See All"
        text = SEE_ALL.sub("", text)
    text = text.strip()
    return None if len(text) <= 13 and text.lower() in NULLS else text


def parse_duration(value: object) -> float | None:
    """'2h 16min', '136 min', 'PT2H16M', 136 → minutes; anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if np.isfinite(value) and value > 0 else None
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
        return float(value) if np.isfinite(value) else None
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


def _map_unique(series: pd.Series, fn: Callable) -> list:
    """Apply `fn` once per distinct value (bools and unhashable dicts/lists are computed per row)."""
    cache: dict = {}
    out = []
    for v in series.tolist():
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


def _count_invalid(report: Report, name: str, raw: pd.Series, parsed: list) -> None:
    bad = sum(1 for r, p in zip(raw.tolist(), parsed, strict=True) if p is None and null_text(r) is not None)
    report.note(STAGE, f"{name}_unparseable_to_null", bad)


def _money_usd(series: pd.Series, name: str, report: Report) -> np.ndarray:
    out = np.full(len(series), np.nan)
    for i, v in enumerate(series.tolist()):
        if v is None:
            continue
        amount, currency = parse_money(v)
        if amount is None:
            report.note(STAGE, f"{name}_unparseable_to_null")
        elif currency is None or currency not in USD_PER_UNIT:
            report.note(STAGE, f"{name}_unknown_currency_to_null:{currency or 'missing'}")
        else:
            out[i] = amount * USD_PER_UNIT[currency]
    return out


def clean_fields(df: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Typed, normalised columns named as in Contract 2; raw money/text columns replaced."""
    idx = df.index
    out = pd.DataFrame({"imdb_id": objects(df["imdb_id"], idx)}, index=idx)
    for name in TEXT_FIELDS:
        out[name] = objects(_map_unique(df[name], null_text), idx)
    year = _map_unique(df["year"], parse_year)
    _count_invalid(report, "year", df["year"], year)
    out["year"] = pd.array(year, dtype="Int32")
    for name, fn, dtype in [("runtime_min", parse_duration, "float32"), ("rating", parse_float, "float32"),
                            ("metascore", parse_float, "float32")]:
        parsed = _map_unique(df[name], fn)
        _count_invalid(report, name, df[name], parsed)
        out[name] = np.array([np.nan if p is None else p for p in parsed], dtype=dtype)
    bad_rating = (out["rating"] < 0) | (out["rating"] > 10)
    report.note(STAGE, "rating_out_of_range_to_null", int(bad_rating.sum()))
    out.loc[bad_rating, "rating"] = np.nan
    votes = _map_unique(df["votes"], parse_count)
    _count_invalid(report, "votes", df["votes"], votes)
    out["votes"] = pd.array(votes, dtype="Int64")
    out["content_rating"] = objects(_map_unique(df["content_rating"], null_text), idx)
    out["age_band"] = objects(_map_unique(out["content_rating"], age_band), idx)
    out["color"] = objects(_map_unique(df["color"], normalise_color), idx)
    memo: dict = {}
    for name in LIST_FIELDS:
        out[name] = objects(_clean_lists(df[name].tolist(), memo), idx)
    out["budget_usd"] = _money_usd(df["budget"], "budget", report)
    out["gross_usd"] = _money_usd(df["gross_worldwide"], "gross", report)
    for name in ["poster_path", "poster_sha1", "frame_embeddings_index"]:
        out[name] = objects(df[name], idx)
    out["_raw"] = df["_raw"].to_numpy()
    report.stage_rows(STAGE, len(df), len(out))
    return out
