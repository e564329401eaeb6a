"""What tests share, one module per purpose; test files import from here, never from each other or a conftest.

env: REPO, SHARED, `require_binary`, `require_shared`, CHROMIUM_ARGS.
crawl: real `scrapy crawl imdb` runs read back with half-written lines counted (reliability, outcomes, distributed).
catalog_crawl: real crawls whose items are compared with the mirror's catalog, era by era.
components: crawler components built without a crawl (the JSONL writer, a crawler that records its closes).
title_page: a hand-written title page in IMDb's structure.
mirror_pages: a keep-alive client for the mirror and independent readers of its pages.
inputs: raw crawl folders, posters, trailer videos and IMDb dumps written by hand.
synthetic: tiny in-memory splits and a tiny built dataset for the baselines.
cli: `imdbkit ARGS` in a subprocess or in this process; the demo's small-run flags.
strategies: the hypothesis profile and JSON-shaped junk.
redis_server: a throwaway redis-server (the `redis_url` fixture).
"""
