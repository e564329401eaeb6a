"""Writing a raw folder (Contract 1) from any third-party source, with an import report."""
from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import orjson

from dataset.raw import is_imdb_id
from dataset.report import DatasetError

FIELDS = [
    "imdb_id", "url", "title", "original_title", "title_type", "year", "release_date", "runtime_min",
    "rating", "votes", "metascore", "content_rating", "genres", "countries", "languages", "color",
    "directors", "writers", "actors", "keywords", "description", "budget", "gross_worldwide",
    "poster_url", "poster_path", "poster_sha1", "trailer_urls", "scraped_at", "source", "warnings",
]
BAD_ID = "imdb id is not tt followed by 7 or 8 digits"
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
        # Import time stands in for scraped_at; the source's own date where known is in stats.json.
        self.scraped_at = datetime.fromtimestamp(self.origin.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def write(self, record: dict) -> None:
        self.fh.write(orjson.dumps(record) + b"\n")
        self.items += 1

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        if len(self.examples) < 1000:
            self.examples.append({"where": where, "reason": reason})

    def copy_poster(self, src: Path) -> tuple[str, str]:
        """posters/<sha1>.jpg (content-addressed, like the crawler); returns (poster_path, sha1)."""
        data = src.read_bytes()
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
                   "skipped": sum(self.skipped.values()), "skipped_by_reason": dict(self.skipped), **(extra or {})}
        (self.out / "stats.json").write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
        (self.out / "import-report.json").write_bytes(
            orjson.dumps({**summary, "examples": self.examples}, option=orjson.OPT_INDENT_2))
        return summary

    def abort(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


def copy_tree_file(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
