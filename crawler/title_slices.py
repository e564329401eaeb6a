"""The page state's title objects decoded from their own slices of the page, the rest of the state never crossed.

On a served 2022–25 title page ``props.pageProps`` opens with ``tconst``, ``aboveTheFoldData`` and ``mainColumnData``
and goes on with ``requestContext`` (2022–25) or, in a state saved without it, ``fetchState``. What follows the title
objects (the request and CMS contexts, the UI's whole string table ``translationContext``) is 60–75% of the state
and never read: here it is not even scanned. Each object is cut where the next key's name starts (found with
``find``), and decoded against the typed decoder of its paths (``crawler/state_schema.py``).

The cut depends on that key order for its speed only, never for what it gives: a slice is taken only if it proves
itself a whole member of ``pageProps``. The state must open with ``{"props":{"pageProps":{``; the text before
``aboveTheFoldData`` must parse as whole members; each title object's slice must parse as exactly one JSON value
(a value that starts where the object starts and parses to the slice's end is that object: JSON values end where
they close, so the next key name after it sits in ``pageProps`` too). A page laid out otherwise (2021's
``urqlState``, keys reordered, a key found inside an object) gives None, and the state is decoded in one typed pass
as before (``crawler/blocks.py``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from crawler.page_state import _BOUNDARY_KEYS, _TITLE_OBJECTS, TITLE_STATE_KEYS
from crawler.scripts import Page, utf8_slice
from crawler.state_schema import ObjectDecoder

__all__ = ["title_objects"]

_OPENING = r'\s*\{\s*"props"\s*:\s*\{\s*"pageProps"\s*:\s*\{'  # to pageProps' own "{" (saved states: indented)
HEAD = 4096  # aboveTheFoldData is looked for this far into pageProps (after tconst: ~30 bytes on served pages)
_WHOLE_MEMBERS = msgspec.json.Decoder(dict[str, Any])
_WHOLE_VALUE = msgspec.json.Decoder()


class _Marks:
    """The texts the cut looks for, in a page's own type (a response's body is bytes; a page read as text, str)."""

    def __init__(self, kind: type) -> None:
        def lit(text: str) -> Any:
            return text.encode() if kind is bytes else text

        self.opening = re.compile(lit(_OPENING))
        self.above, self.main = lit('"aboveTheFoldData":'), lit('"mainColumnData":')
        # the pageProps keys that tell where mainColumnData ends (``_after_main``)
        self.request_context, self.fetch_state = (lit(f'"{key}":') for key in _BOUNDARY_KEYS)
        self.urql_state = lit('"urqlState":')
        self.comma, self.brace, self.close = lit(","), lit("{"), lit("}")


_MARKS = {bytes: _Marks(bytes), str: _Marks(str)}


def _value_end(buf: Page, marks: _Marks, value_start: int, key_at: int) -> int:
    """Where a member's value ends when the next key's name starts at ``key_at``: at the comma before it (only
    whitespace between), else -1."""
    comma = buf.rfind(marks.comma, value_start, key_at)
    return comma if comma != -1 and not buf[comma + 1:key_at].strip() else -1


def _after_main(buf: Page, marks: _Marks, main_end: int, stop: int) -> int:
    """Where the key after mainColumnData starts. pageProps ends with fetchState (found backwards, a few hundred
    bytes from the state's end): where the key before it is not urqlState, the contexts are not there and
    mainColumnData ends at fetchState; else requestContext follows it, found forwards across mainColumnData
    (searching backwards would cross translationContext, as large or larger)."""
    last = buf.rfind(marks.fetch_state, max(main_end, stop - HEAD), stop)
    if last != -1 and buf.find(marks.urql_state, max(main_end, last - 64), last) == -1:
        return last
    return buf.find(marks.request_context, main_end, stop)


def title_objects(buf: Page, start: int, stop: int, keys: tuple[str, ...],
                  decoders: Mapping[str, ObjectDecoder]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``pageProps``' members of ``keys`` from the page state in ``buf[start:stop]`` (a response's body, or a page's
    text: then only the title objects' slices are encoded for msgspec), each title object decoded from its own
    slice by its decoder in ``decoders``, and per title object its text (its keys listed from it only if the
    look-alike warning asks); None where the page is not laid out as served 2022–25 pages are, or a slice does not
    prove itself a whole member."""
    marks = _MARKS[bytes if isinstance(buf, bytes) else str]
    opening = marks.opening.match(buf, start, stop)
    if opening is None or set(keys) - set(TITLE_STATE_KEYS) or not _TITLE_OBJECTS <= set(keys):
        return None  # other keys, or without both title objects (then the whole pass reads urqlState too)
    props_start = opening.end()
    above = buf.find(marks.above, props_start, min(stop, props_start + HEAD))
    if above == -1:
        return None
    before = buf[props_start:above].rstrip()
    if before and not before.endswith(marks.comma):
        return None
    try:  # the members before aboveTheFoldData (tconst): whole, so aboveTheFoldData is a member of pageProps
        page_props = _WHOLE_MEMBERS.decode(marks.brace + before[:-1] + marks.close) if before else {}
    except msgspec.MsgspecError:
        return None
    main = buf.find(marks.main, above + len(marks.above), stop)
    if main == -1 or (after := _after_main(buf, marks, main + len(marks.main), stop)) == -1:
        return None
    page_props = {key: value for key, value in page_props.items() if key in keys}
    if "tconst" in keys and "tconst" not in page_props:
        return None  # not before the objects: it may be anywhere, and the whole pass finds it
    texts: dict[str, Any] = {}
    for key, at, next_key in (("aboveTheFoldData", above + len(marks.above), main),
                              ("mainColumnData", main + len(marks.main), after)):
        end = _value_end(buf, marks, at, next_key)
        if end == -1:
            return None
        text = utf8_slice(buf, at, end)
        try:
            if (decoder := decoders.get(key)) is not None:
                page_props[key], texts[key] = decoder.decode(text)
            elif isinstance(value := _WHOLE_VALUE.decode(text), dict):
                page_props[key] = value
            else:
                return None  # null or not an object: the whole pass says what it is
        except msgspec.MsgspecError:  # not exactly one object: a key order or a layout this cut does not know
            return None
    return {key: page_props[key] for key in keys if key in page_props}, texts
