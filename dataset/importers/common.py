"""Writing a raw folder (Contract 1) from any third-party source, with an import report."""
from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import orjson

from dataset.imaging import ImageProblem, read_media
from dataset.raw import is_imdb_id
from dataset.report import DatasetError

FIELDS = [
    "imdb_id", "url", "title", "original_title", "title_type", "year", "release_date", "runtime_min",
    "rating", "votes", "metascore", "content_rating", "genres", "countries", "languages", "color",
    "directors", "writers", "actors", "keywords", "description", "budget", "gross_worldwide",
    "poster_url", "poster_path", "poster_sha1", "trailer_urls", "scraped_at", "source", "warnings",
]
BAD_ID = "imdb id is not tt followed by 7 or 8 digits"
# What one damaged row can raise while its values are converted: it costs that row, never the import.
ROW_ERRORS = (ValueError, TypeError, AttributeError, OverflowError, KeyError, IndexError)
FIELD_LIMIT = 131_072  # characters in one field (csv's default): a longer one is a damaged row
MAX_FILE_BYTES = 200_000_001  # what the build reads of one image (50 Mpx x 4 bytes): no more is copied
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_REPLACED = [0]  # bytes that were not UTF-8, replaced by U+FFFD (see `open_text`)


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _REPLACED[0] += exc.end - exc.start
    return "\ufffd" * (exc.end - exc.start), exc.end


codecs.register_error("imdbkit-count", _count_and_replace)


def open_text(path: Path) -> IO[str]:
    """A UTF-8 text file whose undecodable bytes become U+FFFD and are counted (``RawWriter.rows``)."""
    return open(path, newline="", encoding="utf-8", errors="imdbkit-count")


def whole_number(text: object) -> int | None:
    """``text`` as an int if it is ASCII digits only (``²`` and ``١٢`` pass ``isdigit`` but are not years)."""
    return int(text) if isinstance(text, str) and _DIGITS.fullmatch(text) else None


def row_error(exc: BaseException) -> str:
    return f"unreadable row ({type(exc).__name__})"

LISTS = {"genres", "countries", "languages", "directors", "writers", "actors", "keywords", "trailer_urls", "warnings"}


def item(source: str, scraped_at: str, **values) -> dict:
    """A Contract-1 item: every field present, missing scalars null and missing lists empty."""
    out = {f: ([] if f in LISTS else None) for f in FIELDS}
    out.update(source=source, scraped_at=scraped_at)
    out.update(values)
    if out["imdb_id"] and not out["url"]:
        out["url"] = f"https://www.imdb.com/title/{out['imdb_id']}/"
    return out


def imdb_id_of(value: object) -> str | None:
    """The id if it is exactly tt + 7–8 digits, else None: ids become file and folder names."""
    text = value.strip() if isinstance(value, str) else ""
    return text if is_imdb_id(text) else None


def inside(root: Path, relative: str) -> Path | None:
    """`root / relative` if it resolves (symlinks followed) strictly inside `root`, else None."""
    if not relative or os.path.isabs(relative):
        return None
    base = root.resolve()
    path = (base / relative).resolve()
    return path if path != base and path.is_relative_to(base) else None


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise DatasetError(f"{what} {path} does not exist; check the path (real data lives in ../shared/data).")
    return path


