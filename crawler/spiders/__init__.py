"""imdbkit: crawler/spiders."""
