"""Stage 5: assign train/validation/test deterministically from a hash of imdb_id, or from a given splits file.

Hashing (not shuffling) means a title keeps its split when other titles are added or removed,
so rebuilding a grown crawl never leaks old test titles into training.
"""
from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from dataset.report import DatasetError, Report
from dataset.values import ratios

STAGE = "split"
SPLITS = ("train", "validation", "test")  # Hugging Face's names, in files, the `split` column, card and build.json
ALIASES = {"train": "train", "training": "train", "val": "validation", "valid": "validation",
           "validation": "validation", "dev": "validation", "test": "test", "testing": "test"}


def split_name(name: str) -> str | None:
    """The split a user means (`val`, `valid`, `dev` are `validation`); None for a name that is no split."""
    return ALIASES.get(name.strip().lower())


@dataclass(frozen=True)
class SplitParams:
    ratios: tuple[float, float, float] = field(default=(0.8, 0.1, 0.1), metadata={
        "help": "train,validation,test shares (default 80,10,10)", "example": "70,15,15", "parse": ratios, "metavar": "A,B,C"})
    seed: int = field(default=0, metadata={"flag": "--split-seed", "help": "seed of the random split", "example": "1"})
    stratify: str | None = field(default=None, metadata={  # None, "rating_class" or "genre" (first genre)
        "help": "keep this label's shares (genre: the first genre) equal across splits", "example": "rating_class",
        "choices": ("rating_class", "genre")})
    splits_file: Path | None = field(default=None, metadata={
        "flag": "--splits", "help": "csv imdb_id,split reproducing a given split", "example": "splits.csv"})


def hash_unit(ids: list[str], seed: int) -> np.ndarray:
    """A stable number in [0, 1) per id: the first 8 bytes of sha1(seed:id)."""
    salt = f"{seed}:".encode()
    return np.array([int.from_bytes(hashlib.sha1(salt + i.encode()).digest()[:8], "big") for i in ids],
                    dtype=np.float64) / 2.0**64


def read_splits_file(path: Path) -> dict[str, str]:
    """imdb_id,split rows → mapping; a clear error for a missing file, a bad header or a bad split name."""
    if not path.is_file():
        raise DatasetError(f"splits file {path} does not exist; pass a csv with columns imdb_id,split.")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"imdb_id", "split"} <= set(reader.fieldnames):
            raise DatasetError(f"splits file {path} needs a header with columns imdb_id,split "
                               f"(found {reader.fieldnames}).")
        out: dict[str, str] = {}
        for n, row in enumerate(reader, start=2):
            name = split_name(row["split"] or "")
            if name is None:
                raise DatasetError(f"{path}:{n}: split {row['split']!r} is not one of train, validation (or val), "
                                   "test.")
            out[(row["imdb_id"] or "").strip()] = name
    return out


def split_by_ratio(u: np.ndarray, ratios: tuple[float, float, float]) -> np.ndarray:
    """Cut the hash units at the ratios (both build engines split this way, so a row lands alike)."""
    cut1, cut2 = ratios[0], ratios[0] + ratios[1]
    return np.where(u < cut1, "train", np.where(u < cut2, "validation", "test")).astype(object)


def split_stratified(u: np.ndarray, strata: np.ndarray, ratios: tuple[float, float, float]) -> np.ndarray:
    """Within each stratum, order by hash and cut at the ratios so each split gets its share."""
    out = np.empty(len(u), dtype=object)
    for key in pd.unique(strata):
        idx = np.flatnonzero(strata == key)
        idx = idx[np.argsort(u[idx], kind="stable")]
        n = len(idx)
        n_train = int(round(n * ratios[0]))
        n_val = int(round(n * (ratios[0] + ratios[1]))) - n_train
        out[idx[:n_train]] = "train"
        out[idx[n_train:n_train + n_val]] = "validation"
        out[idx[n_train + n_val:]] = "test"
    return out


def report_unknown_ids(unknown: list[str], params: SplitParams, report: Report) -> None:
    """Ids the splits file names but the data lacks: noted, quarantined (the first 1,000) and warned about."""
    if not unknown:
        return
    report.note(STAGE, "splits_file_ids_not_in_data", len(unknown))
    for i in unknown[:1000]:
        report.quarantine(STAGE, f"{params.splits_file}:{i}", "id in the splits file is not in the data")
    tqdm.write(f"warning: {len(unknown)} ids in {params.splits_file} are not in the built data "
               f"(first: {', '.join(unknown[:3])}); they are ignored.", file=sys.stderr)


def strata_of(df: pd.DataFrame, stratify: str, values: pd.Series | None = None) -> np.ndarray:
    """A stratum per row: the first genre, else the ``stratify`` column (or ``values``, where the caller computes
    it) as text, a null as "". Both build engines call it, so their splits agree row for row."""
    if stratify == "genre":
        return df["genres"].map(lambda g: g[0] if g else "").to_numpy()
    return (df[stratify] if values is None else values).astype("string").fillna("").to_numpy()


def assign_splits(df: pd.DataFrame, params: SplitParams, report: Report, quiet: bool = True) -> pd.DataFrame:
    """Add the `split` column; rows a splits file does not name are removed and counted."""
    df = df.copy()
    ids = df["imdb_id"].tolist()
    if params.splits_file is not None:
        given = read_splits_file(Path(params.splits_file))
        known = set(ids)
        report_unknown_ids(sorted(set(given) - known), params, report)
        split = df["imdb_id"].map(given)
        report.drop(STAGE, "not_in_splits_file", int(split.isna().sum()))
        df["split"] = split
        df = df[split.notna()].reset_index(drop=True)
    else:
        u = hash_unit(ids, params.seed)
        if params.stratify is None:
            df["split"] = split_by_ratio(u, params.ratios)
        else:
            df["split"] = split_stratified(u, strata_of(df, params.stratify), params.ratios)
    report.stage_rows(STAGE, len(ids), len(df))
    return df
