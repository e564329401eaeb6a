"""imdbkit: dataset."""
