"""`imdbkit info DATASET`: the dataset card's summary in the terminal and a labelled poster grid PNG."""
from __future__ import annotations

import argparse
import io
import re
import warnings
from pathlib import Path

from rich.console import Console
from rich.table import Table

from cli.common import DATA, CliError, command, existing_dataset
from dataset.markup import terminal
from dataset.split import split_name

EXAMPLE = """  imdbkit info imdbkit-data/datasets/imdb
  imdbkit info imdbkit-data/demo/dataset --split test --grid /tmp/test-posters.png"""


def add_arguments(groups: argparse._SubParsersAction) -> None:
    p = command(groups, "info", "summarise a built dataset and write a poster grid PNG",
                "Print a dataset's sizes, stages and removals (from build.json) and write a grid of sample "
                "posters with their titles and genres to a PNG.", EXAMPLE)
    p.add_argument("dataset", type=Path, help="a folder written by `imdbkit build`")
    p.add_argument("--split", default="train", help="split to take sample posters from (default train)")
    p.add_argument("--grid", type=Path, help=f"PNG path (default {DATA}/info/<dataset>-posters.png)")
    p.add_argument("--n", type=int, default=24, help="posters in the grid (default 24)")
    p.set_defaults(func=run)


def poster_column(columns: list[str]) -> str | None:
    """The largest poster_{H}x{W} column: the grid should show what a person would recognise."""
    posters = [c for c in columns if re.fullmatch(r"poster_\d+x\d+", c)]
    return max(posters, key=lambda c: int(c.split("_")[1].split("x")[0]) * int(c.split("x")[1]), default=None)


def poster_grid(path: Path, split: str, n: int = 24, cols: int = 8) -> bytes | None:
    """PNG bytes of up to n posters of one split with their title and genres; None without posters."""
    import matplotlib

    import dataset
    from dataset.card import drawable  # the card's poster grid and this one drop the same titles
    from dataset.markup import plain_plot_text

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plain_plot_text()  # titles and genres are crawled text, not TeX

    col = poster_column(dataset.info(path)["columns"])
    if col is None:
        return None
    data = dataset.load(path, split, columns=[col, "imdb_id", "title", "genres", "is_oversampled"])
    keep = [i for i in range(len(data[col])) if data[f"{col}_mask"][i] and not data["is_oversampled"][i]][:n]
    if not keep:
        return None
    rows = -(-len(keep) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.45, rows * 2.35), dpi=100, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), keep, strict=False):
        ax.imshow(data[col][i])
        title = str(data["title"][i] or "")
        title = title if drawable(title) else str(data["imdb_id"][i])  # e.g. CJK titles: no such font here
        genres = ", ".join((data["genres"][i] or [])[:3])
        ax.set_title(f"{title[:18]}\n{genres[:24]}", fontsize=6.5)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs DejaVu lacks (non-Latin titles) render as boxes
        fig.tight_layout()
        fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def summary_table(meta: dict) -> Table:
    table = Table(title=f"dataset {terminal(meta.get('name', ''))}", show_header=True)
    table.add_column("split")
    table.add_column("rows", justify="right")
    table.add_column("oversampled copies", justify="right")
    for split, s in meta["splits"].items():
        table.add_row(terminal(split), f"{s['rows']:,}", f"{s.get('oversampled', 0):,}")
    return table


def removals(meta: dict) -> list[tuple[str, str, int]]:
    """(stage, reason, rows) for every removal the build counted."""
    return [(stage, reason, n) for stage, reasons in meta["counts"].get("removed", {}).items()
            for reason, n in reasons.items()]


def run(args: argparse.Namespace) -> int:
    import dataset

    path = existing_dataset(args.dataset)
    if args.n < 1:
        raise CliError(f"--n {args.n} must be at least 1.", 2)
    meta = dataset.info(path)
    args.split = split_name(args.split) or args.split  # `val` is `validation`
    if args.split not in meta["splits"]:
        raise CliError(f"--split {args.split!r} is not in {path} (it has {', '.join(meta['splits'])}).", 2)
    console = Console(quiet=args.quiet)
    console.print(summary_table(meta))
    stages = Table(title="rows per stage", show_header=True)
    for name in ("stage", "in", "out", "removed (reason: rows)"):
        stages.add_column(name)
    for stage, rows in meta["counts"]["rows"].items():
        why = ", ".join(f"{r}: {n:,}" for s, r, n in removals(meta) if s == stage)
        stages.add_row(stage, f"{rows['in']:,}", f"{rows['out']:,}", terminal(why or "–"))
    console.print(stages)
    genres = meta["labels"].get("genres", [])
    console.print(f"[bold]columns[/] ({len(meta['columns'])}): {', '.join(meta['columns'])}", highlight=False)
    console.print(f"[bold]genres[/] ({len(genres)}): {terminal(', '.join(genres))}", highlight=False)
    console.print(f"[bold]rating bins[/] {terminal(meta['labels'].get('rating_bins'))}; quarantined items "
                  f"{meta['counts'].get('quarantined', 0)}; code {meta.get('code_version')}", highlight=False)
    png = poster_grid(path, args.split, args.n)
    if png is None:
        console.print("no poster column (or no posters in this split): no grid written")
        return 0
    grid = args.grid or DATA / "info" / f"{path.resolve().name}-posters.png"
    grid.parent.mkdir(parents=True, exist_ok=True)
    grid.write_bytes(png)
    print(grid)  # stdout: the one thing a script wants
    return 0
