"""Fixtures for the baselines tests: tiny synthetic splits, an isolated embedding cache."""
from __future__ import annotations

import pytest

from tests.helpers.synthetic import build_tiny_dataset, make_splits


@pytest.fixture(scope="session")
def splits():
    return make_splits()


@pytest.fixture(autouse=True)
def _embedding_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("IMDBKIT_CACHE", str(tmp_path_factory.getbasetemp() / "imdbkit-cache"))


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory):
    """A dataset built by `python -m dataset build` from 60 synthetic titles (32×32 posters), once per session."""
    return build_tiny_dataset(tmp_path_factory.mktemp("tiny_dataset"))
