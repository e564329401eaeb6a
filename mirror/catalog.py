"""Catalog entry point: `load_catalog("synthetic:N" | "path.csv")` and the catalog classes."""
from __future__ import annotations

from pathlib import Path

from .base import MIRROR_FIELDS, RECORD_FIELDS, Catalog, Latent, imdb_id_of_poster, poster_id_for
from .synthetic import MAX_TITLES, SyntheticCatalog
from .table import TableCatalog

__all__ = ["Catalog", "Latent", "SyntheticCatalog", "TableCatalog", "load_catalog", "RECORD_FIELDS",
           "MIRROR_FIELDS", "poster_id_for", "imdb_id_of_poster"]


def load_catalog(spec: str | Catalog, posters_dir: str | Path | None = None, seed: int = 0) -> Catalog:
    """`synthetic:N` (deterministic from seed, N up to 9 million) or a path to an IMDB-5000-layout CSV."""
    if isinstance(spec, Catalog):
        return spec
    text = str(spec).strip()
    if text.startswith("synthetic:"):
        count = text.split(":", 1)[1].replace("_", "").replace(",", "")
        if not count.isdigit() or not 1 <= int(count) <= MAX_TITLES:
            raise ValueError(f"catalog {text!r} is not valid: write synthetic:N with N from 1 to {MAX_TITLES:,}")
        return SyntheticCatalog(int(count), seed=seed)
    path = Path(text)
    if not path.is_file():
        raise ValueError(f"catalog {text!r} is neither synthetic:N nor an existing CSV file")
    if posters_dir is not None and not Path(posters_dir).is_dir():
        raise ValueError(f"posters folder {posters_dir} does not exist; pass a folder of <imdb_id>.jpg files")
    return TableCatalog(path, posters_dir=posters_dir, seed=seed)
