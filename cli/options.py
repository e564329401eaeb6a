"""Command-line options generated from the typed parameter dataclasses: one field, one flag, one help line.

Why: the build, the leaderboard and the crawl once each had a hand-written argparse builder that
repeated their dataclasses' fields (names, defaults, meanings) and drifted from them. Here a field
declares its option in `metadata` and its type decides the parsing, so a new field is a new flag,
and a field without help is an error when the parser is built (not a flag nobody can discover).

Metadata keys (all optional but `help`; `cli: False` keeps a field off the command line):
  help     one sentence for --help (required)
  example  the value shown as "e.g. --flag VALUE" (required unless the field is a bool)
  flag     the flag (default `--field-name`); two fields may share one only if both name it here
  parse    text -> value for one element (default from the type: int, float, str, Path)
  list     True: a repeatable option whose values may be `a,b` (cli/lists.py); "repeat": repeats only
           (values that may hold commas); False: one value even for a tuple field (then `parse` reads it)
  choices  the accepted values; a `Literal[...]` type gives them too
  finish   the parsed value -> the field's value (e.g. `all` -> every title type)
  group    the --help section of a top-level field; a nested dataclass field is its own section

Types: bool -> `--x/--no-x`; `X | None` -> X (None only as the default); `tuple[T, ...]`/`list[T]` -> a list
option of T; a nested dataclass -> its fields, in a section named after the field.
"""
from __future__ import annotations

import argparse
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

from cli.lists import ListAction

SCALARS: dict[Any, Callable[[str], Any]] = {int: int, float: float, str: str, Path: Path}
METAVARS = {int: "N", float: "NUM", Path: "PATH", str: "TEXT"}  # what --help shows for one value of a type


@dataclass(frozen=True)
class Option:
    """One field's option: where it lives in the dataclass tree and how argparse reads it."""

    path: tuple[str, ...]  # field names from the root dataclass down
    flag: str
    dest: str
    kwargs: dict[str, Any]
    finish: Callable[[Any], Any] | None
    group: str | None


class UndocumentedField(TypeError):
    """A params field with neither help metadata nor `cli: False`: every field must say what it is for."""


def _optional(tp: Any) -> Any:
    """`X | None` -> X (None is only ever a default; a given value is parsed as X); anything else unchanged."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return tp


def _element(tp: Any) -> Any | None:
    """The element type of `tuple[T, ...]` / `list[T]`, else None."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list and len(args) == 1:
        return args[0]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def _choices(tp: Any) -> tuple[Any, ...] | None:
    return typing.get_args(tp) if typing.get_origin(tp) is Literal else None


def _default(f: Field) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    raise UndocumentedField(f"field {f.name} has no default, so its option could not be left out")


