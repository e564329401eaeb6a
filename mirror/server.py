"""`MirrorServer`: the mirror on 127.0.0.1 in a background thread (tests, demos) or in the foreground (`imdbkit mirror serve`)."""
from __future__ import annotations

import asyncio
import errno
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .app import MirrorApp
from .base import Catalog
from .catalog import load_catalog
from .faults import Faults, parse_faults
from .http import HTTPProtocol


class PortInUseError(OSError):
    """The requested port is taken; the message is one sentence for the user."""


class MirrorServer:
    """An IMDb-structured site over real HTTP.

    `catalog` is a Catalog or a spec (`"synthetic:1000"`, a CSV path); `faults` a spec string or Faults;
    `seed` drives the catalog (when given as a spec) and fault draws. Use as a context manager or
    call `start()` (returns the base URL) and `stop()`.
    """

    def __init__(self, catalog: Catalog | str = "synthetic:1000", *, faults: str | Faults | None = None, seed: int = 0,
                 host: str = "127.0.0.1", port: int = 0, posters_dir: str | Path | None = None,
                 cache_dir: str | Path | None = None) -> None:
        self.catalog = load_catalog(catalog, posters_dir=posters_dir, seed=seed)
        self.faults = parse_faults(faults)
        self.seed, self.host, self.port = seed, host, port
        self.cache_dir = cache_dir
        self.base_url = ""
        self.app: MirrorApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._protocols: set[HTTPProtocol] = set()

    # --- lifecycle ---------------------------------------------------------------------------------
    async def _bind(self) -> None:
        loop = asyncio.get_running_loop()

        def factory() -> HTTPProtocol:
            proto = _TrackedProtocol(self._handle, self._pool, b"imdbkit-mirror", self._protocols)
            return proto

        try:
            self._server = await loop.create_server(factory, self.host, self.port, reuse_address=True, backlog=1024)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(exc.errno, f"port {self.port} on {self.host} is already in use; "
                                                "choose another with --port (0 lets the system pick a free one)") from None
            raise
        sock = self._server.sockets[0]
        self.port = sock.getsockname()[1]
        host = self.host if ":" not in self.host else f"[{self.host}]"
        self.base_url = f"http://{host}:{self.port}"
        self.app = MirrorApp(self.catalog, self.base_url, self.faults, self.seed, self.cache_dir)

    def _handle(self, request):
        assert self.app is not None
        return self.app.handle(request)

    def start(self) -> str:
        """Bind and serve in a background thread; returns the base URL."""
        if self._thread is not None:
            return self.base_url
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mirror-work")  # posters, trailers
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._bind())
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name=f"mirror-{self.port}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self.base_url

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for proto in list(self._protocols):
            if proto.transport is not None:
                proto.transport.close()
        if self._server is not None:
            await self._server.wait_closed()

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> MirrorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<MirrorServer {self.base_url or 'not started'} {self.catalog!r} faults={self.faults.spec() or 'none'}>"


class _TrackedProtocol(HTTPProtocol):
    """Keeps a set of live connections so stop() can close them."""

    def __init__(self, handle, pool, name, registry: set) -> None:
        super().__init__(handle, pool, name)
        self.registry = registry

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.registry.add(self)

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        self.registry.discard(self)
