"""Tabular feature sets for the metadata models; every tabular row of the leaderboard names its set.

- `seed000`: the variables seed 000 trained on, without vote counts: year, runtime, metascore,
  budget, worldwide gross, colour, certificate / age band, title type, genres, countries,
  languages, and directors / writers / actors / keywords (as train-only target encodings).
- `all_metadata`: `seed000` plus votes and any other numeric column the dataset carries
  (an IMDB-5000 import may keep review and like counts).

Entities (thousands of directors and actors) become out-of-fold target means for the GBMs and
linear models, and integer codes (`EntityCodes`) for the entity-embedding networks.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FEATURE_SETS = ("seed000", "all_metadata")
NUMERIC = ("year", "runtime_min", "metascore")
MONEY = ("budget_usd", "gross_usd")
CATEGORICAL = ("color", "content_rating", "age_band", "title_type")
MULTI_HOT = {"genres": 30, "countries": 15, "languages": 10}
ENTITIES = {"directors": 2, "writers": 3, "actors": 3, "keywords": 8}  # list field -> leading items used
NOT_FEATURES = {"rating", "rating_class", "votes", "is_oversampled", "has_poster", "split"}


def _lists(frame: pd.DataFrame, column: str, head: int | None = None) -> list[list[str]]:
    if column not in frame:
        return [[] for _ in range(len(frame))]
    out = []
    for v in frame[column]:
        items = [str(x) for x in v] if isinstance(v, list | tuple | np.ndarray) else []
        out.append(items[:head] if head else items)
    return out


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(float) if column in frame else None


def extra_numeric(frame: pd.DataFrame) -> list[str]:
    """Numeric columns outside the contract's named ones (kept by some importers), for `all_metadata`."""
    known = set(NUMERIC) | set(MONEY) | NOT_FEATURES | {"imdb_id"}
    return [c for c in frame.columns if c not in known and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


@dataclass
class TabularFeatures:
    """Fitted on train (`fit(frame, y)`), then `transform(frame)` → float32 matrix with NaN for missing."""

    feature_set: str = "seed000"
    folds: int = 5
    smoothing: float = 5.0
    seed: int = 0
    names_: list[str] = field(default_factory=list)

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> TabularFeatures:
        if self.feature_set not in FEATURE_SETS:
            raise ValueError(f"unknown feature set {self.feature_set!r}; choose one of {', '.join(FEATURE_SETS)}")
        y = np.asarray(y, float)
        self.prior_ = float(np.nanmean(y)) if len(y) else 0.0
        self.categories_ = {c: sorted({str(v) for v in frame[c].dropna()}) for c in CATEGORICAL if c in frame}
        self.vocab_ = {}
        for col, k in MULTI_HOT.items():
            counts = pd.Series([x for row in _lists(frame, col) for x in row]).value_counts()
            self.vocab_[col] = list(counts.index[:k])
        self.extra_ = extra_numeric(frame) if self.feature_set == "all_metadata" else []
        years = _numeric(frame, "year")
        # "now" for votes-per-year: the newest training year + 1 (a 2016 scrape has no 2017 titles).
        self.ref_year_ = float(np.nanmax(years)) + 1 if years is not None and np.isfinite(years).any() else 2025.0
        self.tables_ = {col: self._table(_lists(frame, col, head), y) for col, head in ENTITIES.items()}
        # Out-of-fold encodings for the training rows themselves, so a title never sees its own score.
        keys = frame["imdb_id"].astype(str).to_numpy() if "imdb_id" in frame else np.arange(len(frame)).astype(str)
        uniq = np.unique(keys)
        fold_of = dict(zip(uniq, np.random.default_rng(self.seed).integers(0, self.folds, len(uniq)), strict=True))
        fold = np.array([fold_of[k] for k in keys])
        self.train_encoding_ = np.zeros((len(frame), 3 * len(ENTITIES)), np.float32)
        for f in range(self.folds):
            inside, outside = fold == f, fold != f
            sub = frame.iloc[np.flatnonzero(inside)]
            tables = {
                col: self._table([r for r, o in zip(_lists(frame, col, head), outside, strict=True) if o], y[outside])
                for col, head in ENTITIES.items()
            }
            self.train_encoding_[inside] = self._encode(sub, tables)
        self.train_len_ = len(frame)
        self.names_ = self._names()
        return self

    def transform(self, frame: pd.DataFrame, training: bool = False) -> np.ndarray:
        """Feature matrix; pass `training=True` for the very frame given to `fit` (out-of-fold encodings)."""
        cols: list[np.ndarray] = []
        for c in NUMERIC:
            v = _numeric(frame, c)
            cols.append(v if v is not None else np.full(len(frame), np.nan))
        nan = np.full(len(frame), np.nan)
        money = []
        for c in MONEY:
            v = _numeric(frame, c)
            money.append(np.log1p(np.clip(v, 0, None)) if v is not None else nan)
        cols += money + [money[1] - money[0]]  # log gross/budget: a flop or a hit, whatever the scale
        if self.feature_set == "all_metadata":
            v = _numeric(frame, "votes")
            votes = np.log1p(np.clip(v, 0, None)) if v is not None else nan
            year = _numeric(frame, "year")
            age = np.clip(self.ref_year_ - year, 1, None) if year is not None else nan
            cols += [votes, votes - np.log(age)]  # and per year out: old films keep collecting votes
            for c in self.extra_:
                v = _numeric(frame, c)
                cols.append(v if v is not None else np.full(len(frame), np.nan))
        for c, cats in self.categories_.items():
            values = frame[c].astype(object).to_numpy() if c in frame else np.full(len(frame), None)
            for cat in cats:
                cols.append(np.array([str(v) == cat for v in values], float))
        for col, vocab in self.vocab_.items():
            rows = [set(r) for r in _lists(frame, col)]
            for v in vocab:
                cols.append(np.array([v in r for r in rows], float))
            cols.append(np.array([len(r) for r in rows], float))
        desc = frame["description"].fillna("").astype(str) if "description" in frame else pd.Series([""] * len(frame))
        cols.append(desc.str.len().to_numpy(float))
        title = frame["title"].fillna("").astype(str) if "title" in frame else pd.Series([""] * len(frame))
        cols.append(title.str.len().to_numpy(float))
        base = np.column_stack(cols).astype(np.float32) if cols else np.zeros((len(frame), 0), np.float32)
        enc = self.train_encoding_ if training else self._encode(frame, self.tables_)
        return np.hstack([base, enc]).astype(np.float32)

    # -- target encoding ------------------------------------------------------------------------
    def _table(self, rows: list[list[str]], y: np.ndarray) -> dict[str, tuple[float, int]]:
        sums: dict[str, list[float]] = {}
        for items, target in zip(rows, y, strict=True):
            if not np.isfinite(target):
                continue
            for it in set(items):
                acc = sums.setdefault(it, [0.0, 0])
                acc[0] += target
                acc[1] += 1
        return {k: (s, n) for k, (s, n) in sums.items()}

    def _encode(self, frame: pd.DataFrame, tables: dict[str, dict[str, tuple[float, int]]]) -> np.ndarray:
        out = np.zeros((len(frame), 3 * len(ENTITIES)), np.float32)
        m, prior = self.smoothing, self.prior_
        for j, (col, head) in enumerate(ENTITIES.items()):
            table = tables[col]
            for r, items in enumerate(_lists(frame, col, head)):
                stats = [table[i] for i in items if i in table]
                if stats:
                    enc = [(s + m * prior) / (n + m) for s, n in stats]
                    out[r, 3 * j : 3 * j + 3] = (np.mean(enc), np.max(enc), math.log1p(sum(n for _, n in stats)))
                else:
                    out[r, 3 * j : 3 * j + 3] = (prior, prior, 0.0)
        return out

    def _names(self) -> list[str]:
        names = list(NUMERIC) + [f"log_{c}" for c in MONEY] + ["log_gross_over_budget"]
        if self.feature_set == "all_metadata":
            names += ["log_votes", "log_votes_per_year", *self.extra_]
        names += [f"{c}={cat}" for c, cats in self.categories_.items() for cat in cats]
        for col, vocab in self.vocab_.items():
            names += [f"{col}={v}" for v in vocab] + [f"n_{col}"]
        names += ["description_len", "title_len"]
        names += [f"{col}_{s}" for col in ENTITIES for s in ("te_mean", "te_max", "log_count")]
        return names


@dataclass
class EntityCodes:
    """Integer codes per categorical/list field for entity embeddings (0 = padding or unseen)."""

    min_count: int = 2
    fields: dict[str, int] = field(default_factory=lambda: {"directors": 1, "writers": 2, "actors": 3,
                                                            "genres": 4, "countries": 2, "languages": 2,
                                                            "keywords": 5, "color": 1, "content_rating": 1,
                                                            "age_band": 1})

    def fit(self, frame: pd.DataFrame) -> EntityCodes:
        self.vocab_: dict[str, dict[str, int]] = {}
        for col in self.fields:
            if col not in frame:
                continue
            counts = pd.Series([x for row in self._rows(frame, col) for x in row]).value_counts()
            kept = sorted(counts.index[counts >= self.min_count])
            self.vocab_[col] = {v: i + 1 for i, v in enumerate(kept)}
        return self

    def cardinalities(self) -> dict[str, int]:
        """Vocabulary size per field including the padding/unseen index."""
        return {c: len(v) + 1 for c, v in self.vocab_.items()}

    @staticmethod
    def embedding_size(cardinality: int) -> int:
        """Seed 000's rule: min(50, ceil(n / 2))."""
        return int(min(50, math.ceil(cardinality / 2)))

    def transform(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        out = {}
        for col, vocab in self.vocab_.items():
            width = self.fields[col]
            arr = np.zeros((len(frame), width), np.int64)
            for r, items in enumerate(self._rows(frame, col)):
                codes = [vocab.get(x, 0) for x in items][:width]
                arr[r, : len(codes)] = codes
            out[col] = arr
        return out

    def _rows(self, frame: pd.DataFrame, col: str) -> list[list[str]]:
        if col in MULTI_HOT or col in ENTITIES:
            return _lists(frame, col, self.fields[col])
        return [[str(v)] if v is not None and v == v else [] for v in frame[col].astype(object)]
