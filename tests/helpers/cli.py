"""`imdbkit ARGS` as a user types it (a subprocess) or cheaply in this process, and the demo's small-run flags."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Every task the demo data supports still gets rows; a small budget keeps the run to a minute or two.
DEMO_MODELS = "majority,mean,label_prior,logreg,lightgbm,poster_cnn,stacked_frames_cnn,meanpool_logreg,poster_effnet,trailer_effnet"
DEMO_ARGS = ["--titles", "60", "--budget-minutes", "0.1", "--bootstrap", "50", "--models", DEMO_MODELS]


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def imdbkit(*args: str, cwd: Path | None = None, timeout: float = 600) -> Run:
    """`imdbkit ARGS` in a subprocess, as a user would type it."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "160"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def cli(*args: str) -> Run:
    """`imdbkit ARGS` in this process (cheap: no interpreter start-up); same exit codes and streams."""
    import contextlib
    import io

    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)
