"""The machine-readable blocks of a title page (JSON-LD, the page state, the HTML tree), found and decoded once.

The crawl's path finds the JSON-LD and ``__NEXT_DATA__`` script elements with ``find`` (no DOM, no regex over
a 0.5–1 MB page; over the response's bytes where the spider has them, so a page-state page is never decoded to
text; the page-state script walked back to tag by tag from the page's end, its end one ``memchr`` for "<") and
decodes the page state in one msgspec pass against types built from the table (``crawler/state_schema.py``: what
no path reads is skipped, not built), JSON-LD with orjson; the HTML tree is built only for pages without a page
state. ``read_blocks_dom`` is the reference path (a DOM of the whole page, every
block decoded whole with ``json``); the tests hold both to the same items on the shared real pages.
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
from crawler.state_schema import ObjectDecoder
from crawler.xpath_union import _ATTRIBUTES, _BRANCHES, _DESCENDANT, _XPATHS, _marker, _split_union

__all__ = ["HTML", "JSONLD", "NEXT", "TITLE_STATE_KEYS", "URQL", "Blocks", "Page", "read_blocks", "read_blocks_dom"]

NEXT, URQL, JSONLD, HTML = "next", "urql", "jsonld", "html"
_LD_WORD, _NEXT_WORD = "application/ld+json", "__NEXT_DATA__"
Page = str | bytes  # a page's text, or a response's body (UTF-8) as received
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
    _object_keys: dict[str, list[str] | bytes] = field(default_factory=dict)
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







def _as(page: Page, text: str) -> Any:
    """``text`` in the page's own type (bytes for a response body), so ``find`` can take it."""
    return text.encode() if isinstance(page, bytes) else text


def _script_starts(html: Page, word: str, backwards: bool = False, skip: tuple[int, int] = (0, 0),
                   after: list[int] | None = None) -> Iterator[int]:
    """Where the text of each script element whose opening tag holds ``word`` starts, found with ``find``
    (no DOM, no regex over the page); hits of ``word`` elsewhere (in a script's text) are skipped, and
    forwards the text ``html[skip[0]:skip[1]]`` (the page state's: 0.5–1 MB no other element can sit in) is
    not searched. ``backwards`` searches from the end (the page state is near the end of the page); ``after``
    then holds the first "<" after the tag last found, where the walk met it (for ``_script_end``)."""
    pos = len(html) if backwards else 0
    word, script, gt = _as(html, word), _as(html, "<script"), _as(html, ">")
    while True:
        if backwards:
            at = _tag_back(html, word, pos, after)
        elif pos < skip[0]:
            at = html.find(word, pos, skip[0])
            if at == -1:
                pos = skip[1]
                continue
        else:
            at = html.find(word, pos)
        if at == -1:
            return
        tag = html.rfind(script, max(0, at - 300), at)
        close = html.find(gt, at)
        if tag != -1 and close != -1 and gt not in html[tag:at]:
            yield close + 1
            pos = tag if backwards else close + 1
        else:
            pos = at if backwards else at + len(word)


_TAGS_BACK = 256  # tags walked back before searching for the word (real pages: 13-207 after the state; a page
# without a state pays ~30 µs more than the two searches the walk replaces, 0.3% of its parse)


def _tag_back(html: Page, word: Any, pos: int, after: list[int] | None = None) -> int:
    """Where ``word`` last occurs in an opening ``<script`` tag before ``pos``, found by walking back tag by tag
    (one ``memrchr`` for "<" each): Next.js escapes every "<" in the page state, so from the end of a page the
    walk meets only the few tags after the state's script, then its opening tag, instead of searching
    through its 0.5–1 MB. Past ``_TAGS_BACK`` tags (or where the tag has no "<script"), ``rfind`` of the word.
    ``after`` (if given) is set to the "<" met just before the tag (the first one after it), or emptied."""
    lt, script, gt = _as(html, "<"), _as(html, "<script"), _as(html, ">")
    rfind, startswith = html.rfind, html.startswith  # a page without a state takes all the steps: kept cheap
    at, met = pos, -1
    for _ in range(_TAGS_BACK):
        at = rfind(lt, 0, at)
        if at == -1:
            break
        if startswith(script, at):
            close = html.find(gt, at, pos)
            found = html.find(word, at, pos if close == -1 else close)
            if found != -1:
                if after is not None:
                    after[:] = [met] if met != -1 else []
                return found
        met = at
    else:
        at = html.rfind(word, 0, at)
    if after is not None:
        after.clear()
    return at


