"""The poster and JSONL pipelines without a crawl: poster sizes, failures, resume after a kill."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import Response

from crawler.items import MovieItem
from crawler.pipelines import sized_poster_url
from crawler.state import crawl_state
from tests.helpers.components import open_writer, writer_crawler


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


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_writer_resumes_after_a_kill(tmp_path: Path, gz: bool) -> None:
    writer = open_writer(tmp_path, gz)
    for n in (1, 2):
        writer.process_item(MovieItem(imdb_id=f"tt000000{n}", title=f"T{n}"))
    writer.handle.flush()
    path = writer.path
    if gz:  # a killed gzip writer leaves no trailer: cut the stream inside its last block
        writer.handle.fileobj.flush()
        data = path.read_bytes()
        path.write_bytes(data + gzip.compress(b'{"imdb_id": "tt0000009"}\n')[:15])
    else:
        with path.open("ab") as handle:
            handle.write(b'{"imdb_id": "tt00000')
    crawler = writer_crawler(tmp_path, gz)
    again = open_writer(tmp_path, gz, crawler)
    assert again.ids == {"tt0000001", "tt0000002"} and crawl_state(crawler).collected_ids is again.ids
    with pytest.raises(DropItem):
        again.process_item(MovieItem(imdb_id="tt0000002"))
    again.process_item(MovieItem(imdb_id="tt0000003"))
    again.close_spider()
    raw = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
    assert [json.loads(line)["imdb_id"] for line in raw.splitlines()] == ["tt0000001", "tt0000002", "tt0000003"]


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
