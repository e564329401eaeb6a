"""Crawl stats and control: field drift, and one stop per crawl."""
from __future__ import annotations

from crawler.stats import drifted
from tests.helpers.components import crawler_closing_into_a_list


def test_drift_names_fields_well_below_expectation() -> None:
    assert drifted({"title": 1.0, "budget": 0.05, "metascore": 0.15}, {"title": 0.99, "budget": 0.2,
                                                                      "metascore": 0.2}) == ["budget"]


def test_stop_crawl_closes_once_and_keeps_the_first_reason(monkeypatch, caplog) -> None:
    """Four components stop through `control.stopper` (unreachable, WAF, browser, Redis): the first stop wins,
    later ones neither log nor close again, and `error=True` keeps the sentence for stats.json."""
    from crawler import control

    crawler, closed = crawler_closing_into_a_list(monkeypatch)
    stop_waf, stop_retry = control.stopper(crawler), control.stopper(crawler)  # two components, one crawl
    with caplog.at_level("ERROR"):
        assert stop_waf("waf_challenge", "first sentence", error=True) is True
        assert stop_retry("unreachable", "second sentence") is False
    assert closed == ["waf_challenge"]
    assert crawler.stats.get_value("imdb/stopped_by") == "waf_challenge"
    assert crawler.stats.get_value("imdb/error") == "first sentence"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == ["first sentence"]
