"""The page-state subset decoder: each value it reads is decoded from one slice, even a large last one."""
from __future__ import annotations

import json
from types import SimpleNamespace

import msgspec
import orjson
import pytest

from crawler import blocks, page_state, scripts


def _page(page_props: dict) -> str:
    state = json.dumps({"props": {"pageProps": page_props, "__N_SSP": True}, "page": "/title/[tconst]/reference",
                        "buildId": "x"}, separators=(",", ":")).replace("<", "\\u003c")
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'


def _big_main() -> dict:
    """A 2025 /reference mainColumnData: the full credits make it ~0.5 MB."""
    credits = [{"name": {"id": f"nm{i:07d}", "nameText": {"text": f"Person {i}"}}, "characters": [f"Role {i}"]}
               for i in range(6000)]
    return {"id": "tt0000001", "categories": [{"id": "cast", "section": {"items": credits}}]}


def _no_typed_pass(monkeypatch) -> None:  # noqa: ANN001 - pytest's fixture
    """The whole-state typed pass refused (as for a value of a shape its types miss): the key-by-key path runs."""
    def refuse(text):  # noqa: ANN001, ANN202
        raise msgspec.ValidationError("a shape the types miss")

    monkeypatch.setattr(blocks.state_schema, "state_decoder", lambda keys, objects: SimpleNamespace(decode=refuse))


@pytest.mark.parametrize("last", [None, "fetchState", "requestContext"])
def test_each_state_value_is_decoded_from_one_slice(monkeypatch, last: str | None) -> None:
    """Where the typed pass over the whole state gives up, the key-by-key path: old code grew 64 KB windows after
    the last key it read (three failed decodes of a 0.5 MB value); now the value ends at the next known key, else
    where orjson stops inside the script: at most two decodes."""
    props = {"tconst": "tt0000001", "aboveTheFoldData": {"id": "tt0000001"}, "mainColumnData": _big_main()}
    if last:
        props[last] = {"pageType": "title"} if last == "requestContext" else None
    page = _page(props)
    assert len(page) > 400_000
    _no_typed_pass(monkeypatch)
    calls: list[int] = []

    def loads(text):  # noqa: ANN001, ANN202 - orjson.loads' own signature
        calls.append(len(text))
        return orjson.loads(text)

    monkeypatch.setattr(page_state, "orjson", SimpleNamespace(loads=loads, JSONDecodeError=orjson.JSONDecodeError))
    found = blocks.read_blocks(page, blocks.TITLE_STATE_KEYS)
    assert found.next == {k: v for k, v in props.items() if k in blocks.TITLE_STATE_KEYS}
    big = [n for n in calls if n > 100_000]
    assert len(big) <= (1 if last else 2), calls


@pytest.mark.parametrize("lt_steps", [256, 1])
@pytest.mark.parametrize("escaped", [True, False])
def test_json_ld_is_found_around_the_page_state_but_never_inside_it(monkeypatch, escaped: bool,
                                                                    lt_steps: int) -> None:
    """The JSON-LD search skips the page state's text (found to its end with one memchr for "<", which Next.js
    escapes); a state saved with its "<" unescaped ends at its </script> all the same ("<" by "<", or past
    ``LT_STEPS`` of them by a search), and a JSON-LD script after the state is still found, as the DOM finds it."""
    monkeypatch.setattr(scripts, "LT_STEPS", lt_steps)
    plot = '<script type="application/ld+json">{"@type": "Movie", "name": "Inside"}</script>'
    props = {"tconst": "tt0000001", "aboveTheFoldData": {"id": "tt0000001", "plot": plot}, "fetchState": None}
    state = json.dumps({"props": {"pageProps": props}}, separators=(",", ":"))
    state = state.replace("<", "\\u003c") if escaped else state.replace("</script>", "<\\/script>")
    after = '<script type="application/ld+json">{"@type": "Movie", "name": "After"}</script>'
    page = f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script>{after}</body></html>'
    for given in (page, page.encode()):
        found = blocks.read_blocks(given, blocks.TITLE_STATE_KEYS)
        dom = blocks.read_blocks_dom(given)
        assert found.jsonld == dom.jsonld == {"@type": "Movie", "name": "After"}
        assert found.problems == dom.problems == []  # the look-alike inside the state is not a broken JSON-LD
        assert found.next["aboveTheFoldData"]["plot"] == json.loads(state)["props"]["pageProps"]["aboveTheFoldData"]["plot"]


