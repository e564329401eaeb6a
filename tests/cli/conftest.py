"""One real `imdbkit demo --titles 60` shared by the CLI tests (the slow part, run once per session)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.cli import DEMO_ARGS, Run, imdbkit


@dataclass
class Demo:
    work: Path
    first: Run


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    work = tmp_path_factory.mktemp("demo") / "work"
    run = imdbkit("demo", "--workdir", str(work), *DEMO_ARGS)
    assert run.code == 0, run.err[-3000:]
    return Demo(work, run)
