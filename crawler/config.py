"""Every setting the crawler's own components read, as one typed dataclass, parsed once and checked up front.

Like scrapy-playwright's ``Config.from_settings``: the crawl's config is parsed once per crawler
(``crawler.state.crawl_state(crawler).config``), components get plain values from it in
``from_crawler``, and no other module of ``crawler/`` reads raw settings. Contradictory settings stop
the crawl before the first request with one sentence naming the setting. Groups of settings that only
one part uses are nested configs: ``redis`` (``IMDB_SCHEDULER=redis``), ``selenium``, ``playwright``.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

RENDER_MODES = ("none", "playwright", "selenium", "challenge")
CHALLENGE_SOLVERS = ("playwright", "selenium")
SCHEDULER_ALIASES = {"": "default", "default": "default", "local": "default", "memory": "default",
                     "scrapy": "default", "redis": "redis"}
REDIS_SCHEMES = ("redis", "rediss", "unix")
SPIDER_PRIORITY = SETTINGS_PRIORITIES["spider"]

# Where real title pages' posters live (2014–18 pages use the two older hosts). Only poster requests go there:
# every page request is built from base_url.
POSTER_HOSTS = ("m.media-amazon.com", "ia.media-imdb.com", "images-na.ssl-images-amazon.com")


# Where the spider's update_settings leaves the parsed config, so a crawl parses its settings once.
CONFIG_SETTING = "IMDB_CRAWL_CONFIG"


class ConfigError(ValueError):
    """A setting a user got wrong; the message names it and says what to do."""


Number = Callable[..., float]  # number(name, default, kind=float): a checked, non-negative setting


@dataclass(frozen=True)
class RedisConfig:
    """``IMDB_SCHEDULER=redis``: the shared Redis server and how one worker paces its part of the crawl."""

    url: str = ""  # REDIS_URL
    prefix: str = "imdb"  # IMDB_REDIS_PREFIX: every key of one shared crawl starts with it
    worker: str = ""  # IMDB_WORKER, default host-pid: the name leases and heartbeats carry
    tick_s: float = 0.5  # IMDB_REDIS_TICK: heartbeat and top-up period
    lease_ttl_s: float = 5.0  # IMDB_REDIS_LEASE_TTL: a worker silent this long is dead
    batch: int = 16  # IMDB_REDIS_BATCH (default CONCURRENT_REQUESTS): ids leased per top-up
    low_water: int = 32  # IMDB_REDIS_LOW_WATER (default 2 x batch): top up below this many queued requests
    max_requeue: int = 2  # IMDB_REDIS_MAX_REQUEUE: requeues of one id before it counts as failed
    idle_close_s: float = 3.0  # MAX_IDLE_TIME_BEFORE_CLOSE (0 = 3): finished this long before a worker stops
    give_up_s: float = 60.0  # IMDB_REDIS_GIVE_UP: an outage this long stops the worker cleanly
    rate: float = 0.0  # IMDB_REDIS_RATE: requests/s per domain for all workers together (0 = off)
    burst: float = 1.0  # IMDB_REDIS_BURST

    @classmethod
    def from_settings(cls, settings: BaseSettings, number: Number) -> RedisConfig:
        url = str(settings.get("REDIS_URL") or "")
        if not url or urlparse(url).scheme not in REDIS_SCHEMES:
            raise ConfigError("IMDB_SCHEDULER=redis needs -s REDIS_URL=redis://HOST:PORT (the shared Redis server).")
        batch = int(number("IMDB_REDIS_BATCH", number("CONCURRENT_REQUESTS", 16, int), int))
        return cls(
            url=url, prefix=str(settings.get("IMDB_REDIS_PREFIX") or "imdb"),
            worker=str(settings.get("IMDB_WORKER") or f"{socket.gethostname()}-{os.getpid()}"),
            tick_s=number("IMDB_REDIS_TICK", 0.5), lease_ttl_s=number("IMDB_REDIS_LEASE_TTL", 5.0), batch=batch,
            low_water=int(number("IMDB_REDIS_LOW_WATER", 2 * batch, int)),
            max_requeue=int(number("IMDB_REDIS_MAX_REQUEUE", 2, int)),
            idle_close_s=number("MAX_IDLE_TIME_BEFORE_CLOSE", 0) or 3.0, give_up_s=number("IMDB_REDIS_GIVE_UP", 60),
            rate=number("IMDB_REDIS_RATE", 0), burst=max(1.0, number("IMDB_REDIS_BURST", 1)),
        )


@dataclass(frozen=True)
class SeleniumConfig:
    """``IMDB_RENDER=selenium``: chromedriver sessions (``crawler.browser.SeleniumDownloadHandler``)."""

    drivers: int = 2  # IMDB_SELENIUM_DRIVERS: threads, one driver each
    restart_every: int = 200  # IMDB_SELENIUM_RESTART_EVERY: pages before a driver is restarted (flat memory)
    timeout: float = 20.0  # IMDB_SELENIUM_TIMEOUT: seconds for one page load

    @classmethod
    def from_settings(cls, settings: BaseSettings, number: Number) -> SeleniumConfig:
        return cls(drivers=max(1, int(number("IMDB_SELENIUM_DRIVERS", 2, int))),
                   restart_every=max(1, int(number("IMDB_SELENIUM_RESTART_EVERY", 200, int))),
                   timeout=number("IMDB_SELENIUM_TIMEOUT", 20.0))


@dataclass(frozen=True)
class PlaywrightConfig:
    """``IMDB_RENDER=playwright``: the launch options given (``PLAYWRIGHT_LAUNCH_OPTIONS``), before
    ``crawler.browser.apply_playwright_settings`` adds Debian's Chromium and the project's flags."""

    launch_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BrowserConfig:
    """Where the Debian Chromium and its driver live (IMDB_CHROMIUM, IMDB_CHROMEDRIVER); never downloaded."""

    chromium: str = "/usr/bin/chromium"
    chromedriver: str = "/usr/bin/chromedriver"

    def binary_for(self, library: str) -> str:
        """What a browser library starts: chromedriver for Selenium, Chromium itself for Playwright."""
        return self.chromedriver if library == "selenium" else self.chromium


@dataclass(frozen=True)
class ChallengeConfig:
    """IMDB_RENDER=challenge: which library runs the site's script, how often it may fail, how long it may take."""

    solver: str = "playwright"  # IMDB_CHALLENGE_SOLVER
    max_failures: int = 3  # IMDB_CHALLENGE_MAX_FAILURES
    timeout: float = 30.0  # IMDB_CHALLENGE_TIMEOUT, seconds


