"""`tfidf_linear`: TF-IDF of the title or the description (the row's feature set) → logistic regression.

Seed 000 trained title and description classifiers (42% and 45% accuracy). Titles are a few
words, so they use character 2–4-grams; descriptions use word uni/bi-grams.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from baselines.base import BaseConfig, Baseline, class_scores
from baselines.data import SplitData


def texts(data: SplitData, column: str) -> list[str]:
    if column not in data.frame:
        raise ValueError(f"the {data.name} split has no {column!r} column for a text model")
    return [v if isinstance(v, str) else "" for v in data.frame[column].astype(object)]


def text_columns(columns: set[str]) -> tuple[list[str], str | None]:
    """The text columns a text model reads, title first, or why there are none."""
    present = [c for c in ("title", "description") if c in columns]
    return (present, None) if present else ([], "the dataset has no title or description column")


@dataclass
class TfidfConfig(BaseConfig):
    """`class_weight="balanced"` is scikit-learn's inverse-frequency weighting; None (default) leaves it off."""

    feature_set: str = "description"  # or "title"
    C: float = 2.0
    min_df: int = 2
    max_features: int = 50000
    class_weight: str | None = None


class TfidfLinear(Baseline):
    name = "tfidf_linear"
    tasks = ("rating_class",)
    kinds = ("multiclass",)
    Config = TfidfConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        return text_columns(columns)

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: TfidfConfig = self.config  # type: ignore[assignment]
        if cfg.feature_set == "title":
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=cfg.min_df, sublinear_tf=True,
                                  max_features=cfg.max_features)
        else:
            vec = TfidfVectorizer(ngram_range=(1, 2), min_df=cfg.min_df, sublinear_tf=True,
                                  max_features=cfg.max_features, stop_words="english")
        docs = texts(train, cfg.feature_set)
        try:
            x = vec.fit_transform(docs)
        except ValueError:  # every document empty or below min_df: fall back to keeping every term
            vec.set_params(min_df=1, stop_words=None)
            x = vec.fit_transform([d or "empty" for d in docs])
        self.vectorizer_ = vec
        y = self.task_.y(train)
        self.model_ = LogisticRegression(C=cfg.C, class_weight=cfg.class_weight, max_iter=2000,
                                         random_state=self.seed).fit(x, y)

    def _scores(self, data: SplitData) -> np.ndarray:
        proba = self.model_.predict_proba(self.vectorizer_.transform(texts(data, self.config.feature_set)))
        return class_scores(self.model_, proba, self.task_.n_classes)
