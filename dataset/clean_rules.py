"""What a clean value is: the vocabularies, patterns and per-value rules of the clean stage, and the
sentence and counter for every value it sets to null.

Both engines read only these: `clean_slow` applies them value by value, `clean_fast` vectorises the
same patterns and ranges over typed Arrow columns, so a rule changed here changes both
(tests/dataset/test_clean_engines.py holds them equal on generated items).
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dataset.rates import RATES_DATE, RATES_VERSION, SYMBOLS, USD_PER_UNIT

STAGE = "clean"
MAX_USD = 1e11  # no film has cost or earned 100 billion dollars: above it is a parse or unit error
NULLS = {"", "unknown", "none", "null", "n/a", "na", "nan", "-", "not available"}
# ASCII classes spelled out: Python's re and Arrow's RE2 then read the pattern alike (RE2's \s and \d are ASCII).
_WS = r"[ \t\n\r\f]*"
SEE_ALL = re.compile(_WS + r"[,|]?" + _WS + r"See (?:all|All|ALL)" + _WS + r"\(?[0-9]*\)?" + _WS
                     + r"(?:»|&raquo;|>>)?" + _WS + "$")
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


def is_null_word(text: str) -> bool:
    """'unknown', 'N/A', '' …: ASCII only, so Python's lower() and Arrow's ascii_lower agree ('İ' lowers apart)."""
    return len(text) <= 13 and text.isascii() and text.lower() in NULLS


def null_text(value: object) -> str | None:
    """Strip, unescape HTML entities and 'See All (N) »' artefacts; unknown/empty → None.

    Anything that is not a string is None too: ``str(['x'])`` would store the Python repr ``"['x']"``
    as a title (the text cleaner counts those values)."""
    if not isinstance(value, str):
        return None
    text = html.unescape(value) if "&" in value else value
    if "ee" in text or "EE" in text:  # cheap gate before the regex: most strings have no "See All"
        text = SEE_ALL.sub("", text)
    text = text.strip()
    return None if is_null_word(text) else text


def _finite(value: int | float) -> float | None:
    """A Python number as a finite float; ints beyond float range (or numpy's int64) → None."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_runtime_minutes(value: object) -> float | None:
    """'2h 16min', '136 min', 'PT2H16M', 136 → minutes (a bare number is minutes); anything else → None."""
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


def currency_code(value: object) -> str | None:
    """A currency as written in a {amount, currency} mapping → its upper-case code; blank or not text → None."""
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def parse_money(value: object) -> tuple[float | None, str | None]:
    """{'amount', 'currency'} or '$237,000,000 (estimated)' / 'FRF 20,000,000' → (amount, ISO code or None)."""
    if value is None:
        return None, None
    if isinstance(value, dict):
        return parse_float(value.get("amount")), currency_code(value.get("currency"))
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


@dataclass(frozen=True)
class Number:
    """A numeric column: its per-value parser, the open interval a value must lie in, the type the column
    holds (a bad value is quoted as that type, as the typed engine has it) and what the report calls valid."""

    parse: Callable[[object], float | int | None]
    low: float
    high: float
    holds: type
    valid: str

    def out_of_range(self, values: np.ndarray) -> np.ndarray:
        """Where a parsed value (NaN for none) lies outside (low, high): the one range rule of both engines."""
        return ~np.isnan(values) & ~((values > self.low) & (values < self.high))


NUMBERS: dict[str, Number] = {
    "year": Number(parse_year, 1869, 2101, int, "a year from 1870 to 2100"),
    "runtime_min": Number(parse_runtime_minutes, 0, 1e6, float, "a positive duration"),
    "rating": Number(parse_float, -1e-9, 10 + 1e-9, float, "a rating from 0 to 10"),
    "metascore": Number(parse_float, -1e-9, 100 + 1e-9, float, "a score from 0 to 100"),
    "votes": Number(parse_count, -1, 1e15, int, "a vote count"),
}


def usd_out_of_range(usd: np.ndarray) -> np.ndarray:
    """Converted amounts outside [0, MAX_USD) (1e308, -8.5e305): set to null and counted."""
    return ~np.isnan(usd) & ~((usd >= 0) & (usd < MAX_USD))


# ---- what the report says about a value set to null: (counter, sentence), one function per kind ----------

Bad = tuple[int, str, str]  # (row, counter, quarantine sentence)


@dataclass
class Cleaned:
    """One column through a cleaner: its values, and for each value set to null its row, counter and reason."""

    values: list | np.ndarray
    bad: list[Bad] = field(default_factory=list)


def shown(value: object) -> str:
    """A bad value as quoted in the quarantine report: its repr, cut to 60 characters, and its type if odd."""
    text = repr(value.item() if isinstance(value, np.generic) else value)
    text = text if len(text) <= 60 else text[:59] + "…"
    return text if isinstance(value, str | int | float | np.generic) else f"{text} ({type(value).__name__})"


def not_text(name: str, value: object) -> tuple[str, str]:
    return f"{name}_not_text_to_null", f"{name} {shown(value)} is not text; stored as null"


def not_a_list(name: str, value: object) -> tuple[str, str]:
    return f"{name}_not_a_list_to_null", f"{name} {shown(value)} is not a list of names; stored as null"


def not_a_number(name: str, value: object, parsed: bool) -> tuple[str, str]:
    """A number set to null: out of range when it parsed (or was a number), else unparseable; a number is
    quoted as the column holds it (136 in a float column as 136.0)."""
    spec = NUMBERS[name]
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and spec.holds is float and isinstance(value, int) and _finite(value) is not None:
        value = float(value)
    kind = "out_of_range" if parsed or numeric else "unparseable"
    return f"{name}_{kind}_to_null", f"{name} {shown(value)} is not {spec.valid}; stored as null"


def not_money(name: str, value: object) -> tuple[str, str]:
    """A mapping is quoted by its two fields, as the typed engine's struct has them."""
    if isinstance(value, dict):
        value = {"amount": value.get("amount"), "currency": value.get("currency")}
    return f"{name}_unparseable_to_null", f"{name} {shown(value)} is not an amount of money; stored as null"


def unknown_currency(name: str, amount: float, currency: str | None) -> tuple[str, str]:
    key = f"{name}_unknown_currency_to_null:{currency or 'missing'}"
    if currency is None:
        return key, f"{name} {amount:,.0f} has no currency; stored as null (a currency is never guessed)"
    return key, (f"{name} currency {currency!r} is not in the rate table (version {RATES_VERSION}, {RATES_DATE}); "
                 "stored as null")


def usd_not_in_range(name: str, usd: float) -> tuple[str, str]:
    return (f"{name}_out_of_range_to_null",
            f"{name} {usd:.3g} USD is not an amount from 0 to {MAX_USD:.0e} USD; stored as null")
