"""``IMDB_RENDER=challenge``: pages over plain HTTP; Chromium only to pass a WAF challenge, once per token.

A challenged page (HTTP 202 + ``x-amzn-waf-action: challenge``, see ``is_challenge``) sends one URL of
its domain through a browser (``crawler/solvers.py``); the cookies the browser ends with, the
``aws-waf-token`` among them, go into Scrapy's cookie jar (the CookiesMiddleware's) and the page is
retried over plain HTTP with the same user agent. Requests to that domain that arrive while a solve
runs wait for it: one solve at a time per domain. A request challenged although it carried the newest
token means the token stopped working (expired or used up): the next solve starts. Solves that fail,
or earn a token that passes no page, ``IMDB_CHALLENGE_MAX_FAILURES`` times in a row stop the crawl
with one sentence. Everything waits on asyncio futures in the reactor's loop; nothing sleeps in it.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.cookies import CookieJar
from scrapy.statscollectors import StatsCollector

from crawler.config import BrowserConfig, ChallengeConfig
from crawler.control import StopCrawl, stopper
from crawler.responses import is_challenge
from crawler.solvers import WAF_COOKIE, BrowserCookie, SolveFailed, Solver, first_line, has_token, make_solver
from crawler.state import crawl_state

logger = logging.getLogger(__name__)
GENERATION = "imdb_waf_token_generation"  # meta: which token the jar held when the request went out
TRIES = "imdb_waf_challenged"  # meta: how often this request was challenged
MAX_CHALLENGES_PER_REQUEST = 4


@dataclass
class Domain:
    """One domain's token state."""

    generation: int = 0  # successful solves so far; a request sent before the newest one just retries
    solving: asyncio.Future[bool] | None = None
    failures: int = 0  # solves in a row that failed or whose token passed no page
    passed: int = 0  # pages the newest token let through


