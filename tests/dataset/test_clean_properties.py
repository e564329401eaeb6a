"""Properties of dataset/clean_rules.py: cleaners never raise on junk (a bad cell becomes null and is
counted), and every spelling of one value cleans to the same value."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataset import clean_rules as clean
from dataset.rates import SYMBOLS, USD_PER_UNIT, to_usd
from tests.helpers.strategies import PROFILE, junk_inputs

pytestmark = pytest.mark.hardening

CLEANERS = [clean.null_text, clean.parse_runtime_minutes, clean.parse_count, clean.parse_float, clean.parse_year,
            clean.parse_money, clean.normalise_color, clean.clean_list]


@pytest.mark.parametrize("fn", CLEANERS, ids=lambda f: f.__name__)
@junk_inputs({"amount": "1e999", "currency": 5})
def test_cleaners_never_raise(fn, value) -> None:
    fn(value)


@PROFILE
@given(value=st.text(max_size=20))
def test_age_band_is_total_on_text(value: str) -> None:
    assert clean.age_band(value) in {None, *clean.AGE_BANDS}


@PROFILE
@given(cert=st.sampled_from(sorted(clean.AGE_BAND_OF)), spaces=st.sampled_from(["", " ", "  "]),
       rated=st.booleans(), lower=st.booleans())
def test_certificate_spellings_agree(cert: str, spaces: str, rated: bool, lower: bool) -> None:
    spelled = ("Rated " if rated else "") + cert
    spelled = spaces + (spelled.lower() if lower else spelled) + spaces
    assert clean.age_band(spelled) == clean.AGE_BAND_OF[cert]


@PROFILE
@given(hours=st.integers(0, 12), minutes=st.integers(0, 59))
def test_duration_spellings_agree(hours: int, minutes: int) -> None:
    total = hours * 60 + minutes
    if not total:
        return
    spellings = [total, str(total), f"{total} min", "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")]
    spellings.append(" ".join(p for p in (f"{hours}h" if hours else "", f"{minutes}min" if minutes else "") if p))
    assert {clean.parse_runtime_minutes(s) for s in spellings} == {float(total)}


@PROFILE
@given(n=st.integers(0, 10**10))
def test_vote_spellings_agree(n: int) -> None:
    assert {clean.parse_count(s) for s in (n, str(n), f"{n:,}", f"({n:,})", float(n))} == {n}


@PROFILE
@given(amount=st.integers(1, 10**10), code=st.sampled_from(sorted(USD_PER_UNIT)))
def test_money_spellings_agree_and_convert(amount: int, code: str) -> None:
    spellings = [{"amount": amount, "currency": code}, {"amount": str(amount), "currency": code.lower()},
                 f"{code} {amount:,}", f"{code}{amount:,} (estimated)", f"{amount:,} {code}"]
    for spelled in spellings:
        assert clean.parse_money(spelled) == (float(amount), code), spelled
    assert to_usd(amount, code) == pytest.approx(amount * USD_PER_UNIT[code])


@PROFILE
@given(amount=st.integers(1, 10**9), symbol=st.sampled_from(sorted(SYMBOLS)))
def test_currency_symbols(amount: int, symbol: str) -> None:
    assert clean.parse_money(f"{symbol}{amount:,}") == (float(amount), SYMBOLS[symbol])
    assert clean.parse_money(html.escape(f"{symbol}{amount:,} (estimated)")) == (float(amount), SYMBOLS[symbol])


@PROFILE
@given(code=st.from_regex(r"[A-Z]{3}", fullmatch=True).filter(lambda c: c not in USD_PER_UNIT))
def test_unknown_currency_is_never_guessed(code: str) -> None:
    amount, currency = clean.parse_money(f"{code} 1,000")
    assert (amount, currency) == (1000.0, code)
    assert to_usd(amount, currency) is None


@PROFILE
@given(s=st.text(max_size=40))
def test_null_text_unescapes_and_strips(s: str) -> None:
    out = clean.null_text(html.escape(s))
    assert out == clean.null_text(s)  # escaping never changes the cleaned value
    if out is not None:
        assert out.lower() not in clean.NULLS and out == out.strip()


@PROFILE
@given(values=st.lists(st.sampled_from(["Drama", " Drama", "unknown", "", "Comedy", "See All (12) »", "N/A"]),
                       max_size=8))
def test_clean_list_dedupes_and_drops_unknowns(values: list[str]) -> None:
    out = clean.clean_list(values)
    assert out is None or (len(out) == len(set(out)) and not {v.lower() for v in out} & clean.NULLS)
    assert out is None or set(out) <= {"Drama", "Comedy"}
