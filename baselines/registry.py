"""The one registry: (task, model name) → baseline class, and which feature sets each row runs.

Names are stable (command line, outputs). A new baseline is one file in `baselines/models/` plus
one line here.
"""
from __future__ import annotations

from baselines.base import Baseline
from baselines.data import pixels, poster_columns
from baselines.features import FEATURE_SETS
from baselines.models.bilstm_maxpool import BiLSTM
from baselines.models.entity_mlp import EntityMLP
from baselines.models.label_prior import LabelPrior
from baselines.models.lightgbm import LightGBM
from baselines.models.logreg import LogReg
from baselines.models.majority import Majority
from baselines.models.mean import Mean
from baselines.models.meanpool_logreg import MeanPoolLogReg
from baselines.models.minilm_linear import MiniLMLinear
from baselines.models.multi_input import MultiInput
from baselines.models.poster_cnn import PosterCNN
from baselines.models.poster_effnet import PosterEffNet
from baselines.models.stacked_frames_cnn import StackedFramesCNN
from baselines.models.tfidf_linear import TfidfLinear
from baselines.models.trailer_effnet import TrailerEffNet
from baselines.models.xgboost import XGBoost
from baselines.tasks import TASKS

MODELS: dict[str, type[Baseline]] = {
    cls.name: cls
    for cls in (Majority, Mean, LabelPrior, LogReg, LightGBM, XGBoost, EntityMLP, PosterCNN, MultiInput,
                TfidfLinear, MiniLMLinear, MeanPoolLogReg, BiLSTM, StackedFramesCNN, PosterEffNet,
                TrailerEffNet)
}

REGISTRY: dict[str, tuple[str, ...]] = {
    "rating_class": ("majority", "logreg", "lightgbm", "xgboost", "entity_mlp", "poster_cnn", "poster_effnet",
                     "multi_input", "tfidf_linear", "minilm_linear"),
    "rating": ("mean", "lightgbm", "xgboost", "entity_mlp"),
    "genres_poster": ("label_prior", "poster_cnn", "poster_effnet"),
    "genres_frames": ("label_prior", "meanpool_logreg", "bilstm_maxpool"),
    "rating_trailer": ("mean", "stacked_frames_cnn", "trailer_effnet"),
}

# Each task's reference row: the paired-difference CIs in leaderboard.json compare every row with it.
REFERENCE: dict[str, str] = {"rating_class": "majority", "rating": "mean", "genres_poster": "label_prior",
                             "genres_frames": "label_prior", "rating_trailer": "mean"}

TABULAR = {"logreg", "lightgbm", "xgboost", "entity_mlp"}


def feature_sets(task: str, model: str, columns: set[str]) -> tuple[list[str], str | None]:
    """The feature sets a (task, model) row runs on a dataset with these columns, or a reason it cannot."""
    posters = poster_columns(columns)
    if model in TABULAR:
        return list(FEATURE_SETS), None
    if model == "poster_cnn" and task == "rating_class" or model == "multi_input":
        if not posters:
            return [], "the dataset has no poster column"
        small = "poster_32x32" if "poster_32x32" in posters else posters[0]
        if model == "poster_cnn":
            return [small], None
        return [f"{posters[-1]}+{fs}" for fs in FEATURE_SETS], None  # EfficientNet features: the largest poster
    if model == "poster_cnn":
        big = [c for c in posters if pixels(c) > 32 * 32] or posters
        return big, None
    if model == "poster_effnet":  # pretrained features: the largest poster the dataset has, linear and MLP heads
        if not posters:
            return [], "the dataset has no poster column"
        return [posters[-1], f"{posters[-1]}_mlp"], None
    if model in {"tfidf_linear", "minilm_linear"}:
        present = [c for c in ("title", "description") if c in columns]
        if model == "minilm_linear":  # the MLP head gets its own rows: embeddings are cached, so it costs seconds
            present += [f"{c}_mlp" for c in present]
        return (present, None) if present else ([], "the dataset has no title or description column")
    if model in {"meanpool_logreg", "bilstm_maxpool"}:
        return ["frame_embeddings"], None
    if model == "stacked_frames_cnn":
        return ["trailer_frames"], None
    if model == "trailer_effnet":  # ridge; the MLP head (`trailer_frames_mlp`) overfits ~100 trailers, an option only
        return ["trailer_frames"], None
    return ["none"], None


def make(task: str, model: str, seed: int = 0, **config: object) -> Baseline:
    """Instantiate a registered baseline; unknown names raise ValueError naming the valid ones."""
    if task not in REGISTRY:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(REGISTRY)}")
    if model not in REGISTRY[task]:
        raise ValueError(f"no model {model!r} for {task}; choose from {', '.join(REGISTRY[task])}")
    return MODELS[model](TASKS[task], seed=seed, **config)