@pytest.mark.parametrize("order", ["served", "shuffled"])
def test_the_page_state_is_read_without_orjson_whatever_its_key_order(monkeypatch, order: str) -> None:
    """Served, the title objects are cut from their slices (``crawler/title_slices.py``); in any other order the
    state is decoded in one msgspec pass against types of what the table reads: none decoded with orjson, a 0.5 MB
    unread key (translationContext) after or before the title objects is skipped, and the blocks are the DOM
    path's."""
    props = {"tconst": "tt0000001", "aboveTheFoldData": {"id": "tt0000001", "titleText": {"text": "A"}},
             "mainColumnData": _big_main(), "requestContext": {"pageType": "title"},
             "translationContext": {f"k{i}": "x" * 80 for i in range(6000)}, "urqlState": {}, "fetchState": None}
    if order == "shuffled":
        props = {key: props[key] for key in ("translationContext", "mainColumnData", "fetchState", "aboveTheFoldData",
                                             "tconst", "requestContext", "urqlState")}
    page = _page(props).encode()
    monkeypatch.setattr(page_state, "orjson", None)  # the key-by-key path would fail on its first decode
    found = blocks.read_blocks(page, blocks.TITLE_STATE_KEYS)
    read = (*blocks.TITLE_STATE_KEYS, "urqlState") if order == "shuffled" else blocks.TITLE_STATE_KEYS
    assert found.next == {k: v for k, v in props.items() if k in read}
    assert found.problems == []
    assert found.keys_of("mainColumnData") == list(props["mainColumnData"])


@pytest.mark.parametrize("tags_back", [1024, 2])
def test_the_page_state_script_is_found_walking_back_tag_by_tag(monkeypatch, tags_back: int) -> None:
    """From the end of the page, tag by tag ("<" does not occur in the state): scripts after it, one naming
    __NEXT_DATA__ in its text, do not hide it; past the walk's limit the word itself is searched for."""
    props = {"tconst": "tt0000001", "aboveTheFoldData": {"id": "tt0000001"}, "fetchState": None}
    after = '<script>window.x = "__NEXT_DATA__";</script>' + "<div><span>more</span></div>" * 50
    page = _page(props).replace("</body>", after + "</body>")
    monkeypatch.setattr(scripts, "TAGS_BACK", tags_back)
    for given in (page, page.encode()):
        found = blocks.read_blocks(given, blocks.TITLE_STATE_KEYS)
        assert found.next == {key: props[key] for key in ("tconst", "aboveTheFoldData")}
        assert blocks.read_blocks_dom(given).next == props


@pytest.mark.parametrize("state_text", ['{"props":{"pageProps":{"a":"\\u003cb\\u003e"}}}',
                                        '{"props":{"pageProps":{"a":"<b>x</b>"}}}'])
@pytest.mark.parametrize("tail", ["", "<script>var x = 1;</script><div>after</div>"])
def test_the_walk_back_hands_the_script_end_the_first_lt_it_met(state_text: str, tail: str) -> None:
    """The "<" met just before the page-state script's tag on the walk back is the first one inside the script:
    the end found from it is the one a memchr from the script's start finds."""
    page = f'<html><body><p>x</p><script id="__NEXT_DATA__" type="application/json">{state_text}</script>{tail}</body></html>'
    for given in (page, page.encode()):
        after: list[int] = []
        start = next(scripts.script_starts(given, blocks._NEXT_WORD, backwards=True, after=after))
        assert after and after[0] == given.find(scripts.as_page_type(given, "<"), start)
        end = scripts.script_end(given, start, after[0])
        assert end == scripts.script_end(given, start) == given.find(scripts.as_page_type(given, "</script>"), start)


@pytest.mark.parametrize("page_props", ["null", "[]", '"x"', ' \n  null'])
def test_a_page_state_without_a_page_props_object_is_named_as_the_dom_path_names_it(page_props: str) -> None:
    """``pageProps`` null (or not an object) is "no props.pageProps" on both paths, not "no title data"."""
    page = ('<html><body><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":'
            f'{page_props},"x":1}}}}</script></body></html>')
    for given in (page, page.encode()):
        found, dom = blocks.read_blocks(given, blocks.TITLE_STATE_KEYS), blocks.read_blocks_dom(given)
        assert found.next is dom.next is None
        assert found.problems == dom.problems and "no props.pageProps" in found.problems[0], found.problems


