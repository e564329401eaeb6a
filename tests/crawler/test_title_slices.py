"""The title objects cut from their own slices: what the whole-state pass gives, or None, whatever the layout."""
from __future__ import annotations

import json

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler import blocks, extract, state_schema, title_slices
from crawler.blocks import TITLE_STATE_KEYS
from tests.helpers.strategies import PROFILE

ABOVE = {"id": "tt0000001", "titleText": {"text": "A"}, "genres": {"genres": [{"text": "Drama"}]}}
MAIN = {"id": "tt0000001", "countriesDetails": {"countries": [{"text": "Italy"}]},
        "categories": [{"id": "director", "section": {"items": [{"rowTitle": "Someone", "id": "nm1"}]}}]}
SERVED = {"tconst": "tt0000001", "aboveTheFoldData": ABOVE, "mainColumnData": MAIN,
          "requestContext": {"pageType": "title"}, "cmsContext": {}, "translationContext": {"k": "v" * 2000},
          "urqlState": {}, "fetchState": None}


def _state(page_props: object, indent: int | None = None) -> bytes:
    separators = None if indent else (",", ":")
    return json.dumps({"props": {"pageProps": page_props, "__N_SSP": True}, "page": "/title/[tconst]"},
                      indent=indent, separators=separators).encode()


def _whole(state: bytes) -> dict:
    """What the one typed pass over the whole state gives (the reference)."""
    page_props = state_schema.state_decoder(TITLE_STATE_KEYS, extract.STATE_DECODERS).decode(state)["props"]["pageProps"]
    return {key: page_props[key] for key in TITLE_STATE_KEYS if key in page_props}


def _cut(state: bytes | str, start: int = 0) -> dict | None:
    found = title_slices.title_objects(state, start, len(state), TITLE_STATE_KEYS, extract.STATE_DECODERS)
    return None if found is None else found[0]


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("tail", ["requestContext", "fetchState"])
def test_a_served_layout_is_cut_and_the_rest_never_read(indent: int | None, tail: str) -> None:
    """Compact as served or indented as saved; the contexts there (cut at requestContext) or not (at fetchState).
    The UI's string table made invalid JSON: the cut gives the title objects all the same, never having read it."""
    props = dict(SERVED) if tail == "requestContext" else {k: SERVED[k] for k in (*TITLE_STATE_KEYS, "fetchState")}
    state = _state(props, indent)
    expected = _whole(state)
    assert expected["mainColumnData"]["countriesDetails"] == MAIN["countriesDetails"] and expected["tconst"] == "tt0000001"
    garbled = state.replace(b'"' + b"v" * 2000 + b'"', b"v" * 2002)
    if tail == "requestContext":
        with pytest.raises(msgspec.DecodeError):
            msgspec.json.decode(garbled)
    assert _cut(state) == _cut(garbled) == expected


