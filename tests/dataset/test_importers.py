"""Importers on the real files in ../shared/data (skipped when absent) and on a generated TSV dump."""
from __future__ import annotations

import csv
import gzip
import json

import numpy as np

import dataset
from dataset.build import BuildParams, build
from dataset.cli import main
from dataset.images import ImageParams
from dataset.importers.imdb5000 import budget_currency
from dataset.sequences import SequenceParams
from dataset.split import SplitParams
from tests.helpers.env import require_shared


def items(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines()]


def test_imdb5000_real_table(tmp_path):
    csv_path = require_shared("data", "imdb5000", "movie_metadata.csv")
    assert main(["import", "imdb5000", str(csv_path), "--out", str(tmp_path / "raw"), "--quiet"]) == 0
    got = {i["imdb_id"]: i for i in items(tmp_path / "raw")}
    assert len(got) == 4919  # 5,043 rows, 124 repeated ids
    avatar = got["tt0499549"]
    assert avatar["title"] == "Avatar" and avatar["budget"] == {"amount": 237000000.0, "currency": "USD"}
    assert avatar["actors"] == ["CCH Pounder", "Joel David Moore", "Wes Studi"] and avatar["votes"] == 886204
    assert avatar["genres"] == ["Action", "Adventure", "Fantasy", "Sci-Fi"] and avatar["source"] == "imdb5000"
    uk = [i for i in got.values() if i["countries"] == ["UK"] and i["budget"]]
    assert uk and all(i["budget"]["currency"] is None for i in uk)
    assert budget_currency("South Korea", 2006) == "KRW" and budget_currency("France", 1995) is None
    assert budget_currency("France", 2010) == "EUR"
    report = json.loads((tmp_path / "raw" / "import-report.json").read_text())
    assert report["skipped_by_reason"] == {"duplicate imdb id": 124}


def test_posters_real_files_build_with_the_given_split(tmp_path):
    root = require_shared("data", "posters")
    raw = tmp_path / "raw"
    assert main(["import", "posters", str(root / "labels.csv"), str(root / "images"), "--out", str(raw),
                 "--limit", "60", "--quiet"]) == 0
    got = items(raw)
    assert len(got) == 60 and all(i["poster_path"].startswith("posters/") for i in got if i["poster_path"])
    assert all("N/A" not in i["genres"] for i in got)
    out = tmp_path / "ds"
    build([raw], out, BuildParams(split=SplitParams(splits_file=raw / "splits.csv"),
                                  images=ImageParams(sizes=((32, 32),), workers=1), plots=False), quiet=True)
    given = dict(csv.reader(open(raw / "splits.csv")))
    val = dataset.load(out, "val", ["imdb_id", "poster_32x32"])
    assert all(given[i] == "val" for i in val["imdb_id"]) and val["poster_32x32_mask"].all()


def test_movienet_clip_real_embeddings(tmp_path):
    root = require_shared("data", "movienet_clip")
    raw = tmp_path / "raw"
    assert main(["import", "movienet-clip", str(root), "--out", str(raw), "--limit", "40", "--quiet"]) == 0
    stored = np.load(raw / "frame_embeddings.npy")
    assert stored.shape == (40, 64, 512) and stored.dtype == np.float16
    out = tmp_path / "ds"
    build([raw], out, BuildParams(sequences=SequenceParams(length=32), plots=False), quiet=True)
    info = dataset.info(out)
    split = next(iter(info["splits"]))
    arrays = dataset.load(out, split, ["imdb_id", "frame_embeddings", "genres_multi_hot"])
    n = len(arrays["imdb_id"])
    assert arrays["frame_embeddings"].shape == (n, 32, 512) and arrays["frame_embeddings"].dtype == np.float32
    index = {i["imdb_id"]: i["frame_embeddings_index"] for i in items(raw)}
    first = index[arrays["imdb_id"][0]]
    expected = stored[first][np.linspace(0, 63, 32).round().astype(int)].astype(np.float32)
    assert np.array_equal(arrays["frame_embeddings"][0], expected)
    assert "min_votes skipped" in info["notes"][0]


def test_trailer_frames_real_folders(tmp_path):
    root = require_shared("data", "trailer_frames")
    raw = tmp_path / "raw"
    assert main(["import", "trailer-frames", str(root), "--out", str(raw), "--limit", "3", "--quiet"]) == 0
    got = items(raw)
    assert [i["imdb_id"] for i in got] == ["tt0331811", "tt2381111", "tt0458339"] and got[0]["rating"] == 7.2
    assert len(list((raw / "trailer_frames" / "tt0331811").iterdir())) == 56
    out = tmp_path / "ds"
    assert main(["build", "--raw", str(raw), "--out", str(out), "--ratios", "100,0,0", "--frame-size", "45x80",
                 "--workers", "1", "--no-plots", "--quiet"]) == 0
    arrays = dataset.load(out, "train", ["trailer_frames", "rating"])
    assert arrays["trailer_frames"].shape == (3, 15, 45, 80, 3) and arrays["trailer_frames_mask"].all()


def test_tsv_dumps_stream_and_filter(tmp_path):
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    basics = ("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n"
              "tt0000001\tmovie\tOne\tUn\t0\t1999\t\\N\t101\tDrama,Comedy\n"
              "tt0000002\ttvSeries\tTwo\tTwo\t0\t2001\t2003\t\\N\tDrama\n"
              "tt0000003\tmovie\tThree\tThree\t0\t\\N\t\\N\t\\N\t\\N\n"
              "tt0000004\tmovie\tFour\tFour\t0\t2005\t\\N\t90\tHorror\n")
    ratings = "tconst\taverageRating\tnumVotes\ntt0000001\t7.1\t5000\ntt0000002\t8.0\t9000\ntt0000003\t5.5\t126\ntt0000004\t6\t125\n"
    (dumps / "title.basics.tsv.gz").write_bytes(gzip.compress(basics.encode()))
    (dumps / "title.ratings.tsv.gz").write_bytes(gzip.compress(ratings.encode()))
    raw = tmp_path / "raw"
    assert main(["import", "tsv-dumps", str(dumps), "--out", str(raw), "--title-type", "movie", "--min-votes", "125",
                 "--quiet"]) == 0
    got = items(raw)
    assert [i["imdb_id"] for i in got] == ["tt0000001", "tt0000003"]
    assert got[0]["genres"] == ["Drama", "Comedy"] and got[0]["votes"] == 5000 and got[0]["year"] == 1999
    assert got[1]["year"] is None and got[1]["genres"] == []
