"""IMDB 5000 (Kaggle, scraped 2016) → a raw folder.

Money, honestly: the table's `budget` is in the film's local currency with no currency column.
We set the currency only where the country makes it near-certain and null otherwise:
USA → USD; non-English-language markets whose budgets IMDb lists in the local currency
(India INR, Japan JPY, South Korea KRW, China CNY, Hong Kong HKD, …) → that currency; euro
countries → EUR only from 2002 (before, legacy currencies: null); the UK, Canada, Australia,
New Zealand and Ireland → null, because their co-productions are often listed in US dollars
and a wrong guess would be off by 20–40%. Every item whose currency was inferred carries a
warning. `gross` is the US domestic gross in USD; it is stored in `gross_worldwide` with a
warning saying so.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from dataset.importers.common import ROW_ERRORS, RawWriter, item, open_text, require_file, row_error

SOURCE = "imdb5000"
EURO = {"France", "Germany", "Spain", "Italy", "Netherlands", "Belgium", "Finland", "Greece",
        "Slovenia", "Slovakia", "Austria", "Portugal"}
LOCAL = {"India": "INR", "Japan": "JPY", "South Korea": "KRW", "China": "CNY", "Hong Kong": "HKD",
         "Taiwan": "TWD", "Thailand": "THB", "Russia": "RUB", "Brazil": "BRL", "Mexico": "MXN",
         "Denmark": "DKK", "Norway": "NOK", "Sweden": "SEK", "Iceland": "ISK", "Poland": "PLN",
         "Czech Republic": "CZK", "Hungary": "HUF", "Romania": "RON", "Bulgaria": "BGN", "Turkey": "TRY",
         "Israel": "ILS", "Iran": "IRR", "Argentina": "ARS", "Chile": "CLP", "Colombia": "COP", "Peru": "PEN",
         "Switzerland": "CHF", "South Africa": "ZAR", "Indonesia": "IDR", "Philippines": "PHP",
         "Pakistan": "PKR", "Nigeria": "NGN", "Egypt": "EGP", "Kenya": "KES", "United Arab Emirates": "AED"}
UNSURE = {"UK", "Canada", "Australia", "New Zealand", "Ireland"}


def budget_currency(country: str, year: int | None) -> str | None:
    """The currency IMDB 5000's budget is in, when the country makes it near-certain; else None."""
    if country == "USA":
        return "USD"
    if country in UNSURE:
        return None
    if country in LOCAL:
        return LOCAL[country]
    if country in EURO:
        return "EUR" if year and year >= 2002 else None
    return None


def _num(text: str | None) -> float | None:
    """A finite number, or None (``inf`` and ``nan`` are not counts or money)."""
    try:
        value = float(text) if text and text.strip() else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _names(*values: str) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _record(row: dict[str, str], scraped_at: str) -> dict | None:
    """One table row as a Contract-1 item; None when it names no imdb id."""
    m = re.search(r"(tt\d{7,8})", row["movie_imdb_link"])
    if not m:
        return None
    year = _num(row.get("title_year", ""))
    year = int(year) if year else None
    country = row["country"].strip()
    warnings = ["gross_worldwide holds IMDB 5000's `gross`: US domestic box office in USD"]
    budget = None
    amount = _num(row.get("budget", ""))
    if amount is not None:
        currency = budget_currency(country, year)
        budget = {"amount": amount, "currency": currency}
        if currency and currency != "USD":
            warnings.append(f"budget currency {currency} inferred from country {country}")
        elif currency is None:
            warnings.append(f"budget currency unknown (country {country or 'missing'}, year {year})")
    gross = _num(row.get("gross", ""))
    return item(
        SOURCE, scraped_at, imdb_id=m.group(1), title=row["movie_title"].strip() or None,
        title_type="movie", year=year, runtime_min=_num(row.get("duration", "")),
        rating=_num(row.get("imdb_score", "")), votes=int(_num(row.get("num_voted_users", "")) or 0) or None,
        content_rating=(row.get("content_rating") or "").strip() or None,
        genres=_names(*(row.get("genres") or "").split("|")),
        countries=_names(country), languages=_names(row.get("language", "")),
        color=(row.get("color") or "").strip() or None, directors=_names(row.get("director_name", "")),
        actors=_names(row.get("actor_1_name", ""), row.get("actor_2_name", ""), row.get("actor_3_name", "")),
        keywords=_names(*(row.get("plot_keywords") or "").split("|")),
        budget=budget, gross_worldwide={"amount": gross, "currency": "USD"} if gross is not None else None,
        warnings=warnings)


def import_imdb5000(csv_path: Path, out: Path, limit: int | None = None) -> dict:
    require_file(csv_path, "IMDB 5000 csv")
    writer = RawWriter(out, SOURCE, csv_path)
    seen: set[str] = set()
    try:
        with open_text(csv_path) as fh:
            for where, row in writer.rows(csv_path, fh, {"movie_imdb_link", "movie_title", "budget", "country"},
                                          "is not the IMDB 5000 table"):
                if limit is not None and writer.items >= limit:
                    break
                try:
                    record = _record(row, writer.scraped_at)
                except ROW_ERRORS as exc:  # inf votes, a cell of the wrong kind: that row only
                    writer.skip(row_error(exc), where)
                    continue
                if record is None:
                    writer.skip("no imdb id in movie_imdb_link", where)
                elif record["imdb_id"] in seen:
                    writer.skip("duplicate imdb id", where)
                else:
                    seen.add(record["imdb_id"])
                    writer.write(record)
    except BaseException:
        writer.abort()
        raise
    return writer.close({"note": "budget currency: USA→USD, local-currency markets mapped, UK/CA/AU/NZ/IE and "
                                 "pre-2002 euro countries null (see dataset/importers/imdb5000.py)"})
