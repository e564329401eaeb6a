"""Fixtures every area shares: the offline mirror (one per session, or more per test) and a throwaway redis-server."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.helpers.redis_server import start_redis

# --- the offline mirror (mirror) -------------------------------------------------------------
# `mirror`: one session-wide server on a 1,000-title synthetic catalog, seed 0, no faults
#           (attributes: .base_url, .catalog, .faults, .seed; see mirror/server.py).
# `mirror_factory(catalog_spec="synthetic:300", faults=None, seed=0, posters_dir=None)`: starts more
#           servers (faults, other seeds, the real table) and stops them when the test ends.
MIRROR_TITLES = 1000


@pytest.fixture(scope="session")
def mirror():
    from mirror import MirrorServer

    with MirrorServer(f"synthetic:{MIRROR_TITLES}", seed=0) as server:
        yield server


@pytest.fixture
def mirror_factory():
    from mirror import MirrorServer

    with ExitStack() as started:  # every server this test started stops when it ends

        def start(catalog_spec: str = "synthetic:300", faults=None, seed: int = 0, posters_dir=None, **kwargs):
            return started.enter_context(MirrorServer(catalog_spec, faults=faults, seed=seed, posters_dir=posters_dir,
                                                      **kwargs))

        yield start


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    proc, url = start_redis(tmp_path)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
