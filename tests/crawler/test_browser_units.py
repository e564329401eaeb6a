"""The Selenium renderer without a browser: the main document's status from CDP events, the download handler."""
from __future__ import annotations

from scrapy.settings import Settings


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
