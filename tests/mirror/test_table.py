"""The IMDB-5000 table as a catalog: real values on the pages, nothing invented, posters only where files exist."""
from __future__ import annotations

import pytest

from mirror.catalog import TableCatalog, load_catalog
from tests.helpers.env import require_shared
from tests.helpers.mirror_pages import Client, blocks, next_value


@pytest.fixture(scope="module")
def table():
    csv = require_shared("data", "imdb5000", "movie_metadata.csv")
    posters = require_shared("data", "posters", "images")
    return load_catalog(str(csv), posters_dir=str(posters))


def test_rows_become_records(table):
    assert 4800 < len(table) <= 5043  # duplicates of the same link are dropped
    avatar = table.record("tt0499549")
    assert avatar["title"] == "Avatar"  # the trailing no-break space is gone
    assert avatar["genres"] == ["Action", "Adventure", "Fantasy", "Sci-Fi"]
    assert avatar["directors"] == ["James Cameron"] and avatar["year"] == 2009 and avatar["rating"] == 7.9
    assert avatar["budget"] == {"amount": 237000000.0, "currency": "USD"}
    for field in ("original_title", "title_type", "release_date", "metascore", "writers", "description", "gross_worldwide"):
        assert avatar[field] is None, field  # the table has no such column
    currencies = {r["budget"]["currency"] for r in map(table.record, table.ids()) if r["budget"]}
    assert {"USD", "GBP", "KRW", "INR"} <= currencies
    with_poster = [i for i in table.ids() if table.record(i)["poster_id"]]
    assert 0 < len(with_poster) < len(table)
    assert all(table.poster_file(i).is_file() for i in with_poster[:200])


def test_usa_only_budgets(table):
    usa_only = TableCatalog(table.path, budget_currency="usa-only")
    assert {r["budget"]["currency"] for r in map(usa_only.record, usa_only.ids()) if r["budget"]} == {"USD"}


def test_table_pages_and_real_posters(mirror_factory, table):
    server = mirror_factory(table)
    client = Client(server.base_url)
    ids = list(table.ids())[:150]
    for imdb_id in ids:
        rec = table.record(imdb_id)
        ld, nd = blocks(client.get(f"/title/{imdb_id}/")[2])
        props = nd["props"]["pageProps"]
        for field in ("title", "year", "rating", "votes", "genres", "directors", "actors", "budget", "poster_id"):
            assert next_value(props, field, server.base_url) == rec[field], (imdb_id, field)
        assert props["aboveTheFoldData"]["originalTitleText"] is None and props["aboveTheFoldData"]["plot"] is None
    rec = next(table.record(i) for i in ids if table.record(i)["poster_id"])
    original = client.get(f"/images/M/{rec['poster_id']}._V1_.jpg")[2]
    assert original == table.poster_file(rec["imdb_id"]).read_bytes()
    assert client.get(f"/images/M/{rec['poster_id']}._V1_UX50_.jpg")[0] == 200


def test_bad_tables_are_one_sentence(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not an IMDB-5000-layout table"):
        load_catalog(str(bad))
