"""Where title ids come from: an explicit list, a file, IMDb's bulk TSV dumps, or search pages.

The dumps are streamed line by line (title.basics has 10M+ rows): memory is bounded by the
ratings kept for the vote filter (three compact arrays), never by the size of title.basics.
"""
from __future__ import annotations

import gzip
import io
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode

from crawler.items import IMDB_ID

NULL = "\\N"


class DiscoveryError(ValueError):
    """Bad discovery input; the message names the argument or file and what to do."""


def parse_ids(raw: str) -> list[str]:
    """``ids=tt1,tt2``: comma or whitespace separated, validated, de-duplicated in order."""
    ids = [part for part in re.split(r"[\s,]+", raw.strip()) if part]
    bad = [i for i in ids if not IMDB_ID.match(i)]
    if bad:
        raise DiscoveryError(f"ids: {bad[0]!r} is not an IMDb title id (tt followed by 7-8 digits).")
    return list(dict.fromkeys(ids))


def read_ids_file(path: str | Path) -> Iterator[str]:
    """One id per line; blank lines and ``#`` comments are skipped; bad lines are named."""
    path = Path(path)
    if not path.is_file():
        raise DiscoveryError(f"ids_file: {path} does not exist or is not a file; pass a text file of tt ids.")
    seen: set[str] = set()
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            value = line.split("#", 1)[0].strip()
            if not value:
                continue
            if not IMDB_ID.match(value):
                raise DiscoveryError(f"ids_file: line {number} of {path} ({value[:40]!r}) is not a tt id.")
            if value not in seen:
                seen.add(value)
                yield value


@dataclass(frozen=True)
class DumpFilter:
    title_type: frozenset[str] | None = None
    min_votes: int | None = None
    min_year: int | None = None
    max_year: int | None = None

    @classmethod
    def from_args(cls, title_type: str | None = None, min_votes: Any = None,
                  min_year: Any = None, max_year: Any = None) -> DumpFilter:
        def as_int(name: str, value: Any) -> int | None:
            if value in (None, ""):
                return None
            try:
                return int(value)
            except (TypeError, ValueError):
                raise DiscoveryError(f"{name}={value!r} is not a whole number.") from None

        types = frozenset(t.strip() for t in title_type.split(",") if t.strip()) if title_type else None
        return cls(types or None, as_int("min_votes", min_votes), as_int("min_year", min_year),
                   as_int("max_year", max_year))


def _open_text(path: Path) -> IO[str]:
    """Plain or gzip (sniffed by magic bytes, not by name), UTF-8, newlines kept as in the dump."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _find_dump(folder: Path, stem: str, required: bool) -> Path | None:
    for name in (f"{stem}.tsv.gz", f"{stem}.tsv"):
        if (folder / name).is_file():
            return folder / name
    if required:
        raise DiscoveryError(f"dumps: {folder} has no {stem}.tsv.gz or {stem}.tsv "
                             "(download them from https://datasets.imdbws.com/).")
    return None


def _rows(path: Path, needed: tuple[str, ...]) -> Iterator[list[str]]:
    """Split TSV lines with quoting off (IMDb titles contain bare quotes); check the header."""
    with _open_text(path) as handle:
        header = handle.readline().rstrip("\r\n").split("\t")
        missing = [c for c in needed if c not in header]
        if missing:
            raise DiscoveryError(f"dumps: {path.name} has no column {missing[0]!r}; is it an IMDb dump?")
        index = [header.index(c) for c in needed]
        width = len(header)
        for line in handle:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < width:
                continue  # a truncated last line of an interrupted download
            yield [parts[i] for i in index]


class _Ratings:
    """tt number → votes, kept as two sorted compact arrays (8 bytes a title)."""

    def __init__(self, path: Path, min_votes: int) -> None:
        ids, votes = array("q"), array("q")
        for tconst, num_votes in _rows(path, ("tconst", "numVotes")):
            if num_votes == NULL or not tconst.startswith("tt"):
                continue
            count = int(num_votes)
            if count >= min_votes:
                ids.append(int(tconst[2:]))
                votes.append(count)
        order = sorted(range(len(ids)), key=ids.__getitem__) if any(
            ids[i] > ids[i + 1] for i in range(len(ids) - 1)) else range(len(ids))
        self.ids = array("q", (ids[i] for i in order))
        self.votes = array("q", (votes[i] for i in order))

    def votes_of(self, tconst: str) -> int | None:
        key = int(tconst[2:])
        at = bisect_left(self.ids, key)
        return self.votes[at] if at < len(self.ids) and self.ids[at] == key else None


def iter_dump_ids(folder: str | Path, filters: DumpFilter) -> Iterator[str]:
    """Ids from ``title.basics`` (+ ``title.ratings`` for ``min_votes``) that pass the filters."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DiscoveryError(f"dumps: {folder} is not a folder; point it at the IMDb TSV dumps.")
    basics = _find_dump(folder, "title.basics", required=True)
    ratings = None
    if filters.min_votes is not None:
        ratings = _Ratings(_find_dump(folder, "title.ratings", required=True), filters.min_votes)
    for tconst, title_type, start_year in _rows(basics, ("tconst", "titleType", "startYear")):
        if not IMDB_ID.match(tconst):
            continue
        if filters.title_type and title_type not in filters.title_type:
            continue
        if filters.min_year is not None or filters.max_year is not None:
            if start_year == NULL or not start_year.isdigit():
                continue
            year = int(start_year)
            if (filters.min_year is not None and year < filters.min_year) or (
                    filters.max_year is not None and year > filters.max_year):
                continue
        if ratings is not None and ratings.votes_of(tconst) is None:
            continue
        yield tconst


def search_url(base_url: str, query: str) -> str:
    """``/search/title/?<query>`` with IMDb's sort by votes unless the query sorts already."""
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    if not pairs:
        raise DiscoveryError(f"search={query!r} has no parameters; try search='title_type=feature&num_votes=125,'.")
    if not any(k == "sort" for k, _ in pairs):
        pairs.append(("sort", "num_votes,desc"))
    return f"{base_url.rstrip('/')}/search/title/?{urlencode(pairs, safe=',')}"
