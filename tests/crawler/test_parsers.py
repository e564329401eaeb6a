"""The field parsers on the spellings real pages use, and what they refuse."""
from __future__ import annotations

import pytest

from crawler import parsers


@pytest.mark.parametrize(("parse", "raw", "want"), [
    (parsers.duration_seconds_to_minutes, "PT2H16M", 136), (parsers.duration_seconds_to_minutes, "2h 16min", 136),
    (parsers.duration_seconds_to_minutes, "PT45M", 45), (parsers.duration_seconds_to_minutes, 8160, 136),
    (parsers.number, "1,234", 1234.0), (parsers.number, "1.2M", 1_200_000.0), (parsers.number, "3.4K", 3400.0),
    (parsers.integer, "2,134,567", 2134567), (parsers.iso_date, {"day": 5, "month": 7, "year": 2001}, "2001-07-05"),
    (parsers.iso_date, " 7 May 2007 (UK)\n", "2007-05-07"), (parsers.iso_date, "11 June 1999 (USA)", "1999-06-11"),
    (parsers.money, "$63,000,000 (estimated)", {"amount": 63e6, "currency": "USD"}),
    (parsers.money, "€1,500,000", {"amount": 1.5e6, "currency": "EUR"}),
    (parsers.text, "O&amp;apos;Brien  &amp;\nSons", "O'Brien & Sons"),
    (parsers.text_list, ["A", " a ", "A", "", None, "B"], ["A", "a", "B"]),
    (parsers.keyword, "heist See All (57) »", "heist"),
])
def test_parsers(parse, raw, want) -> None:
    assert parse(raw) == want


@pytest.mark.parametrize(("parse", "raw"), [(parsers.duration_seconds_to_minutes, "forever"), (parsers.number, "n/a"),
                                            (parsers.money, "63,000,000"), (parsers.iso_date, "31/03/1999"),
                                            (parsers.iso_date, "31 Smarch 1999"), (parsers.iso_date, "31 Feb 1999")])
def test_parsers_reject_with_value_error(parse, raw) -> None:
    with pytest.raises(ValueError):
        parse(raw)
