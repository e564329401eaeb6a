"""Fast checks that the mirror fixtures work (the full checks live in the other test files)."""
from __future__ import annotations

import urllib.request


def test_fixture_serves_a_title_page(mirror):
    imdb_id = next(mirror.catalog.ids())
    with urllib.request.urlopen(f"{mirror.base_url}/title/{imdb_id}/") as resp:
        body = resp.read().decode()
    assert resp.status == 200
    assert '<script id="__NEXT_DATA__" type="application/json">' in body
    assert imdb_id in body


def test_factory_starts_independent_servers(mirror_factory):
    a, b = mirror_factory(seed=1), mirror_factory(seed=2)
    assert a.base_url != b.base_url
    assert list(a.catalog.ids()) != list(b.catalog.ids())
