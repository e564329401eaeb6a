"""Title-page parsing speed on the real IMDb pages in ../shared/data/realpages, against the DOM path.

`crawler.extract.parse_title_page` (the crawl's path: the JSON-LD and page-state blocks found with find over the bytes,
the page state's title objects cut from their own slices of the page (else the whole state decoded in one msgspec pass), against types built from the field table, which skip what no path reads;
an HTML tree only for pages without a page state; a look-alike check per path as a crawl has one, sampling a field's
misses: its first, then every 100th), the same path with the look-alike keys looked for on every page that misses a
field (``-s IMDB_LOOKALIKE_EVERY=1``: a title object's keys listed in one more pass over it) and, as the
reference in the same process, the same function with `dom=True` (the page decoded to text, the blocks found through a DOM of the whole page,
decoded with `json`; the tests hold both to identical items). Both start from the page's bytes, as Scrapy's
`response.body` holds it. Pages per CPU-second (`time.process_time`, one core), for the
HTML title pages that carry a page state (2021-23; then apart, the 2021 ones, whose urqlState is decoded whole, and
the 2022-23 ones, whose title objects are cut from their slices), for the two 2025 page states of /reference pages, and for
the legacy pages (2014-21 markup), each for --seconds of CPU time per run.

Goal (issue 19): >= 1,000 page-state title pages per CPU-second (every era that carries one, the 2025 /reference
states included); legacy pages no slower than before. The goal line judges the crawl's default (sampled) path and
names the every-page figure beside it: parsing alone, with the look-alike keys listed on every page, is slower. The paths are measured in turns that alternate (a change of
the machine's load weighs on each alike); ``--baseline REV`` adds the crawl path of ``crawler/`` at git revision
REV to the turns, for a before/after in one process. Figures, dated with machine and load: docs/benchmarks.md.

    python benchmarks/parse.py [--seconds 3] [--pages ../shared/data/realpages] [--baseline REV]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
NOT_TITLE_PAGES = ("find_", "search", "advanced", "case-5")  # /find, search and keywords pages
URL = "https://www.imdb.com/title/tt0000001/"


STATE, REFERENCE_2025, LEGACY = "page state (2021-23)", "2025 /reference state", "legacy markup (2014-21)"
# the page-state group split by layout: the 2021 urqlState (decoded whole) and the 2022-23 title objects (cut)
STATE_2021, STATE_2022 = "  of it 2021 urqlState", "  of it 2022-23 objects"
COMPACT_2025 = "2025 state, compact"  # the same states without the indentation they were saved with, as served


def load_pages(folder: Path) -> dict[str, list[bytes]]:
    """The saved title pages as a response's body (bytes, what the spider hands the parser), by whether they
    carry a page state. The imdbinfo JSON files are 2025 page states
    of /title/ID/reference pages saved alone (1.6-3 MB: the full credits inline): put back into a script
    element as a page holds them, and counted apart; a second time compact (IMDb serves the page state without
    indentation: 0.5 and 1.1 MB instead of 1.7 and 3.0)."""
    import json

    from crawler.blocks import TITLE_STATE_KEYS, read_blocks

    groups: dict[str, list[bytes]] = {STATE: [], STATE_2021: [], STATE_2022: [], REFERENCE_2025: [], COMPACT_2025: [],
                                      LEGACY: []}
    for path in sorted(folder.glob("*/*.html")) + sorted(folder.glob("imdbinfo/*.json")):
        if any(part in path.name for part in NOT_TITLE_PAGES):
            continue
        page = path.read_bytes()
        if path.suffix == ".json":
            compact = json.dumps(json.loads(page), separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
            for group, state in ((REFERENCE_2025, page), (COMPACT_2025, compact.encode())):
                groups[group].append(
                    b'<html><body><script id="__NEXT_DATA__" type="application/json">' + state + b"</script></body></html>")
            continue
        blocks = read_blocks(page, TITLE_STATE_KEYS)
        groups[STATE if blocks.has_state else LEGACY].append(page)
        if blocks.has_state:
            groups[STATE_2021 if blocks.urql else STATE_2022].append(page)
    return groups


def rate(parse: Callable[[bytes], object], pages: list[bytes], seconds: float) -> float:
    """Pages per CPU-second: whole passes over ``pages`` until ``seconds`` of CPU time are spent."""
    return alternating({"parse": parse}, pages, seconds, rounds=1)["parse"]


def alternating(parsers: dict[str, Callable[[bytes], object]], pages: list[bytes], seconds: float,
                rounds: int = 6) -> dict[str, float]:
    """Pages per CPU-second of each parser, ``seconds`` of CPU each, in ``rounds`` turns that alternate between
    them, so a change in the machine's load weighs on all of them alike."""
    done, spent = dict.fromkeys(parsers, 0), dict.fromkeys(parsers, 0.0)
    for parse in parsers.values():  # warm-up
        for page in pages:
            parse(page)
    for _ in range(rounds):
        for name, parse in parsers.items():
            start = time.process_time()
            while time.process_time() - start < seconds / rounds:
                for page in pages:
                    parse(page)
                done[name] += len(pages)
            spent[name] += time.process_time() - start
    return {name: done[name] / spent[name] for name in parsers}


