"""How fast the offline mirror serves: title and keywords pages/s, resized posters/s, against a static reference.

The mirror runs in its own process (`python -m mirror serve`), so the load generator here does
not share its GIL; the reference is a trivial asyncio server in another process that answers every
request with one page of the mirror's average size (title pages are real-size since issue 19, ~0.54 MB;
`--small` serves the compact ~15 KB pages of before, `--faults small=1`; keywords pages, real-size since too, are
timed apart, over the same titles). Same load generator (asyncio, raw
sockets, keep-alive), same run. Goal from issue 2: at least 1,000 distinct title pages/s on the 2-core sandbox
(set for the ~14 KB pages of then; at real size the static server's rate at the same size is the bound).

    python benchmarks/mirror.py [--pages 3000] [--keyword-pages 1000] [--posters 300] [--runs 3] [--concurrency 16]
                                [--catalog synthetic:200000] [--small]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mirror.app import PAGE_CACHE, REAL_SIZE_PAGE_CACHE  # noqa: E402
from mirror.catalog import load_catalog  # noqa: E402

STATIC_SERVER = r"""
import asyncio, sys
BODY = b"x" * int(sys.argv[1])
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n" % len(BODY)
class P(asyncio.Protocol):
    def connection_made(self, t): self.t, self.buf = t, b""
    def data_received(self, d):
        self.buf += d
        while b"\r\n\r\n" in self.buf:
            _, self.buf = self.buf.split(b"\r\n\r\n", 1)
            self.t.write(HEAD + BODY)
async def main():
    server = await asyncio.get_running_loop().create_server(P, "127.0.0.1", 0, backlog=1024)
    print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


async def _worker(host: str, port: int, paths: list[str], stats: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for path in paths:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: imdbkit-bench\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        body = await reader.readexactly(length)
        stats["bytes"] += len(body)
        stats["ok" if status == 200 else "bad"] += 1
    writer.close()


def load(base_url: str, paths: list[str], concurrency: int) -> tuple[float, dict]:
    """Fetch all paths over `concurrency` keep-alive connections; returns (requests/s, stats)."""
    host, port = base_url.split("//", 1)[1].rsplit(":", 1)
    stats = {"ok": 0, "bad": 0, "bytes": 0}
    shards = [paths[i::concurrency] for i in range(concurrency)]

    async def run() -> None:
        await asyncio.gather(*(_worker(host, int(port), s, stats) for s in shards if s))

    start = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - start
    return len(paths) / elapsed, stats


def start(cmd: list[str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    return proc, proc.stdout.readline().strip()


def rounds(base_url: str, batches: list[list[str]], concurrency: int) -> tuple[list[float], dict]:
    """One load run per batch; returns the rates and the summed stats."""
    rates, total = [], {"ok": 0, "bad": 0, "bytes": 0}
    for batch in batches:
        rate, stats = load(base_url, batch, concurrency)
        rates.append(rate)
        total = {k: total[k] + stats[k] for k in total}
    return rates, total


def summary(rates: list[float]) -> str:
    return f"{statistics.median(rates):9,.0f}  (runs: {', '.join(f'{r:,.0f}' for r in rates)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalog", default="synthetic:200000")
    parser.add_argument("--pages", type=int, default=3000, help="distinct title pages per run")
    parser.add_argument("--keyword-pages", type=int, default=1000, help="distinct keywords pages per run")
    parser.add_argument("--posters", type=int, default=300, help="distinct resized posters per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--small", action="store_true", help="compact title pages (~15 KB) instead of real-size ones")
    args = parser.parse_args()

    catalog = load_catalog(args.catalog, seed=args.seed)
    wanted = args.pages * args.runs + 200
    step = max(1, len(catalog) // wanted)
    ids = [catalog.id_at(i) for i in range(0, len(catalog), step)][:wanted]
    warm, ids = [f"/title/{i}/" for i in ids[:200]], ids[200:]
    pages = [[f"/title/{i}/" for i in ids[r * args.pages: (r + 1) * args.pages]] for r in range(args.runs)]
    # the most recent pages, as many as surely stay in the mirror's page cache (it keeps fewer real-size pages)
    cached = pages[-1][-min(2000, args.pages, (PAGE_CACHE if args.small else REAL_SIZE_PAGE_CACHE) // 2):]
    keyword_pages = [[f"/title/{i}/keywords/" for i in ids[r * args.pages: (r + 1) * args.pages][:args.keyword_pages]]
                     for r in range(args.runs)]
    poster_ids = [r["poster_id"] for r in map(catalog.record, ids) if r["poster_id"]]
    posters = [[f"/images/M/{p}._V1_QL75_UX182_CR0,0,182,268_.jpg" for p in poster_ids[r * args.posters: (r + 1) * args.posters]]
               for r in range(args.runs)]

    mirror, mirror_url = start([sys.executable, "-m", "mirror", "serve", "--catalog", args.catalog,
                                "--seed", str(args.seed), *(["--faults", "small=1"] if args.small else [])])
    try:
        load(mirror_url, warm, 4)  # warm-up: imports, first allocations (ids not measured below)
        title_rates, title_stats = rounds(mirror_url, pages, args.concurrency)
        cached_rates, _ = rounds(mirror_url, [cached] * args.runs, args.concurrency)
        keyword_rates, keyword_stats = rounds(mirror_url, keyword_pages, args.concurrency)
        poster_rates, poster_stats = rounds(mirror_url, posters, args.concurrency)
    finally:
        mirror.terminate()
        mirror.wait(timeout=10)
    avg = title_stats["bytes"] // max(1, title_stats["ok"])
    static, static_url = start([sys.executable, "-c", STATIC_SERVER, str(avg)])
    try:
        load(static_url, warm, 4)
        static_rates, _ = rounds(static_url, pages, args.concurrency)
    finally:
        static.terminate()
        static.wait(timeout=10)

    title, ref = statistics.median(title_rates), statistics.median(static_rates)
    print(f"mirror benchmark — catalog {args.catalog}, {'compact' if args.small else 'real-size'} title pages, "
          f"{args.concurrency} keep-alive connections, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, median of {args.runs} runs")
    print(f"  title pages, distinct (rendered)  {summary(title_rates)} pages/s; {title_stats['ok']:,} ok, "
          f"{title_stats['bad']} not 200, {avg:,} B avg")
    print(f"  title pages, cached               {summary(cached_rates)} pages/s")
    print(f"  keywords pages, distinct          {summary(keyword_rates)} pages/s; {keyword_stats['ok']:,} ok, "
          f"{keyword_stats['bad']} not 200, {keyword_stats['bytes'] // max(1, keyword_stats['ok']):,} B avg")
    print(f"  posters UX182+CR, distinct        {summary(poster_rates)} images/s; "
          f"{poster_stats['bytes'] // max(1, poster_stats['ok']):,} B avg")
    print(f"  reference: static {avg:,} B page    {summary(static_rates)} pages/s")
    print(f"  ratio mirror/static (distinct pages) {title / ref:.2f}; goal >= 1,000 pages/s: "
          f"{'met' if title >= 1000 else 'NOT met'}")
    return 0 if title_stats["bad"] == 0 and keyword_stats["bad"] == 0 and poster_stats["bad"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
