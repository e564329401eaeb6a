"""Where the repository and ../shared are, and Debian binaries or shared data that skip locally but fail in CI."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
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
    """Return a path under ../shared, skipping cleanly when a fresh clone has no such folder (failing in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent (real data lives in ../shared beside the checkout)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


# Debian chromium in a container: no sandbox, no GPU, nothing fetched from the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
