"""`imdbkit demo`: the whole chain offline — mirror, `scrapy crawl imdb`, trailers, build, leaderboard, report.

The demo writes `demo-report.html` (the leaderboard's page plus a dataset overview and top-3 posters);
the leaderboard keeps its own `leaderboard/report.html`, so neither overwrites the other.

Each phase runs the stage's own entry point (a real `scrapy crawl imdb` subprocess, `python -m dataset
build`'s `main`, `baselines.leaderboard.run`) and records what it consumed in `demo-state.json`; a
rerun skips a phase whose inputs are unchanged and whose outputs exist, and a crawl that was cut
short resumes (the spider skips titles already in items.jsonl).

This module is the command (its flags and help); the phases are `cli/demo_phases.py` (the crawl and
the trailer downloads `cli/demo_fetch.py`), the data steps between them `cli/demo_data.py` and the
closing summary `cli/demo_summary.py`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import DEFAULT_DEMO, command
from cli.demo_data import read_items, write_splits
from cli.demo_phases import DEMO_REPORT, Demo
from cli.lists import ListAction

__all__ = ["DEMO_REPORT", "EXAMPLE", "Demo", "add_arguments", "read_items", "run", "write_splits"]

# The time quoted here and in the README is a measured run (docs/benchmarks.md, "The demo"); keep them equal.
EXAMPLE = f"""  imdbkit demo                                   # 500 titles into {DEFAULT_DEMO}: took about 9 minutes
                                                 # on 2 cores shared with other jobs (load 4–8), less on a quiet machine
  imdbkit demo --titles 60 --workdir /tmp/demo   # a quick look
  imdbkit demo                                   # again: every finished phase is reused
then open {DEFAULT_DEMO}/demo-report.html"""


def add_arguments(groups: argparse._SubParsersAction) -> None:
    p = command(groups, "demo", "run the whole chain offline and write demo-report.html",
                "Start the offline mirror (synthetic catalog), crawl it with `scrapy crawl imdb` (posters, keywords), "
                "fetch the trailers, build the dataset (posters 32x32 and 150x101, trailer frames and their "
                "EfficientNet-Lite0 embeddings), run the "
                "leaderboard on every task the data supports and write demo-report.html. Reruns reuse finished phases.",
                EXAMPLE)
    p.add_argument("--titles", type=int, default=500, help="titles in the synthetic catalog (default 500)")
    p.add_argument("--workdir", type=Path, default=DEFAULT_DEMO, help=f"output folder (default {DEFAULT_DEMO})")
    p.add_argument("--budget-minutes", type=float, default=0.5, help="wall-clock cap per model fit (default 0.5)")
    p.add_argument("--models", action=ListAction, help="subset of the leaderboard's models: a,b or repeated (default: all)")
    p.add_argument("--bootstrap", type=int, default=200, help="bootstrap resamples for the 95%% CIs (default 200)")
    p.add_argument("--port", type=int, default=0, help="mirror port (default 0: the system picks a free one)")
    p.add_argument("--force", action="store_true", help="redo every phase")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return Demo(args).run()
