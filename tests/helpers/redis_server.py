"""A throwaway redis-server on a free loopback port (the `redis_url` fixture in tests/conftest.py)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from tests.helpers.env import require_binary


def free_port() -> int:
    """redis-server cannot bind port 0, so ask the OS for a free port and hand it over."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    import redis

    binary = require_binary("redis-server")
    for _ in range(5):  # another process may grab the port between bind() and redis' own bind
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                redis.Redis.from_url(url).ping()
                return proc, url
            except redis.ConnectionError:
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise RuntimeError("redis-server did not start on a free loopback port")

