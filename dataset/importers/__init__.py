"""Importers: third-party sources → raw folders (Contract 1, `source` set), so one build serves all."""
from __future__ import annotations

from dataset.importers.imdb5000 import import_imdb5000
from dataset.importers.movienet import import_movienet
from dataset.importers.posters import import_posters
from dataset.importers.trailer_frames import import_trailer_frames
from dataset.importers.tsv_dumps import import_tsv_dumps

IMPORTERS = {
    "imdb5000": lambda a: import_imdb5000(a.csv, a.out, a.limit),
    "posters": lambda a: import_posters(a.labels, a.images, a.out, a.limit),
    "movienet-clip": lambda a: import_movienet(a.folder, a.out, a.limit),
    "trailer-frames": lambda a: import_trailer_frames(a.folder, a.out, a.limit),
    "tsv-dumps": lambda a: import_tsv_dumps(a.folder, a.out, a.title_type, a.min_votes, a.limit),
}

__all__ = ["IMPORTERS", "import_imdb5000", "import_movienet", "import_posters",
           "import_trailer_frames", "import_tsv_dumps"]
