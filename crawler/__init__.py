"""imdbkit: crawler."""
