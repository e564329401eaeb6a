"""Item pipelines, in order: validate → poster (content-addressed) → JSONL writer (resumable)."""
from __future__ import annotations

import gzip
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

import orjson
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import MediaPipeline
from scrapy.statscollectors import StatsCollector

from crawler.items import MovieItem
from crawler.jsonl import LineReader
from crawler.state import crawl_state
from crawler.stats import FillCounter

logger = logging.getLogger(__name__)
# The CDN's modifier suffix in every form real pages use: the original `._V1_.jpg`, a chain
# `._V1_QL75_UX190_CR0,0,190,281_.jpg` / `._V1_SX214_AL_.jpg`, and the older dot form `._V1._SY315_CR0,0,410,315_.jpg`.
_V1 = re.compile(r"\._V1(?:[._][^/]*?)?\.(?:jpe?g|png)$", re.I)


class ValidatePipeline:
    """Type and range rules from ``MovieItem.validate``: broken values become nulls plus warnings."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: MovieItem) -> MovieItem:
        before = len(item.warnings)
        item.validate()
        if len(item.warnings) > before:
            self.stats.inc_value("imdb/items_with_invalid_values")
        if item.warnings:
            self.stats.inc_value("imdb/items_with_warnings")
        return item


def sized_poster_url(url: str, width: int) -> str:
    """Ask the image CDN for the width needed (``_V1_UX300.jpg``); ``0`` asks for the original (``_V1_.jpg``).
    Whatever modifiers the page's URL carried (crop, quality, height) are replaced, not stacked."""
    suffix = f"._V1_UX{width}.jpg" if width else "._V1_.jpg"
    return _V1.sub(suffix, url) if _V1.search(url) else url


