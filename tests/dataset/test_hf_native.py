"""The published dataset as Hugging Face expects it: fixed schema, split names, ClassLabel features, a card
that `datasets` reads without a warning, front matter a hub page needs and no paths of the build machine."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import dataset
from dataset.build import BuildParams, build
from dataset.schema import COLUMNS, MEDIA
from dataset.split import SPLITS
from tests.dataset.conftest import make_item, write_items


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
