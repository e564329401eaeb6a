"""imdbkit: cli."""