class PosterPipeline(FilesPipeline):
    """Downloads each poster once at the configured width and stores it as ``posters/<sha1>.jpg``.

    The name is the hash of the bytes, so it is only known after the download: ``file_path`` hashes
    the response body, and nothing is looked up before downloading. Scrapy's ``FilesPipeline`` takes the
    crawler (it downloads through the engine); everything of this pipeline's own is a plain value.
    """

    def __init__(self, output_dir: Path, poster_width: int, *, crawler: Crawler) -> None:
        self.output_dir, self.poster_width = output_dir, poster_width
        self.stats: StatsCollector = crawler.stats
        super().__init__(str(output_dir.resolve()), crawler=crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PosterPipeline:
        config = crawl_state(crawler).config
        if not config.download_posters:
            raise NotConfigured  # IMDB_DOWNLOAD_POSTERS=0: a choice, not a warning
        config.output_dir.mkdir(parents=True, exist_ok=True)  # a local folder: no S3/GCS/FTP store to set up
        return cls(config.output_dir, config.poster_width, crawler=crawler)

    def get_media_requests(self, item: MovieItem, info: MediaPipeline.SpiderInfo) -> list[Request]:
        if not item.poster_url:
            return []
        url = sized_poster_url(item.poster_url, self.poster_width)
        return [Request(url, callback=NO_CALLBACK, meta={"imdb_poster": True, "imdb_id": item.imdb_id})]

    def media_to_download(self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None) -> None:
        return None  # content-addressed: the name is unknown until the bytes are here

    def file_path(self, request: Request, response: Response | None = None,
                  info: MediaPipeline.SpiderInfo | None = None, *, item: Any = None) -> str:
        if response is None:
            return f"posters/pending-{hashlib.sha1(request.url.encode()).hexdigest()}.jpg"
        return f"posters/{hashlib.sha1(response.body).hexdigest()}.jpg"

    def file_downloaded(self, response: Response, request: Request, info: MediaPipeline.SpiderInfo,
                        *, item: Any = None) -> str:
        body = response.body
        if not (body.startswith(b"\xff\xd8") or body.startswith(b"\x89PNG")):
            raise ValueError(f"not an image ({response.headers.get('Content-Type', b'?').decode()})")
        sha1 = hashlib.sha1(body).hexdigest()
        path = self.output_dir / "posters" / f"{sha1}.jpg"
        if not path.exists():  # the same poster twice (or a resumed crawl) is stored once
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(body)
            tmp.replace(path)
        self.stats.inc_value("imdb/posters/bytes", len(body))
        return sha1

    def item_completed(self, results: list[Any], item: MovieItem, info: MediaPipeline.SpiderInfo) -> MovieItem:
        for ok, result in results:
            if ok:
                item.poster_path, item.poster_sha1 = result["path"], result["checksum"]
                self.stats.inc_value("imdb/posters/stored")
            else:
                reason = getattr(result, "value", result)
                item.warnings.append(f"poster: download failed ({type(reason).__name__}: {str(reason)[:120]})")
                self.stats.inc_value("imdb/posters/failed")
        return item


class JsonlWriterPipeline:
    """Appends one JSON object per line, flushed per item, and never writes an id twice.

    At open it reads the ids already on disk (a resumed crawl), cuts a half-written last line left
    by a killed process and skips (counts) any other unreadable line; the spider skips those ids and this pipeline drops any that recur.
    """

    def __init__(self, stats: StatsCollector, path: Path, ids: set[str], fill: FillCounter) -> None:
        self.stats = stats
        self.path = path  # items.jsonl, or items.jsonl.gz (written gzipped)
        self.ids = ids  # the crawl state's collected ids: the spider and middlewares see new ids live
        self.fill = fill
        self.handle: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlWriterPipeline:
        state = crawl_state(crawler)
        state.fill = FillCounter.for_config(state.config)
        return cls(crawler.stats, state.config.items_path, state.collected_ids, state.fill)

    def open_spider(self) -> None:
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        for existing in (path.with_suffix(""), path) if path.suffix == ".gz" else (path, Path(f"{path}.gz")):
            if existing.exists():
                self._recover(existing)
        if self.ids:
            logger.info("resuming: %d titles already in %s are skipped", len(self.ids), path)
        self.stats.set_value("imdb/items_before_run", len(self.ids))
        self.handle = gzip.open(path, "ab") if path.suffix == ".gz" else path.open("ab")

    def _recover(self, path: Path) -> None:
        """Read every line; only a torn *last* line is cut (plain) or left out of the rewrite (gzip).

        An unreadable complete line elsewhere (blank, garbage, no ``imdb_id``) is skipped and counted,
        never a reason to drop what follows it: the file is the crawl's only copy of those items."""
        reader = LineReader(path)
        rewrite = gzip.open(path.with_suffix(".tmp"), "wb") if reader.gz else None
        unreadable: list[int] = []
        for number, (line, _end) in enumerate(reader, start=1):
            if not self._remember(line):
                unreadable.append(number)
            if rewrite is not None:
                rewrite.write(line)
        if unreadable:
            shown = ", ".join(map(str, unreadable[:10])) + (" …" if len(unreadable) > 10 else "")
            logger.warning("%s: %d unreadable line(s) skipped and kept as they are (line %s)",
                           path, len(unreadable), shown)
            self.stats.inc_value("imdb/resume/unreadable_lines", len(unreadable))
        tail_kept = bool(reader.tail) and self._remember(reader.tail)
        if reader.clean and not reader.tail:
            if rewrite is not None:
                rewrite.close()
                path.with_suffix(".tmp").unlink()
            return
        if tail_kept:  # a whole record that only lacks its newline (an edited file): keep it
            logger.warning("%s: the last line had no newline; added one", path)
        elif reader.tail:
            logger.warning("%s ended with a half-written line (the crawl was killed); cut it off", path)
            self.stats.inc_value("imdb/resume/truncated_lines")
        if rewrite is None:
            with path.open("r+b") as handle:
                handle.truncate(reader.complete)
                if tail_kept:
                    handle.seek(reader.complete)
                    handle.write(reader.tail + b"\n")
        else:
            if tail_kept:
                rewrite.write(reader.tail + b"\n")
            rewrite.close()
            path.with_suffix(".tmp").replace(path)

    def _remember(self, line: bytes) -> bool:
        """Record one line's id (and fill counts); False when the line is not an item."""
        try:
            record = orjson.loads(line)
            imdb_id = record["imdb_id"]
        except (ValueError, KeyError, TypeError):
            return False
        if not isinstance(imdb_id, str):
            return False
        if imdb_id not in self.ids:
            self.ids.add(imdb_id)
            self.fill.add(record)
        return True

    def process_item(self, item: MovieItem) -> MovieItem:
        if item.imdb_id in self.ids:
            self.stats.inc_value("imdb/items_duplicate_dropped")
            raise DropItem(f"{item.imdb_id} is already in the items file")
        record = dict(vars(item))  # the fields in order; not item.to_dict(): asdict deep-copies every list (~5% of a crawl's CPU)
        self.handle.write(orjson.dumps(record) + b"\n")
        self.handle.flush()
        self.ids.add(item.imdb_id)
        self.fill.add(record)
        self.stats.inc_value("imdb/items_written")
        return item

    def close_spider(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.fill.publish(final=True)
