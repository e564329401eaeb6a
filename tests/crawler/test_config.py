"""CrawlConfig: typed values from settings, and one sentence for each conflict."""
from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.config import ConfigError, CrawlConfig


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


def test_a_crawl_parses_its_settings_once(monkeypatch):
    """The spider's update_settings parses the IMDB_* settings; every component then reads that same config."""
    from scrapy.utils.test import get_crawler

    from crawler.config import CrawlConfig as Parsed
    from crawler.spiders.imdb import ImdbSpider
    from crawler.state import crawl_state

    calls: list[int] = []
    parse = Parsed.from_settings.__func__
    monkeypatch.setattr(Parsed, "from_settings", classmethod(lambda cls, s: calls.append(1) or parse(cls, s)))
    crawler = get_crawler(ImdbSpider, {"IMDB_POSTER_WIDTH": 200})
    config = crawl_state(crawler).config
    assert config.poster_width == 200 and crawl_state(crawler).config is config
    assert crawler.settings.get("IMDB_CRAWL_CONFIG") is config and len(calls) == 1


@pytest.mark.parametrize("raw", ["0", "-3", "1.5", "every", "", 2.0, True])
def test_a_bad_lookalike_every_is_one_sentence(raw: object) -> None:
    with pytest.raises(ConfigError, match=r"^IMDB_LOOKALIKE_EVERY=.* is not a whole number >= 1 \(1 warns about "
                                          r"look-alike keys on every page\)\.$"):
        CrawlConfig.from_settings(Settings({"IMDB_LOOKALIKE_EVERY": raw}))


def test_lookalike_every_defaults_to_the_extractors_sampling() -> None:
    from crawler import extract

    assert CrawlConfig.from_settings(Settings()).lookalike_every == extract.LOOKALIKE_EVERY
    assert CrawlConfig.from_settings(Settings({"IMDB_LOOKALIKE_EVERY": " 1 "})).lookalike_every == 1
