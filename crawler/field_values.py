"""The value parsers of the field table's rows: what a path or XPath yields (a string, a number, a list of text
nodes) turned into the Contract-1 value (a title type, a year, a plot, a list of names)."""
from __future__ import annotations

import re
from typing import Any

from crawler import parsers
from crawler.sources import Parser


def _first(parse: Parser) -> Parser:
    """Apply a scalar parser to the first non-empty element when a path yields a list."""

    def wrapped(value: Any) -> Any:
        if isinstance(value, list):
            value = next((v for v in value if v not in (None, "") and (not isinstance(v, str) or v.strip())), None)
        return parse(value)

    return wrapped


def _title_type(value: Any) -> str | None:
    """``titleType.id`` as is; schema.org ``@type`` and the HTML's type label ("TV Movie",
    "TV Series (2008–2013)", 2014's "(TV Movie 2001)") mapped onto the same vocabulary; other HTML text
    (a runtime, a date) is None."""
    if isinstance(value, list):  # HTML text nodes: the first one that names a type
        return next((t for t in map(_title_type, value) if t), None)
    value = parsers.text(value)
    value = value.strip("( )") if value else None
    if not value:
        return None
    if value in _SCHEMA_TYPES:
        return _SCHEMA_TYPES[value]
    if value.startswith(("http://schema.org/", "https://schema.org/")):  # a 2014 page's microdata itemtype
        return _SCHEMA_TYPES.get(value.rsplit("/", 1)[1])
    for label, type_id in _TYPE_LABELS:
        if value == label or value.startswith(label + " "):
            return type_id
    if re.fullmatch(r"[A-Za-z]+", value):
        return value[:1].lower() + value[1:]  # an id, or a schema.org type this table does not know yet
    return None


_SCHEMA_TYPES = {"Movie": "movie", "TVSeries": "tvSeries", "TVEpisode": "tvEpisode",
                 "VideoGame": "videoGame", "TVMiniSeries": "tvMiniSeries", "TVMovie": "tvMovie",
                 "TVSpecial": "tvSpecial", "TVShort": "tvShort", "CreativeWork": None}
# The label IMDb writes before the year for titles that are not plain movies (JSON-LD calls movies,
# TV movies, shorts and videos all "Movie"); longest first, so "Video Game" wins over "Video".
_TYPE_LABELS = sorted({"TV Movie": "tvMovie", "Short": "short", "Video": "video", "Video Game": "videoGame",
                       "TV Series": "tvSeries", "TV Mini Series": "tvMiniSeries", "TV Mini-Series": "tvMiniSeries",
                       "TV Special": "tvSpecial", "TV Short": "tvShort", "TV Episode": "tvEpisode",
                       "Episode aired": "tvEpisode", "Music Video": "musicVideo", "Podcast Series": "podcastSeries",
                       "Podcast Episode": "podcastEpisode"}.items(), key=lambda kv: -len(kv[0]))
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")


def _year(value: Any) -> int | None:
    """An int year, or the first year written in text ("1999-03-31", "(2007– )", "1999")."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            if found := _YEAR.search(item):
                return int(found[1])
        elif item is not None:
            return parsers.integer(item)
    return None


def _score(value: Any) -> int | None:
    """A metascore: a number, or the leading number of "73/100"."""
    value = _first(lambda v: v)(value)
    if isinstance(value, str) and (found := re.match(r"\s*([0-9]+)\s*/\s*100", value)):
        return int(found[1])
    return parsers.integer(value)


_MORE = re.compile(r"\s*(?:See full (?:summary|synopsis))?\s*»?\s*$")  # the link's tail; "..." says it is cut


def _prose(value: Any) -> str | None:
    """A plot: a string, or the text nodes of one element joined (a linked name inside does not cut it)."""
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    text = parsers.text(value)
    if text is None:
        return None
    trimmed = _MORE.sub("", text) if text.endswith("»") else text
    return None if _NO_PLOT.match(trimmed) else trimmed or None


_NO_PLOT = re.compile(r"^(?:Add a Plot|Plot unknown|Plot under wraps)\W*$", re.I)  # placeholders, not plots


def _original(value: Any) -> str | None:
    """An original title; 2014 pages quote it ("Mononoke-hime" (original title)), 2022– pages prefix it
    ("Original title: Mononoke-hime")."""
    text = _first(parsers.text)(value)
    if text and text.startswith("Original title:"):
        text = text[len("Original title:"):].strip()
    return text.strip('"') or None if text else None


def _names(value: Any) -> list[str]:
    """A list of names in page order, each once (a name billed in two lists stays where it first appears:
    ``text_list`` keeps the first of each)."""
    return parsers.text_list(value)


def _keywords(value: Any) -> list[str]:
    return parsers.dedupe(parsers.keyword(v) for v in parsers.text_list(value))


_text, _int, _num = _first(parsers.text), _first(parsers.integer), _first(parsers.number)
