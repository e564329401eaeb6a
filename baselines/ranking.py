"""Which rows of a task lead: paired-bootstrap differences of the headline metric on the same test rows.

Every row gets `paired.vs_reference` (row − the task's reference model, e.g. majority or the label prior)
and `paired.vs_best` (row − the row with the highest headline value), each `{metric, against, diff,
ci_low, ci_high}`. `rank` is "best" when the best row's difference to every other row excludes 0,
"tied" for each row whose difference to the best includes 0 when there are several such rows, else
None. Test sets under MIN_TEST_ROWS rows get a warning and no ranking: 6 test rows gave a bold
"accuracy 1.000 [1.000, 1.000]".
"""
from __future__ import annotations

from typing import Any

import numpy as np

from baselines import metrics as M
from baselines.evaluate import headline
from baselines.registry import REFERENCE
from baselines.tasks import TASKS, Task

MIN_TEST_ROWS = 100


def rank_task(task: Task, rows: list[dict[str, Any]], artifacts: dict[str, dict[str, Any]], y_test: np.ndarray,
              n_boot: int, seed: int) -> str | None:
    """Fill `paired` and `rank` on this task's rows (in place); return a warning line, or None."""
    name = M.HEADLINE[task.kind][0]
    ok = [r for r in rows if not r["error"] and np.isfinite(r["metrics"].get(name, {}).get("value", np.nan))]
    for r in rows:
        r["paired"], r["rank"] = {}, None
    if not ok:
        return None
    fns = {id(r): headline(task, y_test, artifacts[f"{r['task']}/{r['model']}/{r['feature_set']}"]["scores"])
           for r in ok}
    n = len(y_test)

    def diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        ci = M.paired_difference(fns[id(a)], fns[id(b)], n, n_boot=n_boot, seed=seed)
        return {"metric": name, "against": f"{b['model']}/{b['feature_set']}", "diff": ci["value"],
                "ci_low": ci["ci_low"], "ci_high": ci["ci_high"]}

    reference = next((r for r in ok if r["model"] == REFERENCE.get(task.name)), None)
    best = max(ok, key=lambda r: r["metrics"][name]["value"])
    for r in ok:
        if reference is not None and r is not reference:
            r["paired"]["vs_reference"] = diff(r, reference)
        if r is not best:
            r["paired"]["vs_best"] = diff(r, best)
    if n < MIN_TEST_ROWS:
        return (f"{task.name}: the test split has {n} rows (< {MIN_TEST_ROWS}), so no row is ranked; "
                "its intervals are too wide to order models")
    leaders = [best] + [r for r in ok if r is not best and not r["paired"]["vs_best"]["ci_high"] < 0]
    if len(leaders) == 1:
        best["rank"] = "best"
    else:
        for r in leaders:
            r["rank"] = "tied"
    return None


def leaders(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each task's leading row: the one ranked best, else the top point estimate of its headline metric.

    Errored rows and rows without a finite headline never lead; a task whose rows all failed is absent."""
    top: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = headline_name(r)
        value = (r.get("metrics") or {}).get(name, {}).get("value")
        if r.get("error") or value is None or not np.isfinite(value):
            continue
        current = top.get(r["task"])
        if current is None or (r.get("rank") == "best") or (
                current.get("rank") != "best" and value > current["metrics"][name]["value"]):
            top[r["task"]] = r
    return top


def headline_name(row: dict[str, Any]) -> str:
    """The row's headline metric: its task kind's, else (a task this registry does not know) its first metric."""
    task = TASKS.get(row["task"])
    return M.HEADLINE[task.kind][0] if task else next(iter(row.get("metrics") or {}), "")
