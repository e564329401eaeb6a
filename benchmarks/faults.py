"""Nothing lost, nothing doubled: N titles crawled through the mirror's fault injection, against a
fault-free crawl of the same catalog in the same process (the figures docs/reliability.md quotes).

Each crawl is a real `scrapy crawl imdb` subprocess (posters off, no delays). Reported: titles written,
duplicates (an id written twice), lost (a catalog id neither written nor counted as failed), failed
(counted in stats.json, retried by the next run), and items that differ from the fault-free crawl.

    python benchmarks/faults.py [--titles 1000] [--faults 429=0.1,503=0.05,reset=0.02,truncate=0.02]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mirror import MirrorServer  # noqa: E402
from tests.helpers.crawl import injected_faults, normalised, read_lines, run_crawl, stats  # noqa: E402


def crawl(titles: int, spec: str | None, folder: Path) -> dict:
    """One crawl of `titles` synthetic titles through `spec`; its items, stats and the faults injected."""
    with MirrorServer(f"synthetic:{titles}", faults=spec, seed=1) as server:
        folder.mkdir(parents=True)
        ids = folder / "ids.txt"
        ids.write_text("\n".join(server.catalog.ids()) + "\n")
        start = time.perf_counter()
        done = run_crawl(server.base_url, folder / "out", {"ids_file": str(ids)}, timeout=1800)
        seconds = time.perf_counter() - start
        records, broken = read_lines(folder / "out" / "items.jsonl")
        written = Counter(r["imdb_id"] for r in records)
        return {"code": done.returncode, "seconds": seconds, "ids": set(server.catalog.ids()), "written": written,
                "broken_lines": broken, "items": normalised([r for r in records if written[r["imdb_id"]] == 1],
                                                            server.base_url),
                "stats": stats(folder / "out"), "injected": injected_faults(server) if spec else {}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=1000)
    parser.add_argument("--faults", default="429=0.1,503=0.05,reset=0.02,truncate=0.02")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clean = crawl(args.titles, None, Path(tmp) / "clean")
        faulty = crawl(args.titles, args.faults, Path(tmp) / "faulty")
    report = faulty["stats"]
    failed = {e["imdb_id"] for e in report["titles_failed_examples"]}
    lost = faulty["ids"] - set(faulty["written"]) - failed
    differ = [i for i, item in faulty["items"].items() if clean["items"].get(i) != item]
    out = {"titles": args.titles, "faults": args.faults, "injected": faulty["injected"],
           "written": len(faulty["written"]), "duplicates": sum(n - 1 for n in faulty["written"].values()),
           "lost": len(lost), "failed_counted": report["titles_failed"], "differ_from_fault_free": len(differ),
           "broken_lines": faulty["broken_lines"], "exit_status": faulty["code"],
           "finish_reason": report["finish_reason"], "retries": report["requests"]["retries"],
           "retries_given_up": report["requests"]["retries_given_up"],
           "seconds": {"fault_free": round(clean["seconds"], 1), "faulty": round(faulty["seconds"], 1)}}
    print(json.dumps(out, indent=2))
    return 0 if not lost and not out["duplicates"] and not differ else 1


if __name__ == "__main__":
    raise SystemExit(main())