@pytest.mark.parametrize("where", ["state", "json-ld", "both"])
@pytest.mark.parametrize("layout", ["cut", "whole pass"])
def test_a_body_with_a_byte_that_is_not_utf8_gives_the_items_of_its_text(where: str, layout: str) -> None:
    """The spider hands a UTF-8 page's bytes to the parser; a byte that is not UTF-8 in a string the table keeps
    makes msgspec and orjson refuse the block, so the body is read again as its text (the byte replaced), as the
    DOM path reads it: the page keeps its fields (before: UnicodeDecodeError, every field of the title lost)."""
    from crawler import extract
    from tests.helpers.title_page import LD, PROPS, page

    props = {"tconst": "tt0133093", **PROPS, "requestContext": {}} if layout == "cut" else {
        "requestContext": {}, **PROPS, "tconst": "tt0133093"}  # requestContext first: the cut steps aside
    text = page(props=props, ld={**LD, "name": "The Matrix"})
    body = text.encode()
    for block, marker in (("state", b'"titleText": {"text": "The Matrix"}'), ("json-ld", b'"name": "The Matrix"')):
        if where in (block, "both"):
            assert marker in body, block
            body = body.replace(marker, marker.replace(b"Matrix", b"Matri\xe9"))
    url = "https://www.imdb.com/title/tt0133093/"
    fields, _ = extract.parse_title_page(body, url)
    assert fields == extract.parse_title_page(body.decode("utf-8", errors="replace"), url, dom=True)[0]
    assert fields["title"] == ("The Matri\ufffd" if where != "json-ld" else "The Matrix") and fields["countries"]


@pytest.mark.parametrize("broken", ["json-ld", "page props"])
def test_a_utf8_body_with_a_block_that_does_not_parse_is_read_once(monkeypatch, broken: str) -> None:
    """Only bytes that are not UTF-8 send a body back to be read as text: a page that is all UTF-8 and has a JSON-LD
    that does not parse (or no pageProps object) parses no better as text, so it is not read twice."""
    from tests.helpers.title_page import LD, PROPS, page

    text = page(props={"tconst": "tt0133093", **PROPS, "requestContext": {}}, ld=LD)
    if broken == "json-ld":
        text = text.replace('"@type"', '"@type" "@type"', 1)
    else:
        text = text.replace('"pageProps":{', '"pageProps":null,"x":{', 1).replace('"pageProps": {', '"pageProps": null, "x": {', 1)
    reads: list[type] = []
    read = blocks._read_blocks

    def counting(html, *args):  # noqa: ANN001, ANN202
        reads.append(type(html))
        return read(html, *args)

    monkeypatch.setattr(blocks, "_read_blocks", counting)
    found = blocks.read_blocks(text.encode(), blocks.TITLE_STATE_KEYS)
    assert any("is not valid JSON" in problem for problem in found.problems), found.problems
    assert reads == [bytes]
    reads.clear()
    blocks.read_blocks(text.encode().replace(b"tt0133093", b"tt013309\xe9", 1), blocks.TITLE_STATE_KEYS)
    assert reads == [bytes, str]  # a byte that is not UTF-8: read again as text


def test_a_keywords_page_state_is_read_only_at_the_keys_the_keyword_paths_start_at(monkeypatch) -> None:
    """A keywords page's state goes through the typed pass keeping only ``KEYWORD_STATE_KEYS`` of pageProps (its
    request, CMS and translation contexts skipped unbuilt), not an orjson decode of the whole state."""
    from crawler import list_pages
    from tests.helpers.title_page import page

    asked: list[tuple[str, ...]] = []
    typed = blocks.state_schema.state_decoder

    def recording(keys: tuple[str, ...], objects: object) -> object:
        asked.append(keys)
        return typed(keys, objects)

    monkeypatch.setattr(blocks.state_schema, "state_decoder", recording)
    edges = [{"node": {"keyword": {"text": {"text": k}}}} for k in ("hacker", "simulation")]
    props = {"contentData": {"data": {"title": {"keywords": {"edges": edges}}}},
             "translationContext": {f"k{i}": "x" * 40 for i in range(2000)}}
    for given in (page(ld=None, props=props), page(ld=None, props=props).encode()):
        assert list_pages.parse_keywords_page(given) == ["hacker", "simulation"]
    assert asked == [list_pages.KEYWORD_STATE_KEYS] * 2
    assert set(list_pages.KEYWORD_STATE_KEYS) == {"contentData", "keywords"}
