"""Stages 3–6 on small frames with exact expected outputs: filter, split, features, oversample."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataset.features import OTHER, FeatureParams, add_features, rating_classes
from dataset.filter import FilterParams, filter_titles
from dataset.oversample import OversampleParams, genre_counts, oversample_genres
from dataset.report import DatasetError, Report, objects
from dataset.split import SplitParams, assign_splits


def frame(n: int = 10) -> pd.DataFrame:
    genres = [["Drama"], ["Comedy"], ["TV Movie", "Drama"], ["Horror"], ["Western"], None, ["Drama", "War"],
              ["Comedy", "Drama"], ["Horror", "Western"], ["Foreign"]]
    return pd.DataFrame({
        "imdb_id": objects(f"tt{i:07d}" for i in range(n)),
        "votes": pd.array([50, 126, 125, 1000, None, 300, 400, 500, 600, 700][:n], dtype="Int64"),
        "poster_path": objects(["p.jpg" if i % 2 else None for i in range(n)]),
        "title_type": objects(["movie", "tvSeries"] * (n // 2)),
        "year": pd.array([1970 + 5 * i for i in range(n)], dtype="Int32"),
        "rating": np.array([1, 5, 6.49, 6.5, 10, np.nan, 4.99, 7, 8, 9][:n], dtype=np.float32),
        "genres": objects(genres[:n]),
    })


def test_filter_rules_exact():
    report = Report()
    params = FilterParams(min_votes=125, title_types=(), exclude_genres=("TV Movie", "Foreign"))
    out = filter_titles(frame(), params, report)
    assert out["imdb_id"].tolist() == ["tt0000001", "tt0000003", "tt0000005", "tt0000006", "tt0000007", "tt0000008"]
    assert dict(report.removed["filter"]) == {"votes_missing": 1, "votes_le_125": 2, "excluded_genre": 1}
    out = filter_titles(frame(), FilterParams(min_votes=None, require_poster=True, title_types=("movie",),
                                              year_min=1975, year_max=2000, min_genres=1), Report())
    assert out["imdb_id"].tolist() == []
    out = filter_titles(frame(), FilterParams(min_votes=None, title_types=(), year_min=1975, year_max=1990), Report())
    assert out["imdb_id"].tolist() == ["tt0000001", "tt0000002", "tt0000003", "tt0000004"]


def test_title_type_defaults_to_movie_and_keeps_titles_without_a_type():
    report = Report()
    out = filter_titles(frame(), FilterParams(min_votes=None), report)
    assert out["title_type"].unique().tolist() == ["movie"] and report.removed["filter"]["title_type_not_wanted"] == 5
    df = frame()
    df["title_type"] = objects([None, "tvSeries", "movie", "", "videoGame"] * 2)  # None, "": a table without types
    report = Report()
    out = filter_titles(df, FilterParams(min_votes=None), report)
    assert out["imdb_id"].tolist() == ["tt0000000", "tt0000002", "tt0000003", "tt0000005", "tt0000007", "tt0000008"]
    assert report.noted["filter"]["title_type_unknown_kept"] == 4 and report.removed["filter"]["title_type_not_wanted"] == 4


def test_min_votes_is_skipped_and_noted_when_inputs_have_no_votes():
    df = frame()
    df["votes"] = pd.array([None] * 10, dtype="Int64")
    params = FilterParams(title_types=())
    assert len(filter_titles(df, params, Report())) == 10
    assert "no vote counts" in params.notes[0]


def test_split_is_deterministic_stable_and_near_the_ratios():
    ids = [f"tt{i:07d}" for i in range(5000)]
    df = pd.DataFrame({"imdb_id": objects(ids), "genres": objects([["Drama"]] * 5000)})
    a = assign_splits(df, SplitParams(), Report())
    b = assign_splits(df.iloc[::-1].reset_index(drop=True), SplitParams(), Report())
    assert dict(zip(a.imdb_id, a.split, strict=True)) == dict(zip(b.imdb_id, b.split, strict=True))
    share = a["split"].value_counts(normalize=True)
    assert abs(share["train"] - 0.8) < 0.02 and abs(share["validation"] - 0.1) < 0.02
    grown = assign_splits(pd.concat([df, pd.DataFrame({"imdb_id": objects(["tt9999999"]), "genres": objects([None])})]),
                          SplitParams(), Report())
    assert dict(zip(grown.imdb_id[:5000], grown.split[:5000], strict=True)) == dict(zip(a.imdb_id, a.split, strict=True))


def test_stratified_split_gives_each_stratum_its_share():
    df = pd.DataFrame({"imdb_id": objects(f"tt{i:07d}" for i in range(100)),
                       "rating_class": pd.array([0] * 10 + [1] * 90, dtype="Int8")})
    out = assign_splits(df, SplitParams(stratify="rating_class"), Report())
    assert out[out.rating_class == 0]["split"].value_counts().to_dict() == {"train": 8, "validation": 1, "test": 1}


def test_splits_file_reproduces_counts_unknown_ids_and_rejects_bad_names(tmp_path):
    df = frame()
    path = tmp_path / "splits.csv"
    path.write_text("imdb_id,split\ntt0000000,train\ntt0000001,val\ntt0000002,test\ntt7777777,train\n")
    report = Report()
    out = assign_splits(df, SplitParams(splits_file=path), report)
    assert out["split"].tolist() == ["train", "validation", "test"]  # `val` in a splits file is `validation`
    assert report.noted["split"]["splits_file_ids_not_in_data"] == 1
    assert report.removed["split"]["not_in_splits_file"] == 7
    path.write_text("imdb_id,split\ntt0000000,holdout\n")
    with pytest.raises(DatasetError, match="holdout"):
        assign_splits(df, SplitParams(splits_file=path), Report())
    path.write_text("id,fold\n")
    with pytest.raises(DatasetError, match="imdb_id,split"):
        assign_splits(df, SplitParams(splits_file=path), Report())


def test_rating_class_bins_edges():
    out = rating_classes(pd.Series([0, 4.99, 5, 6.49, 6.5, 10, np.nan, 11]), (0, 5, 6.5, 10))
    assert out.tolist()[:6] == [0, 0, 1, 1, 2, 2] and pd.isna(out[6]) and pd.isna(out[7])


def test_categorical_vocabulary_is_fitted_on_train_only():
    df = pd.DataFrame({
        "imdb_id": objects(["tt1", "tt2", "tt3", "tt4"]), "split": ["train", "train", "validation", "test"],
        "rating": np.array([5, 6, 7, 8], np.float32), "genres": objects([["B"], ["A"], ["C"], None]),
        "directors": objects([["Ann"], ["Ann", "Bob"], ["Zed"], ["Zed"]]),
    })
    for col in ("writers", "actors", "keywords", "countries", "languages"):
        df[col] = objects([None] * 4)
    out, labels = add_features(df, FeatureParams(min_count=2), Report())
    assert labels["directors"] == ["Ann"] and labels["genres"] == ["A", "B", "C"]
    assert out["directors"].tolist() == [["Ann"], ["Ann", OTHER], [OTHER], [OTHER]]
    assert out["rating_class"].tolist() == [1, 1, 2, 2]


def oversample_frame() -> pd.DataFrame:
    genres = [["Drama"]] * 30 + [["Comedy"]] * 20 + [["Western"]] * 3 + [["War", "Drama"]] * 2 + [["Horror"]] * 5
    n = len(genres)
    split = ["train"] * n
    split[::10] = ["validation"] * len(split[::10])
    split[5::10] = ["test"] * len(split[5::10])
    return pd.DataFrame({"imdb_id": objects(f"tt{i:07d}" for i in range(n)), "split": split, "genres": objects(genres)})


@pytest.mark.parametrize("method", ["seed002", "inverse"])
def test_oversampling_touches_only_train_and_flags_copies(method):
    df = oversample_frame()
    out = oversample_genres(df, OversampleParams(method=method), Report())
    for split in ("validation", "test"):
        assert out[out.split == split].reset_index(drop=True).equals(
            df[df.split == split].reset_index(drop=True).assign(is_oversampled=False))
    copies = out[out.is_oversampled]
    assert len(copies) > 0 and set(copies.split) == {"train"}
    before, after = genre_counts(df[df.split == "train"]), genre_counts(out[out.split == "train"])
    assert after["Western"] > before["Western"] and after["Horror"] > before["Horror"]
    again = oversample_genres(df, OversampleParams(method=method), Report())
    assert again["imdb_id"].tolist() == out["imdb_id"].tolist()


def test_seed002_skips_the_two_dominant_genres_and_follows_its_formula():
    df = oversample_frame()
    train = df[df.split == "train"]
    before = genre_counts(train)
    out = oversample_genres(df, OversampleParams(method="seed002"), Report())
    copies = out[out.is_oversampled]
    assert not any("Drama" in g or "Comedy" in g for g in copies.genres)
    # first genre in order below the max: Horror, deficit (max - n) * 0.9 + 1 draws among Horror-only rows
    horror = int((before["Drama"] - before["Horror"]) * 0.9) + 1
    assert sum(g == ["Horror"] for g in copies.genres) == horror


def test_yake_keywords_from_descriptions():
    pytest.importorskip("yake")
    df = pd.DataFrame({
        "imdb_id": objects(["tt1", "tt2"]), "split": ["train", "test"], "rating": np.array([5, 6], np.float32),
        "genres": objects([["A"], ["B"]]),
        "description": objects(["A retired bank robber plans one last heist in a snowbound mountain casino.", None]),
    })
    for col in ("directors", "writers", "actors", "keywords", "countries", "languages"):
        df[col] = objects([None, None])
    out, _ = add_features(df, FeatureParams(yake_keywords=3), Report())
    first, second = out["description_keywords"].tolist()
    assert len(first) == 3 and all(isinstance(k, str) for k in first) and second is None
    assert any("heist" in k.lower() or "robber" in k.lower() or "casino" in k.lower() for k in first)
