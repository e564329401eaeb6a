"""``scrapy crawl`` that exits 1 when the crawl stopped on an error (``imdb/error``: a browser or WAF
solver that would not start, a bad argument), so scripts and ``imdbkit crawl`` see the failure."""
from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl imdb")
        assert self.crawler_process
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or (crawler.stats and crawler.stats.get_value("imdb/error")):
            self.exitcode = 1
