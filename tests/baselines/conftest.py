"""Fixtures for the baselines tests: tiny synthetic splits, an isolated embedding cache."""
from __future__ import annotations

import pytest

from tests.baselines.synthetic import make_splits


@pytest.fixture(scope="session")
def splits():
    return make_splits()


@pytest.fixture(autouse=True)
def _embedding_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("IMDBKIT_CACHE", str(tmp_path_factory.getbasetemp() / "imdbkit-cache"))
