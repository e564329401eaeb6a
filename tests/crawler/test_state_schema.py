"""The typed page-state decoders: what they keep is what every table path reads in the whole object, and the
keys they skip are still there for the look-alike warning."""
from __future__ import annotations

import json

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler import extract, state_schema
from crawler.blocks import NEXT, TITLE_STATE_KEYS, read_blocks
from crawler.fields import _CAST_2025, _DIRECTORS_2025, FIELDS, KEYWORD_TOTAL
from crawler.sources import resolve
from tests.helpers.strategies import PROFILE

PATHS = [steps for key in extract.STATE_DECODERS
         for spec in FIELDS for s in (*spec.sources, *KEYWORD_TOTAL) if s.block == NEXT
         for steps in (s.steps, *s.also_steps) if steps[0][0] == key] + [(("aboveTheFoldData", None), ("id", None))]
KEYS = sorted({step for steps in PATHS for step, _ in steps[1:]} | {"id", "grouping", "groupingId", "unread"})
SCALARS = (st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=4) | st.sampled_from(["director", "writer", "cast", _CAST_2025, _DIRECTORS_2025]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                                          max_size=5), max_leaves=40)


@PROFILE
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8), st.sampled_from(sorted(extract.STATE_DECODERS)))
def test_every_path_reads_the_same_in_the_typed_decode_as_in_the_whole_object(obj: dict, where: str) -> None:
    raw = orjson.dumps(obj)
    kept, keys = extract.STATE_DECODERS[where].decode(raw)
    assert state_schema.keys(keys) == list(obj)
    assert len(orjson.dumps(kept)) <= len(raw)
    for steps in PATHS:
        if steps[0][0] == where:
            assert resolve({where: kept}, steps) == resolve({where: obj}, steps), steps


_ABOVE = {"id": "tt0000001", "titleText": {"text": "A"}}


def _page(main: object, above: object = _ABOVE) -> str:
    props = {"tconst": "tt0000001", "aboveTheFoldData": above, "mainColumnData": main, "fetchState": None}
    state = json.dumps({"props": {"pageProps": props}}, indent=2)  # saved states are pretty-printed
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'


def test_a_skipped_key_is_still_named_in_the_look_alike_warning() -> None:
    credits = [{"id": f"nm{i}", "rowTitle": f"Person {i}", "imageProps": {"url": "x" * 50}} for i in range(50)]
    main = {"categories": [{"id": "cast", "section": {"items": credits}}], "boxOfficeBudgetV9": {"amount": 1},
            "synopses": {"edges": [{"node": {"text": "long" * 100}}]}}
    page = _page(main)
    blocks = read_blocks(page, TITLE_STATE_KEYS, extract.STATE_DECODERS)
    assert "boxOfficeBudgetV9" not in blocks.next["mainColumnData"]  # skipped by the typed decode ...
    assert blocks.next["mainColumnData"]["categories"][0]["section"]["items"][0] == {"rowTitle": "Person 0"}
    assert blocks.keys_of("mainColumnData") == list(main)  # ... but listed for the warning
    fields, warnings = extract.parse_title_page(page, "https://www.imdb.com/title/tt0000001/")
    assert fields["actors"] == [f"Person {i}" for i in range(50)]
    assert any("mainColumnData.boxOfficeBudgetV9" in w for w in warnings), warnings
    assert (fields, warnings) == extract.parse_title_page(page, "https://www.imdb.com/title/tt0000001/", dom=True)


@pytest.mark.parametrize(("above", "main", "where"), [
    ({**_ABOVE, "boxOfficeBudgetV9": {"amount": 1}}, None, "aboveTheFoldData"),
    ({**_ABOVE, "boxOfficeBudgetV9": {"amount": 1}}, [1, 2], "aboveTheFoldData"),
    ("oops", {"genres": {"genres": [{"text": "Drama"}]}, "boxOfficeBudgetV9": {"amount": 1}}, "mainColumnData"),
    (None, {"genres": {"genres": [{"text": "Drama"}]}, "boxOfficeBudgetV9": {"amount": 1}}, "mainColumnData"),
])
def test_a_title_object_that_is_not_an_object_does_not_hide_the_others_look_alikes(above: object, main: object,
                                                                                   where: str) -> None:
    """The keys of each title object are listed on their own: one that is null, a string or a list leaves the
    other's unread keys in the warning, as on the DOM path; the state is listed once per page."""
    page, url = _page(main, above).encode(), "https://www.imdb.com/title/tt0000001/"
    fields, warnings = extract.parse_title_page(page, url)
    assert any(f"unread key {where}.boxOfficeBudgetV9" in w for w in warnings), warnings
    assert (fields, warnings) == extract.parse_title_page(page, url, dom=True)
    blocks = read_blocks(page, TITLE_STATE_KEYS, extract.STATE_DECODERS)
    assert "boxOfficeBudgetV9" in blocks.keys_of(where)
    assert blocks._state is None  # listed once, not again for the object that is not one
    other = "mainColumnData" if where == "aboveTheFoldData" else "aboveTheFoldData"
    assert blocks.keys_of(other) == []


def test_a_title_object_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(msgspec.MsgspecError):
        extract.STATE_DECODERS["mainColumnData"].decode(b"[1, 2]")


@pytest.mark.parametrize("categories", [[[{"id": "cast"}]], {"id": "cast", "section": {"items": [{"rowTitle": 7}]}},
                                        [{"id": "cast", "section": {"items": [[1, [2]]]}}], "cast", None])
def test_a_shape_the_types_miss_gives_the_items_of_the_dom_path(categories: object) -> None:
    page = _page({"categories": categories, "genres": {"genres": [{"text": "Drama"}]}})
    url = "https://www.imdb.com/title/tt0000001/"
    fields, warnings = extract.parse_title_page(page, url)
    assert fields["genres"] == ["Drama"]
    assert (fields, warnings) == extract.parse_title_page(page, url, dom=True)


def test_a_crawl_looks_for_look_alikes_at_a_fields_first_miss_then_every_nth() -> None:
    """A crawl's LookalikeCheck: the warning (a real one, naming the skipped key) on the first page missing the
    field and then every ``every``-th; without a check, on every page; a bad ``every`` is refused in one sentence."""
    main = {"genres": {"genres": [{"text": "Drama"}]}, "boxOfficeBudgetV9": {"amount": 1}}
    page, url = _page(main).encode(), "https://www.imdb.com/title/tt0000001/"
    check = extract.LookalikeCheck(every=3)
    warned = [any("mainColumnData.boxOfficeBudgetV9" in w for w in extract.parse_title_page(page, url,
                                                                                           lookalikes=check)[1])
              for _ in range(7)]
    assert warned == [True, False, False, True, False, False, True]
    assert check.misses["budget"] == 7
    assert all(any("boxOfficeBudgetV9" in w for w in extract.parse_title_page(page, url)[1]) for _ in range(3))
    for bad in (0, -1, True, 2.0, "3"):
        with pytest.raises(ValueError, match=rf"^every={bad!r} is not a whole number >= 1 \("):
            extract.LookalikeCheck(every=bad)  # type: ignore[arg-type]
