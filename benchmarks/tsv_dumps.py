"""Benchmark: `python -m dataset import tsv-dumps` on full-size synthetic IMDb dumps, in bounded memory.

IMDb's title.basics.tsv.gz holds ~11 million rows and title.ratings.tsv.gz ~1.5 million; the synthetic
pair has the same sizes, columns, `\\N` nulls and a skewed vote distribution (generated once, cached
under imdbkit-data/bench/). The import runs in a child process; prints its wall and CPU time, peak
RSS (goal ≤ 1 GB) and items written, at the default vote threshold and with every rated title kept.
As the reference in the same run, reading the same two files with `pandas.read_csv` and merging them,
the way a notebook would, is timed on the first million basics rows and extrapolated linearly.

    python benchmarks/tsv_dumps.py [--basics 11000000] [--ratings 1500000]
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CACHE = REPO / "imdbkit-data" / "bench"
NULL = "\\N"  # the dumps' null
TYPES = np.array(["tvEpisode", "short", "movie", "video", "tvSeries", "tvMovie", "tvMiniSeries", "tvSpecial",
                  "videoGame", "tvShort"])
TYPE_SHARE = np.array([0.72, 0.09, 0.065, 0.03, 0.025, 0.015, 0.006, 0.005, 0.004, 0.02])
GENRES = np.array(["Drama", "Comedy", "Documentary", "Action", "Romance", "Horror", "Crime", "Thriller", "Family",
                   "Adventure", "Animation", "Music", "Short", "Talk-Show", "Reality-TV", "News", "Sci-Fi", "Fantasy"])


def synthetic_dumps(basics: int, ratings: int, seed: int = 0) -> Path:
    """title.basics.tsv.gz (`basics` rows) + title.ratings.tsv.gz (`ratings` of them), generated once."""
    folder = CACHE / f"tsv-dumps-{basics}-{ratings}-seed{seed}"
    if (folder / "title.ratings.tsv.gz").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(40_000_000, basics, replace=False))
    tmp = folder / "title.basics.tsv.gz.tmp"
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1, newline="") as fh:
        fh.write("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n")
        for lo in range(0, basics, 500_000):
            chunk = ids[lo:lo + 500_000]
            n = len(chunk)
            kinds = TYPES[rng.choice(len(TYPES), n, p=TYPE_SHARE / TYPE_SHARE.sum())]
            years = rng.integers(1890, 2030, n)
            runtimes = rng.integers(1, 240, n)
            no_runtime = rng.random(n) < 0.4
            g1, g2 = GENRES[rng.integers(0, len(GENRES), n)], GENRES[rng.integers(0, len(GENRES), n)]
            fh.write("".join(
                f"tt{i:07d}\t{k}\tTitle {i}\tTitle {i}\t0\t{y}\t{NULL}\t{NULL if nr else r}\t{a},{b}\n"
                for i, k, y, r, nr, a, b in zip(chunk.tolist(), kinds.tolist(), years.tolist(), runtimes.tolist(),
                                                no_runtime.tolist(), g1.tolist(), g2.tolist(), strict=True)))
    rated = np.sort(rng.choice(ids, ratings, replace=False))
    votes = np.maximum(5, rng.lognormal(3.5, 1.8, ratings)).astype(np.int64)
    scores = np.round(rng.uniform(1, 10, ratings), 1)
    rtmp = folder / "title.ratings.tsv.gz.tmp"
    with gzip.open(rtmp, "wt", encoding="utf-8", compresslevel=1, newline="") as fh:
        fh.write("tconst\taverageRating\tnumVotes\n")
        fh.write("".join(f"tt{i:07d}\t{s}\t{v}\n" for i, s, v in zip(rated.tolist(), scores.tolist(), votes.tolist(),
                                                                     strict=True)))
    tmp.rename(folder / "title.basics.tsv.gz")
    rtmp.rename(folder / "title.ratings.tsv.gz")
    print(f"generated {basics:,} basics and {ratings:,} ratings rows in {time.perf_counter() - start:.0f} s "
          f"(cached in {folder})")
    return folder


def measure(dumps: Path, min_votes: int) -> dict:
    """Import in this process (a child of main): wall, CPU, peak RSS, items."""
    from dataset.importers.tsv_dumps import import_tsv_dumps

    out = Path(tempfile.mkdtemp(prefix="imdbkit-bench-tsv-"))
    start = time.perf_counter()
    try:
        summary = import_tsv_dumps(dumps, out / "raw", min_votes=min_votes)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall_s": time.perf_counter() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_gb": usage.ru_maxrss / 1024**2, "items": summary["items"]}


def pandas_reference(dumps: Path, rows: int) -> float:
    """Seconds for pandas.read_csv of `rows` basics rows + all ratings, merged and filtered (the notebook way)."""
    import pandas as pd

    start = time.perf_counter()
    basics = pd.read_csv(dumps / "title.basics.tsv.gz", sep="\t", na_values="\\N", nrows=rows, dtype=str)
    ratings = pd.read_csv(dumps / "title.ratings.tsv.gz", sep="\t", na_values="\\N")
    merged = basics[basics["titleType"] == "movie"].merge(ratings[ratings["numVotes"] > 125], on="tconst")
    merged.to_json(Path(tempfile.mkdtemp()) / "items.jsonl", orient="records", lines=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--basics", type=int, default=11_000_000)
    ap.add_argument("--ratings", type=int, default=1_500_000)
    ap.add_argument("--reference-rows", type=int, default=1_000_000)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: import this folder, print JSON
    ap.add_argument("--min-votes", type=int, default=125)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.min_votes)))
        return 0
    dumps = synthetic_dumps(args.basics, args.ratings)
    worst = 0.0
    for min_votes in (125, 0):
        child = subprocess.run([sys.executable, __file__, "--child", str(dumps), "--min-votes", str(min_votes)],
                               capture_output=True, text=True, check=False)
        if child.returncode:
            print(f"import failed:\n{child.stderr[-3000:]}")
            return 1
        fig = json.loads(child.stdout.strip().splitlines()[-1])
        worst = max(worst, fig["peak_rss_gb"])
        print(f"import tsv-dumps (--min-votes {min_votes}): {args.basics:,} basics + {args.ratings:,} ratings rows → "
              f"{fig['items']:,} items in {fig['wall_s']:.1f} s wall, {fig['cpu_s']:.1f} s CPU, "
              f"peak RSS {fig['peak_rss_gb']:.2f} GB")
    ref = pandas_reference(dumps, args.reference_rows)
    print(f"reference (pandas.read_csv of both files, merge, filter, to_json): {args.reference_rows:,} basics rows "
          f"in {ref:.1f} s → {ref * args.basics / args.reference_rows:.0f} s extrapolated to {args.basics:,}")
    print(f"goal peak RSS ≤ 1 GB: {'met' if worst <= 1 else 'MISSED'} (worst {worst:.2f} GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
