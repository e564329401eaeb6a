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