@dataclass(frozen=True)
class RetryConfig:
    """Backoff between retries of one request, and the longest Retry-After the crawl obeys (seconds)."""

    backoff_base: float = 0.5  # IMDB_RETRY_BACKOFF_BASE
    backoff_max: float = 30.0  # IMDB_RETRY_BACKOFF_MAX
    after_max: float = 120.0  # IMDB_RETRY_AFTER_MAX


@dataclass(frozen=True)
class CrawlConfig:
    output_dir: Path
    poster_width: int = 300
    download_posters: bool = True
    follow_keywords: bool = True
    render: str = "none"
    contact: str = ""
    jsonl_gzip: bool = False
    scheduler: str = "default"
    jobdir: Path | None = None  # JOBDIR (crawler.extensions.CrashSafeJobdir)
    progress_interval: float = 1.0  # IMDB_PROGRESS_INTERVAL: seconds between progress.json writes (0 = off)
    expected_fill: dict[str, float] = field(default_factory=dict)  # IMDB_EXPECTED_FILL: per-field overrides
    # IMDB_LOOKALIKE_EVERY: the look-alike warning looks at a field's first miss, then every this many (1 = every
    # page); the default is crawler.extract.LOOKALIKE_EVERY (not imported: the config stays free of the parser)
    lookalike_every: int = 100
    redis: RedisConfig = field(default_factory=RedisConfig)
    selenium: SeleniumConfig = field(default_factory=SeleniumConfig)
    playwright: PlaywrightConfig = field(default_factory=PlaywrightConfig)
    browsers: BrowserConfig = field(default_factory=BrowserConfig)
    challenge: ChallengeConfig = field(default_factory=ChallengeConfig)
    retry: RetryConfig = field(default_factory=RetryConfig)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlConfig:
        def choice(name: str, options: tuple[str, ...], default: str) -> str:
            value = str(settings.get(name) or default).strip().lower()
            if value not in options:
                raise ConfigError(f"{name}={value!r} is not one of {', '.join(options)}.")
            return value

        def number(name: str, default: float, kind: type = float, signed: bool = False) -> float:
            raw = settings.get(name, default)
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}.") from None
            if value < 0 and not signed:
                raise ConfigError(f"{name}={raw!r} must not be negative.")
            return value

        def scheduler() -> str:
            raw = str(settings.get("IMDB_SCHEDULER") or "").strip().lower()
            if raw not in SCHEDULER_ALIASES:
                raise ConfigError(f"IMDB_SCHEDULER={raw!r} is not a scheduler; use IMDB_SCHEDULER=redis or leave it unset.")
            return SCHEDULER_ALIASES[raw]

        try:
            flags = {name: settings.getbool(name, default) for name, default in (
                ("IMDB_DOWNLOAD_POSTERS", True), ("IMDB_FOLLOW_KEYWORDS", True), ("IMDB_JSONL_GZIP", False))}
        except ValueError as exc:
            raise ConfigError(f"a boolean IMDB_* setting is not 0/1/true/false: {exc}") from None
        try:
            expected_fill = {str(k): float(v) for k, v in settings.getdict("IMDB_EXPECTED_FILL").items()}
        except (TypeError, ValueError):
            raise ConfigError("IMDB_EXPECTED_FILL must map field names to rates between 0 and 1.") from None
        mode, render = scheduler(), choice("IMDB_RENDER", RENDER_MODES, "none")
        raw_every = settings.get("IMDB_LOOKALIKE_EVERY", cls.lookalike_every)
        try:
            lookalike_every = int(str(raw_every).strip())
        except ValueError:
            lookalike_every = 0
        if isinstance(raw_every, (bool, float)) or lookalike_every < 1:
            raise ConfigError(f"IMDB_LOOKALIKE_EVERY={raw_every!r} is not a whole number >= 1 (1 warns about "
                              "look-alike keys on every page).")
        config = cls(
            output_dir=Path(settings.get("IMDB_OUTPUT_DIR") or "imdbkit-data/crawl"),
            poster_width=int(number("IMDB_POSTER_WIDTH", 300, int)),
            download_posters=flags["IMDB_DOWNLOAD_POSTERS"],
            follow_keywords=flags["IMDB_FOLLOW_KEYWORDS"],
            render=render,
            contact=str(settings.get("IMDB_CONTACT") or "").strip(),
            jsonl_gzip=flags["IMDB_JSONL_GZIP"],
            scheduler=mode,
            browsers=BrowserConfig(chromium=str(settings.get("IMDB_CHROMIUM") or "/usr/bin/chromium"),
                                   chromedriver=str(settings.get("IMDB_CHROMEDRIVER") or "/usr/bin/chromedriver")),
            retry=RetryConfig(backoff_base=number("IMDB_RETRY_BACKOFF_BASE", 0.5),
                              backoff_max=number("IMDB_RETRY_BACKOFF_MAX", 30.0),
                              after_max=number("IMDB_RETRY_AFTER_MAX", 120.0)),
            challenge=ChallengeConfig(solver=choice("IMDB_CHALLENGE_SOLVER", CHALLENGE_SOLVERS, "playwright"),
                                      max_failures=int(number("IMDB_CHALLENGE_MAX_FAILURES", 3, int)),
                                      timeout=number("IMDB_CHALLENGE_TIMEOUT", 30.0)),
            jobdir=Path(settings["JOBDIR"]) if settings.get("JOBDIR") else None,
            progress_interval=max(0.0, number("IMDB_PROGRESS_INTERVAL", 1.0, signed=True)),  # <= 0: off
            expected_fill=expected_fill,
            lookalike_every=lookalike_every,
            redis=RedisConfig.from_settings(settings, number) if mode == "redis" else RedisConfig(),
            # each group parsed only when its part runs: a stray setting of an unused part stops nothing
            selenium=SeleniumConfig.from_settings(settings, number) if render == "selenium" else SeleniumConfig(),
            playwright=PlaywrightConfig(dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")))
            if render == "playwright" else PlaywrightConfig(),
        )
        config.check(settings)
        return config

    def check(self, settings: BaseSettings) -> None:
        """Reject combinations that cannot work, before any request is made."""
        if self.output_dir.exists() and not self.output_dir.is_dir():
            raise ConfigError(f"IMDB_OUTPUT_DIR={self.output_dir} exists and is not a folder; pick another path.")
        if self.poster_width > 10000:
            raise ConfigError(f"IMDB_POSTER_WIDTH={self.poster_width} is not a sensible width (0 = original).")
        if self.render == "challenge" and not settings.getbool("COOKIES_ENABLED", True):
            raise ConfigError("IMDB_RENDER=challenge keeps the browser's WAF token in Scrapy's cookie jar; "
                              "drop COOKIES_ENABLED=0.")
        if self.render == "challenge" and (self.challenge.max_failures < 1 or self.challenge.timeout <= 0):
            raise ConfigError("IMDB_CHALLENGE_MAX_FAILURES must be at least 1 and IMDB_CHALLENGE_TIMEOUT above 0.")
        if self.render != "none":
            binary = self.browser_binary
            if not Path(binary).is_file():
                raise ConfigError(
                    f"IMDB_RENDER={self.render} needs {binary} (apt-get install chromium chromium-driver).")

    @property
    def browser(self) -> str:
        """The browser library in use: IMDB_RENDER's, or IMDB_CHALLENGE_SOLVER's in challenge mode."""
        return self.challenge.solver if self.render == "challenge" else self.render

    @property
    def browser_binary(self) -> str:
        """What IMDB_RENDER starts: chromedriver for Selenium, Chromium itself for Playwright."""
        return self.browsers.binary_for(self.browser)

    @property
    def user_agent(self) -> str:
        contact = f"; +{self.contact}" if self.contact else ""
        return f"imdbkit/0.1 (research crawler{contact})"

    @property
    def items_path(self) -> Path:
        return self.output_dir / ("items.jsonl.gz" if self.jsonl_gzip else "items.jsonl")

    def poster_size_suffix(self) -> str:
        """The CDN's ``_V1_`` modifier: ``_V1_UX300.jpg`` asks for width 300, ``_V1_.jpg`` the original."""
        return f"_V1_UX{self.poster_width}.jpg" if self.poster_width else "_V1_.jpg"


def set_spider_setting(settings: BaseSettings, name: str, value: object) -> None:
    """Set at spider priority (what ``update_settings`` derives), so `-s NAME=...` on the command line still wins."""
    settings.set(name, value, priority=SPIDER_PRIORITY)


def add_component(settings: BaseSettings, name: str, path: str, order: int) -> None:
    """Add one component to a ``*_MIDDLEWARES``/``ITEM_PIPELINES``/``EXTENSIONS`` dict, keeping the others."""
    components = settings.getdict(name)
    components.setdefault(path, order)
    settings.set(name, components, priority=max(settings.getpriority(name) or 0, SPIDER_PRIORITY))


def last_order(settings: BaseSettings, name: str, default: int) -> int:
    """The highest order in a components dict (to add a component that must run after all of them)."""
    return max((v for v in settings.getdict(name).values() if v is not None), default=default)


CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--disable-dev-shm-usage",
)
