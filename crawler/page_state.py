"""The page state decoded key by key, where its one typed pass (``state_schema.state_decoder``) gives up on a value of
a shape its types miss: only the ``props.pageProps`` keys the field table reads, each from its own slice of the page
(located with ``find``), the title objects against typed decoders; and the 2021 ``urqlState`` title objects merged
into one."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
import orjson

from crawler.state_schema import ObjectDecoder


def _attr(item: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        item = item.get(key) if isinstance(item, dict) else None
    return item



def _urql_title(props: dict[str, Any]) -> dict[str, Any] | None:
    """The 2021 page state: ``urqlState`` (under ``props`` or ``props.pageProps``) maps query hashes to
    ``{data: {title: …}}``; the page's own title objects (by ``tconst``; ones without an id fill gaps) are
    merged into one, first non-null value per key. Objects of other titles (related titles) are left out."""
    page_props = props.get("pageProps") if isinstance(props.get("pageProps"), dict) else {}
    state = props.get("urqlState") or page_props.get("urqlState")
    if not isinstance(state, dict):
        return None
    titles = [_attr(entry, "data.title") for entry in state.values()]
    titles = [t for t in titles if isinstance(t, dict)]
    tconst = page_props.get("tconst") or next((t["id"] for t in titles if "titleText" in t and "id" in t), None)
    merged: dict[str, Any] = {}
    for title in [t for t in titles if t.get("id") == tconst] + [t for t in titles if "id" not in t]:
        _merge(merged, title)
    return merged if tconst and merged else None


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Fill ``into`` from ``other``: missing or null keys taken, nested objects merged the same way."""
    for key, value in other.items():
        mine = into.get(key)
        if mine is None:
            into[key] = value
        elif isinstance(mine, dict) and isinstance(value, dict):
            into[key] = merged = dict(mine)
            _merge(merged, value)



# What a title page's state is read for: the title objects (2022–25) and, on pages without both of them,
# the 2021 urqlState. The rest (translationContext, requestContext, cmsContext) is well over half of the block
# on real pages and never read.
TITLE_STATE_KEYS = ("tconst", "aboveTheFoldData", "mainColumnData")
_TITLE_OBJECTS = {"aboveTheFoldData", "mainColumnData"}
# located, not decoded: the key after mainColumnData on 2022-25 title pages, else (2025 /reference states saved
# without a request context) the last key of pageProps
_BOUNDARY_KEYS = ("requestContext", "fetchState")  # the first one there ends the last title object
_AFTER_VALUE = "unexpected content after document"
_WINDOW = 1 << 16


def _value_at(html: str | bytes, start: int, end: int) -> Any:
    """The JSON value that starts at ``start``. First ``html[start:end]`` (``end``: the comma before the next
    key read, or the end of the script; a complete object or string cannot be the prefix of a longer one, so if
    that slice parses it is the value, and if orjson stops with "unexpected content after document" the value
    ends where it stopped); else growing windows, until orjson stops so."""
    if end > start:
        try:
            return orjson.loads(html[start:end])
        except orjson.JSONDecodeError as exc:
            if exc.msg.startswith(_AFTER_VALUE):
                return orjson.loads(html[start:start + exc.pos])
    size = _WINDOW
    while True:
        chunk = html[start:start + size]
        try:
            return orjson.loads(chunk)
        except orjson.JSONDecodeError as exc:
            if exc.msg.startswith(_AFTER_VALUE):
                return orjson.loads(chunk[:exc.pos])
            if start + size >= len(html):
                raise
            size *= 4


def _state_subset(html: str | bytes, start: int, keys: tuple[str, ...], decoders: Mapping[str, ObjectDecoder],
                  object_keys: dict[str, list[str] | bytes], stop: int | None = None) -> dict[str, Any] | None:
    """``{"props": {"pageProps": {key: value}, "urqlState": …}}`` with only the ``keys`` found (and
    ``urqlState`` when the page lacks one of the title objects), each value decoded on its own: the unread
    rest of the page state costs no decoding. A key with a typed decoder (``crawler/state_schema.py``) keeps
    only what the field table reads, its keys (or its text, to list them from) going into ``object_keys`` for ``Blocks.keys_of``. None when the block
    does not start as a page state does (then it is decoded whole). ``stop``: where the script ends, if known.
    ``read_blocks_dom`` decodes it whole; the tests hold both to the same items."""
    as_bytes = isinstance(html, bytes)
    quoted = (lambda key: f'"{key}":'.encode()) if as_bytes else (lambda key: f'"{key}":')  # noqa: E731
    end_tag = b"</script>" if as_bytes else "</script>"
    comma = b"," if as_bytes else ","
    head = html.find(quoted("pageProps"), start, start + 200)
    if head == -1 or not html[head + len(quoted("pageProps")):head + 28].lstrip().startswith(b"{" if as_bytes else "{"):
        return None  # no pageProps object (null: decoded whole, which names the problem as the DOM path does)
    stop = len(html) if stop is None else stop
    found = sorted((at, key) for key in keys if (at := html.find(quoted(key), head, stop)) != -1)
    context, closing = _BOUNDARY_KEYS
    # requestContext follows mainColumnData closely; without it, fetchState closes pageProps: found backwards
    # from the script's end at once, not after a second pass over the whole state
    if (at := html.find(quoted(context), head, stop)) != -1 or (at := html.rfind(quoted(closing), head, stop)) != -1:
        found = sorted([*found, (at, context if html.startswith(quoted(context), at) else closing)])
    page_props: dict[str, Any] = {}
    for i, (at, key) in enumerate(found):
        if key in keys:
            # the comma before the next key; after the last one, the end of the script (Next.js escapes "<" in it)
            end = html.rfind(comma, at, found[i + 1][0]) if i + 1 < len(found) else html.find(end_tag, at, stop + 9)
            value_start = at + len(key) + 3
            if (decoder := decoders.get(key)) is not None and end > value_start:
                raw = html[value_start:end]
                try:  # msgspec reads bytes several times faster than a str (a response body is bytes already)
                    page_props[key], object_keys[key] = decoder.decode(raw if isinstance(raw, bytes) else raw.encode())
                    continue
                except msgspec.MsgspecError:
                    pass  # not one object (the slice runs past it, or it is null): orjson below
            page_props[key] = _value_at(html, value_start, end)
    props: dict[str, Any] = {"pageProps": page_props}
    if not _TITLE_OBJECTS <= page_props.keys() and (at := html.find(quoted("urqlState"), start)) != -1:
        props["urqlState"] = _value_at(html, at + len("urqlState") + 3, html.find(end_tag, at))
    return {"props": props}

