"""What a response says, read the same way by the middlewares, the cache, the spider and the browsers:
a WAF challenge, a page cut off in transit, a ``Retry-After``, a rendered page's data in the DOM."""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.http import Response

# a rendered title page is ready once its data is in the DOM (both browser modes wait for it)
DATA_SELECTOR = "script#__NEXT_DATA__, script[type='application/ld+json']"


def is_challenge(response: Response) -> bool:
    """A WAF challenge: ``x-amzn-waf-action: challenge`` (on a 202, or a 200 from some edges), or a
    2xx with an empty body. A Playwright page reports the status and headers of its first
    navigation, so a rendered page counts as passed once its content holds the page's data blocks."""
    if not 200 <= response.status < 300:
        return False
    body = response.body
    if not body.strip():
        return True
    action = response.headers.get(b"x-amzn-waf-action", b"").strip().lower()
    if action != b"challenge":
        return False
    rendered = "playwright" in response.flags or "selenium" in response.flags
    return not (rendered and (b"application/ld+json" in body or b"__NEXT_DATA__" in body))


def is_truncated_page(request: Request, response: Response) -> bool:
    """An HTML page cut off in transit: it never reaches ``</html>``."""
    if not request.meta.get("imdb_page") or response.status != 200 or not response.body:
        return False
    return b"</html>" not in response.body[-512:].lower()


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or garbage."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 and seconds == seconds else None
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
