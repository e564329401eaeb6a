"""Scrapy settings for the imdbkit crawler: polite by default, every knob overridable with ``-s``.

The ``IMDB_*`` settings are read once into ``crawler.config.CrawlConfig``; the spider's
``update_settings`` derives the rest (user agent, browser handlers, the Redis scheduler).
"""
BOT_NAME = "imdbkit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` exits 1 when the crawl stopped on an error

# --- imdbkit ---------------------------------------------------------------------------------
IMDB_OUTPUT_DIR = "imdbkit-data/crawl"
IMDB_POSTER_WIDTH = 300  # CDN resize on the fly (_V1_UX300); 0 = original
IMDB_DOWNLOAD_POSTERS = True
IMDB_FOLLOW_KEYWORDS = True  # fetch /title/ID/keywords/ when the title page shows only some
IMDB_RENDER = "none"  # none | playwright | selenium | challenge (Chromium only to earn the WAF token)
IMDB_CHALLENGE_SOLVER = "playwright"  # playwright | selenium: the browser that passes a WAF challenge
IMDB_CHALLENGE_MAX_FAILURES = 3  # solves in a row that earn no working token before the crawl stops
IMDB_CHALLENGE_TIMEOUT = 30  # seconds one browser solve may take
IMDB_CONTACT = ""  # a URL or e-mail put in the user agent so site operators can reach you
IMDB_JSONL_GZIP = False
IMDB_SCHEDULER = "default"  # default | redis (scrapy-redis; needs REDIS_URL)

# --- politeness --------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%, so requests do not arrive in lockstep
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 60
# A title callback yields one item or one request; Scrapy starts CONCURRENT_ITEMS asyncio workers per
# callback output, so its default of 100 costs ~100 tasks per page for nothing.
CONCURRENT_ITEMS = 8

# --- surviving ---------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 6
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Twisted would silently resend a GET whose kept-alive connection was reset; count it instead.
DOWNLOAD_HANDLERS = {"http": "crawler.handlers.AccountedHTTPDownloadHandler",
                     "https": "crawler.handlers.AccountedHTTPDownloadHandler"}
HTTPCACHE_ENABLED = False  # opt in with -s HTTPCACHE_ENABLED=1
HTTPCACHE_POLICY = "crawler.cache.NoErrorsCachePolicy"
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SkipCollectedMiddleware": 50,
    "crawler.middlewares.OnSiteRedirectsMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.WafChallengeMiddleware": 560,
    "crawler.middlewares.BrowserFailureMiddleware": 570,
    # before CookiesMiddleware (700): a retried request picks up the token the browser earned
    "crawler.challenge.ChallengeMiddleware": 580,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.PosterPipeline": 200,
    "crawler.pipelines.JsonlWriterPipeline": 300,
}
EXTENSIONS = {"crawler.stats.CrawlStatsExtension": 500, "crawler.extensions.CrashSafeJobdir": 0,
              "crawler.progress.ProgressExtension": 510}

# --- browsers (used only when IMDB_RENDER asks for them) ----------------------------------------
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
MEDIA_ALLOW_REDIRECTS = True
