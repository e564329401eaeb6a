"""Title-page extraction: the field table (``crawler/fields.py``) applied to one page's blocks
(``crawler/blocks.py``): the first source that parses wins and is recorded in ``field_sources``, a source that
fails to parse becomes a warning, a missed field whose look-alike key sits unread in the page state a layout
warning (in a crawl at a field's first miss and every 100th: ``LookalikeCheck``); then the id, absolute URLs and
the keyword total make the item."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from crawler import parsers, state_schema
from crawler.blocks import HTML, NEXT, TITLE_STATE_KEYS, Blocks, read_blocks, read_blocks_dom
from crawler.fields import _HINTS, _KNOWN_KEYS, FIELDS, KEYWORD_TOTAL
from crawler.items import IMDB_ID
from crawler.list_pages import _ID_RE
from crawler.page_state import _attr
from crawler.sources import STATE_BLOCKS, Field, Source, _as_list, resolve

__all__ = ["STATE_DECODERS", "LookalikeCheck", "parse_title_page"]


# What the page state's title objects are decoded for: every page-state path of the table, and the id.
STATE_DECODERS = state_schema.decoders(
    [steps for spec in FIELDS for s in (*spec.sources, *KEYWORD_TOTAL) if s.block == NEXT
     for steps in (s.steps, *s.also_steps)] + [(("aboveTheFoldData", None), ("id", None))])


def _lookup(blocks: Blocks, source: Source) -> Any:
    if (source.block == HTML or source.stateless_only) and blocks.has_state:
        return None  # a fallback for pages without a page state, not a second opinion
    if source.block == HTML:
        return blocks.xpath(source.path) or None
    data = blocks.block(source.block)
    if not data:
        return None
    value = resolve(data, source.steps)
    for steps in source.also_steps:  # one list split over several keys (principal cast, then the rest)
        more = resolve(data, steps)
        if more is not None:
            value = [*_as_list(value), *_as_list(more)]
    return value



def _unread_keys(blocks: Blocks) -> str:
    """One line ``key<TAB>where.key`` per key one level under the page state's title objects that no row
    reads and that is not known to be unrelated (one string, so each field's hints are one regex scan)."""
    lines = []
    for where, obj in (("aboveTheFoldData", (blocks.next or {}).get("aboveTheFoldData")),
                       ("mainColumnData", (blocks.next or {}).get("mainColumnData")),
                       ("urqlState…data.title", blocks.urql)):
        if isinstance(obj, dict):
            keys = blocks.keys_of(where) if blocks.next and obj is blocks.next.get(where) else obj
            lines.extend(f"{key}\t{where}.{key}" for key in keys if key not in _KNOWN_KEYS)
    return "\n".join(lines)


def _unread_lookalikes(unread: str, spec: Field) -> list[str]:
    """Unread page-state keys whose name looks like ``spec``'s field (the next layout change)."""
    return _HINTS[spec.name].findall(unread) if unread else []



# How often a crawl looks for look-alike keys of a field it keeps missing: its first miss, then every this many.
LOOKALIKE_EVERY = 100


class LookalikeCheck:
    """Which misses of a field the look-alike warning looks at. The warning is a diagnostic of the site's layout,
    not of one page, and listing a title object's keys is one more pass over it (0.05–0.7 MB: a typed decode skips
    the unread keys without naming them); a field with hints misses on most live pages (budget, gross,
    metascore). So a crawl looks at a field's first miss and then every ``every``-th: a layout change that moves
    a field shows within ``every`` pages that miss it (``every=1``: every page, ``-s IMDB_LOOKALIKE_EVERY=1``).
    Without one, every page is looked at (the reference). ``misses`` counts, per field, the pages that missed it
    (``lookalike_misses`` in ``stats.json``): what the sampling did not look at."""

    def __init__(self, every: int = LOOKALIKE_EVERY) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every={every!r} is not a whole number >= 1 (the look-alike check looks at a field's "
                             "first miss, then every this many).")
        self.every = every
        self.misses: dict[str, int] = {}

    def due(self, name: str) -> bool:
        """Count one miss of field ``name``; whether this one is looked at."""
        seen = self.misses[name] = self.misses.get(name, 0) + 1
        return (seen - 1) % self.every == 0


def extract_fields(blocks: Blocks, lookalikes: LookalikeCheck | None = None) -> tuple[dict[str, Any], list[str]]:
    """Every table field: the first source that parses wins (named in ``field_sources``); problems become warnings.
    ``lookalikes``: which misses the look-alike warning looks at (default: all)."""
    out: dict[str, Any] = {}
    sources: dict[str, str] = {}
    warnings = list(blocks.problems)
    unread: str | None = None
    for spec in FIELDS:
        value: Any = None  # missing is null, lists included (Contract 1)
        won: str | None = None  # the block of the source that gave it
        for source in spec.sources:
            raw = _lookup(blocks, source)
            if raw is None or raw == [] or raw == "":
                continue
            try:
                parsed = spec.parse(raw)
            except (ValueError, TypeError, OverflowError) as exc:
                warnings.append(f"{spec.name}: {source.block} {source.path}: {exc}")
                continue
            if parsed is not None and parsed != []:
                value, won = parsed, source.block
                sources[spec.name] = source.label
                break
        # a field the page state should hold but no known path found: JSON-LD's capped stand-in is no reason to
        # stay quiet about a page-state key that looks like it (the first sign of a layout change)
        if (blocks.has_state and spec.hints and won not in STATE_BLOCKS
                and (lookalikes is None or lookalikes.due(spec.name))):
            unread = _unread_keys(blocks) if unread is None else unread
            for key in _unread_lookalikes(unread, spec):
                warnings.append(f"{spec.name}: no known page-state path holds it, but the page state has an "
                                f"unread key {key}; a new layout? (add its path to crawler/fields.py)")
        out[spec.name] = value
    if out.get("votes") == 0:
        out["votes"] = None  # the page state writes voteCount 0 for "no ratings yet"
        sources.pop("votes", None)
    out["field_sources"] = sources
    return out, warnings


def imdb_id_of(blocks: Blocks, url: str) -> str | None:
    """The tt id from the page state, the JSON-LD url, or the page URL, in that order."""
    nxt = blocks.next or {}
    for candidate in (
        _attr(nxt, "aboveTheFoldData.id"), nxt.get("tconst"), (blocks.urql or {}).get("id"),
        blocks.jsonld.get("url") if blocks.jsonld else None,
        url,
    ):
        if isinstance(candidate, str):
            found = _ID_RE.search(candidate) or IMDB_ID.match(candidate)
            if found:
                return found[1] if found.re is _ID_RE else found[0]
    return None


_SEE_ALL_COUNT = re.compile(r"See All \((\d[\d,]*)\)")
_N_MORE = re.compile(r'href="[^"]*/keywords/?"[^>]*>\s*(\d[\d,]*) more\s*<')
_SEE_MORE = re.compile(r'href="[^"]*/keywords[/?][^"]*"[^>]*>\s*See more\s*<')


def keyword_total(blocks: Blocks, shown: int) -> int | None:
    """How many keywords the title has in all (the page shows only some): the page state, else the 2019–21
    "See All (N)" link, else the chip list's "N more" link; 2014 pages only say "See more" (at least one more)."""
    for source in KEYWORD_TOTAL:
        data = blocks.block(source.block)
        if data:
            try:
                total = parsers.integer(resolve(data, source.steps))
            except ValueError:
                continue
            if total is not None:
                return total
    if blocks.has_state:
        return None
    if found := _SEE_ALL_COUNT.search(blocks.html):
        return int(found[1].replace(",", ""))
    if found := _N_MORE.search(blocks.html):
        return shown + int(found[1].replace(",", ""))
    if shown and _SEE_MORE.search(blocks.html):
        return shown + 1
    return None


def parse_title_page(html: str | bytes, url: str, *, dom: bool = False,
                     lookalikes: LookalikeCheck | None = None) -> tuple[dict[str, Any], list[str]]:
    """All Contract-1 page fields of one title page (with ``field_sources``), plus the warnings met on the way.

    ``html`` is the page's text or the response's UTF-8 body: from bytes a page-state page is read without
    decoding the 0.5–1 MB page to text (nor encoding its title objects back for msgspec).

    ``dom=True`` takes the reference path (``read_blocks_dom``); the items are the same, only slower.
    ``lookalikes``: a crawl's ``LookalikeCheck`` (which misses the look-alike warning looks at); without one, all."""
    blocks = read_blocks_dom(html) if dom else read_blocks(html, TITLE_STATE_KEYS, STATE_DECODERS)
    fields, warnings = extract_fields(blocks, lookalikes)
    fields["imdb_id"] = imdb_id_of(blocks, url)
    if fields["trailer_urls"]:  # JSON-LD and legacy links are site-relative (/video/imdb/vi…)
        fields["trailer_urls"] = parsers.dedupe(urljoin(url, u) for u in fields["trailer_urls"])
    if fields["poster_url"]:
        fields["poster_url"] = urljoin(url, fields["poster_url"])
    fields["_keyword_total"] = keyword_total(blocks, len(fields["keywords"] or ()))
    return fields, warnings

