"""The spider's callbacks on their own: odd responses still give one item per title."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler import extract, list_pages
from crawler.items import MovieItem
from crawler.spiders.imdb import ImdbSpider
from tests.helpers.title_page import page


@pytest.fixture
def spider(tmp_path: Path) -> ImdbSpider:
    crawler = get_crawler(ImdbSpider, {"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_FOLLOW_KEYWORDS": False})
    return ImdbSpider.from_crawler(crawler, ids="tt0133093")


def _request(spider: ImdbSpider) -> Request:
    return spider.title_request("tt0133093")


def test_a_title_page_served_as_bytes_still_parses(spider: ImdbSpider) -> None:
    request = _request(spider)
    response = Response(request.url, body=page().encode(), request=request)  # no text content type
    (item,) = list(spider.parse_title(response))
    assert isinstance(item, MovieItem) and item.title == "The Matrix" and item.url == request.url


def test_an_extraction_bug_is_retried_then_a_counted_failure_never_an_empty_item(spider: ImdbSpider,
                                                                                  monkeypatch) -> None:
    """A page that yields no field is never written (an all-null item would count the title as done and
    a resume would skip it): retried like a failed download, then counted in stats.json (issue 15, #7)."""
    def broken(html: str, url: str, **options: object):
        raise RuntimeError("boom")

    monkeypatch.setattr(extract, "parse_title_page", broken)
    request = _request(spider)
    (retry,) = list(spider.parse_title(HtmlResponse(request.url, body=page().encode(), request=request)))
    assert isinstance(retry, Request) and retry.url == request.url and retry.meta["retry_times"] == 1
    request.meta["retry_times"] = spider.crawler.settings.getint("RETRY_TIMES")  # the last try
    assert list(spider.parse_title(HtmlResponse(request.url, body=page().encode(), request=request))) == []
    stats = spider.crawler.stats
    assert stats.get_value("imdb/titles_failed/page_without_data") == 1
    (example,) = stats.get_value("imdb/titles_failed_examples")
    assert example["imdb_id"] == "tt0133093" and "RuntimeError: boom" in example["reason"]


def test_a_redirect_to_another_id_is_recorded(spider: ImdbSpider) -> None:
    request = spider.title_request("tt9999999")
    response = HtmlResponse("https://www.imdb.com/title/tt0133093/", body=page().encode(), request=request)
    (item,) = list(spider.parse_title(response))
    assert item.imdb_id == "tt0133093" and "asked for tt9999999" in item.warnings[0]


def test_poster_hosts_of_the_real_site_pass_the_offsite_filter_pages_elsewhere_do_not() -> None:
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware

    crawler = get_crawler(ImdbSpider)
    spider = ImdbSpider.from_crawler(crawler, base_url="https://www.imdb.com", ids="tt0133093")
    crawler.spider = spider
    middleware = OffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    for host in ("m.media-amazon.com", "ia.media-imdb.com", "images-na.ssl-images-amazon.com", "www.imdb.com"):
        middleware.process_request(Request(f"https://{host}/images/M/MV5B@._V1_.jpg"))  # passes
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://www.example.org/title/tt0133093/"))


def test_a_utf8_title_page_reaches_the_parser_as_its_bytes_and_another_charset_as_text() -> None:
    from crawler.spiders.imdb import page_body

    html = '<html><head><meta charset="{}"></head><body>Amélie</body></html>'
    utf8 = HtmlResponse("https://www.imdb.com/title/tt0211915/", body=html.format("utf-8").encode())
    assert page_body(utf8) is utf8.body
    latin = HtmlResponse("https://www.imdb.com/title/tt0211915/", body=html.format("iso-8859-1").encode("latin-1"))
    assert page_body(latin) == latin.text and "Amélie" in latin.text
    marked = HtmlResponse("https://www.imdb.com/title/tt0211915/", body=b"\xef\xbb\xbf" + html.format("utf-8").encode())
    assert page_body(marked) == marked.text
    for response in (utf8, latin, marked):  # the same item either way
        assert extract.parse_title_page(page_body(response), response.url) == extract.parse_title_page(
            response.text, response.url)


def test_the_crawl_looks_for_look_alike_keys_at_a_fields_first_miss_not_on_every_page(spider: ImdbSpider) -> None:
    """Listing a title object's keys is one more pass over a 0.5-1 MB page state: the spider's LookalikeCheck
    names the unread look-alike key on the first page missing the field, not on the next ones."""
    props = {"tconst": "tt0133093", "aboveTheFoldData": {"id": "tt0133093", "titleText": {"text": "The Matrix"}},
             "mainColumnData": {"boxOfficeBudgetV9": {"amount": 1}}}
    state = json.dumps({"props": {"pageProps": props}})
    body = f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'.encode()
    request = _request(spider)
    items = [next(iter(spider.parse_title(HtmlResponse(request.url, body=body, request=request)))) for _ in range(3)]
    assert [any("mainColumnData.boxOfficeBudgetV9" in w for w in item.warnings) for item in items] == [True, False, False]


def _budget_lookalike_page() -> bytes:
    """A page-state page whose budget sits under a key no path reads (a layout change)."""
    props = {"tconst": "tt0133093", "aboveTheFoldData": {"id": "tt0133093", "titleText": {"text": "The Matrix"}},
             "mainColumnData": {"boxOfficeBudgetV9": {"amount": 1}}}
    state = json.dumps({"props": {"pageProps": props}})
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'.encode()


@pytest.mark.parametrize(("settings", "warned"), [({}, [True, False, False]),
                                                   ({"IMDB_LOOKALIKE_EVERY": "1"}, [True, True, True]),
                                                   ({"IMDB_LOOKALIKE_EVERY": "2"}, [True, False, True])])
def test_imdb_lookalike_every_sets_which_pages_carry_the_look_alike_warning(tmp_path: Path, settings: dict,
                                                                           warned: list[bool]) -> None:
    """The crawl samples the look-alike warning (a field's first miss, then every 100th); ``-s
    IMDB_LOOKALIKE_EVERY=1`` puts it on every page; stats.json counts every page that missed the field."""
    from crawler.state import crawl_state
    from crawler.stats import CrawlStatsExtension

    crawler = get_crawler(ImdbSpider, {"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_FOLLOW_KEYWORDS": False, **settings})
    spider = ImdbSpider.from_crawler(crawler, ids="tt0133093")
    stats = CrawlStatsExtension(crawler.stats, crawl_state(crawler))
    stats.spider_opened(spider)
    got = []
    for _ in warned:
        request = _request(spider)
        (item,) = list(spider.parse_title(HtmlResponse(request.url, body=_budget_lookalike_page(), request=request)))
        got.append(any("unread key mainColumnData.boxOfficeBudgetV9" in w for w in item.warnings))
    assert got == warned
    assert stats.summary("finished")["lookalike_misses"]["budget"] == len(warned)


def _keywords_response(spider: ImdbSpider, body: bytes) -> tuple[MovieItem, HtmlResponse]:
    item = MovieItem(imdb_id="tt0133093", url="https://www.imdb.com/title/tt0133093/", keywords=["hacker"],
                     field_sources={"keywords": "next:aboveTheFoldData.keywords.edges[].node.text"})
    request = Request("https://www.imdb.com/title/tt0133093/keywords/", meta={"imdb_item": item})
    return item, HtmlResponse(request.url, body=body, request=request, encoding="utf-8")


def test_a_keywords_page_with_a_byte_that_is_not_utf8_still_gives_its_keywords(spider: ImdbSpider) -> None:
    """The spider hands the page's bytes to the parser; one bad byte in the page state (a kept string) is read as
    the DOM path reads it, replaced, and the title keeps every keyword (before: UnicodeDecodeError, title lost)."""
    items = [{"rowTitle": "cafe"}, {"rowTitle": "simulation"}]
    body = page(ld=None, props={"contentData": {"section": {"items": items}}}).encode().replace(b'"cafe"', b'"caf\xe9"')
    assert b'"caf\xe9"' in body
    item, response = _keywords_response(spider, body)
    (out,) = list(spider.parse_keywords(response))
    assert out is item and out.keywords == ["caf\ufffd", "simulation", "hacker"]
    assert out.field_sources["keywords"] == "keywords-page"


def test_a_keywords_page_the_parser_cannot_read_keeps_the_title_and_its_keywords(spider: ImdbSpider,
                                                                                monkeypatch) -> None:
    def broken(html: object) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(list_pages, "parse_keywords_page", broken)
    item, response = _keywords_response(spider, page(ld=None).encode())
    (out,) = list(spider.parse_keywords(response))
    assert out is item and out.keywords == ["hacker"]
    assert any("could not be read (RuntimeError: boom)" in w for w in out.warnings)
    assert spider.crawler.stats.get_value("imdb/extraction_errors") == 1
