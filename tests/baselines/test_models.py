"""Every registered (task, model, feature set) trains on a tiny synthetic dataset, predicts the right
shapes and beats the trivial baseline of its task on an easy signal."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from baselines.base import NotFittedError
from baselines.evaluate import evaluate
from baselines.features import EntityCodes
from baselines.metrics import HEADLINE
from baselines.registry import MODELS, REGISTRY, feature_sets, make
from baselines.tasks import TASKS
from tests.helpers.synthetic import make_splits

TRIVIAL = {"multiclass": "majority", "regression": "mean", "multilabel": "label_prior"}
SPLITS = make_splits()
ROWS = [(t, m, fs) for t, models in REGISTRY.items() for m in models
        for fs in feature_sets(t, m, SPLITS["train"].columns)[0]]
FAST = {"epochs": 8}


def fit_score(task_name: str, model: str, fs: str, seed: int = 0, **extra):
    task = TASKS[task_name].bind(SPLITS["train"])
    kw = dict(extra)
    if fs != "none":
        kw["feature_set"] = fs
    if "n_trials" in MODELS[model].Config.__dataclass_fields__:
        kw.setdefault("n_trials", 3)
    est = make(task_name, model, seed=seed, **kw)
    est.fit(SPLITS["train"], SPLITS["validation"], task=task)
    return est, task


@pytest.fixture(scope="module")
def trivial_scores():
    out = {}
    for task_name in REGISTRY:
        task = TASKS[task_name].bind(SPLITS["train"])
        est, _ = fit_score(task_name, TRIVIAL[task.kind], "none")
        scores = est.predict(SPLITS["test"]) if task.kind == "regression" else est.predict_proba(SPLITS["test"])
        out[task_name] = evaluate(task, task.y(SPLITS["test"]), scores, n_boot=0)[0][HEADLINE[task.kind][0]]["value"]
    return out


def test_every_registry_name_is_stable():
    assert set(MODELS) == {"majority", "mean", "label_prior", "logreg", "lightgbm", "xgboost", "entity_mlp",
                           "poster_cnn", "multi_input", "tfidf_linear", "minilm_linear", "meanpool_logreg",
                           "bilstm_maxpool", "stacked_frames_cnn", "poster_effnet", "trailer_effnet"}
    assert set(REGISTRY) == {"rating_class", "rating", "genres_poster", "genres_frames", "rating_trailer"}


@pytest.mark.parametrize(("task_name", "model", "fs"), ROWS, ids=[f"{t}-{m}-{f}" for t, m, f in ROWS])
def test_model_trains_predicts_shapes_and_beats_trivial(task_name, model, fs, trivial_scores):
    fields = MODELS[model].Config.__dataclass_fields__
    extra = dict(FAST) if "epochs" in fields else {}
    if "input_size" in fields:  # the pretrained encoders: a small input keeps synthetic posters quick on CPU
        extra["input_size"] = "64x64"
    est, task = fit_score(task_name, model, fs, **extra)
    test = SPLITS["test"]
    pred = est.predict(test)
    n = len(test)
    if task.kind == "multiclass":
        assert pred.shape == (n,) and set(np.unique(pred)) <= {0, 1, 2}
        proba = est.predict_proba(test)
        assert proba.shape == (n, 3) and np.allclose(proba.sum(axis=1), 1)
        scores = proba
    elif task.kind == "multilabel":
        g = len(SPLITS["train"].labels("genres"))
        assert pred.shape == (n, g) and set(np.unique(pred)) <= {0, 1}
        scores = est.predict_proba(test)
        assert scores.shape == (n, g) and ((scores >= 0) & (scores <= 1)).all()
    else:
        assert pred.shape == (n,) and np.isfinite(pred).all()
        with pytest.raises(AttributeError):
            est.predict_proba(test)
        scores = pred
    value = evaluate(task, task.y(test), scores, n_boot=0)[0][HEADLINE[task.kind][0]]["value"]
    if model == TRIVIAL[task.kind]:
        return
    margin = {"multiclass": 0.1, "regression": 0.2, "multilabel": 0.1}[task.kind]
    assert value > trivial_scores[task_name] + margin, (model, fs, value, trivial_scores[task_name])
    json.dumps(est.get_config())  # the config saved beside the results is plain JSON


def test_init_stores_only_hyper_parameters_and_predict_needs_fit():
    est = make("rating_class", "lightgbm", seed=3, n_trials=1)
    assert not [k for k in vars(est) if k.endswith("_")]
    assert est.get_config()["config"]["n_trials"] == 1
    with pytest.raises(NotFittedError):
        est.predict(SPLITS["test"])
    with pytest.raises(ValueError, match="no model"):
        make("rating", "poster_cnn")


def test_entity_embedding_size_follows_seed000():
    assert [EntityCodes.embedding_size(n) for n in (2, 3, 10, 99, 100, 101, 5000)] == [1, 2, 5, 50, 50, 50, 50]
    assert EntityCodes.embedding_size(41) == math.ceil(41 / 2)


def test_user_weights_are_loaded(tmp_path):
    est, _ = fit_score("rating_class", "poster_cnn", "poster_32x32", epochs=3)
    path = tmp_path / "w.pt"
    torch.save(est.model_.state_dict(), path)
    again, _ = fit_score("rating_class", "poster_cnn", "poster_32x32", epochs=0, weights=str(path))
    assert np.allclose(again.predict_proba(SPLITS["test"]), est.predict_proba(SPLITS["test"]), atol=1e-6)
    bad = tmp_path / "bad.pt"
    torch.save({"nothing": torch.zeros(2)}, bad)
    with pytest.raises(ValueError, match="match"):
        fit_score("rating_class", "poster_cnn", "poster_32x32", epochs=1, weights=str(bad))


def test_rows_without_frames_or_poster_are_left_out():
    split = make_splits(n_train=10, n_eval=4)["train"]
    frame_mask = np.ones((10, 3), bool)
    frame_mask[2] = False  # a title whose trailer had no usable frame
    split.arrays["trailer_frames_mask"] = frame_mask
    split.arrays["poster_32x32_mask"] = np.arange(10) != 5
    assert np.flatnonzero(~TASKS["rating_trailer"].rows(split)).tolist() == [2]
    assert np.flatnonzero(~TASKS["genres_poster"].rows(split)).tolist() == [5]
    split.arrays["frame_embeddings"][7] = 0  # a title MovieNet has no keyframe embeddings for
    assert np.flatnonzero(~TASKS["genres_frames"].rows(split)).tolist() == [7]


def test_the_leaderboard_drops_titles_without_frame_embeddings(tmp_path):
    from baselines import leaderboard

    splits = make_splits(n_train=40, n_eval=20)
    for split in splits.values():
        split.arrays["frame_embeddings"][:5] = 0
    result = leaderboard.run(splits, tmp_path, tasks=["genres_frames"], models=["meanpool_logreg"], n_boot=0)
    row = result["rows"][0]
    assert (row["n_train"], row["n_val"], row["n_test"]) == (35, 15, 15) and row["error"] is None


def test_poster_shift_moves_training_batches_only():
    from baselines.models.poster_cnn import conv_for

    torch.manual_seed(0)
    net = conv_for(40, 28, 3, 4, shift=0.1)
    x = torch.rand(2, 3, 40, 28)
    assert net._translate(x).shape == x.shape
    assert any(not torch.equal(net._translate(x), x) for _ in range(5))
    net.eval()  # no augmentation at predict time: the same poster gives the same embedding
    assert torch.equal(net.embed(x * 255), net.embed(x * 255))


def test_poster_cnn_runs_channels_last_with_the_same_outputs_as_nchw():
    """The layout is a speed choice (benchmarks/train.py), not a different model."""
    from baselines.models.poster_cnn import conv_for

    torch.manual_seed(0)
    net = conv_for(80, 56, 3, 5).eval()
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in net.parameters() if p.dim() == 4)
    x = torch.randint(0, 256, (4, 3, 80, 56), dtype=torch.uint8)
    plain = conv_for(80, 56, 3, 5).to(memory_format=torch.contiguous_format).eval()
    plain.load_state_dict(net.state_dict())
    with torch.no_grad():
        expected = plain.head(plain.features((x.float() / 255.0 - 0.5).contiguous()))
        assert torch.allclose(net(x), expected, atol=1e-5)


@pytest.mark.parametrize("tta", [True, False])
def test_poster_flip_tta_scores_a_poster_and_its_mirror_alike(tta):
    est, _ = fit_score("genres_poster", "poster_cnn", "poster_40x28", epochs=2, tta_flip=tta)
    scores = est.predict_proba(SPLITS["test"])
    inputs = est._inputs
    est._inputs = lambda data, fitting: [x.flip(-1) for x in inputs(data, fitting)]
    mirrored = est.predict_proba(SPLITS["test"])
    assert np.allclose(scores, mirrored, atol=1e-5) == tta


def test_poster_effnet_fine_tunes_its_last_block_from_cached_activations():
    from dataset import encoders

    est, task = fit_score("genres_poster", "poster_effnet", "poster_32x32_mlp", epochs=4, input_size="64x64",
                          finetune_blocks=1, finetune_lr=1e-3)
    frozen = encoders.load()
    tuned = est.model_.encoder
    changed = {name for name, p in tuned.named_parameters() if not torch.equal(p, dict(frozen.named_parameters())[name])}
    assert changed and all(n.startswith((f"net._blocks.{len(frozen.blocks()) - 1}.", "net._conv_head", "net._bn1"))
                           for n in changed)
    assert torch.equal(dict(tuned.named_buffers())["net._bn1.running_mean"], frozen.net._bn1.running_mean)
    scores = est.predict_proba(SPLITS["test"])
    assert scores.shape == (len(SPLITS["test"]), len(SPLITS["train"].labels("genres")))
    with pytest.raises(ValueError, match="flip and finetune_blocks"):
        fit_score("genres_poster", "poster_effnet", "poster_32x32", epochs=1, input_size="64x64", finetune_blocks=1,
                  flip=True)


def test_poster_effnet_pools_several_layers_from_the_cached_activations():
    """`pooled_blocks=1`: the last block's pooled input and output beside the head's pooled features."""
    from dataset import encoders

    est, _ = fit_score("genres_poster", "poster_effnet", "poster_32x32_mlp", epochs=2, input_size="64x64",
                       pooled_blocks=1)
    last = encoders.load().blocks()[-1]._block_args
    test = SPLITS["test"]
    features = est._features(test)
    assert features.shape == (len(test), last.input_filters + last.output_filters + 1280)
    plain = encoders.embed(test.array("poster_32x32"), size=(64, 64))
    np.testing.assert_allclose(features[:, -1280:], plain, atol=0.05 * np.abs(plain).max())  # float16 activations
    assert est.model_[1].in_features == features.shape[1]
    assert est.predict_proba(test).shape == (len(test), len(SPLITS["train"].labels("genres")))
    with pytest.raises(ValueError, match="pooled_blocks and finetune_blocks"):
        fit_score("genres_poster", "poster_effnet", "poster_32x32", epochs=1, input_size="64x64", pooled_blocks=1,
                  finetune_blocks=1)


def test_poster_effnet_averages_its_heads_and_the_mirrored_posters_scores():
    from baselines.torch_utils import predict

    est, _ = fit_score("genres_poster", "poster_effnet", "poster_32x32", epochs=3, input_size="64x64", heads=3)
    assert len(est.members_) == 3 and len(est.epochs_per_head_) == 3
    test = SPLITS["test"]
    x = est._inputs(test, fitting=False)
    each = [est._convert(predict(m, x)) for m in est.members_]
    assert not np.allclose(each[0], each[1])  # different seeds, different heads
    np.testing.assert_allclose(est.predict_proba(test), np.mean(each, axis=0), rtol=1e-5)
    est.set_params(flip_test=True)  # the same heads, each poster's scores averaged with its mirror image's
    assert not np.allclose(est.predict_proba(test), np.mean(each, axis=0))
    with pytest.raises(ValueError, match="heads must be at least 1"):
        fit_score("genres_poster", "poster_effnet", "poster_32x32", epochs=1, input_size="64x64", heads=0)
