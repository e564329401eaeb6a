"""Stage 6: oversample rare genres on the training split only; copies are flagged `is_oversampled`.

Val and test are never touched: oversampling them would distort every reported metric.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dataset.report import Report

STAGE = "oversample"
METHODS = ("none", "seed002", "inverse")


@dataclass(frozen=True)
class OversampleParams:
    method: str = field(default="none", metadata={
        "flag": "--oversample", "choices": ("none", "seed002", "inverse"), "example": "seed002",
        "help": "oversample rare genres in the train split: seed 002's rule or inverse frequency"})
    seed: int = field(default=0, metadata={"flag": "--oversample-seed", "help": "seed of the oversampling",
                                           "example": "1"})
    skip_genres: tuple[str, ...] = field(default=(), metadata={
        "flag": "--oversample-skip-genre", "metavar": "GENRE", "example": "Drama,Comedy",
        "help": "seed002: genres never oversampled, a,b or repeated (default: the two most frequent)"})
    max_factor: float = field(default=10.0, metadata={
        "flag": "--oversample-max-factor", "example": "5", "help": "inverse: at most this many rows per original row"})
    power: float = field(default=1.0, metadata={
        "flag": "--oversample-power", "example": "0.5", "help": "inverse: weight = (max_count / count) ** power"})


def genre_counts(df: pd.DataFrame) -> dict[str, int]:
    """Rows carrying each genre (a row with two genres counts for both)."""
    counts = Counter(g for lst in df["genres"] if lst for g in lst)
    return dict(sorted(counts.items()))


def _seed002_param(len_genre: int) -> float:
    """Seed 002's per-genre factor: the fuller a genre already is, the less of its deficit is filled."""
    if len_genre > 3000:
        return 0.0
    if len_genre > 2000:
        return 0.3
    if len_genre > 1000:
        return 0.5
    return 0.9


def seed002_picks(train: pd.DataFrame, params: OversampleParams, rng: np.random.Generator) -> list[int]:
    """Seed 002: for every genre below the most frequent one, draw int(deficit * factor) + 1 rows with
    replacement among rows without the skipped (dominant) genres; counts update as copies are added."""
    counts = Counter(genre_counts(train))
    if not counts:
        return []
    max_genre = max(counts.values())
    skip = set(params.skip_genres) or {g for g, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]}
    genres = train["genres"].tolist()
    pool = [i for i, g in enumerate(genres) if g and not skip.intersection(g)]
    picks: list[int] = []
    for label in sorted(counts):
        if label in skip:
            continue
        len_genre = counts[label]
        candidates = [i for i in pool if label in genres[i]]
        if max_genre - len_genre <= 0 or not candidates:
            continue
        n = int((max_genre - len_genre) * _seed002_param(len_genre)) + 1
        chosen = rng.choice(candidates, size=n, replace=True).tolist()
        picks.extend(chosen)
        counts.update(g for i in chosen for g in genres[i])
    return picks


def inverse_picks(train: pd.DataFrame, params: OversampleParams, rng: np.random.Generator) -> list[int]:
    """Each row is repeated to weight max over its genres of (max_count / count) ** power, capped; the
    fractional part is drawn, so genre counts move towards the most frequent genre in expectation."""
    counts = genre_counts(train)
    if not counts:
        return []
    top = max(counts.values())
    picks: list[int] = []
    draws = rng.random(len(train))
    for i, lst in enumerate(train["genres"].tolist()):
        if not lst:
            continue
        weight = min(params.max_factor, max((top / counts[g]) ** params.power for g in lst))
        extra = int(weight) - 1 + (draws[i] < weight - int(weight))
        picks.extend([i] * extra)
    return picks


def oversample_genres(df: pd.DataFrame, params: OversampleParams, report: Report) -> pd.DataFrame:
    """Append flagged copies of training rows; rows of other splits pass through unchanged."""
    if params.method not in METHODS:
        raise ValueError(f"oversample method {params.method!r} is not one of {', '.join(METHODS)}")
    df = df.copy()
    df["is_oversampled"] = False
    if params.method == "none":
        return df
    is_train = (df["split"] == "train").to_numpy()
    train = df[is_train].reset_index(drop=True)
    rng = np.random.default_rng(params.seed)
    picks = seed002_picks(train, params, rng) if params.method == "seed002" else inverse_picks(train, params, rng)
    copies = train.iloc[picks].copy()
    copies["is_oversampled"] = True
    report.note(STAGE, "training_copies_added", len(copies))
    out = pd.concat([train, copies, df[~is_train]], ignore_index=True)
    report.stage_rows(STAGE, len(df), len(out))
    return out
