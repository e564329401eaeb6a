"""Small pure parsers for the values IMDb pages carry as loose strings.

Each returns the normalised value or raises ``ValueError`` with a short reason; the extractor
turns that reason into an item warning, so a parse problem never crashes a crawl.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_HUMAN_DURATION = re.compile(
    r"^(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?|s)?)?)?$", re.I
)
_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}
_NUMBER = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<suffix>[kmb])?$", re.I)
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW"}
_MONEY = re.compile(r"^(?P<cur>[A-Z]{3}|[$€£¥₹₩])?\s*(?P<num>[\d.,]+(?:\s*[kmbKMB](?![A-Za-z]))?)\s*(?P<cur2>[A-Z]{3})?")


def text(value: Any) -> str | None:
    """Unescape HTML entities (``&apos;``, ``&amp;amp;`` twice-escaped) and collapse whitespace."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    out = value
    for _ in range(3 if "&" in value else 0):  # names are sometimes escaped twice (&amp;apos;)
        unescaped = html.unescape(out)
        if unescaped == out:
            break
        out = unescaped
    out = " ".join(out.split())
    return out or None


def number(value: Any) -> float | None:
    """A number that may arrive as a string: ``"8.7"``, ``"1,234"``, ``"1.2M"``, ``"3.4K"``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    cleaned = value.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(f"not a number: {value!r}")
    result = float(match["num"])
    if match["suffix"]:
        result *= _SUFFIX[match["suffix"].lower()]
    return result


def _whole(value: float) -> int:
    """Round to int; infinities and NaN (``"9" * 400`` parses to inf) are a ValueError, not an OverflowError."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return int(round(value))


def integer(value: Any) -> int | None:
    """An integer count (votes, metascore, year), also from ``"1,234"`` or ``"1.2M"``."""
    result = number(value)
    if result is None:
        return None
    return _whole(result)


def duration_seconds_to_minutes(value: Any) -> int | None:
    """Minutes from a number of seconds (``__NEXT_DATA__``'s ``runtime.seconds``), ISO 8601 (``PT2H16M``) or
    human text (``2h 16min``, ``136 min``; digits alone in text are minutes, as pages print them). A JSON
    number is seconds here and minutes in the build's ``parse_runtime_minutes``: the names say which."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _whole(value / 60)  # __NEXT_DATA__ runtime.seconds
    if not isinstance(value, str):
        raise ValueError(f"expected a duration, got {type(value).__name__}")
    raw = value.strip()
    match = _ISO_DURATION.match(raw.upper())
    if match and any(match.groupdict().values()):
        parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
        return _whole(parts["d"] * 1440 + parts["h"] * 60 + parts["m"] + parts["s"] / 60)
    match = _HUMAN_DURATION.match(raw)
    if match and (match["h"] or match["m"]):
        return int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if raw.isdigit():
        return int(raw)
    raise ValueError(f"not a duration: {value!r}")


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a string or a ``{day, month, year}`` mapping; partial dates stay None."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        year, month, day = value.get("year"), value.get("month"), value.get("day")
        if not (year and month and day):
            return None
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except (TypeError, OverflowError):
            raise ValueError(f"not a date: {value!r}") from None
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}")
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        pass
    if found := _WRITTEN_DATE.match(value):  # a legacy page's "7 May 2007 (UK)"
        day, month, year = found.groups()
        try:
            return date(int(year), _MONTHS[month[:3].lower()], int(day)).isoformat()
        except (KeyError, ValueError):
            pass
    raise ValueError(f"not a date: {value!r}")


_WRITTEN_DATE = re.compile(r"\s*([0-9]{1,2})\s+([A-Za-z]{3,9})\.?\s+([0-9]{4})(?![0-9])")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}


def money(value: Any) -> dict[str, Any] | None:
    """``{"amount": float, "currency": str}`` from a mapping or ``"$1,234,567 (estimated)"``."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        amount = number(value.get("amount"))
        currency = value.get("currency")
        if amount is None:
            return None
        if not isinstance(currency, str) or not currency.strip():
            raise ValueError(f"money without a currency: {value!r}")
        return {"amount": amount, "currency": currency.strip().upper()}
    if not isinstance(value, str):
        raise ValueError(f"expected money, got {type(value).__name__}")
    match = _MONEY.match(value.strip())
    if not match:
        raise ValueError(f"not an amount of money: {value!r}")
    symbol = match["cur"] or match["cur2"]
    if not symbol:
        raise ValueError(f"money without a currency: {value!r}")
    amount = number(match["num"])
    return {"amount": amount, "currency": _CURRENCY_SYMBOLS.get(symbol, symbol)}


def text_list(values: Any) -> list[str]:
    """Unescaped, stripped, de-duplicated in order; a comma-separated string is split."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, Iterable):
        raise ValueError(f"expected a list, got {type(values).__name__}")
    return dedupe(text(v) for v in values)


def dedupe(values: Iterable[Any]) -> list[Any]:
    """Keep the first occurrence of each truthy value, in order."""
    seen: set[Any] = set()
    out: list[Any] = []
    for value in values:
        if value is None or value == "" or value in seen:
            continue
        seen.add(value)
        out.append(value)
    return out


_SEE_ALL = re.compile(r"\s*See All \(\d+\)\s*»?\s*$")


def keyword(value: Any) -> str | None:
    """One plot keyword, without the old layout's ``See All (N) »`` artefact."""
    cleaned = text(value)
    if cleaned is None:
        return None
    return _SEE_ALL.sub("", cleaned) or None
