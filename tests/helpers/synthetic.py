"""Tiny in-memory splits with an easy, known signal in every modality (no dataset build needed)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from baselines.data import SplitData

GENRES = ["Action", "Comedy", "Drama", "Horror"]
WORDS = {0: "dull boring flat", 1: "decent fine okay", 2: "brilliant moving masterpiece"}


def rating_class_of(r: np.ndarray) -> np.ndarray:
    return np.digitize(r, [5.0, 6.5]).astype(np.int8)


def make_split(n: int, seed: int, name: str = "train", poster: tuple[int, int] = (32, 32), frames: int = 3,
               big_poster: tuple[int, int] | None = (40, 28)) -> SplitData:
    """`n` titles whose rating follows year/director/votes, genres show in colours and embeddings."""
    rng = np.random.default_rng(seed)
    director_quality = {f"d{i}": q for i, q in enumerate(np.linspace(-2, 2, 8))}
    directors = rng.choice(list(director_quality), n)
    year = rng.integers(1950, 2020, n)
    rating = np.clip(6.0 + np.array([director_quality[d] for d in directors]) + (year - 1985) / 40
                     + rng.normal(0, 0.3, n), 1, 10).astype(np.float32)
    cls = rating_class_of(rating)
    g = rng.random((n, len(GENRES))) < 0.3
    g[np.arange(n), rng.integers(0, len(GENRES), n)] = True
    frame = pd.DataFrame({
        "imdb_id": [f"tt{seed:02d}{i:05d}" for i in range(n)],
        "split": name,
        "is_oversampled": False,
        "title": [f"The {WORDS[c].split()[0]} story {i}" for i, c in enumerate(cls)],
        "description": [f"A {WORDS[c]} film about things." for c in cls],
        "year": year.astype(np.int32),
        "runtime_min": rng.normal(100, 15, n).astype(np.float32),
        "votes": (10 ** (2 + rating / 3 + rng.normal(0, 0.1, n))).astype(np.int64),
        "budget_usd": rng.lognormal(16, 1, n),
        "gross_usd": rng.lognormal(17, 1, n),
        "content_rating": rng.choice(["PG", "PG-13", "R"], n),
        "color": "Color",
        "rating": rating,
        "rating_class": cls,
        "genres": [[GENRES[j] for j in np.flatnonzero(row)] for row in g],
        "directors": [[d] for d in directors],
        "actors": [[f"a{rng.integers(0, 20)}", f"a{rng.integers(0, 20)}"] for _ in range(n)],
        "countries": [["USA"] for _ in range(n)],
        "languages": [["English"] for _ in range(n)],
        "keywords": [[f"k{rng.integers(0, 10)}"] for _ in range(n)],
    })

    def images(h: int, w: int) -> np.ndarray:
        img = rng.integers(0, 60, (n, h, w, 3)).astype(np.float32)
        img[..., 0] += 150 * g[:, 0, None, None]  # Action posters are red
        img[..., 1] += 150 * g[:, 1, None, None]  # Comedy posters are green
        img[..., 2] += 150 * g[:, 3, None, None]  # Horror posters are blue
        img[: h // 2] += 0
        img += (40 * cls)[:, None, None, None]  # better films, brighter posters
        return np.clip(img, 0, 255).astype(np.uint8)

    arrays = {f"poster_{poster[0]}x{poster[1]}": images(*poster)}
    if big_poster:
        arrays[f"poster_{big_poster[0]}x{big_poster[1]}"] = images(*big_poster)
    trailer = np.stack([images(12, 16) for _ in range(frames)], axis=1)
    arrays["trailer_frames"] = trailer
    emb = rng.normal(0, 1, (n, 6, 16)).astype(np.float32)
    emb[:, :, : len(GENRES)] += 1.5 * g[:, None, :]
    arrays["frame_embeddings"] = emb
    return SplitData.from_arrays(frame, arrays, {"genres": list(GENRES)}, name)


def make_splits(n_train: int = 160, n_eval: int = 60, seed: int = 0, **kw: object) -> dict[str, SplitData]:
    return {"train": make_split(n_train, seed, "train", **kw), "validation": make_split(n_eval, seed + 1, "validation", **kw),
            "test": make_split(n_eval, seed + 2, "test", **kw)}


def write_raw_crawl(out, n: int = 90, seed: int = 0) -> None:
    """A Contract 1 raw folder (items.jsonl + posters/<sha1>.jpg) for `python -m dataset build`."""
    import hashlib
    import json
    from pathlib import Path

    from PIL import Image

    out = Path(out)
    split = make_split(n, seed)
    (out / "posters").mkdir(parents=True, exist_ok=True)
    with open(out / "items.jsonl", "w", encoding="utf-8") as fh:
        for i, r in split.frame.iterrows():
            tmp = out / "posters" / "tmp.jpg"
            Image.fromarray(split.arrays["poster_40x28"][i]).resize((56, 80)).save(tmp, quality=90)
            sha = hashlib.sha1(tmp.read_bytes()).hexdigest()
            tmp.rename(out / "posters" / f"{sha}.jpg")
            item = {
                "imdb_id": f"tt{1000000 + seed * 1000 + i:07d}", "url": None, "title": r.title,
                "original_title": r.title, "title_type": "Movie", "year": int(r.year),
                "runtime_min": float(r.runtime_min), "rating": float(r.rating), "votes": int(r.votes) + 200,
                "genres": r.genres, "directors": r.directors, "actors": r.actors, "countries": r.countries,
                "languages": r.languages, "keywords": r.keywords, "description": r.description, "color": "Color",
                "content_rating": r.content_rating, "budget": {"amount": float(r.budget_usd), "currency": "USD"},
                "gross_worldwide": None, "poster_path": f"posters/{sha}.jpg", "poster_sha1": sha,
                "trailer_urls": [], "scraped_at": "2024-01-01T00:00:00Z", "source": "synthetic-test",
            }
            fh.write(json.dumps(item) + "\n")


def build_tiny_dataset(work, n: int = 60):
    """`python -m dataset build` on `write_raw_crawl(n)` with 32×32 posters and a 60/20/20 split; returns the folder."""
    import subprocess
    import sys
    from pathlib import Path

    work = Path(work)
    write_raw_crawl(work / "raw", n=n)
    build = subprocess.run([sys.executable, "-m", "dataset", "build", "--raw", str(work / "raw"), "--out",
                            str(work / "ds"), "--image-size", "32x32", "--ratios", "60,20,20", "--no-plots",
                            "--quiet", "--workers", "1"],
                           cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    return work / "ds"