def baseline_parser(revision: str) -> Callable[[bytes], object]:
    """The crawl path of ``crawler/`` at git ``revision``, imported beside this one (its modules under their own
    names only while it is imported), for a before/after in one process."""
    import inspect
    import io
    import subprocess
    import tarfile
    import tempfile

    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision, "crawler"],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"--baseline {revision}: git archive failed: {archive.stderr.decode().strip()}")
    # removed once imported: the modules are in memory, and a lazy ``from crawler import ...`` in them finds ours
    with tempfile.TemporaryDirectory(prefix="parse-baseline-") as folder:
        tarfile.open(fileobj=io.BytesIO(archive.stdout)).extractall(folder)  # noqa: S202 - our own repository
        ours = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "crawler"}
        sys.path.insert(0, folder)
        try:
            from crawler import extract as theirs
        finally:
            sys.path.remove(folder)
            for name in [name for name in sys.modules if name.split(".")[0] == "crawler"]:
                del sys.modules[name]
            sys.modules.update(ours)
    if "lookalikes" in inspect.signature(theirs.parse_title_page).parameters:
        check = theirs.LookalikeCheck()
        return lambda page: theirs.parse_title_page(page, URL, lookalikes=check)
    return lambda page: theirs.parse_title_page(page, URL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU seconds per path and group")
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "data" / "realpages")
    parser.add_argument("--baseline", metavar="REV", help="also the crawl path of crawler/ at git revision REV, in "
                        "this process, rounds alternating with this one's (a before/after under one load)")
    args = parser.parse_args()
    if not args.pages.is_dir():
        raise SystemExit(f"{args.pages} is not a folder: the real pages live in ../shared/data/realpages.")

    from crawler import extract

    groups = load_pages(args.pages)
    # each path with its own look-alike check, as a crawl has one (a field's first miss, then every 100th); "every"
    # is the crawl path under -s IMDB_LOOKALIKE_EVERY=1 (the keys listed on every page that misses a hinted field)
    checks = extract.LookalikeCheck(), extract.LookalikeCheck(), extract.LookalikeCheck(every=1)
    fast = lambda page: extract.parse_title_page(page, URL, lookalikes=checks[0])  # noqa: E731 - side by side
    dom = lambda page: extract.parse_title_page(page, URL, dom=True, lookalikes=checks[1])  # noqa: E731
    every = lambda page: extract.parse_title_page(page, URL, lookalikes=checks[2])  # noqa: E731
    before = baseline_parser(args.baseline) if args.baseline else None
    print(f"real title pages in {args.pages}: " + ", ".join(f"{len(p)} {name}" for name, p in groups.items()))
    for name, pages in groups.items():
        if not pages:
            continue
        kb = sum(map(len, pages)) / len(pages) / 1024
        paths = {"fast": fast, "every": every, "dom": dom, **({"before": before} if before else {})}
        rates = alternating(paths, pages, args.seconds)
        measured, reference = rates["fast"], rates["dom"]
        print(f"{name:24} ({kb:5.0f} KB/page, {len(pages):2}): crawl path {measured:7.0f} pages/CPU-s, "
              f"DOM path (reference) {reference:6.0f} pages/CPU-s, {measured / reference:4.1f}x")
        print(f"{'':24} crawl path with look-alikes on every page (IMDB_LOOKALIKE_EVERY=1): "
              f"{rates['every']:7.0f} pages/CPU-s")
        if before:
            print(f"{'':24} crawl path at {args.baseline}: {rates['before']:7.0f} pages/CPU-s "
                  f"(now {measured / rates['before']:4.2f}x that)")
        if name != LEGACY:
            verdict = "OK" if measured >= 1000 else "BELOW GOAL"
            print(f"{'':24} goal >= 1000 pages/CPU-s, crawl default (sampled look-alikes): {verdict}; with "
                  f"look-alikes on every page: {'OK' if rates['every'] >= 1000 else 'BELOW GOAL'}")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
