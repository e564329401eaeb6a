"""`SplitData`: one split of a published dataset as a DataFrame plus lazily loaded arrays.

Scalar and list columns are cheap and always loaded into `frame`; image, frame and embedding
columns can be hundreds of MB, so they are only read (through `dataset.load`) the first time a
model asks for them. Tests build the same object from in-memory arrays with `SplitData.from_arrays`.
"""
from __future__ import annotations

import glob
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ARRAY_PREFIXES = ("poster_", "trailer_frames", "frame_embeddings")
LIST_COLUMNS = ("genres", "countries", "languages", "directors", "writers", "actors", "keywords")


def is_array_column(name: str) -> bool:
    """Image, frame-sequence and embedding columns are loaded as numpy arrays, not into the frame."""
    return name.startswith(ARRAY_PREFIXES) and not name.endswith("_mask")


@dataclass
class SplitData:
    """A view over one split: `frame` (scalar/list columns), arrays (eager or lazy), vocabularies."""

    frame: pd.DataFrame
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    loaders: dict[str, Callable[[], Mapping[str, np.ndarray]]] = field(default_factory=dict)
    vocab: dict[str, list[str]] = field(default_factory=dict)
    name: str = "train"

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> set[str]:
        """Every column this split can provide, loaded or not."""
        return set(self.frame.columns) | set(self.arrays) | set(self.loaders)

    def has(self, column: str) -> bool:
        return column in self.columns

    def array(self, column: str) -> np.ndarray:
        """The numpy array of an image/sequence column, loading it on first use."""
        if column not in self.arrays:
            if column not in self.loaders:
                raise KeyError(f"the {self.name} split has no column {column!r}")
            for key, value in self.loaders[column]().items():
                self.arrays.setdefault(key, np.asarray(value))
        return self.arrays[column]

    def mask(self, column: str) -> np.ndarray:
        """Rows that really hold an image (`<column>_mask`), all True when no mask was given."""
        data = self.array(column)
        m = self.arrays.get(f"{column}_mask")
        if m is None:
            flat = data.reshape(len(data), -1)
            return np.abs(flat).sum(axis=1) > 0 if len(data) else np.zeros(0, bool)
        m = np.asarray(m).astype(bool)
        return m.reshape(len(m), -1).any(axis=1) if m.ndim > 1 else m  # frames: a title with any frame

    def poster_columns(self) -> list[str]:
        """Poster columns sorted by pixel count (smallest first)."""
        return poster_columns(self.columns)

    def labels(self, column: str = "genres") -> list[str]:
        """The label vocabulary of a list column (dataset's `build.json` order, else sorted)."""
        if column not in self.vocab:
            values = {v for row in self.frame[column] for v in (row if _is_list(row) else [])}
            self.vocab[column] = sorted(values)
        return self.vocab[column]

    def multi_hot(self, column: str = "genres") -> np.ndarray:
        """`[N, G]` uint8 matrix of a list column in vocabulary order (unknown labels ignored)."""
        cached = self.arrays.get(f"{column}_multi_hot")
        vocab = self.labels(column)
        if cached is not None and cached.shape[1] == len(vocab):
            return cached
        index = {v: i for i, v in enumerate(vocab)}
        out = np.zeros((len(self), len(vocab)), np.uint8)
        for r, row in enumerate(self.frame[column]):
            for v in row if _is_list(row) else []:
                if v in index:
                    out[r, index[v]] = 1
        return out

    def subset(self, rows: np.ndarray) -> SplitData:
        """Rows selected by a boolean mask or index array; loaded arrays are sliced, lazy ones wrapped."""
        idx = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, int)
        arrays = {k: v[idx] for k, v in self.arrays.items()}

        def lazy(col: str) -> Callable[[], dict[str, np.ndarray]]:
            return lambda: {k: v[idx] for k, v in _load_all(self, col).items()}

        loaders = {c: lazy(c) for c in self.loaders if c not in arrays}
        frame = self.frame.iloc[idx].reset_index(drop=True)
        return SplitData(frame, arrays, loaders, dict(self.vocab), self.name)

    @classmethod
    def from_arrays(
        cls, frame: pd.DataFrame | dict, arrays: dict | None = None, vocab: dict | None = None, name: str = "train"
    ) -> SplitData:
        """In-memory split (tests, notebooks): every array given eagerly."""
        frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
        return cls(frame.reset_index(drop=True), dict(arrays or {}), {}, dict(vocab or {}), name)

    @classmethod
    def from_dataset(cls, path: str | Path, split: str, columns: list[str] | None = None) -> SplitData:
        """Read one split of a published dataset (Contract 2) through `dataset.load`/`dataset.info`."""
        import dataset

        available = dataset_columns(path, split)
        if columns is not None:
            available = [c for c in available if c in set(columns)]
        eager = [c for c in available if not is_array_column(c)]
        loaded = dataset.load(str(path), split, eager) if eager else {}
        frame = pd.DataFrame({c: _column(loaded[c]) for c in eager if c in loaded})
        arrays = {k: np.asarray(v) for k, v in loaded.items() if k not in frame.columns}
        loaders = {
            c: (lambda c=c: dataset.load(str(path), split, [c])) for c in available if is_array_column(c)
        }
        info = dataset.info(str(path)) or {}
        vocab = {k: list(v) for k, v in (info.get("labels") or {}).items() if isinstance(v, list | tuple)}
        return cls(frame, arrays, loaders, vocab, split)


def pixels(column: str) -> int:
    """Pixel count of a `poster_{H}x{W}` column name (0 when the name carries no size)."""
    h, _, w = column.removeprefix("poster_").partition("x")
    return int(h) * int(w) if h.isdigit() and w.isdigit() else 0


def poster_columns(columns: set[str] | list[str]) -> list[str]:
    """`poster_{H}x{W}` columns among `columns`, smallest first."""
    return sorted((c for c in columns if c.startswith("poster_") and pixels(c) > 0), key=lambda c: (pixels(c), c))


NO_POSTER = "the dataset has no poster column"


def largest_poster(columns: set[str]) -> tuple[str | None, str | None]:
    """The largest `poster_{H}x{W}` column (pretrained encoders resize it anyway), or a reason there is none."""
    posters = poster_columns(columns)
    return (posters[-1], None) if posters else (None, NO_POSTER)


def dataset_splits(path: str | Path) -> dict[str, SplitData]:
    """Every split a published dataset has columns for, by name (train, validation, test in that order)."""
    from dataset.split import SPLITS

    return {s: SplitData.from_dataset(path, s) for s in SPLITS if dataset_columns(path, s)}


def dataset_columns(path: str | Path, split: str) -> list[str]:
    """Column names of a split, read from the parquet schema (no data is read)."""
    import pyarrow.parquet as pq

    files = sorted(glob.glob(str(Path(path) / "data" / f"{split}-*.parquet")))
    if not files:
        return []
    return list(pq.read_schema(files[0]).names)


def _load_all(split: SplitData, column: str) -> dict[str, np.ndarray]:
    split.array(column)
    return {k: v for k, v in split.arrays.items() if k == column or k == f"{column}_mask"}


def _column(values: np.ndarray) -> list | np.ndarray:
    arr = np.asarray(values)
    return list(arr) if arr.dtype == object else arr


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)
