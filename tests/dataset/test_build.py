"""The whole build: Contract 2 output, byte-identical rebuilds, atomicity, and reading it with every tool."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

import dataset
from dataset import card
from dataset.build import BuildParams, build, describe_inputs
from dataset.images import ImageParams
from dataset.oversample import OversampleParams
from dataset.report import DatasetError
from dataset.trailers import TrailerParams

PARAMS = dict(images=ImageParams(sizes=((32, 32), (150, 101)), workers=1),
              oversample=OversampleParams(method="seed002"), trailers=TrailerParams(keep=4, size=(18, 32), workers=1))


def digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((folder / "data").glob("*.parquet"))}


@pytest.fixture
def built(small_raw, tmp_path):
    out = tmp_path / "ds"
    result = build([small_raw], out, BuildParams(**PARAMS), quiet=True)
    return out, result


def test_contract_2_layout_and_build_json(built):
    out, result = built
    assert sorted(p.name for p in (out / "data").iterdir()) == [
        "test-00000-of-00001.parquet", "train-00000-of-00001.parquet", "validation-00000-of-00001.parquet"]
    assert (out / "README.md").is_file() and (out / "genres.png").is_file() and (out / "posters.png").is_file()
    info = dataset.info(out)
    assert info == json.loads((out / "build.json").read_text())
    assert info["counts"]["removed"]["filter"] == {"votes_le_125": 3}
    assert info["labels"]["rating_bins"] == [0.0, 5.0, 6.5, 10.0]
    assert info["inputs"][0]["posters"] == 23 and len(info["inputs"][0]["sha256"][0]) == 64
    assert {"poster_32x32", "poster_150x101", "trailer_frames", "rating_class"} <= set(info["columns"])
    assert info["counts"]["changed"]["images"]["poster_identical_to_another_title"] == 1
    card_text = (out / "README.md").read_text()
    assert card_text.startswith("---\npretty_name:") and "\nconfigs:" in card_text and "Conditions of Use" in card_text and "duckdb" in card_text
    assert "votes_le_125" in card_text
    assert "`labels.genres` in `build.json`" in card_text and "genres_multi_hot" in card_text


def test_rebuild_is_byte_identical(built, small_raw, tmp_path):
    out, _ = built
    again = tmp_path / "ds2"
    build([small_raw], again, BuildParams(**PARAMS), quiet=True)
    assert digest(out) == digest(again)
    meta = pq.read_metadata(out / "data" / "train-00000-of-00001.parquet").metadata
    assert b"pandas" not in meta and b"huggingface" in meta


def test_input_checksums_follow_poster_and_trailer_content(small_raw):
    """A poster rewritten in place (same name, same size) or a new trailer frame changes build.json's inputs."""
    before = describe_inputs([small_raw])[0]
    assert before["posters"] == 23 and before["trailers"] == 1 and len(before["posters_sha256"]) == 64
    poster = sorted((small_raw / "posters").iterdir())[0]
    data = bytearray(poster.read_bytes())
    data[-3] ^= 0xFF
    poster.write_bytes(bytes(data))
    after = describe_inputs([small_raw])[0]
    assert after["posters"] == 23 and after["posters_sha256"] != before["posters_sha256"]
    assert after["trailers_sha256"] == before["trailers_sha256"] and after["sha256"] == before["sha256"]
    (small_raw / "trailer_frames" / "tt0000001").mkdir(parents=True)
    (small_raw / "trailer_frames" / "tt0000001" / "0.jpg").write_bytes(b"frame")
    assert describe_inputs([small_raw])[0]["trailer_frames"] == 1


def test_oversampling_never_reaches_val_or_test(built):
    out, result = built
    for split in ("validation", "test"):
        arrays = dataset.load(out, split, ["is_oversampled", "imdb_id"])
        assert not arrays["is_oversampled"].any() and len(set(arrays["imdb_id"])) == len(arrays["imdb_id"])
    train = dataset.load(out, "train", ["is_oversampled"])
    assert train["is_oversampled"].sum() == result["splits"]["train"]["oversampled"] > 0


def test_failed_build_leaves_the_previous_dataset_untouched(built, small_raw, monkeypatch):
    out, _ = built
    before = digest(out)
    build_json = (out / "build.json").read_text()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full while writing the card")

    monkeypatch.setattr(card, "write_card", boom)
    with pytest.raises(RuntimeError):
        build([small_raw], out, BuildParams(**PARAMS), quiet=True)
    assert digest(out) == before and (out / "build.json").read_text() == build_json
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".ds.")]


