"""The item's validation and the one id rule every crawler and mirror regex follows."""
from __future__ import annotations

import pytest

from crawler import discovery
from crawler.items import MovieItem


def test_item_validation_nulls_bad_values_and_explains() -> None:
    item = MovieItem(imdb_id="tt0133093", rating=12.5, votes=-3, year=1999, genres=[], budget={"amount": 5.0},
                     release_date="1999-02-30").validate()
    assert item.rating is None and item.votes is None and item.budget is None and item.release_date is None
    assert item.year == 1999 and item.genres is None  # an empty list is missing, and missing is null
    assert len(item.warnings) == 4 and "rating: outside 1..10: 12.5" in item.warnings


@pytest.mark.parametrize(("imdb_id", "valid"), [("tt0133093", True), ("tt10872600", True), ("tt123456", False),
                                                ("tt123456789", False), ("nm0000206", False),
                                                ("tt\u0660\u0661\u0663\u0663\u0660\u0669\u0663", False)])
def test_imdb_ids_are_tt_and_7_or_8_digits(imdb_id: str, valid: bool) -> None:
    """Contract 1: items and every discovery input agree on what an id is."""
    assert (MovieItem(imdb_id=imdb_id).validate().imdb_id == imdb_id) is valid
    if valid:
        assert discovery.parse_ids(imdb_id) == [imdb_id]
    else:
        with pytest.raises(discovery.DiscoveryError, match="7-8 digits"):
            discovery.parse_ids(imdb_id)


def test_every_id_regex_takes_an_id_whole() -> None:
    """One pattern behind every crawler and mirror id regex: a 9-digit id is never cut to 8 digits,
    Arabic-Indic digits or a trailing newline never make an id (they did with `\\d` and `$`)."""
    from crawler import distributed, list_pages, search
    from mirror import app, table

    for pattern in (list_pages._ID_RE, search._ID, distributed.ID_IN_URL, table._LINK, app._TITLE):
        find = pattern.match if pattern is app._TITLE else pattern.search
        assert find("/title/tt10872600/")[1] == "tt10872600"
        assert find("/title/tt108726001/") is None
        assert find("/title/tt\u0660\u0661\u0663\u0663\u0660\u0669\u0663/") is None
    assert MovieItem(imdb_id="tt0133093\n").validate().imdb_id is None
    assert app._TITLE.match("/title/tt0133093\n") is None
