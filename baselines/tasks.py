"""The five leaderboard tasks: which column is the target, which rows count, what a dataset must hold."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from baselines.data import SplitData, poster_columns

Kind = Literal["multiclass", "regression", "multilabel"]


@dataclass(frozen=True)
class Task:
    """A prediction problem over a published dataset; `bind(train)` fixes train-derived constants."""

    name: str
    kind: Kind
    target: str
    needs: tuple[str, ...] = ()  # extra columns; "poster_*" means any poster column
    n_classes: int = 0
    standardise: bool = False
    center: float = 0.0
    scale: float = 1.0
    description: str = ""

    def missing(self, columns: set[str]) -> str | None:
        """Why the task cannot run on a dataset with these columns, or None when it can."""
        for need in (self.target, *self.needs):
            if need == "poster_*":
                if not poster_columns(columns):
                    return "the dataset has no poster_{H}x{W} column"
            elif need not in columns:
                return f"the dataset has no {need!r} column"
        return None

    def rows(self, split: SplitData) -> np.ndarray:
        """Rows with a usable target (and, for image/sequence tasks, a usable input)."""
        if self.kind == "multilabel":
            keep = split.multi_hot(self.target).sum(axis=1) > 0
        else:
            keep = np.isfinite(np.asarray(split.frame[self.target], dtype=float))
        if not len(split):
            return keep
        for need in self.needs:  # a title without its poster / trailer frames / keyframe embeddings has no input
            keep &= split.mask(split.poster_columns()[0] if need == "poster_*" else need)
        return keep

    def bind(self, train: SplitData) -> Task:
        """Standardised targets use the training split's mean and std (seed 001)."""
        if not self.standardise:
            return self
        y = np.asarray(train.frame[self.target], dtype=float)
        y = y[np.isfinite(y)]
        scale = float(y.std()) if len(y) > 1 and y.std() > 0 else 1.0
        return replace(self, center=float(y.mean()) if len(y) else 0.0, scale=scale)

    def y(self, split: SplitData) -> np.ndarray:
        """The target as models see it: int classes, float (maybe standardised) scores, or `[N, G]` 0/1."""
        if self.kind == "multilabel":
            return split.multi_hot(self.target).astype(np.float32)
        values = np.asarray(split.frame[self.target], dtype=float)
        if self.kind == "multiclass":
            return values.astype(np.int64)
        return ((values - self.center) / self.scale).astype(np.float64)


TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("rating_class", "multiclass", "rating_class", n_classes=3,
             description="3 rating classes (seed 000 bins: 0-5, 5-6.5, 6.5-10)"),
        Task("rating", "regression", "rating", description="IMDb score 1-10"),
        Task("genres_poster", "multilabel", "genres", needs=("poster_*",), description="genres from the poster"),
        Task("genres_frames", "multilabel", "genres", needs=("frame_embeddings",),
             description="genres from keyframe CLIP embedding sequences (seed 003)"),
        Task("rating_trailer", "regression", "rating", needs=("trailer_frames",), standardise=True,
             description="standardised score from k stacked trailer frames (seed 001)"),
    )
}
