"""The published dataset as Hugging Face expects it: fixed schema, split names, ClassLabel features, a card
that `datasets` reads without a warning, front matter a hub page needs and no paths of the build machine."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import dataset
from dataset.build import BuildParams, build
from dataset.schema import COLUMNS, MEDIA
from dataset.split import SPLITS
from tests.helpers.inputs import make_item, write_items


def schema_of(out):
    """Every shard's Arrow schema without its metadata (which names this build's bins and genres)."""
    schemas = {str(pq.read_schema(f).remove_metadata()) for f in sorted((out / "data").glob("*.parquet"))}
    assert len(schemas) == 1
    return schemas.pop()


@pytest.mark.parametrize("engine", ["stream", "memory"])
def test_two_different_builds_have_one_schema(tmp_path, engine):
    full = write_items(tmp_path / "full", [make_item(n, metascore=50 + n % 40, gross_worldwide=
                                                     {"amount": 2e6, "currency": "USD"}) for n in range(60)]).parent
    # no metascore, no gross, no ratings at all (so no rating_class): columns that are null everywhere
    sparse = write_items(tmp_path / "sparse", [make_item(n, rating=None, content_rating=None, keywords=[])
                                               for n in range(100, 160)]).parent
    a, b = tmp_path / "a", tmp_path / "b"
    params = BuildParams(plots=False, engine=engine)
    build([full], a, params, quiet=True)
    build([sparse], b, BuildParams(plots=False, engine=engine,
                                   filter=params.filter.__class__(min_votes=None)), quiet=True)
    assert schema_of(a) == schema_of(b)
    names = pq.read_schema(next((b / "data").glob("*.parquet"))).names
    assert names == [n for n, _ in COLUMNS if n not in MEDIA]  # every Contract-2 column, no media by default
    assert dataset.info(a)["columns"] == dataset.info(b)["columns"] == names
    assert pq.read_table(b / "data" / "train-00000-of-00001.parquet", columns=["rating_class"]).column(0).null_count > 0
    assert sorted(dataset.info(b)["splits"]) == sorted(SPLITS)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A dataset built from a crawl two folders away, so that its paths would show if the build leaked them."""
    root = tmp_path_factory.mktemp("hf")
    raw = write_items(root / "crawls" / "2024" / "raw", [make_item(n) for n in range(80)]).parent
    out = root / "datasets" / "imdb-movies"
    splits = root / "crawls" / "splits.csv"
    splits.write_text("imdb_id,split\n" + "".join(f"tt{n:07d},{['train', 'train', 'val', 'test'][n % 4]}\n"
                                                   for n in range(80)))
    from dataset.split import SplitParams

    build([raw], out, BuildParams(split=SplitParams(splits_file=splits)), quiet=True)
    return out


def front_matter(out) -> dict:
    yaml = pytest.importorskip("yaml")
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_card_front_matter_and_title(published):
    meta = front_matter(published)
    assert meta["pretty_name"] and meta["license"] == "other" and meta["license_name"]
    assert meta["license_link"].startswith("https://help.imdb.com/")
    assert meta["size_categories"] == ["n<1K"] and "tabular-classification" in meta["task_categories"]
    info = meta["dataset_info"]
    assert [s["name"] for s in info["splits"]] == list(SPLITS)
    assert all(s["num_bytes"] > 0 and s["num_examples"] > 0 for s in info["splits"])
    assert info["dataset_size"] == sum(s["num_bytes"] for s in info["splits"]) and info["download_size"] > 0
    body = (published / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    title = next(line for line in body.splitlines() if line.startswith("# "))
    assert title == f"# {meta['pretty_name']}" and "non-commercial-datasets" in body


def test_no_absolute_path_in_card_or_build_json(published):
    root = str(published.parent.parent)
    for name in ("README.md", "build.json"):
        text = (published / name).read_text(encoding="utf-8")
        assert root not in text and "/tmp" not in text, name
    meta = dataset.info(published)
    assert meta["parameters"]["raw"] == ["../../crawls/2024/raw"] and meta["inputs"][0]["path"] == "../../crawls/2024/raw"
    assert meta["parameters"]["stages"]["split"]["splits_file"] == "../../crawls/splits.csv"


def test_load_dataset_has_no_warning_class_labels_and_the_split_names_of_the_files(published, tmp_path, caplog):
    datasets = pytest.importorskip("datasets")
    import logging
    import warnings

    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        ds = datasets.load_dataset(str(published), cache_dir=str(tmp_path / "a"))
    assert [str(w.message) for w in caught if "datasets" in w.filename] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert list(ds) == list(SPLITS)
    meta = dataset.info(published)
    rating_class = ds["train"].features["rating_class"]
    assert type(rating_class).__name__ == "ClassLabel" and rating_class.names == ["0-5", "5-6.5", "6.5-10"]
    genres = ds["train"].features["genres"].feature
    assert type(genres).__name__ == "ClassLabel" and genres.names == meta["labels"]["genres"]
    arrays = dataset.load(published, "train", ["rating_class", "genres"])
    assert ds["train"]["rating_class"] == arrays["rating_class"].tolist()
    assert [[genres.names[i] for i in g] for g in ds["train"]["genres"]] == [list(g) for g in arrays["genres"]]
    by_files = datasets.load_dataset("parquet", data_dir=str(published / "data"), cache_dir=str(tmp_path / "b"))
    assert sorted(by_files) == sorted(ds) and all(len(by_files[s]) == len(ds[s]) for s in ds)
    assert set(by_files["validation"]["split"]) == {"validation"}  # `val` in the splits file is `validation`


def test_title_type_defaults_to_movie_and_all_keeps_every_type(tmp_path):
    from dataset.cli import main

    raw = write_items(tmp_path / "raw", [make_item(n, title_type=["movie", "tvSeries", "videoGame"][n % 3])
                                         for n in range(90)]).parent
    base = ["build", "--raw", str(raw), "--min-votes", "-1", "--no-plots", "--quiet"]
    assert main([*base, "--out", str(tmp_path / "movies")]) == 0
    assert main([*base, "--out", str(tmp_path / "every"), "--title-type", "all"]) == 0
    movies, every = dataset.info(tmp_path / "movies"), dataset.info(tmp_path / "every")
    assert sum(s["rows"] for s in movies["splits"].values()) == 30
    assert sum(s["rows"] for s in every["splits"].values()) == 90
    assert "# IMDb movies" in (tmp_path / "movies" / "README.md").read_text(encoding="utf-8")
