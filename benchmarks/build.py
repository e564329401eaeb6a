"""Benchmark: synthetic raw items (no images) → a published dataset, at two sizes in one run.

Each size is built in its own child process, so its peak RSS is its own: default 540,000 items (seed
000's scale) and 2,160,000 (4×); goal peak RSS ≤ 2 GB at both. Prints wall and CPU time (user+sys,
every thread) and peak RSS per size and the ratios between the sizes. Beside them, as the reference
in the same process, the naive way seed-000-style notebooks do the same work: `pandas.read_json(lines=True)`
on the items file plus row-wise `DataFrame.apply` cleaning of the same fields, timed on a subsample and
extrapolated linearly to each size (said so in the output). `--engine memory` measures the in-memory
build (the whole table at once) instead of the streamed one.

    python benchmarks/build.py [--sizes 540000 2160000] [--engine stream|memory] [--reference-sample 20000]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CACHE = REPO / "imdbkit-data" / "bench"


def _chunk(args: tuple[int, int, int, int]) -> bytes:
    """Items start..stop of synthetic:N as Contract-1 lines (the mirror's catalog records + crawl fields)."""
    from mirror.catalog import load_catalog

    n, seed, start, stop = args
    catalog = load_catalog(f"synthetic:{n}", seed=seed)
    ids = list(catalog.ids())[start:stop]
    out = []
    for imdb_id in ids:
        rec = catalog.record(imdb_id)
        trailers = rec.pop("trailer_ids", []) or []
        rec.pop("poster_id", None)
        rec.update(url=f"https://www.imdb.com/title/{imdb_id}/", poster_url=None, poster_path=None, poster_sha1=None,
                   trailer_urls=[f"https://www.imdb.com/video/{t}/" for t in trailers],
                   scraped_at="2026-01-01T00:00:00Z", source="synthetic", warnings=[])
        out.append(orjson.dumps(rec))
    return b"\n".join(out) + b"\n"


def synthetic_raw(n: int, seed: int = 0) -> Path:
    """A raw folder with n synthetic items, generated once on every core and cached under imdbkit-data/."""
    folder = CACHE / f"synthetic-{n}-seed{seed}"
    if (folder / "items.jsonl").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    step = 20_000
    jobs = [(n, seed, s, min(n, s + step)) for s in range(0, n, step)]
    tmp = folder / "items.jsonl.tmp"
    start = time.perf_counter()
    with open(tmp, "wb") as fh, ProcessPoolExecutor(os.cpu_count()) as pool:
        for block in pool.map(_chunk, jobs):
            fh.write(block)
    os.replace(tmp, folder / "items.jsonl")
    print(f"generated {n:,} synthetic items in {time.perf_counter() - start:.1f} s (cached in {folder})")
    return folder


def naive_reference(items: Path, sample: int) -> float:
    """Seconds for pandas.read_json + row-wise apply cleaning of `sample` items (the notebook way)."""
    import pandas as pd

    from dataset import clean_rules as clean

    with open(items, "rb") as fh:
        head = b"".join(fh.readline() for _ in range(sample))
    part = Path(tempfile.mkdtemp()) / "sample.jsonl"
    part.write_bytes(head)
    start = time.perf_counter()
    df = pd.read_json(part, lines=True, dtype=False)

    def row(r):
        return pd.Series({
            "runtime_min": clean.parse_runtime_minutes(r["runtime_min"]), "votes": clean.parse_count(r["votes"]),
            "rating": clean.parse_float(r["rating"]), "year": clean.parse_year(r["year"]),
            "age_band": clean.age_band(clean.null_text(r["content_rating"])), "color": clean.normalise_color(r["color"]),
            "title": clean.null_text(r["title"]), "genres": clean.clean_list(r["genres"]),
            "actors": clean.clean_list(r["actors"]), "keywords": clean.clean_list(r["keywords"]),
            "budget": clean.parse_money(r["budget"])[0], "budget_currency": clean.parse_money(r["budget"])[1],
            "gross": clean.parse_money(r["gross_worldwide"])[0],
        })

    cleaned = df.apply(row, axis=1)
    cleaned = cleaned[cleaned["votes"].fillna(0) > 125]
    cleaned.to_parquet(part.with_suffix(".parquet"))
    elapsed = time.perf_counter() - start
    shutil.rmtree(part.parent, ignore_errors=True)
    return elapsed


def measure(raw: Path, engine: str) -> dict:
    """Build `raw` in this process (a child of main) and return its wall, CPU, peak RSS and rows."""
    from dataset.build import BuildParams, build

    out = Path(tempfile.mkdtemp(prefix="imdbkit-bench-")) / "ds"
    start = time.perf_counter()
    try:
        result = build([raw], out, BuildParams(engine=engine), quiet=True)
        wall = time.perf_counter() - start
        self, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        size_mb = sum(p.stat().st_size for p in (out / "data").iterdir()) / 1e6
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    return {"wall_s": wall, "cpu_s": self.ru_utime + self.ru_stime + children.ru_utime + children.ru_stime,
            "peak_rss_gb": max(self.ru_maxrss, children.ru_maxrss) / 1024**2, "parquet_mb": size_mb,
            "rows": {s: i["rows"] for s, i in result["splits"].items()}, "timings_s": result["timings_s"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[540_000, 2_160_000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engine", choices=("stream", "memory"), default="stream")
    ap.add_argument("--reference-sample", type=int, default=20_000)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: build this raw folder, print JSON
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.engine)))
        return 0
    try:
        raws = {n: synthetic_raw(n, args.seed) for n in args.sizes}
    except ImportError:
        print("mirror.catalog is not available; cannot generate synthetic items.")
        return 1
    figures = {}
    for n, raw in raws.items():
        load_before = os.getloadavg()[0]
        child = subprocess.run([sys.executable, __file__, "--child", str(raw), "--engine", args.engine],
                               capture_output=True, text=True, check=False)
        if child.returncode:
            print(f"build of {n:,} items failed:\n{child.stderr[-3000:]}")
            return 1
        fig = figures[n] = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{args.engine} build: {n:,} raw items → {sum(fig['rows'].values()):,} rows {fig['rows']}: "
              f"{fig['wall_s']:.1f} s wall, {fig['cpu_s']:.1f} s CPU (user+sys, all threads; "
              f"{fig['cpu_s'] / n * 1e6:.0f} µs per item), peak RSS {fig['peak_rss_gb']:.2f} GB, "
              f"parquet {fig['parquet_mb']:.0f} MB; load average {load_before:.1f} before / "
              f"{os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores (wall time is inflated when others share them)")
        print("  stage timings (s): " + ", ".join(f"{k} {v}" for k, v in fig["timings_s"].items()))
    if len(figures) > 1:
        (small, a), (large, b) = min(figures.items()), max(figures.items())
        print(f"ratio {large:,} / {small:,} items ({large / small:.1f}x): peak RSS {b['peak_rss_gb'] / a['peak_rss_gb']:.2f}x, "
              f"CPU time {b['cpu_s'] / a['cpu_s']:.2f}x (per item {b['cpu_s'] / large / (a['cpu_s'] / small):.2f}x), "
              f"wall time {b['wall_s'] / a['wall_s']:.2f}x")
    ref = naive_reference(raws[min(raws)] / "items.jsonl", args.reference_sample)
    for n, fig in figures.items():
        extrapolated = ref * n / args.reference_sample
        print(f"reference (pandas.read_json + row-wise apply cleaning + vote filter + to_parquet, no splits/features/"
              f"card): {args.reference_sample:,} items in {ref:.1f} s → {extrapolated:.0f} s extrapolated to {n:,}; "
              f"the build takes {extrapolated / fig['wall_s']:.1f}x less wall time while doing more work")
    worst = max(f["peak_rss_gb"] for f in figures.values())
    print(f"goal peak RSS ≤ 2 GB at every size: {'met' if worst <= 2 else 'MISSED'} (worst {worst:.2f} GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