class RawWriter:
    """Writes items.jsonl atomically (temp file + rename) and stats.json / import-report.json beside it."""

    def __init__(self, out: Path, source: str, origin: Path):
        self.out, self.source, self.origin = Path(out), source, Path(origin)
        self.out.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out / f".items.jsonl.{os.getpid()}.tmp"
        self.fh = open(self.tmp, "wb")
        self.items = 0
        self.skipped: Counter = Counter()
        self.examples: list[dict] = []
        self.replaced_bytes = 0
        # Import time stands in for scraped_at; the source's own date where known is in stats.json.
        self.scraped_at = datetime.fromtimestamp(self.origin.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def write(self, record: dict) -> None:
        self.fh.write(orjson.dumps(record) + b"\n")
        self.items += 1

    def rows(self, path: Path, fh: IO[str], required: set[str], hint: str, placeholders: bool = False,
             **reader_args) -> Iterator[tuple[str, dict]]:
        """(``file:line``, row) for each CSV row of ``fh``; a damaged row (cut short, extra cells, a field
        over FIELD_LIMIT characters, bad quoting) is a counted skip (yielded as ``{}`` with
        ``placeholders``, for tables whose row number means something), and bytes that were not UTF-8
        are counted per row in ``replaced_bytes``. A header without ``required`` is one sentence: ``hint``."""
        csv.field_size_limit(FIELD_LIMIT)
        start = _REPLACED[0]
        try:
            yield from self._rows(path, csv.DictReader(fh, restval=None, **reader_args), required, hint, placeholders)
        finally:  # the decoder works in chunks: the total is exact, the rows holding U+FFFD are the examples
            self.replaced_bytes += _REPLACED[0] - start

    def _rows(self, path: Path, reader: csv.DictReader, required: set[str], hint: str,
              placeholders: bool) -> Iterator[tuple[str, dict]]:
        try:
            header = reader.fieldnames
        except csv.Error as exc:
            raise DatasetError(f"{path} has an unreadable header ({exc}).") from None
        if header is None:
            raise DatasetError(f"{path} is empty.")
        if missing := required - set(header):
            raise DatasetError(f"{path} {hint} (missing columns: {', '.join(sorted(missing))}).")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # raised before the reader counts the line it was reading
                row, reason, line = {}, f"unreadable row ({str(exc)[:60]})", reader.line_num + 1
            else:
                bad = None in row or None in row.values()
                reason, line = "row has a different number of cells than the header" if bad else "", reader.line_num
            where = f"{path}:{line}"
            if reason:
                self.skip(reason, where)
                if not placeholders:
                    continue
                row = {}
            elif any("\ufffd" in value for value in row.values()) and len(self.examples) < 1000:
                self.examples.append({"where": where, "reason": "bytes not UTF-8, replaced by U+FFFD (row kept)"})
            yield where, row

    def titles(self, path: Path, fh: IO[str], required: set[str], hint: str,
               limit: int | None) -> Iterator[tuple[str, dict, str]]:
        """(``file:line``, row, imdb id) for the rows of a table keyed by an ``imdb_id`` column, up to ``limit``
        items written; a row whose id is not an IMDb id is a counted skip (it may name files: "../x")."""
        for where, row in self.rows(path, fh, required, hint):
            if limit is not None and self.items >= limit:
                return
            imdb_id = imdb_id_of(row["imdb_id"])
            if imdb_id is None:
                self.skip(BAD_ID, where)
                continue
            yield where, row, imdb_id

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        if len(self.examples) < 1000:
            self.examples.append({"where": where, "reason": reason})

    def copy_poster(self, src: Path, root: Path) -> tuple[str, str]:
        """posters/<sha1>.jpg (content-addressed, like the crawler); returns (poster_path, sha1).

        Only a regular file inside ``root`` is copied: ``ImageProblem`` otherwise (a FIFO, a device, a
        link out of the folder). Its pixels are checked by the build, which decodes it."""
        data = read_media(src, root, MAX_FILE_BYTES)
        sha1 = hashlib.sha1(data).hexdigest()
        rel = f"posters/{sha1}{src.suffix.lower() or '.jpg'}"
        dest = self.out / rel
        if not dest.exists():
            dest.parent.mkdir(exist_ok=True)
            dest.write_bytes(data)
        return rel, sha1

    def close(self, extra: dict | None = None) -> dict:
        self.fh.close()
        if self.items == 0:
            self.tmp.unlink(missing_ok=True)
            raise DatasetError(f"no usable rows in {self.origin}; nothing was written to {self.out}.")
        os.replace(self.tmp, self.out / "items.jsonl")
        summary = {"source": self.source, "origin": str(self.origin), "items": self.items,
                   "skipped": sum(self.skipped.values()), "skipped_by_reason": dict(self.skipped),
                   "replaced_bytes": self.replaced_bytes, **(extra or {})}
        (self.out / "stats.json").write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
        (self.out / "import-report.json").write_bytes(
            orjson.dumps({**summary, "examples": self.examples}, option=orjson.OPT_INDENT_2))
        return summary

    def abort(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


def copy_media(src: Path, root: Path, dest: Path) -> bool:
    """Copy one image if it is a regular file inside ``root``; False when refused."""
    try:
        data = read_media(src, root, MAX_FILE_BYTES)
    except ImageProblem:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return True
