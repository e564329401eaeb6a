"""``scrapy crawl imdb``: title pages (+ full keyword lists) from ids, dumps or search pages.

Arguments (``-a``): base_url, ids, ids_file, dumps (+ title_type, min_votes, min_year, max_year),
search (+ max_results). Settings (``-s``): the ``IMDB_*`` names in ``crawler/settings.py``.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import UsageError
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import discovery, extract, list_pages, parsers
from crawler.config import CONFIG_SETTING, POSTER_HOSTS, ConfigError, CrawlConfig
from crawler.items import MovieItem
from crawler.middlewares import browser_meta
from crawler.responses import is_challenge
from crawler.state import CrawlState, crawl_state
from crawler.stats import filled

logger = logging.getLogger(__name__)
SEARCH_PAGE_SIZE = 50
# why a title request was refused (IgnoreRequest's message → the reason counted in stats.json)
IGNORED = (("off site", "redirected_off_site"), ("cut off", "incomplete_page"), ("WAF", "waf_challenge"))


class ImdbSpider(scrapy.Spider):
    name = "imdb"
    base_url: str
    source: str  # the items' `source`: imdb:HOST
    arg_error: str | None  # the one sentence a bad argument or setting stops the crawl with
    config: CrawlConfig | None  # the crawl state's (from_crawler); None when the settings were wrong
    collected: set[str]  # the crawl state's ids already written, filled live by the JSONL writer
    lookalikes: extract.LookalikeCheck  # one per crawl: the look-alike warning's sampling of misses

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Derive what the ``IMDB_*`` settings imply: user agent, browser handlers, Redis frontier."""
        super().update_settings(settings)
        try:
            config = CrawlConfig.from_settings(settings)
        except ConfigError as exc:  # before any component is built: `scrapy crawl: error: <sentence>`
            raise UsageError(str(exc), print_help=False) from None
        settings.set(CONFIG_SETTING, config, priority="spider")  # crawl_state reads it: parsed once per crawl
        settings.set("USER_AGENT", config.user_agent, priority="spider")
        if config.render == "playwright":
            from crawler.browser import apply_playwright_settings

            apply_playwright_settings(settings, config)
        if config.render == "selenium":
            from crawler.browser import apply_selenium_settings

            apply_selenium_settings(settings)
        if config.scheduler == "redis":
            from crawler.distributed import apply_redis_settings  # scrapy-redis only when asked for

            apply_redis_settings(settings, config)

    def __init__(self, base_url: str = "https://www.imdb.com", ids: str | None = None,
                 ids_file: str | None = None, dumps: str | None = None, search: str | None = None,
                 max_results: str | int = SEARCH_PAGE_SIZE, title_type: str | None = None,
                 min_votes: str | None = None, min_year: str | None = None, max_year: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.source = f"imdb:{urlsplit(self.base_url).netloc}"
        self.collected = set()
        self.lookalikes = extract.LookalikeCheck()  # a field's first miss, then every 100th (until use_state)
        self.arg_error = None
        self.config = None
        self.args = {"ids": ids, "ids_file": ids_file, "dumps": dumps, "search": search}
        try:
            self.filters = discovery.DumpFilter.from_args(title_type, min_votes, min_year, max_year)
            self.max_results = int(max_results)
            if self.max_results < 1:
                raise ValueError
        except discovery.DiscoveryError as exc:
            self.arg_error = str(exc)
        except (TypeError, ValueError):
            self.arg_error = f"max_results={max_results!r} is not a positive whole number."
        if not self.arg_error and not urlsplit(self.base_url).scheme.startswith("http"):
            self.arg_error = f"base_url={base_url!r} is not an http(s) URL."
        if not self.arg_error and not any(self.args.values()):
            self.arg_error = "nothing to crawl: pass -a ids=tt..., -a ids_file=PATH, -a dumps=DIR or -a search=QUERY."
        host = urlsplit(self.base_url).hostname or ""
        self.allowed_domains = [host, *POSTER_HOSTS]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ImdbSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.use_state(crawl_state(crawler))
        except ConfigError as exc:
            spider.arg_error = spider.arg_error or str(exc)
        return spider

    def use_state(self, state: CrawlState) -> None:
        """Read the crawl's config (and its look-alike sampling) and the live set of ids already written from its
        shared state."""
        self.config, self.collected = state.config, state.collected_ids
        self.lookalikes = extract.LookalikeCheck(state.config.lookalike_every)  # IMDB_LOOKALIKE_EVERY
        if not self.dont_filter and (self.arg_error or "").startswith("nothing to crawl"):
            self.arg_error = None  # a shared-crawl worker takes its ids from Redis (crawler.distributed push)

    @property
    def dont_filter(self) -> bool:
        """Title requests skip the dupefilter (a resumed or re-queued title must not be deduplicated away),
        except in a shared crawl, where the Redis dupefilter is what keeps workers apart."""
        return self.config is None or self.config.scheduler != "redis"

    # --- discovery --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.arg_error:
            self.stop_with(self.arg_error)
            return
        if self.config.render == "none" and not self.config.contact and "imdb.com" in self.base_url:
            logger.info("tip: set -s IMDB_CONTACT=you@example.org so IMDb can reach you about this crawler")
        try:
            for imdb_id in self.discovered_ids():
                if imdb_id in self.collected:
                    self.crawler.stats.inc_value("imdb/skipped_already_collected")
                    continue
                yield self.title_request(imdb_id)
        except (discovery.DiscoveryError, OSError, EOFError) as exc:
            self.stop_with(str(exc) if isinstance(exc, discovery.DiscoveryError) else
                           f"could not read the discovery input: {exc}")
            return
        if self.args["search"]:
            try:
                url = discovery.search_url(self.base_url, self.args["search"])
            except discovery.DiscoveryError as exc:
                self.stop_with(str(exc))
                return
            yield self.search_request(url)

    def discovered_ids(self) -> Iterator[str]:
        if self.args["ids"]:
            yield from discovery.parse_ids(self.args["ids"])
        if self.args["ids_file"]:
            yield from discovery.read_ids_file(self.args["ids_file"])
        if self.args["dumps"]:
            yield from discovery.iter_dump_ids(self.args["dumps"], self.filters)

    def stop_with(self, message: str) -> None:
        """One clear sentence, no traceback; discovery stops (what is already requested still finishes)."""
        logger.error("imdb: %s", message)
        self.crawler.stats.set_value("imdb/stopped_by", "bad_arguments")
        self.crawler.stats.set_value("imdb/error", message)

    def page_meta(self, imdb_id: str | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {"imdb_page": True, **browser_meta(self.config.render)}
        if imdb_id:
            meta["imdb_id"] = imdb_id
        return meta

    def title_request(self, imdb_id: str) -> scrapy.Request:
        """The request for one title page (also used by the distributed coordinator)."""
        return scrapy.Request(f"{self.base_url}/title/{imdb_id}/", callback=self.parse_title,
                              errback=self.title_failed, meta=self.page_meta(imdb_id), dont_filter=self.dont_filter)

    def search_request(self, url: str) -> scrapy.Request:
        meta = self.page_meta()
        if self.config.render == "playwright" and self.max_results > SEARCH_PAGE_SIZE:
            meta["playwright_include_page"] = True
        return scrapy.Request(url, callback=self.parse_search, meta=meta, dont_filter=True,
                              errback=self.close_browser_page)

    # --- pages ------------------------------------------------------------------------------
    async def parse_search(self, response: Response) -> AsyncIterator[scrapy.Request]:
        page = response.meta.get("playwright_page")
        ids, total = list_pages.parse_search_page(response.text)
        if page is not None:
            from crawler.search import click_more

            try:
                ids = await click_more(page, self.max_results, self.crawler.stats) or ids
            finally:
                await page.close()
        elif self.max_results > len(ids) and (total or 0) > len(ids):
            logger.info("search: %d of %s results are on the first page; the rest appear only after "
                        "clicking '50 more' in a browser (-s IMDB_RENDER=playwright)", len(ids), total)
        self.crawler.stats.set_value("imdb/search/ids", min(len(ids), self.max_results))
        for imdb_id in ids[: self.max_results]:
            if imdb_id not in self.collected:
                yield self.title_request(imdb_id)

    async def close_browser_page(self, failure: Failure) -> None:
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        logger.error("search page failed: %s", failure.value)

    def parse_title(self, response: Response) -> Iterator[Any]:
        if is_challenge(response):  # the WAF middleware normally catches these first
            self.crawler.stats.inc_value("imdb/waf/challenges_in_spider")
            return
        requested = response.meta["imdb_id"]
        try:
            fields, warnings = extract.parse_title_page(page_body(response), response.url, lookalikes=self.lookalikes)
        except Exception as exc:  # noqa: BLE001 - a bug or a page beyond imagining must not lose the title
            logger.exception("extraction failed on %s; writing the item with a warning", response.url)
            self.crawler.stats.inc_value("imdb/extraction_errors")
            fields, warnings = {"_keyword_total": None}, [f"page: extraction failed ({type(exc).__name__}: {exc})"]
        keyword_total = fields.pop("_keyword_total")
        if not any(filled(v) for k, v in fields.items() if k not in ("imdb_id", "field_sources")):
            yield from self.retry_empty_page(response, warnings)  # never an all-null item counted as done
            return
        page_id = fields.pop("imdb_id", None) or requested
        if page_id != requested:
            warnings.append(f"imdb_id: asked for {requested}, the page is {page_id}")
        item = MovieItem(imdb_id=page_id, url=f"{self.base_url}/title/{page_id}/", **fields,
                         scraped_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                         source=self.source, warnings=warnings)
        if self.config.follow_keywords and keyword_total and keyword_total > len(item.keywords or []):
            meta = {**self.page_meta(requested), "imdb_item": item}
            yield scrapy.Request(f"{self.base_url}/title/{page_id}/keywords/", callback=self.parse_keywords,
                                 errback=self.keywords_failed, meta=meta, dont_filter=self.dont_filter)
            return
        yield item

    def retry_empty_page(self, response: Response, warnings: list[str]) -> Iterator[scrapy.Request]:
        """A 200 page that yields no field (cut short, an error page, not HTML): retried like a failed
        download; after the last retry a counted failure, not an item, so the next run asks again."""
        retry = get_retry_request(response.request, spider=self, reason="page without title data")
        if retry is not None:
            self.crawler.stats.inc_value("imdb/retry/page_without_data")
            yield retry
            return
        why = (warnings or ["no field found"])[0]
        self.record_failure(response.meta["imdb_id"], "page_without_data", f"{response.url} held no title data ({why})")

    def title_failed(self, failure: Failure) -> None:
        """A title page that failed for good (retries spent, HTTP error, refused redirect): counted and
        named in stats.json; the id is not in items.jsonl, so running the same command retries it."""
        imdb_id = failure.request.meta.get("imdb_id", "?")
        if imdb_id in self.collected:
            return  # skipped because it is already written: not a failure
        error = failure.value
        if isinstance(error, HttpError):
            response = error.response
            location = response.headers.get(b"Location", b"").decode("latin-1")
            reason = f"http_{response.status}"
            detail = f"HTTP {response.status}" + (f" redirecting to {location} (not followed)" if location else "")
        else:
            reason = next((r for key, r in IGNORED if key in str(error)), type(error).__name__)
            detail = f"{type(error).__name__}: {str(error)[:200]}"
        if failure.request.url not in detail:
            detail = f"{failure.request.url}: {detail}"
        self.record_failure(imdb_id, reason, detail)

    def record_failure(self, imdb_id: str, reason: str, message: str) -> None:
        stats = self.crawler.stats
        stats.inc_value("imdb/titles_failed")
        stats.inc_value(f"imdb/titles_failed/{reason}")
        examples = stats.get_value("imdb/titles_failed_examples") or []
        if len(examples) < 100:
            stats.set_value("imdb/titles_failed_examples", [*examples, {"imdb_id": imdb_id, "reason": message}])
        logger.warning("%s failed: %s; not written, so running the same command again retries it", imdb_id, message)

    def parse_keywords(self, response: Response) -> Iterator[MovieItem]:
        item: MovieItem = response.meta["imdb_item"]
        if is_challenge(response):
            item.warnings.append("keywords: the /keywords/ page was a bot challenge; kept the title page's")
        else:
            try:
                full = list_pages.parse_keywords_page(page_body(response))
            except Exception as exc:  # noqa: BLE001 - a bug or a page beyond imagining must not lose the title
                logger.exception("keywords extraction failed on %s; writing the item with a warning", response.url)
                self.crawler.stats.inc_value("imdb/extraction_errors")
                item.warnings.append(f"keywords: the /keywords/ page could not be read ({type(exc).__name__}: "
                                     f"{exc}); kept the title page's")
                yield item
                return
            if full:
                item.keywords = parsers.dedupe([*full, *(item.keywords or [])])
                item.field_sources["keywords"] = "keywords-page"
            else:
                item.warnings.append("keywords: the /keywords/ page listed none; kept the title page's")
        yield item

    def keywords_failed(self, failure: Failure) -> Iterator[MovieItem]:
        """A failed keywords page costs the full keyword list, never the title."""
        item: MovieItem = failure.request.meta["imdb_item"]
        item.warnings.append(f"keywords: /keywords/ failed ({failure.type.__name__}); kept the title page's")
        self.crawler.stats.inc_value("imdb/keywords_page_failed")
        yield item


def page_body(response: Response) -> str | bytes:
    """A title or keywords page for its parser: the body as received where it is UTF-8 (a page-state page is then
    read without decoding its 0.5–1 MB to text), else the text."""
    if isinstance(response, TextResponse) and (
            response.encoding.lower().replace("_", "-") not in ("utf-8", "utf8") or response.body.startswith(b"\xef\xbb\xbf")):
        return response.text  # another charset, or a byte-order mark the text leaves out
    return response.body
