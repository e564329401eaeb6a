"""A dated, versioned, static currency table: US dollars per unit of each currency.

Why static: a build must be reproducible offline, so money is converted with one fixed,
recorded table instead of a live feed. The figures are approximate market rates on
RATES_DATE (rounded to 3–4 significant digits), good for research aggregates, not for
accounting. A currency missing here (including legacy ones such as FRF or DEM) is never
guessed: the converted value is null and the build counts it.
"""
from __future__ import annotations

RATES_VERSION = "1"
RATES_DATE = "2016-12-30"
USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0, "EUR": 1.054, "GBP": 1.234, "CAD": 0.7448, "AUD": 0.7214, "NZD": 0.6944,
    "JPY": 0.008547, "CNY": 0.1440, "HKD": 0.1289, "TWD": 0.03100, "KRW": 0.0008278,
    "INR": 0.01473, "PKR": 0.009569, "THB": 0.02793, "IDR": 0.00007422, "PHP": 0.02012,
    "SGD": 0.6912, "MYR": 0.2229, "CHF": 0.9816, "SEK": 0.1098, "NOK": 0.1159, "DKK": 0.1418,
    "ISK": 0.008850, "PLN": 0.2389, "CZK": 0.03901, "HUF": 0.003405, "RON": 0.2324,
    "BGN": 0.5390, "RUB": 0.01630, "TRY": 0.2840, "ILS": 0.2601, "AED": 0.2723, "IRR": 0.00003086,
    "EGP": 0.05525, "NGN": 0.003175, "ZAR": 0.07294, "KES": 0.009765, "BRL": 0.3072,
    "MXN": 0.04826, "ARS": 0.06297, "CLP": 0.001493, "COP": 0.0003332, "PEN": 0.2979,
}
# Symbols IMDb prints before amounts; ambiguous bare "$"-prefixed forms are spelled out by IMDb
# (CA$, A$, HK$, NZ$), so the bare "$" means USD.
SYMBOLS: dict[str, str] = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CN¥": "CNY", "₹": "INR",
    "₩": "KRW", "CA$": "CAD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "R$": "BRL", "MX$": "MXN",
    "₽": "RUB", "₺": "TRY", "₪": "ILS", "NT$": "TWD", "CHF": "CHF",
}


def to_usd(amount: float, currency: str | None) -> float | None:
    """Convert with the static table; None when the currency is unknown (never a guess)."""
    rate = USD_PER_UNIT.get(currency or "")
    return None if rate is None else float(amount) * rate
