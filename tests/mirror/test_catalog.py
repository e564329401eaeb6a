"""The synthetic catalog is deterministic and learnable: ratings follow genre, runtime, year, votes and director."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from mirror import vocab
from mirror.base import MIRROR_FIELDS, RECORD_FIELDS, imdb_id_of_poster
from mirror.catalog import load_catalog


@pytest.fixture(scope="module")
def movies():
    catalog = load_catalog("synthetic:6000", seed=5)
    return [r for r in map(catalog.record, catalog.ids()) if r["rating"] is not None and r["title_type"] == "movie"]


def test_records_have_exactly_the_contract_fields_and_types():
    catalog = load_catalog("synthetic:300", seed=1)
    for rec in map(catalog.record, catalog.ids()):
        assert tuple(rec) == RECORD_FIELDS + MIRROR_FIELDS
        assert isinstance(rec["trailer_ids"], list)
        for field in ("year", "runtime_min", "votes", "metascore"):
            assert rec[field] is None or type(rec[field]) is int, field
        assert rec["rating"] is None or type(rec["rating"]) is float
        for money in (rec["budget"], rec["gross_worldwide"]):
            assert money is None or (set(money) == {"amount", "currency"} and type(money["amount"]) is float)
        assert rec["poster_id"] is None or imdb_id_of_poster(rec["poster_id"]) == rec["imdb_id"]
    assert load_catalog("synthetic:300", seed=1).record(rec["imdb_id"]) == rec
    assert catalog.record("tt0000000") is None and catalog.record("nonsense") is None


def test_rating_is_learnable_from_genre_runtime_year_votes(movies):
    y = np.array([r["rating"] for r in movies])
    x = np.array([[g in r["genres"] for g in vocab.GENRES] + [r["runtime_min"] or 100, r["year"], np.log10(r["votes"]), 1]
                  for r in movies], float)
    half = len(y) // 2
    w = np.linalg.lstsq(x[:half], y[:half], rcond=None)[0]
    r2 = 1 - ((y[half:] - x[half:] @ w) ** 2).mean() / y[half:].var()
    assert r2 > 0.3
    by_genre = {g: y[[g in r["genres"] for r in movies]].mean() for g in ("Horror", "Drama", "Documentary")}
    assert by_genre["Horror"] + 0.5 < by_genre["Drama"] < by_genre["Documentary"] + 0.3


def test_directors_carry_a_latent_quality(movies):
    ratings = defaultdict(list)
    for r in movies:
        if r["directors"]:
            ratings[r["directors"][0]].append(r["rating"])
    pairs = [(v[0], np.mean(v[1:])) for v in ratings.values() if len(v) >= 3]  # one film vs the director's others
    assert len(pairs) > 100
    assert np.corrcoef(np.array(pairs).T)[0, 1] > 0.2


def test_text_depends_on_genre(movies):
    horror = " ".join(r["description"] or "" for r in movies if r["genres"] == ["Horror"])
    comedy = " ".join(r["description"] or "" for r in movies if r["genres"] == ["Comedy"])
    assert "cursed" in horror or "demonic" in horror
    assert "cursed" not in comedy and "demonic" not in comedy
