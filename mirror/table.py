"""A catalog imported from a real table in the IMDB 5000 layout (`movie_metadata.csv`), so the chain runs on real data.

Fields the table lacks (original title, title type, release date, metascore, writers, plot, worldwide
gross, trailers) are absent from the pages, never invented. Choices, documented in docs/mirror.md (Catalogs):
- `budget` is in the production country's currency in that table (Korean films in KRW, ...).
  `budget_currency="country"` (default) labels it with the country's currency (the legacy one before
  2002 for euro countries); `"usa-only"` keeps budgets of US productions in USD and drops the rest.
  Countries with no known currency lose their budget. Caveat: some UK productions report USD.
- `gross` is the US & Canada box office in USD: it is served as `lifetimeGross`, not worldwide gross.
- Duplicate rows (same IMDb link) keep their first occurrence; trailing no-break spaces are stripped.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from crawler.items import ID_PATTERN

from .base import Catalog, Latent, h64, poster_id_for

# table country -> (IMDb country id, display name, currency, currency before 2002)
COUNTRY_MAP: dict[str, tuple[str, str, str, str]] = {
    "USA": ("US", "United States", "USD", "USD"), "UK": ("GB", "United Kingdom", "GBP", "GBP"),
    "France": ("FR", "France", "EUR", "FRF"), "Canada": ("CA", "Canada", "CAD", "CAD"),
    "Germany": ("DE", "Germany", "EUR", "DEM"), "West Germany": ("XWG", "West Germany", "DEM", "DEM"),
    "Australia": ("AU", "Australia", "AUD", "AUD"), "India": ("IN", "India", "INR", "INR"),
    "Spain": ("ES", "Spain", "EUR", "ESP"), "China": ("CN", "China", "CNY", "CNY"),
    "Japan": ("JP", "Japan", "JPY", "JPY"), "Italy": ("IT", "Italy", "EUR", "ITL"),
    "Mexico": ("MX", "Mexico", "MXN", "MXN"), "Hong Kong": ("HK", "Hong Kong", "HKD", "HKD"),
    "New Zealand": ("NZ", "New Zealand", "NZD", "NZD"), "South Korea": ("KR", "South Korea", "KRW", "KRW"),
    "Ireland": ("IE", "Ireland", "EUR", "IEP"), "Russia": ("RU", "Russia", "RUB", "RUB"),
    "Denmark": ("DK", "Denmark", "DKK", "DKK"), "South Africa": ("ZA", "South Africa", "ZAR", "ZAR"),
    "Norway": ("NO", "Norway", "NOK", "NOK"), "Brazil": ("BR", "Brazil", "BRL", "BRL"),
    "Sweden": ("SE", "Sweden", "SEK", "SEK"), "Netherlands": ("NL", "Netherlands", "EUR", "NLG"),
    "Thailand": ("TH", "Thailand", "THB", "THB"), "Poland": ("PL", "Poland", "PLN", "PLN"),
    "Belgium": ("BE", "Belgium", "EUR", "BEF"), "Israel": ("IL", "Israel", "ILS", "ILS"),
    "Czech Republic": ("CZ", "Czech Republic", "CZK", "CZK"), "Switzerland": ("CH", "Switzerland", "CHF", "CHF"),
    "Hungary": ("HU", "Hungary", "HUF", "HUF"), "Greece": ("GR", "Greece", "EUR", "GRD"),
    "Argentina": ("AR", "Argentina", "ARS", "ARS"), "Iceland": ("IS", "Iceland", "ISK", "ISK"),
    "Taiwan": ("TW", "Taiwan", "TWD", "TWD"), "Romania": ("RO", "Romania", "RON", "RON"),
    "Iran": ("IR", "Iran", "IRR", "IRR"), "Soviet Union": ("SUHH", "Soviet Union", "SUR", "SUR"),
}
NOT_COUNTRIES = {"New Line", "Official site"}  # scraping artefacts in that table's country column
REQUIRED_COLUMNS = {"movie_imdb_link", "movie_title", "genres"}
_LINK = re.compile(rf"/title/({ID_PATTERN})")


def _num(text: str) -> float | None:
    text = (text or "").strip()
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _names(*cells: str) -> list[str] | None:
    names = [c.strip() for c in cells if c and c.strip()]
    return list(dict.fromkeys(names)) or None


class TableCatalog(Catalog):
    """Titles of an IMDB-5000-layout CSV, posters from `<posters_dir>/<imdb_id>.jpg` when that file exists."""

    def __init__(self, path: str | Path, posters_dir: str | Path | None = None, seed: int = 0,
                 budget_currency: str = "country") -> None:
        if budget_currency not in ("country", "usa-only"):
            raise ValueError(f"budget_currency must be 'country' or 'usa-only', not {budget_currency!r}")
        self.path, self.seed, self.name = Path(path), int(seed), str(path)
        self.posters_dir = Path(posters_dir) if posters_dir else None
        self.budget_currency = budget_currency
        self._records: dict[str, dict] = {}
        self._load()

    def _load(self) -> None:
        try:
            with self.path.open(newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
                if missing:
                    raise ValueError(f"{self.path} is not an IMDB-5000-layout table: no column {sorted(missing)[0]!r}")
                for row in reader:
                    match = _LINK.search(row.get("movie_imdb_link") or "")
                    if match and match.group(1) not in self._records:
                        self._records[match.group(1)] = self._row_to_record(match.group(1), row)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ValueError(f"cannot read the table {self.path} ({exc}); pass an IMDB-5000-layout CSV") from None
        self._order = list(self._records)
        if not self._records:
            raise ValueError(f"{self.path} holds no row with an IMDb link; pass an IMDB-5000-layout CSV")

    def _row_to_record(self, imdb_id: str, row: dict) -> dict:
        year = _num(row.get("title_year", ""))
        runtime = _num(row.get("duration", ""))
        votes = _num(row.get("num_voted_users", ""))
        rating = _num(row.get("imdb_score", ""))
        country = (row.get("country") or "").strip()
        countries = None if not country or country in NOT_COUNTRIES else [COUNTRY_MAP.get(country, ("", country))[1]]
        budget = None
        amount = _num(row.get("budget", ""))
        if amount and country in COUNTRY_MAP:
            _, _, now, legacy = COUNTRY_MAP[country]
            currency = legacy if year and year < 2002 else now
            if self.budget_currency == "country" or currency == "USD" and country == "USA":
                budget = {"amount": float(amount), "currency": currency}
        gross = _num(row.get("gross", ""))
        color = (row.get("color") or "").strip() or None
        poster = self.posters_dir is not None and (self.posters_dir / f"{imdb_id}.jpg").is_file()
        return {
            "imdb_id": imdb_id, "title": (row.get("movie_title") or "").replace("\xa0", " ").strip() or None,
            "original_title": None, "title_type": None, "year": int(year) if year else None,
            "release_date": None, "runtime_min": int(runtime) if runtime else None,
            "rating": rating, "votes": int(votes) if votes is not None else None, "metascore": None,
            "content_rating": (row.get("content_rating") or "").strip() or None,
            "genres": [g for g in (row.get("genres") or "").split("|") if g] or None,
            "countries": countries, "languages": _names(row.get("language", "")), "color": color,
            "directors": _names(row.get("director_name", "")), "writers": None,
            "actors": _names(row.get("actor_1_name", ""), row.get("actor_2_name", ""), row.get("actor_3_name", "")),
            "keywords": [k for k in (row.get("plot_keywords") or "").split("|") if k] or None,
            "description": None, "budget": budget, "gross_worldwide": None,
            "poster_id": poster_id_for(imdb_id, self.seed) if poster else None, "trailer_ids": [],
            "_us_gross": {"amount": float(gross), "currency": "USD"} if gross else None,
        }

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, imdb_id: object) -> bool:
        return imdb_id in self._records

    def ids(self) -> Iterator[str]:
        return iter(self._records)

    def record(self, imdb_id: str) -> dict | None:
        rec = self._records.get(imdb_id)
        if rec is None:
            return None
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        return {k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v for k, v in out.items()}

    def extras(self, imdb_id: str) -> dict:
        """Page data that is not a Contract-1 field (here the US & Canada gross)."""
        rec = self._records.get(imdb_id) or {}
        return {"lifetime_gross": rec.get("_us_gross")}

    def id_at(self, index: int) -> str:
        return self._order[index]

    def latent(self, imdb_id: str) -> Latent | None:
        rec = self._records.get(imdb_id)
        if rec is None:
            return None
        genres = tuple(rec["genres"] or ("Drama",))
        return Latent(genres[0], genres, rec["title"] or imdb_id, h64(self.seed, imdb_id, "art"))

    def poster_file(self, imdb_id: str) -> Path | None:
        rec = self._records.get(imdb_id)
        if rec is None or rec["poster_id"] is None or self.posters_dir is None:
            return None
        return self.posters_dir / f"{imdb_id}.jpg"