def _scripts(html: Page, word: str, backwards: bool = False, skip: tuple[int, int] = (0, 0)) -> Iterator[Any]:
    """The texts of those script elements (bytes of a bytes page)."""
    end_tag = _as(html, "</script>")
    for start in _script_starts(html, word, backwards, skip):
        end = html.find(end_tag, start)
        if end == -1:
            return
        yield html[start:end]


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
    ``state_keys`` the page state is decoded in one typed msgspec pass keeping only those keys of
    ``props.pageProps`` (those with one of ``decoders`` only in the parts it keeps) and ``urqlState``; where a
    value's shape misses the types, key by key (``_state_subset``)."""
    first_lt: list[int] = []  # the first "<" after the state script's tag, met on the walk back to it
    start = next(_script_starts(html, _NEXT_WORD, backwards=True, after=first_lt), None) if state_keys else None
    # searched for once: a page without one (2014-21 markup) is not walked through a second time
    next_bodies: Iterator[Any] = iter(()) if state_keys and start is None else _scripts(html, _NEXT_WORD, True)
    loads: Callable[[Any], Any] = orjson.loads
    object_keys: dict[str, list[str] | bytes] = {}
    state, state_text = (0, 0), None
    if start is not None and state_keys:
        state = (start, _script_end(html, start, first_lt[0] if first_lt else -1))
        text = memoryview(html)[start:state[1]] if isinstance(html, bytes) else html[start:state[1]].encode()
        try:  # one typed pass over the whole state: what no path reads is skipped, not built, and nothing searched
            subset, state_text = state_schema.state_decoder(state_keys, decoders or {}).decode(text), text
        except msgspec.MsgspecError:  # a value of a shape the types miss, or not JSON: key by key, then whole
            try:
                subset = _state_subset(html, start, state_keys, decoders or {}, object_keys, state[1])
            except (orjson.JSONDecodeError, ValueError):
                subset = None  # decoded whole below, which names the problem
        if subset is not None:
            next_bodies, loads = iter([subset]), _as_is
    blocks = _decode(_scripts(html, _LD_WORD, skip=state), next_bodies, loads, html, ld_loads=orjson.loads)
    if blocks.next is not None:
        blocks._object_keys, blocks._state = object_keys, state_text
    return blocks


_LT_STEPS = 256  # "<" tried one by one inside a state that does not escape them, before searching for </script>


def _script_end(html: Page, start: int, first_lt: int = -1) -> int:
    """Where the script whose text starts at ``start`` ends: Next.js escapes every "<" in the page state, so
    its first "<" is its ``</script>``, found with one ``memchr`` (or ``first_lt``, where the caller met it
    already); a state saved with a few "<" unescaped is stepped through "<" by "<" (``memchr`` each, not a
    search for ``</script>`` over 1-3 MB); past ``_LT_STEPS`` of them, ``</script>`` is searched for."""
    lt, end_tag = _as(html, "<"), _as(html, "</script")
    at = first_lt if first_lt >= start else html.find(lt, start)
    for _ in range(_LT_STEPS):
        if at == -1:
            return len(html)
        if html.startswith(end_tag, at):
            return at
        at = html.find(lt, at + 1)
    end = html.find(_as(html, "</script>"), at) if at != -1 else -1
    return end if end != -1 else len(html)


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