def shown(value: Any) -> str:
    """A default as a user would type it: 0,5,6.5,10 / 32x32 / 0.5."""
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return ",".join(f"{h}x{w}" for h, w in value)
        if len(value) == 2 and all(isinstance(v, int) for v in value) and not isinstance(value, list):
            return f"{value[0]}x{value[1]}"
        return ",".join(shown(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _help(meta: dict[str, Any], flag: str, default: Any, is_bool: bool) -> str:
    text = meta["help"].strip().replace("%", "%%")
    notes = []
    if "default" not in text and default not in (None, (), [], "") and not is_bool:
        notes.append(f"default {shown(default)}")
    if is_bool and "default" not in text:
        notes.append(f"default {'on' if default else 'off'}")
    example = meta.get("example")
    if is_bool:
        notes.append(f"e.g. {flag if not default else '--no-' + flag[2:]}")
    else:
        notes.append(f"e.g. {flag} {example}")
    if text.endswith(")"):  # "… (default 80,10,10)" takes the example inside its own parentheses
        return f"{text[:-1]}; {'; '.join(notes)})"
    return f"{text} ({'; '.join(notes)})"


def _option(f: Field, tp: Any, path: tuple[str, ...], group: str | None) -> Option:
    meta = dict(f.metadata)
    name = ".".join(path)
    if not str(meta.get("help", "")).strip():
        raise UndocumentedField(f"{name} has no help: give the field metadata={{'help': ..., 'example': ...}} "
                                "(or {'cli': False} to keep it off the command line)")
    tp = _optional(tp)
    default = _default(f)
    flag = meta.get("flag") or "--" + f.name.replace("_", "-")
    dest = flag.lstrip("-").replace("-", "_")
    is_bool = tp is bool
    if not is_bool and not str(meta.get("example", "")).strip():
        raise UndocumentedField(f"{name} has help but no example: add metadata 'example', e.g. '{shown(default)}'")
    kwargs: dict[str, Any] = {"dest": dest, "default": default, "help": _help(meta, flag, default, is_bool)}
    element = _element(tp)
    as_list = meta.get("list", element is not None)
    choices = meta.get("choices") or _choices(element if as_list and element is not None else tp)
    if is_bool:
        kwargs["action"] = argparse.BooleanOptionalAction
    elif as_list:
        item = meta.get("parse") or SCALARS.get(_optional(element), str)
        if choices:
            item = _one_of(item, tuple(choices), flag)
        if as_list == "repeat":  # append copies a list default (a tuple one could not grow)
            kwargs.update(action="append", type=item, default=list(default),
                          metavar=meta.get("metavar") or dest.upper())
        else:
            kwargs.update(action=ListAction, item=item, metavar=f"{meta.get('metavar') or dest.upper()}[,...]")
    else:
        parse = meta.get("parse") or SCALARS.get(tp) or _choices(tp) and str
        if parse is None:
            raise UndocumentedField(f"{name}: type {tp} needs metadata 'parse' (text -> value)")
        kwargs["type"] = parse
        if choices:
            kwargs["choices"] = list(choices)
        else:
            kwargs["metavar"] = meta.get("metavar") or METAVARS.get(tp, dest.upper())
    return Option(path, flag, dest, kwargs, meta.get("finish"), meta.get("group", group))


def _one_of(item: Callable[[str], Any], choices: tuple[Any, ...], flag: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = item(text)
        if value not in choices:
            raise ValueError(f"invalid choice {text!r} for {flag} (choose from {', '.join(map(str, choices))})")
        return value
    return parse


def walk(cls: type, path: tuple[str, ...] = (), group: str | None = None) -> Iterator[Option]:
    """Every option of `cls`, nested dataclasses included; raises UndocumentedField for a field without help."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        if f.metadata.get("cli", True) is False or not f.init:
            continue
        tp = hints[f.name]
        if is_dataclass(tp):
            yield from walk(tp, (*path, f.name), f.metadata.get("help") or f.name)
            continue
        yield _option(f, tp, (*path, f.name), group)


def options(cls: type) -> list[Option]:
    """The options of `cls`, checked: one flag per field, except fields that name the same flag on purpose."""
    found = list(walk(cls))
    by_flag: dict[str, Option] = {}
    for opt in found:
        seen = by_flag.setdefault(opt.flag, opt)
        if seen is opt:
            continue
        named = {field_of(cls, o.path).metadata.get("flag") for o in (seen, opt)}
        if named != {opt.flag} or seen.kwargs["default"] != opt.kwargs["default"]:
            raise UndocumentedField(f"{'.'.join(seen.path)} and {'.'.join(opt.path)} both become {opt.flag}; give "
                                    "one metadata 'flag', or both the same flag and default to share it")
    return found


def field_of(cls: type, path: tuple[str, ...]) -> Field:
    """The dataclass field at `path` (field names from `cls` down)."""
    hints = typing.get_type_hints(cls)
    f = next(f for f in fields(cls) if f.name == path[0])
    return f if len(path) == 1 else field_of(hints[path[0]], path[1:])


def add_options(parser: argparse.ArgumentParser, cls: type) -> None:
    """Add one option per field of `cls` to `parser` (sections per nested dataclass or `group`)."""
    sections: dict[str, argparse._ArgumentGroup] = {}
    added: set[str] = set()
    for opt in options(cls):
        if opt.flag in added:  # a flag two fields share on purpose (--workers)
            continue
        added.add(opt.flag)
        target: argparse._ActionsContainer = parser
        if opt.group:
            if opt.group not in sections:
                sections[opt.group] = parser.add_argument_group(opt.group)
            target = sections[opt.group]
        target.add_argument(opt.flag, **opt.kwargs)


def from_args(cls: type, args: argparse.Namespace) -> Any:
    """The `cls` instance the parsed options describe (fields kept off the command line keep their defaults)."""
    values: dict[tuple[str, ...], Any] = {}
    for opt in options(cls):
        value = getattr(args, opt.dest)
        if isinstance(value, list):
            value = tuple(value) if _is_tuple(cls, opt.path) else list(value)
        values[opt.path] = opt.finish(value) if opt.finish else value
    return _make(cls, (), values)


def _is_tuple(cls: type, path: tuple[str, ...]) -> bool:
    owner = cls
    for name in path[:-1]:
        owner = typing.get_type_hints(owner)[name]
    tp = _optional(typing.get_type_hints(owner)[path[-1]])
    return typing.get_origin(tp) is tuple


def _make(cls: type, path: tuple[str, ...], values: dict[tuple[str, ...], Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in fields(cls):
        here = (*path, f.name)
        if is_dataclass(hints[f.name]) and f.metadata.get("cli", True) is not False:
            kwargs[f.name] = _make(hints[f.name], here, values)
        elif here in values:
            kwargs[f.name] = values[here]
    return cls(**kwargs)


__all__ = ["Option", "UndocumentedField", "add_options", "field_of", "from_args", "options", "shown", "walk"]
