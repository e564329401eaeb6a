"""benchmarks/crawl.py's parse-only figure parses as the crawl does (the benchmark itself is never run here)."""
from __future__ import annotations

import pytest

from benchmarks import crawl as crawl_benchmark
from crawler import extract
from crawler.config import CrawlConfig


def test_parse_only_uses_the_crawls_lookalike_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """One look-alike check for the whole set of pages, sampled as the spider's default (`IMDB_LOOKALIKE_EVERY`)."""
    checks: list[object] = []

    def recording(page: str, url: str, **kwargs: object) -> tuple[dict, list[str]]:
        checks.append(kwargs.get("lookalikes"))
        return {}, []

    monkeypatch.setattr(extract, "parse_title_page", recording)
    result = crawl_benchmark.parse_only(["<html></html>", "<html><body></body></html>"], seconds=0.01)
    assert result["pages"] == 2 and len(checks) >= 2
    assert all(isinstance(c, extract.LookalikeCheck) for c in checks)
    assert len({id(c) for c in checks}) == 1
    assert checks[0].every == CrawlConfig.lookalike_every == extract.LOOKALIKE_EVERY
