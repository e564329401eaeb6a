"""Shared test helpers: Debian binaries that skip locally but fail in CI, and the mirror fixture."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_binary(path_or_name: str) -> str:
    """Return the binary's path; skip when missing outside CI, fail when missing in CI."""
    found = path_or_name if Path(path_or_name).is_file() else shutil.which(path_or_name)
    if found:
        return found
    message = f"{path_or_name} is not installed (apt-get install it; .ci/run does)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_shared(*parts: str) -> Path:
    """Return a path under ../shared, skipping cleanly when a fresh clone has no such folder."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (real data lives in ../shared beside the checkout)")
    return path
