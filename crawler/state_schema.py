"""Typed decoders for the page state and its title objects, built from the field table's paths.

A 2025 ``/reference`` page state carries 0.5–0.8 MB under ``mainColumnData`` (the full credits alone are
~0.4 MB), of which the table reads a few strings per credit. msgspec decodes an object against a
``TypedDict`` whose keys are only the ones some path reads: every other key is skipped without building a
Python object, so the decoded dict is what ``resolve`` would see in the whole object, less what no path
visits. A value of an unexpected shape stays what it is (each level also accepts a list, a string, a number,
a boolean or null); a value msgspec cannot fit is decoded whole. ``state_decoder`` reads a whole page state in
one such pass (the title objects typed, every key around them skipped: nothing is searched for, so key order and
the keys present do not matter); ``title_keys`` lists the title objects' own keys from the same text (msgspec
``Raw`` values: located, not decoded) when the look-alike warning asks for the unread ones.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, Union

import msgspec
import orjson

Steps = tuple[tuple[str, "str | None"], ...]
_SCALARS = (str, int, float, bool, type(None))
_count = 0


def _children(paths: list[Steps]) -> dict[str, list[Steps]]:
    """Per key of the first steps of ``paths``, the steps below it, with the attribute a filter reads."""
    children: dict[str, list[Steps]] = {}
    for steps in paths:
        (key, selector), rest = steps[0], steps[1:]
        children.setdefault(key, [])
        if selector:  # the filter reads an attribute of each item: keep it (``grouping.groupingId``)
            attr = selector.partition("=")[0].strip()
            children[key].append(tuple((part, None) for part in attr.split(".")))
        children[key].append(rest)
    return children


def _node(paths: list[Steps]) -> Any:
    """The type of a value that ``paths`` (relative to it) walk into; ``Any`` when one of them ends here."""
    if any(not steps for steps in paths):
        return Any
    global _count
    _count += 1
    fields = {key: _node(rest) for key, rest in _children(paths).items()}
    obj = TypedDict(f"_StateNode{_count}", fields, total=False)  # type: ignore[misc, operator]
    return Union[obj, list[Union[obj, list[Any], *_SCALARS]], *_SCALARS]  # noqa: UP007 - built at run time


class ObjectDecoder:
    """Decodes one title object in one pass over its text, keeping only the values some path reads, each
    against its type; its keys are listed later, and only if asked (``keys``). Where a value does not fit
    its type, a second pass lists the keys (each value left as raw text) and that value is decoded whole
    with orjson."""

    def __init__(self, paths: list[Steps]) -> None:
        children = _children(paths)
        self.paths = tuple(paths)
        self.values = {key: msgspec.json.Decoder(_node(rest)) for key, rest in children.items()}
        global _count
        _count += 1
        whole = TypedDict(f"_StateObject{_count}", {key: _node(rest) for key, rest in children.items()},  # type: ignore[operator]
                          total=False)
        self.whole = msgspec.json.Decoder(whole)

    def decode(self, raw: bytes) -> tuple[dict[str, Any], list[str] | bytes]:
        """The object less what no path reads, and its keys (for the look-alike warning): a list, or ``raw``
        itself for ``keys`` to list when needed. Raises ``msgspec.MsgspecError`` when ``raw`` is not one JSON
        object."""
        try:
            return self.whole.decode(raw), raw
        except msgspec.ValidationError:
            pass  # a value of a shape the types miss (or not an object: raised below)
        fields = _FIELDS.decode(raw)
        kept: dict[str, Any] = {}
        for key, value in fields.items():
            if (decoder := self.values.get(key)) is not None:
                try:
                    kept[key] = decoder.decode(value)
                except msgspec.ValidationError:
                    kept[key] = orjson.loads(bytes(value))
        return kept, list(fields)


def keys(listed: list[str] | bytes | memoryview) -> list[str]:
    """The keys ``ObjectDecoder.decode`` gave: listed already, or listed now from the object's text, in page
    order (the values located, not decoded). A key name with a byte that is not UTF-8 (the typed decode skipped it
    unread) is listed with the byte replaced. msgspec 0.19 refuses such a byte with ``UnicodeDecodeError``,
    0.23 (what a fresh install gets) with ``DecodeError``, which the second decode raises again for text that is not JSON."""
    if isinstance(listed, list):
        return listed
    try:
        return list(_FIELDS.decode(listed))
    except (UnicodeDecodeError, msgspec.DecodeError):
        return list(_FIELDS.decode(bytes(listed).decode("utf-8", errors="replace").encode()))


_FIELDS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_STATE_DECODERS: dict[Any, msgspec.json.Decoder] = {}
_LISTERS: dict[tuple[str, ...], msgspec.json.Decoder] = {}


def _record(name: str, fields: dict[str, Any]) -> Any:
    """A JSON object type with only ``fields`` (each optional): msgspec skips every other key."""
    global _count
    _count += 1
    return TypedDict(f"{name}{_count}", fields, total=False)  # type: ignore[operator]


def state_decoder(keys: tuple[str, ...], objects: Mapping[str, ObjectDecoder]) -> msgspec.json.Decoder:
    """One typed decoder of a whole page state: of ``props.pageProps`` only ``keys`` (each title object of
    ``objects`` against the types its paths give, any other key whole) and the 2021 ``urqlState`` (under ``props``
    or ``props.pageProps``), whole; every other key of the state is skipped by msgspec, not built. Built once per
    set of keys and object decoders."""
    cache_key = (keys, *(objects.get(key) for key in keys))  # the decoders themselves (hashed by identity, kept)
    if (decoder := _STATE_DECODERS.get(cache_key)) is None:
        page_props = {key: _node(list(objects[key].paths)) if key in objects else Any for key in keys}
        props = {"pageProps": _record("_PageProps", {**page_props, "urqlState": Any}), "urqlState": Any}
        state = _record("_State", {"props": _record("_Props", props)})
        decoder = _STATE_DECODERS[cache_key] = msgspec.json.Decoder(state)
    return decoder


def title_keys(state: bytes | memoryview, names: tuple[str, ...]) -> dict[str, list[str] | None]:
    """The keys of the title objects ``names`` of a page state's text (their values located, not decoded), in page
    order: one pass over the state, made only when the look-alike warning asks. Each object is located as raw text
    and listed on its own, so one that is null, a string or a list (None here: the caller lists what it kept) does
    not hide the other's keys."""
    if (lister := _LISTERS.get(names)) is None:
        objects = _record("_Objects", dict.fromkeys(names, msgspec.Raw))
        shape = _record("_RawState", {"props": _record("_RawProps", {"pageProps": objects})})
        lister = _LISTERS[names] = msgspec.json.Decoder(shape)
    try:
        found = lister.decode(state).get("props", {}).get("pageProps", {})
    except (msgspec.MsgspecError, UnicodeDecodeError):  # the keys are then those of what was kept
        return dict.fromkeys(names)
    listed: dict[str, list[str] | None] = {}
    for name in names:
        try:
            listed[name] = keys(found[name]) if name in found else None
        except msgspec.MsgspecError:  # not an object
            listed[name] = None
    return listed


def decoders(paths: Iterable[Steps]) -> dict[str, ObjectDecoder]:
    """Per first key of ``paths`` (a title object: ``aboveTheFoldData``, ``mainColumnData``), the decoder of its
    value that keeps what the paths below it read."""
    return {key: ObjectDecoder(rest) for key, rest in _children([tuple(steps) for steps in paths]).items()}