def test_the_cut_reads_the_page_from_a_response_body_and_lists_the_keys_it_skipped() -> None:
    """Through ``read_blocks``, on bytes and on text: the whole pass is never made, and the look-alike warning
    still lists every key of a title object (also the ones its typed decode skipped)."""
    main = {**MAIN, "boxOfficeBudgetV9": {"amount": 1}}
    state = _state({**SERVED, "mainColumnData": main}).replace(b"<", b"\\u003c").decode()
    page = f'<html><body><p>x</p><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'

    def refuse(keys: object, objects: object) -> object:
        raise AssertionError("the whole state was decoded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks.state_schema, "state_decoder", refuse)
        for given_page in (page, page.encode()):
            found = blocks.read_blocks(given_page, TITLE_STATE_KEYS, extract.STATE_DECODERS)
            assert found.next["mainColumnData"]["countriesDetails"] == MAIN["countriesDetails"]
            assert "boxOfficeBudgetV9" not in found.next["mainColumnData"]
            assert found.keys_of("mainColumnData") == list(main)
            assert found.keys_of("aboveTheFoldData") == list(ABOVE)


LAYOUTS = {
    "served": SERVED,
    "tconst after the objects": {k: SERVED[k] for k in ("aboveTheFoldData", "mainColumnData", "requestContext", "tconst")},
    "objects swapped": {k: SERVED[k] for k in ("tconst", "mainColumnData", "aboveTheFoldData", "requestContext")},
    "a key between the objects": {"tconst": "tt1", "aboveTheFoldData": ABOVE, "x": 1, "mainColumnData": MAIN,
                                  "fetchState": None},
    "a key between mainColumnData and requestContext": {**{k: SERVED[k] for k in TITLE_STATE_KEYS}, "x": [1],
                                                         "requestContext": {}},
    "mainColumnData inside aboveTheFoldData first": {"tconst": "tt1", "aboveTheFoldData": {**ABOVE, "mainColumnData": {}},
                                                     "mainColumnData": MAIN, "requestContext": {}},
    "requestContext inside mainColumnData": {**{k: SERVED[k] for k in ("tconst", "aboveTheFoldData")},
                                             "mainColumnData": {**MAIN, "requestContext": {"a": 1}}, "requestContext": {}},
    "aboveTheFoldData inside a key before it": {"tconst": "tt1", "x": {"aboveTheFoldData": {"id": "tt9"}},
                                                "aboveTheFoldData": ABOVE, "mainColumnData": MAIN, "fetchState": None},
    "mainColumnData and requestContext inside a key after aboveTheFoldData": {
        "tconst": "tt1", "aboveTheFoldData": ABOVE, "x": {"mainColumnData": {"id": "tt9"}, "requestContext": {}},
        "mainColumnData": MAIN, "requestContext": {}},
    "key names in strings": {"tconst": 'x","mainColumnData":{}', "aboveTheFoldData": {**ABOVE, "t": '"requestContext":'},
                             "mainColumnData": MAIN, "requestContext": {}},
    "null objects": {"tconst": "tt1", "aboveTheFoldData": None, "mainColumnData": None, "requestContext": {}},
    "2021 (urqlState)": {"requestContext": {}, "urqlState": {"h": {"data": {"title": {"id": "tt1"}}}}, "tconst": "tt1"},
    "no fetchState, no requestContext": {k: SERVED[k] for k in TITLE_STATE_KEYS},
}


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_layout_the_cut_does_not_know_gives_none_never_a_wrong_object(layout: str, indent: int | None) -> None:
    state = _state(LAYOUTS[layout], indent)
    cut = _cut(state)
    assert cut is None or cut == _whole(state), layout
    assert _cut(state.decode()) == cut
    if layout in ("served", "key names in strings"):
        assert cut is not None  # the layouts of served pages are cut, not decoded whole


KEYS = ["tconst", "aboveTheFoldData", "mainColumnData", "requestContext", "fetchState", "urqlState", "x"]
VALUES = st.recursive(st.none() | st.integers() | st.sampled_from(KEYS + ['"requestContext":', "a,b", "tt1"]),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS + ["id"]), inner,
                                                                                   max_size=4), max_leaves=20)


@PROFILE
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=7), st.sampled_from([None, 1, 2]), st.booleans())
def test_whatever_the_page_props_the_cut_is_the_whole_pass_or_none(props: dict, indent: int | None,
                                                                   served_first: bool) -> None:
    """Any keys in any order, the title objects' names nested at any depth or inside strings, compact or indented."""
    if served_first:  # the title objects at the front, as served, with whatever follows
        props = {"tconst": "tt1", "aboveTheFoldData": ABOVE, "mainColumnData": MAIN} | props
    state = _state(props, indent)
    try:
        whole = _whole(state)
    except msgspec.ValidationError:
        return  # a shape the whole pass refuses: read key by key, not by the cut (covered by test_state_schema)
    cut = _cut(b"  <script>" + state, 10)
    assert cut is None or cut == whole
    assert _cut(" <script>" + state.decode(), 9) == cut  # a page read as text is cut where its body is


def test_keys_without_both_title_objects_are_left_to_the_whole_pass() -> None:
    """The whole pass also reads ``urqlState`` where a title object is not asked for or not there."""
    state = _state(SERVED)
    for keys in (("tconst", "aboveTheFoldData"), ("mainColumnData",), ("tconst", "aboveTheFoldData", "requestContext")):
        assert title_slices.title_objects(state, 0, len(state), keys, extract.STATE_DECODERS) is None
    assert _cut(state) is not None


def test_a_key_name_with_a_byte_that_is_not_utf8_is_listed_replaced() -> None:
    """The typed decode skips an unread key without reading its name; the look-alike warning lists it, the byte
    replaced, instead of failing the page."""
    state = _state({**SERVED, "mainColumnData": {**MAIN, "budgetX": 1}}).replace(b'"budgetX"', b'"budget\xe9"')
    page = b'<html><body><script id="__NEXT_DATA__" type="application/json">' + state + b"</script></body></html>"
    found = blocks.read_blocks(page, TITLE_STATE_KEYS, extract.STATE_DECODERS)
    assert found.next["mainColumnData"]["countriesDetails"] == MAIN["countriesDetails"]
    assert found.keys_of("mainColumnData") == [*MAIN, "budget\ufffd"]
