"""Typed decoders for the page state's title objects, built from the field table's paths.

A 2025 ``/reference`` page state carries 0.5–0.8 MB under ``mainColumnData`` (the full credits alone are
~0.4 MB), of which the table reads a few strings per credit. msgspec decodes an object against a
``TypedDict`` whose keys are only the ones some path reads: every other key is skipped without building a
Python object, so the decoded dict is what ``resolve`` would see in the whole object, less what no path
visits. A value of an unexpected shape stays what it is (each level also accepts a list, a string, a number,
a boolean or null); a value msgspec cannot fit raises, and the caller decodes the object whole instead.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, Union

import msgspec

Steps = tuple[tuple[str, "str | None"], ...]
_SCALARS = (str, int, float, bool, type(None))
_count = 0


def _node(paths: list[Steps]) -> Any:
    """The type of a value that ``paths`` (relative to it) walk into; ``Any`` when one of them ends here."""
    if any(not steps for steps in paths):
        return Any
    children: dict[str, list[Steps]] = {}
    for steps in paths:
        (key, selector), rest = steps[0], steps[1:]
        children.setdefault(key, [])
        if selector:  # the filter reads an attribute of each item: keep it (``grouping.groupingId``)
            attr = selector.partition("=")[0].strip()
            children[key].append(tuple((part, None) for part in attr.split(".")))
        children[key].append(rest)
    global _count
    _count += 1
    fields = {key: _node(rest) for key, rest in children.items()}
    obj = TypedDict(f"_StateNode{_count}", fields, total=False)  # type: ignore[misc, operator]
    return Union[obj, list[Union[obj, list[Any], *_SCALARS]], *_SCALARS]  # noqa: UP007 - built at run time


def decoders(paths: Iterable[Steps]) -> dict[str, msgspec.json.Decoder]:
    """Per first key of ``paths`` (a title object: ``aboveTheFoldData``, ``mainColumnData``), a decoder of its
    value that keeps what the paths below it read."""
    below: dict[str, list[Steps]] = {}
    for steps in paths:
        below.setdefault(steps[0][0], []).append(tuple(steps[1:]))
    return {key: msgspec.json.Decoder(_node(rest)) for key, rest in below.items()}
