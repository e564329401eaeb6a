"""Parsers, items, config, discovery, middlewares and the JSONL writer, without a crawl."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler import discovery, parsers
from crawler.config import ConfigError, CrawlConfig
from crawler.items import MovieItem
from crawler.middlewares import NoErrorsCachePolicy, is_challenge, retry_after_seconds
from crawler.pipelines import sized_poster_url
from crawler.stats import drifted
from tests.helpers.components import crawler_closing_into_a_list, open_writer


@pytest.mark.parametrize(("parse", "raw", "want"), [
    (parsers.duration_minutes, "PT2H16M", 136), (parsers.duration_minutes, "2h 16min", 136),
    (parsers.duration_minutes, "PT45M", 45), (parsers.duration_minutes, 8160, 136),
    (parsers.number, "1,234", 1234.0), (parsers.number, "1.2M", 1_200_000.0), (parsers.number, "3.4K", 3400.0),
    (parsers.integer, "2,134,567", 2134567), (parsers.iso_date, {"day": 5, "month": 7, "year": 2001}, "2001-07-05"),
    (parsers.iso_date, " 7 May 2007 (UK)\n", "2007-05-07"), (parsers.iso_date, "11 June 1999 (USA)", "1999-06-11"),
    (parsers.money, "$63,000,000 (estimated)", {"amount": 63e6, "currency": "USD"}),
    (parsers.money, "€1,500,000", {"amount": 1.5e6, "currency": "EUR"}),
    (parsers.text, "O&amp;apos;Brien  &amp;\nSons", "O'Brien & Sons"),
    (parsers.text_list, ["A", " a ", "A", "", None, "B"], ["A", "a", "B"]),
    (parsers.keyword, "heist See All (57) »", "heist"),
])
def test_parsers(parse, raw, want) -> None:
    assert parse(raw) == want


@pytest.mark.parametrize(("parse", "raw"), [(parsers.duration_minutes, "forever"), (parsers.number, "n/a"),
                                            (parsers.money, "63,000,000"), (parsers.iso_date, "31/03/1999"),
                                            (parsers.iso_date, "31 Smarch 1999"), (parsers.iso_date, "31 Feb 1999")])
def test_parsers_reject_with_value_error(parse, raw) -> None:
    with pytest.raises(ValueError):
        parse(raw)


def test_item_validation_nulls_bad_values_and_explains() -> None:
    item = MovieItem(imdb_id="tt0133093", rating=12.5, votes=-3, year=1999, genres=[], budget={"amount": 5.0},
                     release_date="1999-02-30").validate()
    assert item.rating is None and item.votes is None and item.budget is None and item.release_date is None
    assert item.year == 1999 and item.genres is None  # an empty list is missing, and missing is null
    assert len(item.warnings) == 4 and "rating: outside 1..10: 12.5" in item.warnings


@pytest.mark.parametrize(("imdb_id", "valid"), [("tt0133093", True), ("tt10872600", True), ("tt123456", False),
                                                ("tt123456789", False), ("nm0000206", False),
                                                ("tt\u0660\u0661\u0663\u0663\u0660\u0669\u0663", False)])
def test_imdb_ids_are_tt_and_7_or_8_digits(imdb_id: str, valid: bool) -> None:
    """Contract 1: items and every discovery input agree on what an id is."""
    assert (MovieItem(imdb_id=imdb_id).validate().imdb_id == imdb_id) is valid
    if valid:
        assert discovery.parse_ids(imdb_id) == [imdb_id]
    else:
        with pytest.raises(discovery.DiscoveryError, match="7-8 digits"):
            discovery.parse_ids(imdb_id)


def test_every_id_regex_takes_an_id_whole() -> None:
    """One pattern behind every crawler and mirror id regex: a 9-digit id is never cut to 8 digits,
    Arabic-Indic digits or a trailing newline never make an id (they did with `\\d` and `$`)."""
    from crawler import distributed, extract, search
    from mirror import app, table

    for pattern in (extract._ID_RE, search._ID, distributed.ID_IN_URL, table._LINK, app._TITLE):
        find = pattern.match if pattern is app._TITLE else pattern.search
        assert find("/title/tt10872600/")[1] == "tt10872600"
        assert find("/title/tt108726001/") is None
        assert find("/title/tt\u0660\u0661\u0663\u0663\u0660\u0669\u0663/") is None
    assert MovieItem(imdb_id="tt0133093\n").validate().imdb_id is None
    assert app._TITLE.match("/title/tt0133093\n") is None


def test_config_is_typed_and_rejects_conflicts(tmp_path: Path) -> None:
    config = CrawlConfig.from_settings(Settings({"IMDB_OUTPUT_DIR": str(tmp_path), "IMDB_POSTER_WIDTH": "0",
                                                 "IMDB_JSONL_GZIP": "1", "IMDB_CONTACT": "me@example.org"}))
    assert config.poster_width == 0 and config.poster_size_suffix() == "_V1_.jpg"
    assert config.items_path == tmp_path / "items.jsonl.gz" and "me@example.org" in config.user_agent
    (tmp_path / "file").write_text("x")
    for bad, message in [({"IMDB_RENDER": "firefox"}, "IMDB_RENDER"), ({"IMDB_POSTER_WIDTH": "-1"}, "negative"),
                         ({"IMDB_SCHEDULER": "redis"}, "REDIS_URL"),
                         ({"IMDB_OUTPUT_DIR": str(tmp_path / "file")}, "not a folder"),
                         ({"IMDB_DOWNLOAD_POSTERS": "maybe"}, "boolean")]:
        with pytest.raises(ConfigError, match=message):
            CrawlConfig.from_settings(Settings(bad))


def test_sized_poster_urls() -> None:
    url = "https://m.media-amazon.com/images/M/MV5BNzQz._V1_QL75_UX190_CR0,0,190,281_.jpg"
    assert sized_poster_url(url, 300) == "https://m.media-amazon.com/images/M/MV5BNzQz._V1_UX300.jpg"
    assert sized_poster_url(url, 0) == "https://m.media-amazon.com/images/M/MV5BNzQz._V1_.jpg"


@pytest.mark.parametrize("url", [  # forms seen on real pages (../shared/data/realpages/SOURCES.md)
    "https://m.media-amazon.com/images/M/MV5BMTQ1MjQwMTE5OF5BMl5BanBnXkFtZTgwNjk3MTcyMDE@._V1_.jpg",
    "https://m.media-amazon.com/images/M/MV5BMTg3NTMwMzY2OF5BMl5BanBnXkFtZTgwMDcxMjQ0NDE@._V1_UX32_CR0,0,32,44_AL_.jpg",
    "https://m.media-amazon.com/images/M/MV5BMTVlNWM4NTAtNDQxYi00YWU5LWIwM2MtZmVjYWFmODZiODE5XkEyXkFqcGdeQXVyNjU0OTQ0OTY@"
    "._V1_UY268_CR4,0,182,268_AL_.jpg",
    "https://m.media-amazon.com/images/M/MV5BMTg3NTMwMzY2OF5BMl5BanBnXkFtZTgwMDcxMjQ0NDE@._V1_QL75_UY281_CR4,0,190,281_.jpg",
    "https://m.media-amazon.com/images/M/MV5BMTg3NTMwMzY2OF5BMl5BanBnXkFtZTgwMDcxMjQ0NDE@._V1_FMjpg_UX1000_.jpg",
    "http://ia.media-imdb.com/images/M/MV5BMTkxNDYxOTA4M15BMl5BanBnXkFtZTgwNTk0NzQxMTE@._V1_SX214_AL_.jpg",
    "https://images-na.ssl-images-amazon.com/images/M/MV5BMTkxNDYxOTA4M15BMl5BanBnXkFtZTgwNTk0NzQxMTE@._V1._SY315_CR0,0,410,315_.jpg",
])
def test_real_poster_url_forms_are_resized_not_stacked(url: str) -> None:
    stem = url[: url.index("._V1")]
    assert sized_poster_url(url, 300) == stem + "._V1_UX300.jpg"
    assert sized_poster_url(url, 0) == stem + "._V1_.jpg"


def test_poster_hosts_of_the_real_site_pass_the_offsite_filter_pages_elsewhere_do_not() -> None:
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
    from scrapy.utils.test import get_crawler

    from crawler.spiders.imdb import ImdbSpider

    crawler = get_crawler(ImdbSpider)
    spider = ImdbSpider.from_crawler(crawler, base_url="https://www.imdb.com", ids="tt0133093")
    crawler.spider = spider
    middleware = OffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    for host in ("m.media-amazon.com", "ia.media-imdb.com", "images-na.ssl-images-amazon.com", "www.imdb.com"):
        middleware.process_request(Request(f"https://{host}/images/M/MV5B@._V1_.jpg"), spider)  # passes
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://www.example.org/title/tt0133093/"), spider)


def test_ids_file_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# header\n\ntt0000001\n tt0000002  # inline comment\ntt0000001\n")
    assert list(discovery.read_ids_file(path)) == ["tt0000001", "tt0000002"]
    path.write_text("tt0000001\nnot-an-id\n")
    with pytest.raises(discovery.DiscoveryError, match="line 2"):
        list(discovery.read_ids_file(path))
    assert discovery.parse_ids("tt0000002, tt0000001 tt0000002") == ["tt0000002", "tt0000001"]


def test_dumps_stream_with_nulls_quotes_and_a_cut_last_line(tmp_path: Path) -> None:
    basics = ("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n"
              'tt0000001\tmovie\t"Quoted" Title\t\\N\t0\t1999\t\\N\t\\N\tDrama\n'
              "tt0000002\tshort\tShort\tShort\t0\t2001\t\\N\t5\t\\N\n"
              "tt0000003\tmovie\tNo year\tNo year\t0\t\\N\t\\N\t\\N\t\\N\n"
              "tt0000004\tmovie\tLow votes\tLow votes\t0\t2005\t\\N\t90\tComedy\n"
              "tt0000005\tmovie\tCut")
    (tmp_path / "title.basics.tsv.gz").write_bytes(gzip.compress(basics.encode()))
    (tmp_path / "title.ratings.tsv").write_text("tconst\taverageRating\tnumVotes\ntt0000004\t5.0\t10\n"
                                                "tt0000001\t7.0\t500\ntt0000002\t6.0\t900\n")
    run = lambda **kw: list(discovery.iter_dump_ids(tmp_path, discovery.DumpFilter.from_args(**kw)))  # noqa: E731
    assert run() == ["tt0000001", "tt0000002", "tt0000003", "tt0000004"]
    assert run(title_type="movie", min_votes=100) == ["tt0000001"]
    assert run(min_year=2000, max_year=2004) == ["tt0000002"]
    with pytest.raises(discovery.DiscoveryError, match="min_votes"):
        discovery.DumpFilter.from_args(min_votes="many")
    (tmp_path / "title.ratings.tsv").unlink()
    with pytest.raises(discovery.DiscoveryError, match="title.ratings"):
        run(min_votes=1)


def _response(status: int, body: bytes, headers: dict | None = None, flags: list | None = None) -> Response:
    request = Request("https://www.imdb.com/title/tt0133093/", meta={"imdb_page": True})
    return HtmlResponse(request.url, status=status, body=body, headers=headers, request=request, flags=flags)


def test_challenge_detection_and_cache_policy() -> None:
    page = b'<html><script type="application/ld+json">{}</script></html>'
    challenge = _response(202, b"<script>solve()</script>", {"x-amzn-waf-action": "challenge"})
    assert is_challenge(challenge) and is_challenge(_response(200, b"  "))
    assert is_challenge(_response(200, b"<script>solve()</script>", {"x-amzn-waf-action": "challenge"}))
    assert not is_challenge(_response(200, page))
    # a browser reports the first navigation's 202 but holds the real page after the script ran
    assert not is_challenge(_response(202, page, {"x-amzn-waf-action": "challenge"}, flags=["playwright"]))
    policy = NoErrorsCachePolicy(Settings({"HTTPCACHE_IGNORE_SCHEMES": []}))
    ok = _response(200, page)
    assert policy.should_cache_response(ok, ok.request)
    for bad in (challenge, _response(503, b"busy"), _response(200, b"<html><body>cut mid-pa")):
        assert not policy.should_cache_response(bad, bad.request)


def test_retry_after_forms() -> None:
    assert retry_after_seconds(b"2") == 2.0 and retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_writer_resumes_after_a_kill(tmp_path: Path, gz: bool) -> None:
    writer = open_writer(tmp_path, gz)
    for n in (1, 2):
        writer.process_item(MovieItem(imdb_id=f"tt000000{n}", title=f"T{n}"))
    writer.handle.flush()
    path = writer.config.items_path
    if gz:  # a killed gzip writer leaves no trailer: cut the stream inside its last block
        writer.handle.fileobj.flush()
        data = path.read_bytes()
        path.write_bytes(data + gzip.compress(b'{"imdb_id": "tt0000009"}\n')[:15])
    else:
        with path.open("ab") as handle:
            handle.write(b'{"imdb_id": "tt00000')
    again = open_writer(tmp_path, gz)
    assert again.ids == {"tt0000001", "tt0000002"} and again.crawler.spider.collected_ids is again.ids
    with pytest.raises(DropItem):
        again.process_item(MovieItem(imdb_id="tt0000002"))
    again.process_item(MovieItem(imdb_id="tt0000003"))
    again.close_spider()
    raw = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
    assert [json.loads(line)["imdb_id"] for line in raw.splitlines()] == ["tt0000001", "tt0000002", "tt0000003"]


def test_drift_names_fields_well_below_expectation() -> None:
    assert drifted({"title": 1.0, "budget": 0.05, "metascore": 0.15}, {"title": 0.99, "budget": 0.2,
                                                                      "metascore": 0.2}) == ["budget"]


def test_poster_failures_are_counted_and_kept_on_the_item(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from crawler.pipelines import PosterPipeline

    crawler = get_crawler(settings_dict={"IMDB_OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    pipeline = PosterPipeline.from_crawler(crawler)
    item = MovieItem(imdb_id="tt0133093", poster_url="https://m.media-amazon.com/images/M/MV5B._V1_.jpg")
    (request,) = pipeline.get_media_requests(item, None)
    assert request.url.endswith("._V1_UX300.jpg")
    pipeline.item_completed([(False, Failure(ConnectionError("reset by peer")))], item, None)
    assert item.poster_path is None and item.warnings == ["poster: download failed (ConnectionError: reset by peer)"]
    assert crawler.stats.get_value("imdb/posters/failed") == 1
    body = b"\xff\xd8\xff\xe0fake jpeg"
    response = Response(request.url, body=body, request=request)
    sha1 = pipeline.file_downloaded(response, request, None)
    assert pipeline.file_path(request, response) == f"posters/{sha1}.jpg"
    assert (tmp_path / "posters" / f"{sha1}.jpg").read_bytes() == body
    with pytest.raises(ValueError, match="not an image"):
        pipeline.file_downloaded(Response(request.url, body=b"<html>", request=request), request, None)


@pytest.mark.parametrize(("exception", "counted"), [("crashed", True), ("timeout", False)])
def test_a_browser_that_dies_on_every_page_stops_the_crawl(exception: str, counted: bool, monkeypatch) -> None:
    """Chromium that starts but dies in every `driver.get` (BrowserCrashed) counts like one that never
    starts; an ordinary download error does not."""
    from scrapy.exceptions import DownloadTimeoutError

    from crawler.middlewares import BrowserCrashed, BrowserFailureMiddleware

    crawler, closed = crawler_closing_into_a_list(monkeypatch, {"IMDB_RENDER": "selenium"})
    middleware = BrowserFailureMiddleware.from_crawler(crawler)
    error = BrowserCrashed("chromedriver failed: disconnected") if exception == "crashed" else DownloadTimeoutError("slow")
    for _ in range(BrowserFailureMiddleware.LIMIT):
        assert middleware.process_exception(Request("http://127.0.0.1/title/tt0133093/"), error) is None
    assert closed == (["browser_failed"] if counted else [])
    assert (crawler.stats.get_value("imdb/stopped_by") == "browser_failed") == counted


def test_stop_crawl_closes_once_and_keeps_the_first_reason(monkeypatch, caplog) -> None:
    """Four stops share `stop_crawl` (unreachable, WAF, browser, Redis): the first one wins, later ones neither
    log nor close again, and `error=True` keeps the sentence for stats.json."""
    from crawler import stats

    crawler, closed = crawler_closing_into_a_list(monkeypatch)
    with caplog.at_level("ERROR"):
        assert stats.stop_crawl(crawler, "waf_challenge", "first sentence", error=True) is True
        assert stats.stop_crawl(crawler, "unreachable", "second sentence") is False
    assert closed == ["waf_challenge"]
    assert crawler.stats.get_value("imdb/stopped_by") == "waf_challenge"
    assert crawler.stats.get_value("imdb/error") == "first sentence"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == ["first sentence"]


def cdp(method: str, request_id: str, frame: str = "main", **params: object) -> dict:
    return {"method": f"Network.{method}", "params": {"requestId": request_id, "frameId": frame,
                                                       "type": "Document", **params}}


def test_selenium_reads_the_main_documents_status_headers_and_failure() -> None:
    from scrapy.exceptions import DownloadConnectionRefusedError, DownloadFailedError, ResponseDataLossError

    from crawler.browser import main_document, network_error

    def response(status: int, **headers: str) -> dict:
        return {"response": {"status": status, "headers": headers}}

    challenge_then_page = [
        cdp("requestWillBeSent", "1"), cdp("responseReceived", "1", **response(202, **{"x-amzn-waf-action": "challenge"})),
        cdp("requestWillBeSent", "9", frame="ad"), cdp("responseReceived", "9", frame="ad", **response(404)),
        cdp("requestWillBeSent", "2"),
        cdp("responseReceived", "2", **response(429, **{"Retry-After": "3", "Content-Encoding": "gzip",
                                                        "Set-Cookie": "a=1\nb=2"}))]
    doc = main_document(challenge_then_page, "main")  # the last main-frame document counts, not an iframe's
    assert doc.status == 429 and doc.error is None
    assert doc.headers == {"Retry-After": ["3"], "Set-Cookie": ["a=1", "b=2"]}  # wire encoding is not the DOM's
    cut = [cdp("requestWillBeSent", "1"), cdp("responseReceived", "1", **response(200)),
           cdp("loadingFailed", "1", errorText="net::ERR_CONTENT_LENGTH_MISMATCH")]
    assert main_document(cut, "main").error == "net::ERR_CONTENT_LENGTH_MISMATCH"
    assert main_document([], "main").status is None
    assert isinstance(network_error("net::ERR_CONTENT_LENGTH_MISMATCH", "u"), ResponseDataLossError)
    assert isinstance(network_error("unknown error: net::ERR_CONNECTION_REFUSED\n ...", "u"),
                      DownloadConnectionRefusedError)
    assert type(network_error("net::ERR_SOMETHING_NEW", "u")) is DownloadFailedError


def test_selenium_mode_renders_through_a_download_handler() -> None:
    """So rendered pages wait in Scrapy's per-domain slot like plain ones (delay, concurrency, pauses)."""
    import sys

    from crawler.spiders.imdb import ImdbSpider

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict({"IMDB_RENDER": "selenium", "IMDB_CHROMEDRIVER": sys.executable}, priority="cmdline")
    ImdbSpider.update_settings(settings)
    handler = "crawler.browser.SeleniumDownloadHandler"
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": handler, "https": handler}
    assert not any("browser" in name for name in settings.getdict("DOWNLOADER_MIDDLEWARES"))


def test_redirects_of_pages_stay_on_the_site_posters_may_use_the_image_hosts() -> None:


    from crawler.config import POSTER_HOSTS
    from crawler.middlewares import OnSiteRedirectsMiddleware

    crawler = SimpleNamespace(spider=SimpleNamespace(allowed_domains=["www.imdb.com", *POSTER_HOSTS]),
                              settings=Settings())
    crawler.stats = MemoryStatsCollector(crawler)
    middleware = OnSiteRedirectsMiddleware(crawler)
    moved = {"redirect_urls": ["https://www.imdb.com/title/tt0133093/"]}
    middleware.process_request(Request("https://www.imdb.com/title/tt0133094/", meta=moved))  # on site: passes
    with pytest.raises(IgnoreRequest):  # a title page sent to an image host is not a title page
        middleware.process_request(Request("https://m.media-amazon.com/title/tt0133093/", meta=moved))
    poster = {**moved, "imdb_poster": True}
    middleware.process_request(Request("https://m.media-amazon.com/images/M/x._V1_.jpg", meta=poster))
    assert crawler.stats.get_value("imdb/redirects_off_site") == 1
