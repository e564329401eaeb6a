"""Stage 2: the seed-000 cleaning cases, each parser on exact inputs, and the stage on a small frame."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from dataset import clean, clean_rules
from dataset.rates import USD_PER_UNIT
from dataset.raw import FIELDS
from dataset.report import Report


@pytest.mark.parametrize("raw, minutes", [
    ("2h 16min", 136), ("2h", 120), ("45min", 45), ("136 min", 136), ("136", 136), (136, 136), ("PT2H16M", 136),
    ("1h 30m", 90), ("", None), ("unknown", None), (None, None), ("two hours", None), (0, None),
])
def test_durations(raw, minutes):
    assert clean_rules.parse_runtime_minutes(raw) == (None if minutes is None else float(minutes))


@pytest.mark.parametrize("raw, expected", [
    ("$237,000,000 (estimated)", (237_000_000.0, "USD")), ("€10,000,000", (10_000_000.0, "EUR")),
    ("£5,500,000", (5_500_000.0, "GBP")), ("FRF 20,000,000", (20_000_000.0, "FRF")),
    ("₹1,200,000,000", (1_200_000_000.0, "INR")), ("CA$3,000,000", (3_000_000.0, "CAD")),
    ({"amount": 5e6, "currency": "usd"}, (5e6, "USD")), ({"amount": 5e6, "currency": None}, (5e6, None)),
    ("1,000 EUR", (1000.0, "EUR")), (None, (None, None)), ("n/a", (None, None)),
])
def test_money(raw, expected):
    assert clean_rules.parse_money(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Drama, See All (12) »", "Drama"), ("See All (25) »", None), ("Tom &amp; Jerry", "Tom & Jerry"),
    ("  unknown ", None), ("", None), ("N/A", None), (" Title ", "Title"),
])
def test_text(raw, expected):
    assert clean_rules.null_text(raw) == expected


def test_lists_drop_see_all_artefacts_unknowns_and_duplicates():
    assert clean_rules.clean_list(["Drama", "See All (12) »", "unknown", "Drama", " Crime "]) == ["Drama", "Crime"]
    assert clean_rules.clean_list("Action|Adventure|See All (3) »") == ["Action", "Adventure"]
    assert clean_rules.clean_list([]) is None and clean_rules.clean_list(["unknown"]) is None and clean_rules.clean_list(5) is None


@pytest.mark.parametrize("raw, expected", [
    (12345, 12345), ("12,345", 12345), ("(12,345)", 12345), ("1.2K", 1200), ("3M", 3_000_000), ("abc", None),
    (-5, None),
])
def test_votes(raw, expected):
    assert clean_rules.parse_count(raw) == expected


@pytest.mark.parametrize("cert, band", [
    ("G", "all"), ("Approved", "all"), ("TV-Y7", "7+"), ("PG", "pg"), ("PG-13", "13+"), ("TV-14", "13+"),
    ("R", "17+"), ("TV-MA", "17+"), ("NC-17", "18+"), ("X", "18+"), ("Not Rated", None), ("Unrated", None),
])
def test_certificates_to_age_bands(cert, band):
    assert clean_rules.age_band(cert) == band


@pytest.mark.parametrize("raw, expected", [
    ("Color", "color"), (" Black and White", "black_and_white"), ("B&W", "black_and_white"),
    ("Black and White / Color", "mixed"), ("unknown", None), (None, None),
])
def test_colour(raw, expected):
    assert clean_rules.normalise_color(raw) == expected


def test_stage_types_money_and_counts():
    rows = [
        {"imdb_id": "tt0000001", "title": "A See All (3) »", "year": "(1999)", "runtime_min": "2h 16min",
         "rating": "7.5/10", "votes": "1,234", "budget": "$1,000,000", "gross_worldwide": {"amount": 10, "currency": "EUR"},
         "content_rating": "PG-13", "color": "Color", "genres": ["Drama", "See All (2) »"]},
        {"imdb_id": "tt0000002", "title": "unknown", "year": None, "runtime_min": None, "rating": 11,
         "votes": "lots", "budget": {"amount": 5, "currency": "XYZ"}, "gross_worldwide": None,
         "content_rating": None, "color": None, "genres": None},
    ]
    raw = pd.DataFrame([{f: r.get(f) for f in FIELDS} for r in rows], dtype=object)
    raw["_raw"] = 0
    report = Report()
    out = clean.clean_fields(raw, report)
    first, second = out.iloc[0], out.iloc[1]
    assert first["title"] == "A" and second["title"] is None
    assert first["year"] == 1999 and pd.isna(second["year"])
    assert first["runtime_min"] == 136 and first["rating"] == pytest.approx(7.5) and first["votes"] == 1234
    assert first["budget_usd"] == 1_000_000 and first["gross_usd"] == pytest.approx(10 * USD_PER_UNIT["EUR"])
    assert math.isnan(second["budget_usd"])
    assert first["age_band"] == "13+" and first["color"] == "color" and first["genres"] == ["Drama"]
    assert math.isnan(second["rating"]) and pd.isna(second["votes"])
    changed = report.noted["clean"]
    assert changed["budget_unknown_currency_to_null:XYZ"] == 1
    assert changed["rating_out_of_range_to_null"] == 1 and changed["votes_unparseable_to_null"] == 1


def test_fast_arrow_path_equals_the_per_value_path(tmp_path):
    """The vectorised cleaners (typed columns from Arrow's JSON reader) agree with the per-value parsers."""
    from dataset import raw as raw_stage
    from tests.helpers.inputs import make_item, write_items

    items = [
        make_item(1, title="  Heat See All (3) »", genres=["Drama", "Drama", " Crime ", "See All (9) »", "unknown"],
                  actors=None, budget={"amount": 5e6, "currency": "eur"}, color=" Black and White"),
        make_item(2, title="unknown", genres=[], keywords=["a", "", "b", "a"], budget={"amount": 1.0, "currency": "XQZ"},
                  gross_worldwide={"amount": 2.0, "currency": None}, rating=10.0, votes=0, runtime_min=0),
        make_item(3, title="Tom &amp; Jerry", directors=["A &amp; B", "A & B"], year=1869, metascore=101.0),
        make_item(4, title=None, description="", content_rating="Not Rated", genres=None, budget=None),
    ]
    write_items(tmp_path / "raw", items)
    files = [(0, p) for p in raw_stage.item_files(tmp_path / "raw")]
    fast_df = raw_stage.load_raw([tmp_path / "raw"], Report(), quiet=True)
    assert isinstance(fast_df["title"].dtype, pd.ArrowDtype)  # really the fast path
    from tqdm import tqdm

    slow_df = raw_stage._read_lines(files, Report(), tqdm(disable=True))
    assert slow_df["title"].dtype == object
    fast_report, slow_report = Report(), Report()
    fast_out = clean.clean_fields(fast_df, fast_report)
    slow_out = clean.clean_fields(slow_df, slow_report)
    for name in fast_out.columns:
        f, s = fast_out[name].tolist(), slow_out[name].tolist()
        assert [None if pd.isna(x) else x for x in f] == [None if pd.isna(x) else x for x in s] \
            if name not in clean.LIST_FIELDS else f == s, name
    assert fast_out.loc[0, "genres"] == ["Drama", "Crime"] and fast_out.loc[2, "directors"] == ["A & B"]
    assert fast_report.to_dict()["changed"] == slow_report.to_dict()["changed"]
