"""What every catalog offers the server: ids in order, records, and the latent traits art is drawn from."""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.items import IMDB_ID

# the value fields of Contract 1 a record carries, in page order, plus the mirror-only keys
RECORD_FIELDS = (
    "imdb_id", "title", "original_title", "title_type", "year", "release_date", "runtime_min", "rating",
    "votes", "metascore", "content_rating", "genres", "countries", "languages", "color", "directors",
    "writers", "actors", "keywords", "description", "budget", "gross_worldwide",
)
MIRROR_FIELDS = ("poster_id", "trailer_ids")


def h64(*parts: object) -> int:
    """A stable 64-bit hash of the parts (Python's hash() is salted per process, so it cannot be used)."""
    data = "\x1f".join(map(str, parts)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def unit(*parts: object) -> float:
    """A stable uniform number in [0, 1) derived from the parts."""
    return h64(*parts) / 2.0**64


@dataclass(frozen=True)
class Latent:
    """Traits that are not page fields but drive posters and trailers (so they correlate with genre)."""

    primary_genre: str
    genres: tuple[str, ...]
    title: str
    art_seed: int


def poster_id_for(imdb_id: str, seed: int) -> str:
    """An IMDb-looking image id (`MV5B...@@`) that encodes the title it belongs to."""
    raw = f"{imdb_id}^A2^Ajpg^Am{seed % 100000:05d}".encode()
    return "MV5B" + base64.b64encode(raw).decode().replace("=", "@")


def imdb_id_of_poster(poster_id: str) -> str | None:
    """The title id a poster id was made for, or None when it is not one of ours."""
    if not poster_id.startswith("MV5B"):
        return None
    try:
        raw = base64.b64decode(poster_id[4:].replace("@", "="), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    head = raw.split("^", 1)[0]
    return head if IMDB_ID.match(head) else None


def trailer_id_for(imdb_id: str, k: int, seed: int) -> str:
    """An IMDb-looking video id (`vi` + digits) that encodes its title, its rank and a check number."""
    return f"vi{k % 10}{imdb_id[2:]}{h64(seed, imdb_id, k) % 100:02d}"


def imdb_id_of_trailer(trailer_id: str, seed: int) -> tuple[str, int] | None:
    """(title id, rank) a trailer id was made for, or None when it is not one of ours."""
    digits = trailer_id[2:]
    if not trailer_id.startswith("vi") or not digits.isdigit() or len(digits) not in (10, 11):
        return None
    k, imdb_id = int(digits[0]), "tt" + digits[1:-2]
    return (imdb_id, k) if trailer_id_for(imdb_id, k, seed) == trailer_id else None


class Catalog:
    """Base class: subclasses implement `__len__`, `ids`, `record` and `latent`."""

    seed: int = 0
    name: str = "catalog"

    def __len__(self) -> int:
        raise NotImplementedError

    def ids(self) -> Iterator[str]:
        raise NotImplementedError

    def record(self, imdb_id: str) -> dict | None:
        raise NotImplementedError

    def latent(self, imdb_id: str) -> Latent | None:
        raise NotImplementedError

    def __contains__(self, imdb_id: object) -> bool:
        """Cheap membership test (the server checks it on every request, cached page or not)."""
        return isinstance(imdb_id, str) and self.record(imdb_id) is not None

    def id_at(self, index: int) -> str:
        """The id at a position of `ids()`."""
        raise NotImplementedError

    def search_fields(self, index: int) -> dict:
        """The fields search filters and sorts on (title_type, genres, year, release_date, votes, rating)."""
        return self.record(self.id_at(index)) or {}

    def extras(self, imdb_id: str) -> dict:
        """Page data that is not a Contract-1 field (e.g. `lifetime_gross`)."""
        return {}

    def poster_file(self, imdb_id: str) -> Path | None:
        """A real image file for this title, when the catalog has one (otherwise posters are drawn)."""
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({len(self)} titles, seed {self.seed})>"
