"""Benchmark: 540,000 synthetic raw items (seed 000's scale, no images) → a published dataset.

Prints wall time and peak RSS of `dataset.build` (goal ≤ 60 s and ≤ 4 GB on the 2-core sandbox) and,
as the reference in the same process, the naive way seed-000-style notebooks do the same work:
`pandas.read_json(lines=True)` on the items file plus row-wise `DataFrame.apply` cleaning of the same
fields, timed on a subsample and extrapolated linearly to the full size (said so in the output).

    python benchmarks/build.py [--items 540000] [--reference-sample 20000]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
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

    from dataset import clean

    with open(items, "rb") as fh:
        head = b"".join(fh.readline() for _ in range(sample))
    part = Path(tempfile.mkdtemp()) / "sample.jsonl"
    part.write_bytes(head)
    start = time.perf_counter()
    df = pd.read_json(part, lines=True, dtype=False)

    def row(r):
        return pd.Series({
            "runtime_min": clean.parse_duration(r["runtime_min"]), "votes": clean.parse_count(r["votes"]),
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=540_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reference-sample", type=int, default=20_000)
    args = ap.parse_args()
    try:
        raw = synthetic_raw(args.items, args.seed)
    except ImportError:
        print("mirror.catalog is not available; cannot generate synthetic items.")
        return 1
    from dataset.build import BuildParams, build

    out = Path(tempfile.mkdtemp(prefix="imdbkit-bench-")) / "ds"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    result = build([raw], out, BuildParams(), quiet=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    rows = {s: i["rows"] for s, i in result["splits"].items()}
    size_mb = sum(p.stat().st_size for p in (out / "data").iterdir()) / 1e6
    print(f"build: {args.items:,} raw items → {sum(rows.values()):,} rows {rows} in {wall:.1f} s wall, "
          f"peak RSS {peak_gb:.2f} GB (process, before build {rss_before / 1024**2:.2f} GB), parquet {size_mb:.0f} MB")
    print(f"CPU time of the build {cpu:.1f} s (user+sys, all threads); machine load average "
          f"{load_before:.1f} before / {os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores — wall time "
          "is inflated when other processes share the cores")
    print("stage timings (s): " + ", ".join(f"{k} {v}" for k, v in result["timings_s"].items()))
    ref = naive_reference(raw / "items.jsonl", args.reference_sample)
    extrapolated = ref * args.items / args.reference_sample
    print(f"reference (pandas.read_json + row-wise apply cleaning + vote filter + to_parquet, no splits/features/"
          f"card): {args.reference_sample:,} items in {ref:.1f} s → {extrapolated:.0f} s extrapolated to "
          f"{args.items:,}")
    print(f"ratio: build is {extrapolated / wall:.1f}x faster than the naive reference while doing more work")
    print(f"goals: wall ≤ 60 s: {'met' if wall <= 60 else 'MISSED'}; peak RSS ≤ 4 GB: "
          f"{'met' if peak_gb <= 4 else 'MISSED'}")
    shutil.rmtree(out.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
