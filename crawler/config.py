"""Every ``IMDB_*`` setting as one typed dataclass, read once and checked up front.

Like scrapy-playwright's ``Config.from_settings``: components call ``CrawlConfig.from_settings``
in ``from_crawler`` and never read raw settings again, and contradictory settings stop the crawl
before the first request with one sentence naming the setting.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings

RENDER_MODES = ("none", "playwright", "selenium", "challenge")
CHALLENGE_SOLVERS = ("playwright", "selenium")
SCHEDULERS = ("default", "redis")

# Where real title pages' posters live (2014–18 pages use the two older hosts). Only poster requests go there:
# every page request is built from base_url.
POSTER_HOSTS = ("m.media-amazon.com", "ia.media-imdb.com", "images-na.ssl-images-amazon.com")


class ConfigError(ValueError):
    """A setting a user got wrong; the message names it and says what to do."""


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
    chromium: str = "/usr/bin/chromium"
    chromedriver: str = "/usr/bin/chromedriver"
    retry_backoff_base: float = 0.5
    retry_backoff_max: float = 30.0
    retry_after_max: float = 120.0
    challenge_solver: str = "playwright"
    challenge_max_failures: int = 3
    challenge_timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlConfig:
        def choice(name: str, options: tuple[str, ...], default: str) -> str:
            value = str(settings.get(name) or default).strip().lower()
            if value not in options:
                raise ConfigError(f"{name}={value!r} is not one of {', '.join(options)}.")
            return value

        def number(name: str, default: float, kind: type = float) -> float:
            raw = settings.get(name, default)
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}.") from None
            if value < 0:
                raise ConfigError(f"{name}={raw!r} must not be negative.")
            return value

        try:
            flags = {name: settings.getbool(name, default) for name, default in (
                ("IMDB_DOWNLOAD_POSTERS", True), ("IMDB_FOLLOW_KEYWORDS", True), ("IMDB_JSONL_GZIP", False))}
        except ValueError as exc:
            raise ConfigError(f"a boolean IMDB_* setting is not 0/1/true/false: {exc}") from None
        config = cls(
            output_dir=Path(settings.get("IMDB_OUTPUT_DIR") or "imdbkit-data/crawl"),
            poster_width=int(number("IMDB_POSTER_WIDTH", 300, int)),
            download_posters=flags["IMDB_DOWNLOAD_POSTERS"],
            follow_keywords=flags["IMDB_FOLLOW_KEYWORDS"],
            render=choice("IMDB_RENDER", RENDER_MODES, "none"),
            contact=str(settings.get("IMDB_CONTACT") or "").strip(),
            jsonl_gzip=flags["IMDB_JSONL_GZIP"],
            scheduler=choice("IMDB_SCHEDULER", SCHEDULERS, "default"),
            chromium=str(settings.get("IMDB_CHROMIUM") or "/usr/bin/chromium"),
            chromedriver=str(settings.get("IMDB_CHROMEDRIVER") or "/usr/bin/chromedriver"),
            retry_backoff_base=number("IMDB_RETRY_BACKOFF_BASE", 0.5),
            retry_backoff_max=number("IMDB_RETRY_BACKOFF_MAX", 30.0),
            retry_after_max=number("IMDB_RETRY_AFTER_MAX", 120.0),
            challenge_solver=choice("IMDB_CHALLENGE_SOLVER", CHALLENGE_SOLVERS, "playwright"),
            challenge_max_failures=int(number("IMDB_CHALLENGE_MAX_FAILURES", 3, int)),
            challenge_timeout=number("IMDB_CHALLENGE_TIMEOUT", 30.0),
        )
        config.check(settings)
        return config

    def check(self, settings: BaseSettings) -> None:
        """Reject combinations that cannot work, before any request is made."""
        if self.output_dir.exists() and not self.output_dir.is_dir():
            raise ConfigError(f"IMDB_OUTPUT_DIR={self.output_dir} exists and is not a folder; pick another path.")
        if self.poster_width > 10000:
            raise ConfigError(f"IMDB_POSTER_WIDTH={self.poster_width} is not a sensible width (0 = original).")
        if self.scheduler == "redis" and not settings.get("REDIS_URL"):
            raise ConfigError("IMDB_SCHEDULER=redis needs REDIS_URL (e.g. -s REDIS_URL=redis://127.0.0.1:6379).")
        if self.render == "challenge" and not settings.getbool("COOKIES_ENABLED", True):
            raise ConfigError("IMDB_RENDER=challenge keeps the browser's WAF token in Scrapy's cookie jar; "
                              "drop COOKIES_ENABLED=0.")
        if self.render == "challenge" and (self.challenge_max_failures < 1 or self.challenge_timeout <= 0):
            raise ConfigError("IMDB_CHALLENGE_MAX_FAILURES must be at least 1 and IMDB_CHALLENGE_TIMEOUT above 0.")
        if self.render != "none":
            binary = self.browser_binary
            if not Path(binary).is_file():
                raise ConfigError(
                    f"IMDB_RENDER={self.render} needs {binary} (apt-get install chromium chromium-driver).")

    @property
    def browser(self) -> str:
        """The browser library in use: IMDB_RENDER's, or IMDB_CHALLENGE_SOLVER's in challenge mode."""
        return self.challenge_solver if self.render == "challenge" else self.render

    @property
    def browser_binary(self) -> str:
        """What IMDB_RENDER starts: chromedriver for Selenium, Chromium itself for Playwright."""
        return self.chromedriver if self.browser == "selenium" else self.chromium

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


CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--disable-dev-shm-usage",
)
