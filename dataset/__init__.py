"""imdbkit dataset: raw crawls and third-party tables → published parquet datasets (Contract 2).

`dataset.load(path, split, columns)` and `dataset.info(path)` are the read side; the build is
`python -m dataset build` (see dataset/build.py for the stages in order).
"""
from dataset.api import info, load

__all__ = ["info", "load"]