def test_out_that_is_not_a_dataset_is_never_replaced(small_raw, tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(DatasetError, match="not a dataset folder"):
        build([small_raw], precious, BuildParams(), quiet=True)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_load_shapes(built):
    out, result = built
    arrays = dataset.load(out, "train")
    n = result["splits"]["train"]["rows"]
    genres = result["labels"]["genres"]
    assert arrays["poster_32x32"].shape == (n, 32, 32, 3) and arrays["poster_32x32"].dtype == np.uint8
    assert arrays["poster_150x101"].shape == (n, 150, 101, 3)
    assert arrays["poster_32x32_mask"].dtype == bool and 0 < arrays["poster_32x32_mask"].sum() < n
    assert not arrays["poster_32x32"][~arrays["poster_32x32_mask"]].any()
    assert arrays["genres_multi_hot"].shape == (n, len(genres)) and arrays["genres_multi_hot"].dtype == np.uint8
    assert arrays["rating"].dtype == np.float32 and arrays["imdb_id"].dtype == object
    assert arrays["trailer_frames"].ndim == 5 and arrays["trailer_frames"].shape[1:] == (4, 18, 32, 3)
    with_trailer = arrays["imdb_id"] == "tt0000005"  # the original and its oversampled copies share frames
    assert arrays["trailer_frames_mask"].sum() == 4 * with_trailer.sum() and arrays["trailer_frames_mask"][with_trailer].all()
    row = list(arrays["genres"][0])
    assert [genres[i] for i in np.flatnonzero(arrays["genres_multi_hot"][0])] == sorted(row)
    only = dataset.load(out, "val", ["genres_multi_hot"])  # `val` is an alias of `validation`
    assert set(only) == {"genres_multi_hot"}
    assert (only["genres_multi_hot"] == dataset.load(out, "validation", ["genres_multi_hot"])["genres_multi_hot"]).all()
    with pytest.raises(DatasetError, match="no column"):
        dataset.load(out, "val", ["nope"])
    with pytest.raises(DatasetError, match="no 'holdout' split"):
        dataset.load(out, "holdout")


def test_read_with_datasets_pandas_pyarrow_duckdb(built):
    out, result = built
    n_train = result["splits"]["train"]["rows"]
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files={"train": str(out / "data" / "train-*.parquet")},
                               cache_dir=str(out.parent / "hf-cache"))["train"]
    assert len(ds) == n_train
    assert type(ds.features["poster_32x32"]).__name__ == "Image"
    row = next(r for r in ds if r["poster_32x32"] is not None)
    assert row["poster_32x32"].size == (32, 32)
    import pandas as pd

    df = pd.read_parquet(out / "data")
    assert len(df) == sum(s["rows"] for s in result["splits"].values())
    table = pq.read_table(out / "data" / "validation-00000-of-00001.parquet")
    assert table.schema.field("genres").type.value_type.id == table.schema.field("title").type.id
    duckdb = pytest.importorskip("duckdb")
    count = duckdb.sql(f"SELECT count(*) FROM '{out}/data/*.parquet' WHERE split = 'train'").fetchall()[0][0]
    assert count == n_train


def test_build_from_the_mirrors_synthetic_catalog(tmp_path):
    """Records of mirror's synthetic catalog (the spider's value fields) build without surprises."""
    catalog_mod = pytest.importorskip("mirror.catalog")
    from tests.helpers.inputs import write_items

    catalog = catalog_mod.load_catalog("synthetic:400", seed=3)
    items = []
    for imdb_id in catalog.ids():
        rec = catalog.record(imdb_id)
        rec.pop("poster_id", None)
        rec.pop("trailer_ids", None)
        items.append({**rec, "scraped_at": "2026-01-01T00:00:00Z", "source": "synthetic"})
    write_items(tmp_path / "raw", items)
    out = tmp_path / "ds"
    result = build([tmp_path / "raw"], out, BuildParams(plots=False), quiet=True)
    kept = sum(s["rows"] for s in result["splits"].values())
    # the default keeps movies only: the catalog's series, episodes and games are removed and counted
    assert kept == sum(1 for i in items if (i["votes"] or 0) > 125 and i["title_type"] == "movie")
    others = sum(1 for i in items if (i["votes"] or 0) > 125 and i["title_type"] != "movie")
    assert others and result["counts"]["removed"]["filter"]["title_type_not_wanted"] == others
    # the only bad values: budgets in legacy currencies (FRF, DEM, …) the rate table never guesses
    legacy = sum(n for stage in result["counts"]["changed"].values() for k, n in stage.items() if "currency" in k)
    assert result["counts"]["quarantined"] == legacy
    entries = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    assert len(entries) == legacy and all("is not in the rate table" in e["reason"] for e in entries)
    train = dataset.load(out, "train", ["rating", "rating_class", "votes", "genres_multi_hot", "runtime_min"])
    assert (train["votes"] > 125).all() and train["genres_multi_hot"].sum() > 0
    rated = ~np.isnan(train["rating"])
    expected = np.digitize(train["rating"][rated], [5.0, 6.5])
    assert (train["rating_class"][rated] == expected).all()


def test_poster_grid_titles_fall_back_to_the_id_where_the_font_has_no_glyphs():
    """DejaVu Sans draws Latin, Greek and Cyrillic titles; Devanagari or CJK would be empty boxes."""
    assert card.drawable("Amélie") and card.drawable("Брат") and card.drawable("<b>&</b>")
    assert not card.drawable("दंगल") and not card.drawable("千と千尋の神隠し")
