"""imdbkit: crawler/mirror."""
