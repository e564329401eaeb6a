"""The machine-readable blocks of a title page (JSON-LD, the page state, the HTML tree), found and decoded once.

The crawl's path finds the JSON-LD and ``__NEXT_DATA__`` script elements without a DOM (``crawler/scripts.py``:
``find`` over the response's bytes where the spider has them, so a page-state page is never decoded to text; the
page-state script walked back to from the page's end). Of the page state it decodes only the title objects, each
from its own slice, where the page is laid out as served 2022–25 pages are (``crawler/title_slices.py``: the
request and CMS contexts and the UI's string table after them, most of the state, are not even scanned); else the
whole state in one msgspec pass. Both decode against types built from the table (``crawler/state_schema.py``: what
no path reads is skipped, not built); JSON-LD with orjson; the HTML tree is built only for pages without a page
state. ``read_blocks_dom`` is the reference path (a
DOM of the whole page, every block decoded whole with ``json``); the tests hold both to the same items on the
shared real pages. Known differences from it: of two ``__NEXT_DATA__`` scripts the fast path
reads the last, the DOM path the first; a state holding ``NaN`` or a lone surrogate (``\\ud800``) is JSON only
to ``json``, so the fast path reports it as not valid JSON; of a key written twice on the way to the title objects
(``props``, ``pageProps`` or one of them: ``JSON.stringify``, how Next.js writes the state, never does) the cut keeps
the first, ``json`` the last (also where the later one spells its name with escapes, ``"aboveTheFold\\u0044ata"``,
which the cut does not look for).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
import orjson
from lxml import etree

from crawler import state_schema
from crawler.page_state import _TITLE_OBJECTS, TITLE_STATE_KEYS, _state_subset, _urql_title
from crawler.scripts import Page, script_end, script_starts, scripts, utf8_slice
from crawler.state_schema import ObjectDecoder
from crawler.title_slices import title_objects
from crawler.xpath_union import _ATTRIBUTES, _BRANCHES, _DESCENDANT, _XPATHS, _marker, _split_union

__all__ = ["HTML", "JSONLD", "NEXT", "TITLE_STATE_KEYS", "URQL", "Blocks", "read_blocks", "read_blocks_dom"]

NEXT, URQL, JSONLD, HTML = "next", "urql", "jsonld", "html"
_LD_WORD, _NEXT_WORD = "application/ld+json", "__NEXT_DATA__"
_BLOCK_FIELDS = {NEXT: "next", URQL: "urql", JSONLD: "jsonld"}


@dataclass
class Blocks:
    """The machine-readable blocks of one page, parsed once; the HTML tree only when asked for."""

    jsonld: dict[str, Any] | None
    next: dict[str, Any] | None
    page: str | bytes  # as given: a response's body stays bytes until some field needs the text
    problems: list[str]
    urql: dict[str, Any] | None = None
    _root: Any = None  # the lxml tree, built on first use
    _markers: str | None = None
    # of title objects decoded only in part: their keys, or their text to list them from when asked
    _object_keys: dict[str, list[str] | bytes | memoryview] = field(default_factory=dict)
    _text: str | None = None
    _has_state: bool | None = None  # worked out on first use (the blocks are not changed once read)
    _state: bytes | memoryview | None = None  # the page state's text, decoded in one typed pass: keys listed from it

    @property
    def html(self) -> str:
        """The page as text, decoded (UTF-8) on first use: page-state pages never need it."""
        if self._text is None:
            self._text = self.page if isinstance(self.page, str) else self.page.decode("utf-8", errors="replace")
        return self._text

    def keys_of(self, name: str) -> list[str]:
        """The keys of the page state's title object ``name`` in page order, also those a typed decode skipped."""
        if name not in self._object_keys and self._state is not None and name in _TITLE_OBJECTS:
            listed = state_schema.title_keys(self._state, tuple(sorted(_TITLE_OBJECTS)))
            self._state = None  # listed once: an object that is not one is not looked for again
            self._object_keys.update({key: keys for key, keys in listed.items() if keys is not None})
        if name in self._object_keys:
            listed = self._object_keys[name] = state_schema.keys(self._object_keys[name])
            return listed
        obj = (self.next or {}).get(name)
        return list(obj) if isinstance(obj, dict) else []

    @property
    def has_state(self) -> bool:
        """A page state with title data (2021–25): then the HTML is not read (it renders the same data)."""
        if self._has_state is None:
            nxt = self.next or {}
            self._has_state = bool(self.urql) or isinstance(nxt.get("aboveTheFoldData"), dict) or isinstance(
                nxt.get("mainColumnData"), dict)
        return self._has_state

    def block(self, name: str) -> dict[str, Any] | None:
        """The decoded block ``name`` (``next``, ``urql``, ``jsonld``)."""
        return getattr(self, _BLOCK_FIELDS[name])

    def xpath(self, query: str) -> list[str]:
        """The non-blank strings (text nodes, attribute values) ``query`` selects, in document order.

        Only the branches of a union whose marker (the literal of its first step's predicate) occurs in
        the page are evaluated: each branch is a walk of the whole tree, and most belong to other eras."""
        branches = _BRANCHES.get(query)
        if branches is None:
            branches = _BRANCHES[query] = tuple((b, _marker(b)) for b in _split_union(query))
        live = "|".join(b for b, marker in branches if marker is None or self._has(marker))
        if not live:
            return []
        compiled = _XPATHS.get(live)
        if compiled is None:
            # compiled once, not per page; plain strings (a "smart" string builds a proxy of its element)
            compiled = _XPATHS[live] = etree.XPath(_DESCENDANT.sub("/descendant::", live), smart_strings=False)
        return [str(v) for v in compiled(self.tree()) if isinstance(v, str) and v.strip()]

    def _has(self, marker: str) -> bool:
        """Whether some class / id / itemprop / data-testid value of the page contains ``marker``
        (one walk over those attributes per page, then a scan of their joined values)."""
        if self._markers is None:
            values = _ATTRIBUTES(self.tree())
            self._markers = "\n".join(set(values))
        return marker in self._markers

    def tree(self) -> Any:
        if self._root is None:
            from parsel import Selector  # only pages without a page state pay for a DOM

            self._root = Selector(text=self.html).root
        return self._root


