"""Where ids come from without a crawl: ids files, id lists and the IMDb dumps."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawler import discovery


def test_ids_file_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# header\n\ntt0000001\n tt0000002  # inline comment\ntt0000001\n")
    assert list(discovery.read_ids_file(path)) == ["tt0000001", "tt0000002"]
    path.write_text("tt0000001\nnot-an-id\n")
    with pytest.raises(discovery.DiscoveryError, match="line 2"):
        list(discovery.read_ids_file(path))
    assert discovery.parse_ids("tt0000002, tt0000001 tt0000002") == ["tt0000002", "tt0000001"]


def test_dumps_stream_with_nulls_quotes_and_a_cut_last_line(tmp_path: Path) -> None:
    basics = ("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n"
              'tt0000001\tmovie\t"Quoted" Title\t\\N\t0\t1999\t\\N\t\\N\tDrama\n'
              "tt0000002\tshort\tShort\tShort\t0\t2001\t\\N\t5\t\\N\n"
              "tt0000003\tmovie\tNo year\tNo year\t0\t\\N\t\\N\t\\N\t\\N\n"
              "tt0000004\tmovie\tLow votes\tLow votes\t0\t2005\t\\N\t90\tComedy\n"
              "tt0000005\tmovie\tCut")
    (tmp_path / "title.basics.tsv.gz").write_bytes(gzip.compress(basics.encode()))
    (tmp_path / "title.ratings.tsv").write_text("tconst\taverageRating\tnumVotes\ntt0000004\t5.0\t10\n"
                                                "tt0000001\t7.0\t500\ntt0000002\t6.0\t900\n")
    run = lambda **kw: list(discovery.iter_dump_ids(tmp_path, discovery.DumpFilter.from_args(**kw)))  # noqa: E731
    assert run() == ["tt0000001", "tt0000002", "tt0000003", "tt0000004"]
    assert run(title_type="movie", min_votes=100) == ["tt0000001"]
    assert run(min_year=2000, max_year=2004) == ["tt0000002"]
    with pytest.raises(discovery.DiscoveryError, match="min_votes"):
        discovery.DumpFilter.from_args(min_votes="many")
    (tmp_path / "title.ratings.tsv").unlink()
    with pytest.raises(discovery.DiscoveryError, match="title.ratings"):
        run(min_votes=1)
