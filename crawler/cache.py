"""The HTTP cache policy (``HTTPCACHE_POLICY``): a cache that never replays a failure as a page."""
from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response

from crawler.responses import is_challenge, is_truncated_page


class NoErrorsCachePolicy(DummyPolicy):
    """HTTP cache that keeps only complete 200 pages: never errors, challenges or truncated pages."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or is_challenge(response) or is_truncated_page(request, response):
            return False
        return super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        """A cache filled by an older, less careful policy must not replay a challenge."""
        return cachedresponse.status == 200 and not is_challenge(cachedresponse)
