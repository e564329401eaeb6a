"""Properties of the field parsers: every well-formed spelling of a value parses to the same value,
and anything else fails with the documented ValueError (never another exception)."""

from __future__ import annotations

import html
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler import parsers
from tests.helpers.strategies import PROFILE, junk_inputs

pytestmark = pytest.mark.hardening

PARSERS = [parsers.text, parsers.number, parsers.integer, parsers.duration_seconds_to_minutes, parsers.iso_date,
           parsers.money, parsers.text_list, parsers.keyword]


@pytest.mark.parametrize("parse", PARSERS, ids=lambda p: p.__name__)
@junk_inputs({"year": [1], "month": 1, "day": 1},
             {"year": 1e400, "month": 1, "day": 1, "amount": 1e400, "currency": "USD"})
def test_parsers_raise_only_value_error(parse, value) -> None:
    try:
        parse(value)
    except ValueError:
        pass


@PROFILE
@given(hours=st.integers(0, 30), minutes=st.integers(0, 59))
def test_duration_spellings_agree(hours: int, minutes: int) -> None:
    expected = hours * 60 + minutes
    if expected == 0:
        return
    iso = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    human = " ".join(p for p in (f"{hours}h" if hours else "", f"{minutes}min" if minutes else "") if p)
    assert parsers.duration_seconds_to_minutes(iso) == expected
    assert parsers.duration_seconds_to_minutes(iso.lower()) == expected
    assert parsers.duration_seconds_to_minutes(human) == expected
    assert parsers.duration_seconds_to_minutes(expected * 60) == expected  # __NEXT_DATA__ runtime.seconds
    assert parsers.duration_seconds_to_minutes(str(expected)) == expected


@PROFILE
@given(n=st.integers(0, 10**12))
def test_numbers_as_strings(n: int) -> None:
    for spelling in (n, str(n), f"{n:,}", f" {n:,} ", f"{n:,}".replace(",", "\u00a0")):
        assert parsers.number(spelling) == float(n)
        assert parsers.integer(spelling) == n


@PROFILE
@given(x=st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_strings_and_suffixes(x) -> None:
    assert parsers.number(str(x)) == pytest.approx(float(x))
    assert parsers.number(f"{x}K") == pytest.approx(float(x) * 1e3)
    assert parsers.number(f"{x}m") == pytest.approx(float(x) * 1e6)


@PROFILE
@given(amount=st.integers(0, 10**11), code=st.sampled_from(["USD", "EUR", "GBP", "INR", "JPY", "KRW", "XYZ"]))
def test_money_spellings_agree(amount: int, code: str) -> None:
    expected = {"amount": float(amount), "currency": code}
    assert parsers.money({"amount": amount, "currency": code.lower()}) == expected
    assert parsers.money({"amount": str(amount), "currency": f" {code} "}) == expected
    assert parsers.money(f"{code} {amount:,}") == expected
    assert parsers.money(f"{amount:,} {code}") == expected
    assert parsers.money(f"{code}{amount:,} (estimated)") == expected
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥", "KRW": "₩"}.get(code)
    if symbol:
        assert parsers.money(f"{symbol}{amount:,} (estimated)") == expected


@PROFILE
@given(amount=st.integers(1, 10**9))
def test_money_without_currency_is_an_error_not_a_guess(amount: int) -> None:
    with pytest.raises(ValueError, match="currency"):
        parsers.money(f"{amount:,}")
    with pytest.raises(ValueError, match="currency"):
        parsers.money({"amount": amount, "currency": ""})


@PROFILE
@given(s=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_text_unescapes_entities_and_normalises_space(s: str) -> None:
    plain = " ".join(html.unescape(s).split()) or None
    once = parsers.text(html.escape(html.unescape(s)))
    assert once == plain
    assert parsers.text(html.escape(html.escape(html.unescape(s)))) == plain  # escaped twice (&amp;apos;)
    if once is not None:
        assert once == once.strip() and "  " not in once
        assert parsers.text(once.replace("'", "&apos;")) == once


@PROFILE
@given(values=st.lists(st.text(max_size=12), max_size=12))
def test_text_list_dedupes_in_order(values: list[str]) -> None:
    out = parsers.text_list(values)
    assert len(out) == len(set(out)) and all(out)
    cleaned = [parsers.text(v) for v in values]
    assert out == [c for i, c in enumerate(cleaned) if c and c not in cleaned[:i]]


@PROFILE
@given(d=st.dates(min_value=date(1870, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_in_both_layouts(d: date) -> None:
    assert parsers.iso_date(d.isoformat()) == d.isoformat()
    assert parsers.iso_date({"day": d.day, "month": d.month, "year": d.year}) == d.isoformat()
    assert parsers.iso_date({"day": None, "month": d.month, "year": d.year}) is None  # partial stays null


@PROFILE
@given(word=st.text(alphabet="abcdefghij -", min_size=1, max_size=20), n=st.integers(1, 999))
def test_keyword_loses_see_all_artefact(word: str, n: int) -> None:
    expected = parsers.text(word)
    assert parsers.keyword(f"{word} See All ({n}) »") == expected
