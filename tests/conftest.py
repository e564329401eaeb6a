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
    """Return a path under ../shared, skipping cleanly when a fresh clone has no such folder (failing in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent (real data lives in ../shared beside the checkout)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


# --- the offline mirror (mirror) -------------------------------------------------------------
# `mirror`: one session-wide server on a 1,000-title synthetic catalog, seed 0, no faults
#           (attributes: .base_url, .catalog, .faults, .seed; see mirror/server.py).
# `mirror_factory(catalog_spec="synthetic:300", faults=None, seed=0, posters_dir=None)`: starts more
#           servers (faults, other seeds, the real table) and stops them when the test ends.
MIRROR_TITLES = 1000


@pytest.fixture(scope="session")
def mirror():
    from mirror import MirrorServer

    server = MirrorServer(f"synthetic:{MIRROR_TITLES}", seed=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mirror_factory():
    from mirror import MirrorServer

    started: list = []

    def start(catalog_spec: str = "synthetic:300", faults=None, seed: int = 0, posters_dir=None, **kwargs):
        server = MirrorServer(catalog_spec, faults=faults, seed=seed, posters_dir=posters_dir, **kwargs)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
