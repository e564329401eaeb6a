"""Stage 4 (after the split): targets, label vocabularies and collapsed high-cardinality categoricals.

Top-k / min-count vocabularies are fitted on the training split only: counting a name that
appears only in test would leak test information into the feature space.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from dataset.report import Report, objects
from dataset.values import floats, zero_is_none

STAGE = "features"
OTHER = "<other>"
CATEGORICALS = ("directors", "writers", "actors", "keywords", "countries", "languages")


@dataclass(frozen=True)
class FeatureParams:
    rating_bins: tuple[float, ...] = field(default=(0.0, 5.0, 6.5, 10.0), metadata={  # seed 000: 0–5, 5–6.5, 6.5–10
        "help": "rating_class bin edges", "example": "0,4,6,8,10", "parse": floats, "list": False, "metavar": "EDGES"})
    top_k: int | None = field(default=5000, metadata={
        "help": "keep this many names per categorical (0: all)", "example": "1000", "parse": zero_is_none})
    min_count: int = field(default=2, metadata={
        "help": "names seen fewer times in train become <other>", "example": "5"})
    yake_keywords: int = field(default=0, metadata={
        "help": "add description_keywords with this many YAKE keywords per title (0: off)", "example": "10"})


def rating_classes(rating: pd.Series, bins: tuple[float, ...]) -> pd.Series:
    """Bin i holds bins[i] <= rating < bins[i+1] (the last bin includes its upper edge); null stays null."""
    values = rating.astype("float64").to_numpy()
    edges = np.asarray(bins, dtype=np.float64)
    cls = np.searchsorted(edges, values, side="right") - 1
    cls = np.where(values == edges[-1], len(edges) - 2, cls)
    valid = ~np.isnan(values) & (values >= edges[0]) & (values <= edges[-1])
    return pd.Series(pd.array(np.where(valid, cls, 0), dtype="Int8"), index=rating.index).where(valid)


def _vocabulary(lists: pd.Series, top_k: int | None, min_count: int) -> list[str]:
    counts = Counter(chain.from_iterable(lst for lst in lists if lst))
    ranked = sorted((c for c in counts.items() if c[1] >= min_count), key=lambda kv: (-kv[1], kv[0]))
    return [k for k, _ in (ranked[:top_k] if top_k else ranked)]


def _collapse(values: list, keep: set[str]) -> list[str] | None:
    if not values:
        return None
    if keep.issuperset(values):
        return values
    return list(dict.fromkeys(v if v in keep else OTHER for v in values))


def fit_labels(df: pd.DataFrame, params: FeatureParams) -> dict:
    """Label vocabularies: every genre, and per categorical the train-fitted top-k (absent when all null)."""
    labels: dict = {"rating_bins": list(params.rating_bins)}
    labels["genres"] = sorted({g for lst in df["genres"] if lst for g in lst})
    train = df["split"] == "train"
    for name in CATEGORICALS:
        if not df[name].isna().all():
            labels[name] = _vocabulary(df.loc[train, name], params.top_k, params.min_count)
    return labels


def apply_features(df: pd.DataFrame, params: FeatureParams, labels: dict, report: Report, quiet: bool = True,
                   has_rating: bool | None = None) -> pd.DataFrame:
    """`rating_class` (when the whole input has ratings: `has_rating`, or this frame's), categoricals
    collapsed to the fitted vocabularies, YAKE keywords; row by row, so a batch at a time gives the same rows."""
    df = df.copy()
    if df["rating"].notna().any() if has_rating is None else has_rating:
        df["rating_class"] = rating_classes(df["rating"], params.rating_bins)
        report.note(STAGE, "rating_class_null_rating", int(df["rating_class"].isna().sum()))
    for name in tqdm([c for c in CATEGORICALS if c in labels], desc="features", disable=quiet):
        keep = set(labels[name])
        values = df[name].tolist()
        collapsed = [_collapse(v, keep) for v in values]
        report.note(STAGE, f"{name}_values_collapsed_to_other",
                    sum(len(v) - len(keep.intersection(v)) for v, c in zip(values, collapsed, strict=True)
                        if c is not v and v))
        df[name] = objects(collapsed, df.index)
    if params.yake_keywords:
        df["description_keywords"] = objects(_yake(df["description"], params.yake_keywords, quiet), df.index)
    return df


def collapse_column(lists: pa.Array, vocabulary: list[str]) -> tuple[pa.Array, int]:
    """Vectorised twin of `_collapse` over an Arrow list column whose lists hold no repeats (as clean leaves
    them): names outside the vocabulary become OTHER, once per list, in place of the first. Returns the
    column and how many values were collapsed (the `<name>_values_collapsed_to_other` note)."""
    flat = pc.list_flatten(lists)
    member = pc.fill_null(pc.is_in(flat, value_set=pa.array(vocabulary, pa.string())), False)
    collapsed = len(flat) - (pc.sum(member).as_py() or 0)
    if not collapsed:
        return lists, 0
    mapped = pc.if_else(member, flat, pa.scalar(OTHER))
    parents = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    codes = pc.dictionary_encode(mapped).indices.to_numpy().astype(np.int64)
    first = ~pd.Series(parents * (int(codes.max(initial=0)) + 1) + codes).duplicated().to_numpy()
    counts = np.bincount(parents[first], minlength=len(lists))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, mapped.filter(pa.array(first)), mask=lists.is_null()), collapsed


def add_features(df: pd.DataFrame, params: FeatureParams, report: Report,
                 quiet: bool = True) -> tuple[pd.DataFrame, dict]:
    """Add `rating_class`, collapse categoricals to train-fitted vocabularies; return the label vocabularies."""
    labels = fit_labels(df, params)
    df = apply_features(df, params, labels, report, quiet)
    report.stage_rows(STAGE, len(df), len(df))
    return df, labels


def _yake(descriptions: pd.Series, top: int, quiet: bool) -> list:
    """Keywords from the plot text with YAKE (unsupervised, per document, so no train/test leak)."""
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=2, top=top)
    out = []
    for text in tqdm(descriptions.tolist(), desc="yake", disable=quiet):
        out.append([k for k, _ in extractor.extract_keywords(text)] or None if text else None)
    return out
