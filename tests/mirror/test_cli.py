"""`imdbkit mirror serve`: base URL first on stdout, clean stop, one-sentence errors."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

COMMAND = [sys.executable, "-m", "cli.main", "mirror", "serve"]


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_prints_base_url_first_and_serves_until_stopped(stop):
    proc = _serve("--catalog", "synthetic:20", "--port", "0", "--seed", "3", "--faults", "nonext=0.5")
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{first}/robots.txt", timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err


@pytest.mark.parametrize("args, words", [
    (["--faults", "429=0.1,bogus=1"], "fault 'bogus=1' is not understood"),
    (["--faults", "429=2"], "must be a probability"),
    (["--catalog", "synthetic:zero"], "synthetic:N"),
    (["--catalog", "/no/such/table.csv"], "neither synthetic:N nor an existing CSV file"),
])
def test_bad_arguments_exit_2_with_one_sentence(args, words):
    proc = subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in proc.stderr


def test_port_in_use_exits_1_with_one_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([*COMMAND, "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"imdbkit mirror serve: error: port {port} on 127.0.0.1 is already in use; "
        "choose another with --port (0 lets the system pick a free one)."]


def test_python_dash_m_alias_and_help():
    proc = subprocess.run([sys.executable, "-m", "mirror", "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--faults" in proc.stdout and "--posters" in proc.stdout


def test_ids_prints_the_catalog_ids_one_per_line():
    from mirror.catalog import load_catalog

    ids = subprocess.run([sys.executable, "-m", "cli.main", "mirror", "ids", "--catalog", "synthetic:50", "--seed",
                          "3", "--limit", "7"], capture_output=True, text=True, timeout=60)
    assert ids.returncode == 0, ids.stderr
    catalog = load_catalog("synthetic:50", seed=3)
    assert ids.stdout.splitlines() == list(catalog.ids())[:7]
    every = subprocess.run([sys.executable, "-m", "mirror", "ids", "--catalog", "synthetic:50", "--seed", "3"],
                           capture_output=True, text=True, timeout=60)
    assert every.stdout.splitlines() == list(catalog.ids())


def test_ids_bad_catalog_exits_2_with_one_sentence():
    proc = subprocess.run([sys.executable, "-m", "cli.main", "mirror", "ids", "--catalog", "synthetic:zero"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "synthetic:N" in proc.stderr
