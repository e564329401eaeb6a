"""`imdbkit crawl`'s progress bar: drawn from progress.json on a terminal, absent off one or with --quiet."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

from cli.crawl_progress import known_total


def on_a_terminal(*args: str) -> tuple[int, str]:
    """`imdbkit ARGS` with stdout and stderr on a pseudo-terminal; returns (status, everything it drew)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_the_bar_counts_titles_on_a_terminal_and_is_off_with_quiet(mirror, tmp_path):
    ids = ",".join(mirror.catalog.id_at(i) for i in range(4))
    base = ["crawl", "--base-url", mirror.base_url, "--ids", ids, "--local-fast", "--no-posters"]
    code, drawn = on_a_terminal(*base, "--out", str(tmp_path / "a"))
    assert code == 0, drawn[-2000:]
    assert "/4" in drawn and "pages/s" in drawn and "WAF" in drawn and "━" in drawn
    assert "crawl: 4 items written" in drawn and "[scrapy" not in drawn
    code, drawn = on_a_terminal(*base, "--out", str(tmp_path / "b"), "--quiet")
    assert code == 0 and "━" not in drawn and "crawl: 4 items written" in drawn


def test_the_total_is_known_for_ids_and_an_ids_file(tmp_path):
    (tmp_path / "ids.txt").write_text("tt0133093\n# a comment\n\ntt0113277\ntt0133093\n")
    assert known_total({"ids": "tt0133093,tt0113277,tt0133093"}) == 2
    assert known_total({"ids_file": str(tmp_path / "ids.txt")}) == 2
    assert known_total({"dumps": str(tmp_path)}) is None
    assert known_total({"ids": "not-an-id"}) is None
