"""imdbkit: baselines."""