def _decode(ld_bodies: Iterator[Any], next_bodies: Iterator[Any], loads: Callable[[Any], Any],
            html: Page, ld_loads: Callable[[str], Any] | None = None) -> Blocks:
    problems: list[str] = []
    jsonld = next_props = urql = None
    for raw in ld_bodies:
        try:
            jsonld = _title_jsonld_with(raw, ld_loads or loads)
        except (ValueError, AttributeError) as exc:
            problems.append(f"page: JSON-LD block is not valid JSON ({exc.__class__.__name__})")
        if jsonld:
            break
    raw_next = next(next_bodies, None)
    if raw_next is not None:
        try:
            props = loads(raw_next)["props"]
            next_props = props.get("pageProps") if isinstance(props, dict) else None
            if not isinstance(next_props, dict):
                raise TypeError
            # the 2021 state only where the title objects of 2022–25 are not both there
            urql = None if _TITLE_OBJECTS <= next_props.keys() else _urql_title(props)
        except (ValueError, KeyError, TypeError):
            next_props = None
            problems.append("page: __NEXT_DATA__ block is not valid JSON or has no props.pageProps")
    blocks = Blocks(jsonld, next_props, html, problems, urql)
    if jsonld is None and next_props is None:
        problems.append("page: neither JSON-LD nor __NEXT_DATA__ found; fell back to HTML")
    elif next_props is None:
        problems.append("page: no __NEXT_DATA__ (old layout?); fields only it carries are null")
    elif not blocks.has_state:
        problems.append("page: __NEXT_DATA__ holds no title data at any known place (a new layout?); "
                        "fell back to JSON-LD and HTML")
    return blocks


def _title_jsonld_with(raw: str, loads: Callable[[str], Any]) -> dict[str, Any] | None:
    data = loads(raw)
    candidates = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    for node in candidates:
        if isinstance(node, dict) and node.get("@type") not in (None, "BreadcrumbList", "Organization"):
            return node
    return None


