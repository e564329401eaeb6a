"""The line-per-fact summary `imdbkit demo` prints when it finishes: timings, sizes, each task's leader.

Apart from the phases because it only reads what they produced (build.json's counts, leaderboard.json).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from cli.demo_phases import Demo


def summary(console: Console, demo: Demo, meta: dict[str, Any], board: dict[str, Any], items: int,
            seconds: float) -> None:
    from baselines.metrics import HEADLINE
    from baselines.ranking import leaders
    from baselines.tasks import TASKS

    removed = sum(n for reasons in meta["counts"].get("removed", {}).values() for n in reasons.values())
    rows = ", ".join(f"{s} {i['rows']:,}" for s, i in meta["splits"].items())
    console.soft_wrap = True  # one line per fact, whatever the terminal width
    console.print(f"[bold]imdbkit demo[/] finished in {seconds:.0f}s "
                  f"({', '.join(f'{k} {v}' for k, v in demo.timings.items())})", highlight=False)
    console.print(f"titles crawled: {items:,}; dataset rows: {rows} ({removed:,} removed by the build)",
                  highlight=False)
    best = leaders(board["rows"])
    for task in dict.fromkeys(r["task"] for r in board["rows"]):
        metric = HEADLINE[TASKS[task].kind][0]
        r = best.get(task)
        if r:
            m = r["metrics"][metric]
            # "best" only when the paired bootstrap says so (baselines/ranking.py); else the top point estimate
            label = {"best": "best", "tied": "top (tied)"}.get(r.get("rank") or "", "top (unranked)")
            console.print(f"  {label} {task}: {r['model']} ({r['feature_set']}) {metric} {m['value']:.3f} "
                          f"[{m['ci_low']:.3f}, {m['ci_high']:.3f}]", highlight=False)
        else:
            console.print(f"  {task}: every model failed (see {demo.board / 'leaderboard.md'})", highlight=False)
    for s in board["skipped"]:
        if s["model"] == "*":
            console.print(f"  skipped {s['task']}: {s['reason']}", highlight=False)
    console.print(f"open: {demo.report}\n      {demo.board / 'leaderboard.md'}\n      {demo.dataset / 'README.md'}",
                  highlight=False)
