"""Reading the crawl's JSONL items file as a killed writer may have left it (plain or gzip, torn last line)."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any


class LineReader:
    """Yields (line, end offset) for each newline-terminated line of a plain or gzip JSONL file.

    Afterwards ``tail`` holds the bytes after the last newline (a line torn by a killed writer, or
    b""), ``complete`` the offset where they start, and ``clean`` is False when a gzip stream ends
    without its trailer: the caller then cuts or rewrites the file. Memory stays constant.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.gz = path.suffix == ".gz"
        self.clean = True
        self.tail = b""
        self.complete = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        chunks = self._gzip_chunks() if self.gz else self._plain_chunks()
        pending, offset = b"", 0
        for chunk in chunks:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                offset += len(line) + 1
                yield line + b"\n", offset
        self.tail, self.complete = pending, offset

    def _plain_chunks(self):  # type: ignore[no-untyped-def]
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    def _gzip_chunks(self):  # type: ignore[no-untyped-def]
        """Every gzip member's bytes in order. A member that breaks off (a killed writer never wrote its
        trailer) ends at its last decodable byte, and reading goes on at the next member's header: a
        resumed run appends one member per run, and what later runs wrote must not be lost."""
        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
        last = b"\n"  # the last byte handed out: a torn member ends mid-line or on a line's end
        with self.path.open("rb") as raw:
            chunk = raw.read(1 << 16)
            while chunk:
                before = decomp.copy()
                try:
                    out = decomp.decompress(chunk)
                except zlib.error:  # garbage after a member that never got its trailer
                    out = b"".join(_salvage(before, chunk))
                    last = out[-1:] or last
                    yield out
                    self.clean = False
                    chunk = _next_member(raw, chunk[1:])
                    if chunk:
                        if last != b"\n":
                            yield b"\n"  # the torn line stays a line of its own, not the start of the next one
                            last = b"\n"
                        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    continue
                last = out[-1:] or last
                yield out
                chunk = decomp.unused_data
                if chunk:  # another gzip member: every resumed run appends one
                    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    chunk = raw.read(1 << 16)
        if not decomp.eof:
            self.clean = False


_GZIP_MAGIC = b"\x1f\x8b\x08"


def _next_member(raw: Any, rest: bytes) -> bytes:
    """The file's bytes from the next gzip member header on (b"" when there is none)."""
    while True:
        at = rest.find(_GZIP_MAGIC)
        if at != -1:
            return rest[at:]
        more = raw.read(1 << 16)
        if not more:
            return b""
        rest = rest[-(len(_GZIP_MAGIC) - 1):] + more


def _salvage(decomp, chunk: bytes):  # type: ignore[no-untyped-def]
    """Byte by byte up to the first corrupt one, so nothing decodable before it is lost."""
    for at in range(len(chunk)):
        try:
            yield decomp.decompress(chunk[at:at + 1])
        except zlib.error:
            return