def read_blocks(html: Page, state_keys: tuple[str, ...] | None = None,
                decoders: Mapping[str, ObjectDecoder] | None = None) -> Blocks:
    """Find and decode JSON-LD and ``__NEXT_DATA__`` without a DOM (``find`` + orjson), so parsing stays
    fast; ``html`` may be the response's bytes (then nothing of a page-state page is decoded to text). With
    ``state_keys`` only those keys of ``props.pageProps`` are kept (those with one of ``decoders`` only in the parts
    it keeps): cut from their own slices where the layout allows (``title_objects``), else in one typed msgspec
    pass over the whole state that also keeps ``urqlState``; where a value's shape misses the types, key by key
    (``_state_subset``). A body that is not all UTF-8 where a block is read (a decoder refuses a byte, or a block
    does not parse) is read again as its text, the bad bytes replaced, as the DOM path reads it: one byte never
    costs the page its blocks."""
    if not isinstance(html, bytes):
        return _read_blocks(html, state_keys, decoders)
    try:
        blocks = _read_blocks(html, state_keys, decoders)
        if not any(_NOT_JSON in problem for problem in blocks.problems) or _is_utf8(html):
            return blocks  # a block that does not parse in a page that is all UTF-8 parses no better as text
    except UnicodeDecodeError:
        pass
    return _read_blocks(html.decode("utf-8", errors="replace"), state_keys, decoders)


_NOT_JSON = "is not valid JSON"  # in the problems _decode names for a block that does not parse


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_blocks(html: Page, state_keys: tuple[str, ...] | None,
                 decoders: Mapping[str, ObjectDecoder] | None) -> Blocks:
    first_lt: list[int] = []  # the first "<" after the state script's tag, met on the walk back to it
    start = next(script_starts(html, _NEXT_WORD, backwards=True, after=first_lt), None) if state_keys else None
    # searched for once: a page without one (2014-21 markup) is not walked through a second time
    next_bodies: Iterator[Any] = iter(()) if state_keys and start is None else scripts(html, _NEXT_WORD, True)
    loads: Callable[[Any], Any] = orjson.loads
    object_keys: dict[str, list[str] | bytes | memoryview] = {}
    state, state_text = (0, 0), None
    if start is not None and state_keys:
        state = (start, script_end(html, start, first_lt[0] if first_lt else -1))
        # the title objects from their own slices, the rest of the state not crossed (served 2022-25 pages)
        cut = title_objects(html, *state, state_keys, decoders or {})
        if cut is not None:
            subset, object_keys = {"props": {"pageProps": cut[0]}}, cut[1]
        else:
            text = utf8_slice(html, start, state[1])
            try:  # one typed pass over the whole state: what no path reads is skipped, not built, nothing searched
                subset, state_text = state_schema.state_decoder(state_keys, decoders or {}).decode(text), text
            except msgspec.MsgspecError:  # a value of a shape the types miss, or not JSON: key by key, then whole
                try:
                    subset = _state_subset(html, start, state_keys, decoders or {}, object_keys, state[1])
                except (orjson.JSONDecodeError, ValueError):
                    subset = None  # decoded whole below, which names the problem
        if subset is not None:
            next_bodies, loads = iter([subset]), _as_is
    blocks = _decode(scripts(html, _LD_WORD, skip=state), next_bodies, loads, html, ld_loads=orjson.loads)
    if blocks.next is not None:
        blocks._object_keys, blocks._state = object_keys, state_text
    return blocks


def _as_is(value: Any) -> Any:
    return value


def read_blocks_dom(html: Page) -> Blocks:
    """The reference path: the same blocks found through a DOM of the whole page and decoded with ``json``.

    Slow (it builds the tree of a 0.5–1 MB page); the tests and ``benchmarks/parse.py`` hold the fast path
    to the items this one gives."""
    import json

    from parsel import Selector

    sel = Selector(text=html if isinstance(html, str) else html.decode("utf-8", errors="replace"))
    ld = iter(sel.xpath('//script[contains(@type,"ld+json")]/text()').getall())
    nxt = iter(sel.xpath('//script[@id="__NEXT_DATA__"]/text()').getall())
    blocks = _decode(ld, nxt, json.loads, html)
    blocks._root = sel.root
    return blocks
