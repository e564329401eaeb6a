"""The same leaderboard on an idle and on a busy machine gives identical rows at default settings:
training length is epochs, never wall-clock time (issue 16)."""
from __future__ import annotations

import subprocess
import sys

from rich.console import Console

from baselines.leaderboard import run
from tests.helpers.synthetic import make_splits

TIMINGS = ("fit_seconds", "predict_seconds")


def rows(out, splits):
    result = run(splits, out, tasks=["rating_class", "genres_frames"],
                 models=["majority", "entity_mlp", "label_prior", "bilstm_maxpool"], n_boot=100,
                 console=Console(quiet=True))
    return [{k: v for k, v in r.items() if k not in TIMINGS} for r in result["rows"]]


def test_idle_and_busy_runs_give_identical_rows(tmp_path):
    splits = make_splits(n_train=160, n_eval=60)
    idle = rows(tmp_path / "idle", splits)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        busy = rows(tmp_path / "busy", make_splits(n_train=160, n_eval=60))
    finally:
        for b in burners:
            b.kill()
            b.wait()
    assert [r["stopped_by"] for r in idle if r["model"] in ("entity_mlp", "bilstm_maxpool")] != [None, None]
    assert all(r["stopped_by"] != "budget" for r in idle + busy)
    for a, b in zip(idle, busy, strict=True):
        assert {k: v for k, v in a.items() if k != "config"} == {k: v for k, v in b.items() if k != "config"}


def test_the_budget_is_off_unless_asked_for(tmp_path):
    import inspect

    assert inspect.signature(run).parameters["budget_minutes"].default is None
    splits = make_splits(n_train=60, n_eval=20)
    result = run(splits, tmp_path, tasks=["rating_class"], models=["entity_mlp"], n_boot=10,
                 console=Console(quiet=True))
    assert result["meta"]["budget_minutes"] is None
    assert '"budget_seconds": null' in (tmp_path / "configs" / "rating_class__entity_mlp__seed000.json").read_text()
    env = result["meta"]["environment"]
    assert env["libraries"]["torch"] and env["cpu_count"] and "git_commit" in env and "gpu" in env