class ChallengeMiddleware:
    """Downloader middleware (before CookiesMiddleware) that earns WAF tokens in a browser and retries."""

    def __init__(self, challenge: ChallengeConfig, browsers: BrowserConfig, solver: Solver, stats: StatsCollector,
                 stop: StopCrawl, cookie_jar: Callable[[Request], CookieJar]) -> None:
        self.challenge, self.browsers = challenge, browsers  # limits, and the binaries the stop message names
        self.solver = solver
        self.stats = stats
        self.stop = stop
        self.cookie_jar = cookie_jar  # the jar a request's Cookie header comes from (CookiesMiddleware's)
        self.domains: dict[str, Domain] = {}
        self.stopped = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChallengeMiddleware:
        config = crawl_state(crawler).config
        if config.render != "challenge":
            raise NotConfigured("IMDB_RENDER is not challenge")
        middleware = cls(config.challenge, config.browsers, make_solver(config), crawler.stats, stopper(crawler),
                         cookie_jars(crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def domain(self, request: Request) -> Domain:
        return self.domains.setdefault(urlsplit(request.url).netloc.lower(), Domain())

    async def process_request(self, request: Request) -> None:
        state = self.domain(request)
        while state.solving is not None:  # a browser is earning this domain's token: wait for it
            await asyncio.shield(state.solving)
        if self.stopped:
            raise IgnoreRequest("the crawl is stopping: no WAF token")
        request.meta[GENERATION] = state.generation

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if not request.meta.get("imdb_page"):
            return response
        state = self.domain(request)
        if not is_challenge(response):
            if WAF_COOKIE.encode() in request.headers.get(b"Cookie", b""):
                self.stats.inc_value("imdb/waf/pages_with_token")
                if request.meta.get(GENERATION) == state.generation:
                    state.passed += 1
                    state.failures = 0
            return response
        self.stats.inc_value("imdb/waf/challenges")
        tries = request.meta.get(TRIES, 0)
        if self.stopped:
            raise IgnoreRequest("WAF challenge: the crawl is stopping")
        if request.meta.get(GENERATION, 0) == state.generation:  # it carried the newest token, or none yet
            tries += 1  # only these count: a request sent with an older token just missed the newer one
            if tries > MAX_CHALLENGES_PER_REQUEST:
                self.stats.inc_value("imdb/waf/gave_up")
                logger.warning("still challenged after %d fresh tokens: %s", tries - 1, request.url)
                raise IgnoreRequest("WAF challenge persisted")
            if state.solving is None and state.generation and not state.passed:
                self.stats.inc_value("imdb/waf/tokens_refused")
                self.failed(request, "the token it earned passed no page over plain HTTP")
            if not self.stopped:
                await self.solve(request, state)
        if self.stopped:
            raise IgnoreRequest("WAF challenge: the crawl is stopping")
        self.stats.inc_value("imdb/waf/retried")
        meta = {**request.meta, TRIES: tries}
        return request.replace(meta=meta, dont_filter=True, priority=request.priority + 1)

    async def solve(self, request: Request, state: Domain) -> bool:
        """Join the domain's running solve, or start one; True when a new token is in the jar."""
        if state.solving is None:
            state.solving = asyncio.ensure_future(self._solve(request, state))
        return await asyncio.shield(state.solving)

    async def _solve(self, request: Request, state: Domain) -> bool:
        started = time.monotonic()
        self.stats.inc_value("imdb/waf/browser_solves")
        try:
            limit = 2 * self.challenge.timeout + 10  # start-up, page load and the wait for the cookie
            try:
                cookies = await asyncio.wait_for(self.solver.solve(request.url), limit)
            except TimeoutError:
                raise SolveFailed(f"the browser did not finish within {limit:g} s") from None
            if not has_token(cookies):
                raise SolveFailed(f"no {WAF_COOKIE} cookie after {self.challenge.timeout:g} s")
            self.store(request, cookies)
        except Exception as exc:  # noqa: BLE001 - whatever the browser raised, the crawl gets one sentence
            self.stats.inc_value("imdb/waf/solve_failures")
            logger.warning("WAF challenge on %s: the %s solve failed (%s)", urlsplit(request.url).netloc,
                           self.solver.name, first_line(exc) if not isinstance(exc, SolveFailed) else exc)
            self.failed(request, str(exc) if isinstance(exc, SolveFailed) else first_line(exc))
            return False
        else:
            state.generation += 1
            state.passed = 0
            logger.info("WAF challenge on %s passed in %s (%.1f s); crawling on with its token",
                        urlsplit(request.url).netloc, self.solver.name, time.monotonic() - started)
            return True
        finally:
            self.stats.inc_value("imdb/waf/solve_seconds", round(time.monotonic() - started, 3))
            state.solving = None

    def failed(self, request: Request, reason: str) -> None:
        """One more failure in a row; at IMDB_CHALLENGE_MAX_FAILURES the crawl stops with one sentence."""
        state = self.domain(request)
        state.failures += 1
        if state.failures < self.challenge.max_failures or self.stopped:
            return
        self.stopped = True
        host = urlsplit(request.url).netloc
        message = (f"IMDB_RENDER=challenge: {self.challenge.solver} earned no working WAF token on {host} "
                   f"({state.failures} tries in a row, last: {reason}); check that "
                   f"{self.browsers.binary_for(self.challenge.solver)} "
                   f"starts here (`{self.browsers.chromium} --headless --no-sandbox --dump-dom about:blank`), or "
                   "render every page with -s IMDB_RENDER=playwright")
        self.stop("challenge_failed", message, log=logger, error=True)

    def store(self, request: Request, cookies: list[BrowserCookie]) -> None:
        """Put the browser's cookies in the jar the request's Cookie header comes from."""
        jar = self.cookie_jar(request)
        for stale in [c for c in jar.jar if c.name == WAF_COOKIE]:  # a refused token must not ride along
            jar.clear(stale.domain, stale.path, stale.name)
        for cookie in cookies:
            jar.set_cookie(jar_cookie(cookie))

    def spider_closed(self) -> None:
        self.solver.close()


def cookie_jars(crawler: Crawler) -> Callable[[Request], CookieJar]:
    """A request's jar in the crawl's CookiesMiddleware, found when first asked: the engine's downloader
    and its middlewares are built after this middleware."""
    def jar(request: Request) -> CookieJar:
        downloader = crawler.engine.downloader
        cookies = next(m for m in downloader.middleware.middlewares if isinstance(m, CookiesMiddleware))
        return cookies.jars[request.meta.get("cookiejar")]

    return jar


def jar_cookie(c: BrowserCookie) -> Cookie:
    """A browser cookie as ``http.cookiejar`` keeps it (a leading dot: valid for subdomains too)."""
    dotted = c.domain.startswith(".")
    rest: dict[str, Any] = {"HttpOnly": None} if c.http_only else {}
    return Cookie(0, c.name, c.value, None, False, c.domain, dotted, dotted, c.path, True, c.secure,
                  int(c.expires) if c.expires else None, c.expires is None, None, None, rest)
