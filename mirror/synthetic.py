"""`synthetic:N`: titles derived one by one from hash(seed, index), so a million cost no memory.

Each record is a pure function of (seed, index). Latent traits make the fields learnable: a
director's hidden quality lifts votes and rating; genre moves rating, runtime, budget, words and
art; runtime, age and vote count move the rating too.
"""
from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate

from . import vocab
from .base import Catalog, Latent, h64, poster_id_for, trailer_id_for

ID_SPACE = 9_000_000  # ids tt0100000..tt9099999, an affine permutation of the index
ID_BASE = 100_000
_MUL, _MUL_INV = 2654437, 5835373
MAX_TITLES = ID_SPACE
_GENRES = list(vocab.GENRES)
_TYPES = [t[0] for t in vocab.TITLE_TYPES]
_TYPE_W = [t[3] for t in vocab.TITLE_TYPES]
_TYPE_CW = list(accumulate(_TYPE_W))  # cumulative weights: choices() then skips re-summing
_GENRE_CW = list(accumulate(vocab.GENRE_WEIGHTS))
_COUNTRY_CW = list(accumulate(c[6] for c in vocab.COUNTRIES))


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


class SyntheticCatalog(Catalog):
    """Deterministic synthetic titles; `record(id)` regenerates a title from its index each time."""

    def __init__(self, n: int, seed: int = 0) -> None:
        if not 1 <= n <= MAX_TITLES:
            raise ValueError(f"a synthetic catalog holds 1 to {MAX_TITLES:,} titles, not {n:,}")
        self.n, self.seed = int(n), int(seed)
        self.name = f"synthetic:{n}"
        self._offset = h64(seed, "offset") % ID_SPACE
        self._directors = max(40, self.n // 6)
        self._writers = max(60, self.n // 4)
        self._actors = max(200, self.n)
        self._stream = (self.seed % 2**24) << 40  # per-record RNG seeds: stream | index << 3 | salt
        self._core = lru_cache(maxsize=8192)(self._make_core)
        self.director_quality = lru_cache(maxsize=65536)(self._director_quality)
        self.person = lru_cache(maxsize=65536)(self._person)

    # --- ids -------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n

    def id_at(self, index: int) -> str:
        return f"tt{ID_BASE + (_MUL * index + self._offset) % ID_SPACE:07d}"

    def index_of(self, imdb_id: str) -> int | None:
        if not (imdb_id.startswith("tt") and imdb_id[2:].isdigit() and len(imdb_id) == 9):
            return None
        index = (_MUL_INV * (int(imdb_id[2:]) - ID_BASE - self._offset)) % ID_SPACE
        return index if index < self.n else None

    def __contains__(self, imdb_id: object) -> bool:
        return isinstance(imdb_id, str) and self.index_of(imdb_id) is not None

    def ids(self) -> Iterator[str]:
        return (self.id_at(i) for i in range(self.n))

    # --- people ----------------------------------------------------------------------------------
    def _person(self, kind: str, pid: int) -> str:
        key = f"{self.seed}:{kind}:{pid}".encode()
        h = zlib.crc32(key) | zlib.crc32(key, 0x5EED) << 32
        first = vocab.FIRST_NAMES[h % len(vocab.FIRST_NAMES)]
        last = vocab.LAST_NAMES[(h >> 16) % len(vocab.LAST_NAMES)]
        middle = f" {chr(65 + (h >> 32) % 26)}." if (h >> 40) % 4 == 0 else ""
        return f"{first}{middle} {last}"

    def _rng(self, index: int, salt: int) -> random.Random:
        """Random seeded from (seed, index, salt); Random mixes int seeds itself, so no hashing is needed."""
        return random.Random(self._stream | index << 3 | salt)

    def _director_quality(self, pid: int) -> float:
        """The latent quality of a director: lifts votes and ratings of all their titles."""
        return random.Random(h64(self.seed, "director-quality", pid)).gauss(0.0, 1.0)

    # --- the searchable core: type, year, genres, votes, rating ----------------------------------
    def _make_core(self, index: int) -> dict:
        rng = self._rng(index, 1)
        ttype = rng.choices(_TYPES, cum_weights=_TYPE_CW)[0]
        primary = rng.choices(_GENRES, cum_weights=_GENRE_CW)[0]
        genres = [primary]
        for _ in range(rng.choices([0, 1, 2], [3, 4, 3])[0]):
            pool = vocab.GENRE_PARTNERS[primary] if rng.random() < 0.7 else _GENRES
            g = rng.choice(pool)
            if g not in genres:
                genres.append(g)
        extra = self._rng(index, 4)  # a stream of its own, so the traps leave every other draw as it was
        if extra.random() < 0.12:  # the site lists up to seven genres where JSON-LD shows three
            pool = list(dict.fromkeys(g for g in vocab.GENRE_PARTNERS[primary] + _GENRES if g not in genres))
            genres += extra.sample(pool[:8], extra.randint(4 - len(genres) if len(genres) < 4 else 1, 3))
        if ttype == "videoGame" and "Action" not in genres:
            genres.insert(0, "Action")
        floor = {"tvSeries": 1950, "tvEpisode": 1955, "videoGame": 1985, "video": 1975}.get(ttype, 1915)
        year = int(_clip(2025 - abs(rng.gauss(0, 24)), floor, 2025))
        unreleased = rng.random() < 0.025
        if unreleased:
            year = 2026 + rng.randrange(2)
        director = int(rng.random() ** 1.4 * self._directors)
        quality = self.director_quality(director)
        shift = sum(vocab.GENRES[g][0] for g in genres) / len(genres) * 0.5 + vocab.GENRES[primary][0] * 0.5
        vshift = vocab.GENRES[primary][1]
        base_rt = {"movie": 104, "tvMovie": 90, "video": 80, "short": 14, "tvEpisode": 40, "tvSeries": 45}
        runtime: int | None = None
        if ttype in base_rt and rng.random() > 0.04:
            spread = 4 if ttype in ("short", "tvEpisode", "tvSeries") else 17
            rt = base_rt[ttype] + (vocab.GENRES[primary][3] if ttype == "movie" else 0) + rng.gauss(0, spread)
            runtime = int(_clip(rt, 3, 240))
        type_v = {"tvEpisode": -1.3, "short": -1.2, "video": -0.8, "videoGame": -0.5, "tvMovie": -0.7}.get(ttype, 0)
        age = 2025 - year
        log_votes = rng.gauss(3.1 + vshift + 0.45 * quality + type_v - (0.5 if age > 55 else 0) - (0.4 if age < 1 else 0), 0.8)
        votes: int | None = max(5, int(10 ** _clip(log_votes, 0.7, 6.5)))
        rating: float | None = None
        if unreleased:
            votes = None
        else:
            rt_effect = _clip(((runtime or 100) - 100) * 0.009, -0.5, 0.5)
            r = (6.1 + shift + 0.6 * quality + rt_effect + _clip(age * 0.012, 0, 0.6)
                 + 0.2 * (log_votes - 3.3) + {"tvSeries": 0.6, "tvEpisode": 0.7, "videoGame": 0.3}.get(ttype, 0)
                 + rng.gauss(0, 0.5))
            rating = round(_clip(r, 1.0, 10.0), 1)
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        date = None if rng.random() < 0.06 else f"{year:04d}-{month:02d}-{day:02d}"
        return {"title_type": ttype, "genres": sorted(genres), "primary": primary, "year": year,
                "release_date": date, "runtime_min": runtime, "votes": votes, "rating": rating,
                "log_votes": log_votes, "director": director, "quality": quality}

    def search_fields(self, index: int) -> dict:
        """The fields search filters and sorts on, cheaper than a full record."""
        return self._core(index)

    # --- full records ----------------------------------------------------------------------------
    def record(self, imdb_id: str) -> dict | None:
        index = self.index_of(imdb_id)
        return None if index is None else self._record(index, imdb_id)

    def latent(self, imdb_id: str) -> Latent | None:
        index = self.index_of(imdb_id)
        if index is None:
            return None
        core = self._core(index)
        title = self._titles(index, core)[0]
        return Latent(core["primary"], tuple(core["genres"]), title, h64(self.seed, index, "art"))

    def _english_title(self, rng: random.Random, core: dict) -> str:
        words = vocab.GENRE_TEXT[core["primary"]][0]
        w, filler = rng.choice(words), rng.choice(vocab.TITLE_FILLERS)
        form = rng.random()
        if form < 0.30:
            return w
        if form < 0.55:
            return f"{filler} {w}"
        if form < 0.65:
            return f"{w} {rng.randint(2, 4)}"
        if form < 0.75:
            other = vocab.GENRE_TEXT[rng.choice(core["genres"])][0]
            return f"{w}: {filler} {rng.choice(other)}"
        if form < 0.82:
            return f"{w} & {rng.choice(words)}"
        if form < 0.90:
            return f"{rng.choice(vocab.LAST_NAMES)}'s {w}"
        return f"{w} of the {rng.choice(vocab.GENRE_TEXT[rng.choice(_GENRES)][0])}"

    def _titles(self, index: int, core: dict) -> tuple[str, str, tuple]:
        rng = self._rng(index, 2)
        country = rng.choices(vocab.COUNTRIES, cum_weights=_COUNTRY_CW)[0]
        english = self._english_title(rng, core)
        if core["title_type"] == "tvEpisode" and rng.random() < 0.3:
            english = f"Episode #{rng.randint(1, 12)}.{rng.randint(1, 24)}"
        original = english
        if country[2] != "en":
            words = vocab.FOREIGN_TITLE_WORDS[country[2]]
            sep = "" if country[2] in ("ja", "zh") else " "
            original = sep.join(rng.sample(words, rng.randint(1, 3)))
            if rng.random() < 0.4:
                english = original
        return english, original, country

    def _record(self, index: int, imdb_id: str) -> dict:
        core = self._core(index)
        rng = self._rng(index, 3)
        ttype, primary, genres, year = core["title_type"], core["primary"], core["genres"], core["year"]
        title, original, country = self._titles(index, core)
        countries, languages = [country[1]], [country[3]]
        if rng.random() < 0.15:
            other = vocab.COUNTRIES[rng.randrange(len(vocab.COUNTRIES))]
            if other[1] not in countries:
                countries.append(other[1])
        if country[2] != "en" and rng.random() < 0.25:
            languages.append("English")
        text = vocab.GENRE_TEXT[primary]
        description = None
        if rng.random() > 0.04:
            description = f"{rng.choice(text[1]).capitalize()} {rng.choice(text[2])}."
            if len(genres) > 1 and rng.random() < 0.6:
                second = vocab.GENRE_TEXT[genres[-1] if genres[-1] != primary else genres[0]]
                description += f" Meanwhile, {rng.choice(second[1])} {rng.choice(second[2])}."
        if description and self._rng(index, 5).random() < 0.2:  # JSON-LD cuts plots past 230 characters
            long_rng = self._rng(index, 6)
            while len(description) <= 240:
                description += f" Years later, {long_rng.choice(text[1])} {long_rng.choice(text[2])}, and nothing is the same."
        keywords: list[str] = []
        if rng.random() > 0.05:  # the genre's own keywords first, then a sample of related and generic ones
            own = text[3]
            want = int(3 + rng.random() ** 2 * 37)
            keywords = list(own[:want])
            if want > len(keywords):
                others = [k for g in genres if g != primary for k in vocab.GENRE_TEXT[g][3]] + vocab.GENERIC_KEYWORDS
                others = list(dict.fromkeys(k for k in others if k not in own))
                keywords += rng.sample(others, min(len(others), want - len(keywords)))
        if ttype in ("tvSeries", "tvEpisode"):
            cert = rng.choice(vocab.TV_CERTS) if rng.random() > 0.2 else None
        elif "Horror" in genres or "Crime" in genres:
            cert = rng.choices(["R", "PG-13", "Not Rated", "NC-17", None], [6, 2, 1, 0.3, 1.5])[0]
        elif "Animation" in genres or "Family" in genres:
            cert = rng.choices(["G", "PG", "PG-13", None], [3, 5, 1, 1.5])[0]
        else:
            cert = rng.choices(vocab.MOVIE_CERTS + [None], [1, 3, 5, 5, 0.2, 1, 0.5, 0.5, 2])[0]
        if year < 1968 and cert in ("PG-13", "NC-17"):
            cert = "Approved"
        bw = 0.85 if year < 1950 else 0.4 if year < 1968 else 0.03
        color = "Black and White" if rng.random() < bw else "Color"
        directors: list[str] | None = None
        if ttype != "tvSeries" and rng.random() > 0.03:
            pids = [core["director"]] + [rng.randrange(self._directors) for _ in range(rng.choices([0, 1, 2], [91, 8, 1])[0])]
            directors = list(dict.fromkeys(self.person("director", p) for p in pids))
        writers = None
        if rng.random() > 0.04:
            writers = list(dict.fromkeys(self.person("writer", rng.randrange(self._writers))
                                         for _ in range(rng.choices([1, 2, 3], [5, 4, 1])[0])))
        actors = None
        n_cast = rng.randint(1, 4) if primary == "Documentary" else rng.randint(4, 15)
        if rng.random() > 0.03:
            actors = list(dict.fromkeys(self.person("actor", int(rng.random() ** 1.5 * self._actors))
                                        for _ in range(n_cast)))
        if description and actors and self._rng(index, 7).random() < 0.15:  # legacy pages link the name in the plot
            description = description.removesuffix(".") + f" ({actors[0]})."
        rating, votes, log_votes = core["rating"], core["votes"], core["log_votes"]
        metascore = None
        if ttype == "movie" and rating is not None and rng.random() < 0.25 + 0.1 * _clip(log_votes - 3, 0, 3):
            metascore = int(_clip(round(10 * rating - 10 + rng.gauss(0, 9)), 1, 100))
        budget = gross = None
        usd = 10 ** rng.gauss(6.9 + 0.25 * (log_votes - 4), 0.4) * vocab.GENRES[primary][2]
        usd *= 0.25 if year < 1970 else 0.6 if year < 1995 else 1.0
        if ttype in ("movie", "tvMovie") and rng.random() < 0.3 + 0.1 * _clip(log_votes - 3, 0, 3):
            currency = country[5] if year < 2002 else country[4]
            if currency != "USD" and rng.random() < 0.15:
                currency = "USD"
            amount = usd * vocab.USD_RATE[currency]
            digits = max(0, len(str(int(amount))) - 2)
            budget = {"amount": float(round(amount / 10**digits) * 10**digits), "currency": currency}
        if ttype == "movie" and rating is not None and rng.random() < 0.25 + 0.12 * _clip(log_votes - 3, 0, 3):
            gross_usd = usd * 10 ** rng.gauss(0.3 * (rating - 6) + 0.25 * (log_votes - 4), 0.35)
            gross = {"amount": float(int(gross_usd)), "currency": "USD"}
        poster_p = {"tvEpisode": 0.6, "short": 0.75, "video": 0.8}.get(ttype, 0.93)
        poster_id = poster_id_for(imdb_id, self.seed) if rng.random() < poster_p else None
        trailer_p = {"movie": 0.7, "tvSeries": 0.4, "videoGame": 0.5}.get(ttype, 0.1)
        n_trailers = (2 if rng.random() < 0.15 else 1) if rng.random() < trailer_p else 0
        return {
            "imdb_id": imdb_id, "title": title, "original_title": original, "title_type": ttype,
            "year": year, "release_date": core["release_date"], "runtime_min": core["runtime_min"],
            "rating": rating, "votes": votes, "metascore": metascore, "content_rating": cert,
            "genres": list(genres), "countries": countries, "languages": languages, "color": color,
            "directors": directors, "writers": writers, "actors": actors, "keywords": keywords or None,
            "description": description, "budget": budget, "gross_worldwide": gross,
            "poster_id": poster_id, "trailer_ids": [trailer_id_for(imdb_id, k, self.seed) for k in range(n_trailers)],
        }
