"""The machine-readable blocks of a title page (JSON-LD, the page state, the HTML tree), found and decoded once.

The crawl's path finds the JSON-LD and ``__NEXT_DATA__`` script elements with ``str.find`` (no DOM, no regex over
a 0.5–1 MB page) and decodes, with orjson, only the page-state keys the field table reads, the title objects
with msgspec against types built from the table (``crawler/state_schema.py``: the parts no path reads are skipped,
not built); the HTML tree is built only for pages without a page state. ``read_blocks_dom`` is the reference path (a DOM of the whole page, every
block decoded whole with ``json``); the tests hold both to the same items on the shared real pages.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
import orjson
from lxml import etree

NEXT, URQL, JSONLD, HTML = "next", "urql", "jsonld", "html"
_LD_WORD, _NEXT_WORD = "application/ld+json", "__NEXT_DATA__"


def _attr(item: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        item = item.get(key) if isinstance(item, dict) else None
    return item


@dataclass
class Blocks:
    """The machine-readable blocks of one page, parsed once; the HTML tree only when asked for."""

    jsonld: dict[str, Any] | None
    next: dict[str, Any] | None
    html: str
    problems: list[str]
    urql: dict[str, Any] | None = None
    _root: Any = None  # the lxml tree, built on first use
    _markers: str | None = None
    _raw_objects: dict[str, bytes] = field(default_factory=dict)  # title objects decoded only in part

    def keys_of(self, name: str) -> list[str]:
        """The keys of the page state's title object ``name`` in page order, also those a typed decode skipped
        (decoded from its text when asked: only a page missing a field pays for it)."""
        raw = self._raw_objects.get(name)
        if raw is not None:
            return list(_KEYS.decode(raw))
        obj = (self.next or {}).get(name)
        return list(obj) if isinstance(obj, dict) else []

    @property
    def has_state(self) -> bool:
        """A page state with title data (2021–25): then the HTML is not read (it renders the same data)."""
        nxt = self.next or {}
        return bool(self.urql) or isinstance(nxt.get("aboveTheFoldData"), dict) or isinstance(
            nxt.get("mainColumnData"), dict)

    def block(self, name: str) -> dict[str, Any] | None:
        return {NEXT: self.next, URQL: self.urql, JSONLD: self.jsonld}[name]

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


_KEYS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_XPATHS: dict[str, Any] = {}
_ATTRIBUTES = etree.XPath("//@class|//@id|//@itemprop|//@data-testid", smart_strings=False)
_BRANCHES: dict[str, tuple[tuple[str, str | None], ...]] = {}
_MARKED = re.compile(r'(?:contains\(\s*@(?:class|id|itemprop|data-testid)\s*,|@(?:class|id|itemprop|data-testid)\s*=)\s*"([^"]+)"')


def _split_union(query: str) -> list[str]:
    """The branches of an XPath union (``|`` outside predicates and string literals)."""
    branches, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(query):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "[(":
            depth += 1
        elif not quoted and char in "])":
            depth -= 1
        elif not quoted and depth == 0 and char == "|":
            branches.append(query[start:i])
            start = i + 1
    return [*branches, query[start:]]


def _marker(branch: str) -> str | None:
    """A string some class / id / itemprop / data-testid value must contain for ``branch`` to match: the one
    its first predicate tests, unless that predicate has an ``or`` or a ``not(`` (then none: always walked)."""
    first = branch.find("[")
    if first == -1:
        return None
    predicate = branch[first:branch.find("]", first) + 1]
    found = _MARKED.search(predicate)
    return None if not found or " or " in predicate or "not(" in predicate else found[1]


# `//x` is `/descendant-or-self::node()/child::x`, which libxml2 walks several times slower than
# `/descendant::x`; the same nodes unless a positional predicate follows (the table has none on such steps).
_DESCENDANT = re.compile(r"//(?=[a-z*@])")



def _script_starts(html: str, word: str, backwards: bool = False) -> Iterator[int]:
    """Where the text of each script element whose opening tag holds ``word`` starts, found with ``str.find``
    (no DOM, no regex over the page); hits of ``word`` elsewhere (in a script's text) are skipped.
    ``backwards`` searches from the end (the page state is near the end of the page)."""
    pos = len(html) if backwards else 0
    while True:
        at = html.rfind(word, 0, pos) if backwards else html.find(word, pos)
        if at == -1:
            return
        tag = html.rfind("<script", max(0, at - 300), at)
        close = html.find(">", at)
        if tag != -1 and close != -1 and ">" not in html[tag:at]:
            yield close + 1
            pos = tag if backwards else close + 1
        else:
            pos = at if backwards else at + len(word)


def _scripts(html: str, word: str, backwards: bool = False) -> Iterator[str]:
    """The texts of those script elements."""
    for start in _script_starts(html, word, backwards):
        end = html.find("</script>", start)
        if end == -1:
            return
        yield html[start:end]


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


def _decode(ld_bodies: Iterator[str], next_bodies: Iterator[str], loads: Callable[[str], Any],
            html: str, ld_loads: Callable[[str], Any] | None = None) -> Blocks:
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


# What a title page's state is read for: the title objects (2022–25) and, on pages without both of them,
# the 2021 urqlState. The rest (translationContext, requestContext, cmsContext) is well over half of the block
# on real pages and never read.
TITLE_STATE_KEYS = ("tconst", "aboveTheFoldData", "mainColumnData")
_TITLE_OBJECTS = {"aboveTheFoldData", "mainColumnData"}
# located, not decoded: the key after mainColumnData on 2022-25 title pages, else (2025 /reference states saved
# without a request context) the last key of pageProps
_BOUNDARY_KEYS = ("requestContext", "fetchState")
_AFTER_VALUE = "unexpected content after document"
_WINDOW = 1 << 16


def _value_at(html: str, start: int, end: int) -> Any:
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


def _state_subset(html: str, start: int, keys: tuple[str, ...], decoders: Mapping[str, msgspec.json.Decoder],
                  raws: dict[str, bytes]) -> dict[str, Any] | None:
    """``{"props": {"pageProps": {key: value}, "urqlState": …}}`` with only the ``keys`` found (and
    ``urqlState`` when the page lacks one of the title objects), each value decoded on its own: the unread
    rest of the page state costs no decoding. A key with a typed decoder (``crawler/state_schema.py``) keeps
    only what the field table reads, its text going into ``raws`` for ``Blocks.keys_of``. None when the block
    does not start as a page state does (then it is decoded whole). ``read_blocks_dom`` decodes it whole; the
    tests hold both to the same items."""
    head = html.find('"pageProps":', start, start + 200)
    if head == -1:
        return None
    found = sorted((at, key) for key in keys if (at := html.find(f'"{key}":', head)) != -1)
    for key in _BOUNDARY_KEYS:  # the first one there (each missing one is a search to the page's end)
        if (at := html.find(f'"{key}":', head)) != -1:
            found = sorted([*found, (at, key)])
            break
    page_props: dict[str, Any] = {}
    for i, (at, key) in enumerate(found):
        if key in keys:
            # the comma before the next key; after the last one, the end of the script (Next.js escapes "<" in it)
            end = html.rfind(",", at, found[i + 1][0]) if i + 1 < len(found) else html.find("</script>", at)
            value_start = at + len(key) + 3
            if (decoder := decoders.get(key)) is not None and end > value_start:
                raw = html[value_start:end].encode()  # msgspec reads bytes several times faster than a str
                try:
                    page_props[key] = value = decoder.decode(raw)
                except msgspec.MsgspecError:
                    pass  # not one value (the slice runs past it), or of a shape the types miss: orjson below
                else:
                    if isinstance(value, dict):
                        raws[key] = raw
                    continue
            page_props[key] = _value_at(html, value_start, end)
    props: dict[str, Any] = {"pageProps": page_props}
    if not _TITLE_OBJECTS <= page_props.keys() and (at := html.find('"urqlState":', start)) != -1:
        props["urqlState"] = _value_at(html, at + len("urqlState") + 3, html.find("</script>", at))
    return {"props": props}


def read_blocks(html: str, state_keys: tuple[str, ...] | None = None,
                decoders: Mapping[str, msgspec.json.Decoder] | None = None) -> Blocks:
    """Find and decode JSON-LD and ``__NEXT_DATA__`` without a DOM (``str.find`` + orjson), so parsing stays
    fast; with ``state_keys`` only those keys of ``props.pageProps`` are decoded (see ``_state_subset``), those
    with one of ``decoders`` only in the parts it keeps."""
    next_bodies: Iterator[Any] = _scripts(html, _NEXT_WORD, backwards=True)
    loads: Callable[[Any], Any] = orjson.loads
    raws: dict[str, bytes] = {}
    if state_keys and (start := next(_script_starts(html, _NEXT_WORD, backwards=True), None)) is not None:
        try:
            subset = _state_subset(html, start, state_keys, decoders or {}, raws)
        except (orjson.JSONDecodeError, ValueError):
            subset = None  # decoded whole below, which names the problem
        if subset is not None:
            next_bodies, loads = iter([subset]), _as_is
    blocks = _decode(_scripts(html, _LD_WORD), next_bodies, loads, html, ld_loads=orjson.loads)
    if blocks.next is not None:
        blocks._raw_objects = raws
    return blocks


def _as_is(value: Any) -> Any:
    return value


def read_blocks_dom(html: str) -> Blocks:
    """The reference path: the same blocks found through a DOM of the whole page and decoded with ``json``.

    Slow (it builds the tree of a 0.5–1 MB page); the tests and ``benchmarks/parse.py`` hold the fast path
    to the items this one gives."""
    import json

    from parsel import Selector

    sel = Selector(text=html)
    ld = iter(sel.xpath('//script[contains(@type,"ld+json")]/text()').getall())
    nxt = iter(sel.xpath('//script[@id="__NEXT_DATA__"]/text()').getall())
    blocks = _decode(ld, nxt, json.loads, html)
    blocks._root = sel.root
    return blocks
