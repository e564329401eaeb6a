"""The crawl's shared state: one declared object per crawler, reached through ``crawl_state(crawler)``.

Components that must see the same live values (the ids already written, the fill counts, the titles
written while Redis was away) find them here instead of on attributes added to Scrapy's objects; the
config is the one the spider's ``update_settings`` parsed (``IMDB_CRAWL_CONFIG``), or parsed here for a crawler
built without the spider, so every component reads the same ``CrawlConfig``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from crawler.config import CONFIG_SETTING, CrawlConfig

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.stats import FillCounter


@dataclass
class CrawlState:
    """What the components of one crawl share while it runs."""

    config: CrawlConfig
    # ids in the items file (earlier runs included): the JSONL writer fills it at open and on every write;
    # the spider, SkipCollectedMiddleware and the Redis coordinator read the same set live
    collected_ids: set[str] = field(default_factory=set)
    # per-field fill counts over the items file (the JSONL writer's); stats.json reads them at the end
    fill: FillCounter | None = None
    # ids written while Redis was away: marked done in Redis when it is back (distributed pipelines, coordinator)
    unmarked: set[str] = field(default_factory=set)


_STATES: WeakKeyDictionary[Crawler, CrawlState] = WeakKeyDictionary()


def crawl_state(crawler: Crawler) -> CrawlState:
    """The crawler's state, created (and its settings parsed into a ``CrawlConfig``) on first use."""
    state = _STATES.get(crawler)
    if state is None:
        parsed = crawler.settings.get(CONFIG_SETTING)  # the spider's update_settings parsed it already
        config = parsed if isinstance(parsed, CrawlConfig) else CrawlConfig.from_settings(crawler.settings)
        state = _STATES[crawler] = CrawlState(config)
    return state
