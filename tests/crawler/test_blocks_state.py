"""The page-state subset decoder: each value it reads is decoded from one slice, even a large last one."""
from __future__ import annotations

import json
from types import SimpleNamespace

import orjson
import pytest

from crawler import blocks, page_state


def _page(page_props: dict) -> str:
    state = json.dumps({"props": {"pageProps": page_props, "__N_SSP": True}, "page": "/title/[tconst]/reference",
                        "buildId": "x"}, separators=(",", ":")).replace("<", "\\u003c")
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'


def _big_main() -> dict:
    """A 2025 /reference mainColumnData: the full credits make it ~0.5 MB."""
    credits = [{"name": {"id": f"nm{i:07d}", "nameText": {"text": f"Person {i}"}}, "characters": [f"Role {i}"]}
               for i in range(6000)]
    return {"id": "tt0000001", "categories": [{"id": "cast", "section": {"items": credits}}]}


@pytest.mark.parametrize("last", [None, "fetchState", "requestContext"])
def test_each_state_value_is_decoded_from_one_slice(monkeypatch, last: str | None) -> None:
    """Old code grew 64 KB windows after the last key it read (three failed decodes of a 0.5 MB value); now the
    value ends at the next known key, else where orjson stops inside the script: at most two decodes."""
    props = {"tconst": "tt0000001", "aboveTheFoldData": {"id": "tt0000001"}, "mainColumnData": _big_main()}
    if last:
        props[last] = {"pageType": "title"} if last == "requestContext" else None
    page = _page(props)
    assert len(page) > 400_000
    calls: list[int] = []

    def loads(text):  # noqa: ANN001, ANN202 - orjson.loads' own signature
        calls.append(len(text))
        return orjson.loads(text)

    monkeypatch.setattr(page_state, "orjson", SimpleNamespace(loads=loads, JSONDecodeError=orjson.JSONDecodeError))
    found = blocks.read_blocks(page, blocks.TITLE_STATE_KEYS)
    assert found.next == {k: v for k, v in props.items() if k in blocks.TITLE_STATE_KEYS}
    big = [n for n in calls if n > 100_000]
    assert len(big) <= (1 if last else 2), calls


@pytest.mark.parametrize("escaped", [True, False])
def test_json_ld_is_found_around_the_page_state_but_never_inside_it(escaped: bool) -> None:
    """The JSON-LD search skips the page state's text (found to its end with one memchr for "<", which Next.js
    escapes); a state saved with its "<" unescaped ends at its </script> all the same, and a JSON-LD script
    after the state is still found, as the DOM finds it."""
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
