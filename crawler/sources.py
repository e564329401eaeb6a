"""The field table's vocabulary: a ``Source`` (where a field sits in one block: a dotted path or an XPath),
a ``Field`` (its sources in priority order and its parser), and ``resolve``, which walks a compiled path
through a decoded block (a page state or JSON-LD)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.blocks import HTML, JSONLD, NEXT, URQL

Parser = Callable[[Any], Any]
STATE_BLOCKS = (NEXT, URQL)
_STEP_RE = re.compile(r"^([^\[]+)(?:\[(.*)\])?$")


def _compile(path: str) -> list[tuple[str, str | None]]:
    """``a.b[].c`` → [(a, None), (b, ''), (c, None)]: '' iterates, 'k=v' (k may be dotted) iterates and filters."""
    steps = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        match = _STEP_RE.match(part)
        if not match:
            raise ValueError(f"bad path step {part!r} in {path!r}")
        steps.append((match[1], match[2]))
    return steps


@dataclass(frozen=True)
class Source:
    """Where one field lives in one block: a dotted path (``a.b[].c``, ``a[@type=Person].name``) or an XPath.

    ``label`` is what ``field_sources`` records: ``block:path``, or ``html:<markup>`` for an XPath."""

    block: str
    path: str
    label: str = ""
    stateless_only: bool = False  # read only on pages without a page state (like every HTML source)
    also: tuple[str, ...] = ()  # further paths of the same block whose lists continue this one's
    steps: tuple[tuple[str, str | None], ...] = field(init=False, repr=False, compare=False)
    also_steps: tuple[tuple[tuple[str, str | None], ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.block != HTML:
            object.__setattr__(self, "steps", tuple(_compile(self.path)))
            object.__setattr__(self, "also_steps", tuple(tuple(_compile(p)) for p in self.also))
        if not self.label:
            object.__setattr__(self, "label", f"{self.block}:{'+'.join((self.path, *self.also))}")


@dataclass(frozen=True)
class Field:
    name: str
    sources: tuple[Source, ...]
    parse: Parser
    expected: float = 0.0
    hints: tuple[str, ...] = ()  # lower-case key fragments that look like this field in a page state


def N(path: str, *also: str) -> Source:  # noqa: N802 - reads like the table's column header
    """The page state (``props.pageProps``) of 2022–23 and 2025 pages; ``also``: paths whose lists continue it."""
    return Source(NEXT, path, also=also)


def U(path: str, *also: str) -> Source:  # noqa: N802
    """The 2021 page state: the page's title object from ``urqlState.<hash>.data.title``, merged."""
    return Source(URQL, path, also=also)


def J(path: str, stateless_only: bool = False) -> Source:  # noqa: N802
    return Source(JSONLD, path, stateless_only=stateless_only)


def H(markup: str, xpath: str) -> Source:  # noqa: N802
    """An XPath over the HTML, named by the markup it reads (``2014:itemprop``, ``2019:title_wrapper``)."""
    return Source(HTML, xpath, f"html:{markup}")



_FILTERS: dict[str, tuple[tuple[str, ...], str]] = {}


def _filter(selector: str) -> tuple[tuple[str, ...], str]:
    """``grouping.groupingId=X`` → (("grouping", "groupingId"), "X"), parsed once per selector."""
    attr, _, wanted = selector.partition("=")
    _FILTERS[selector] = parsed = (tuple(attr.strip().split(".")), wanted.strip())
    return parsed


def _get(item: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        item = item.get(key) if isinstance(item, dict) else None
    return item


def resolve(data: Any, steps: tuple[tuple[str, str | None], ...]) -> Any:
    """Follow compiled steps; iterating steps flatten into one list. Missing → None."""
    for at, (key, selector) in enumerate(steps):  # one value down to the first iterating step (most paths: all)
        if selector is not None:
            return _resolve_many(data, steps[at:])
        data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _resolve_many(data: Any, steps: tuple[tuple[str, str | None], ...]) -> list[Any] | None:
    """``resolve`` from the first iterating step on: a list of what every branch reaches."""
    values, many = [data], False
    for key, selector in steps:
        nxt: list[Any] = []
        for value in values:
            child = value.get(key) if isinstance(value, dict) else None
            if child is None:
                continue
            if selector is None:
                nxt.append(child)
                continue
            many = True
            items = child if isinstance(child, list) else [child]
            if selector:
                keys, wanted = _FILTERS.get(selector) or _filter(selector)
                if len(keys) == 1:  # id=director: a plain key, read in place (the table's filters run over ~20 items)
                    key1 = keys[0]
                    items = [i for i in items if isinstance(i, dict) and i.get(key1) == wanted]
                else:
                    items = [i for i in items if _get(i, keys) == wanted]
            nxt.extend(items)
        values = nxt
        if not values:
            return None
    return values if many else values[0]



def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]

