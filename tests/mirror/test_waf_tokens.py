"""WAF tokens as the mirror models them: valid for `waf_ttl` seconds and `waf_max` uses, on one host only.

The tests earn a token by running the challenge page's proof of work here (a test client standing in
for the browser); the crawler never does this, it lets Chromium run the page's script.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from mirror.faults import FaultSpecError, parse_faults
from mirror.waf import BITS, COOKIE, Challenge, fnv1a32
from tests.helpers.mirror_pages import Client, blocks


def solve(body: bytes) -> str:
    """The token the challenge page's script would set: `nonce:k` with BITS low zero bits."""
    nonce = re.search(rb'solvePow\("([^"]+)"\)', body).group(1).decode()
    k = 0
    while fnv1a32(f"{nonce}:{k}") & ((1 << BITS) - 1):
        k += 1
    return f"{nonce}:{k}"


def earn(client: Client, path: str, host: str | None = None) -> str:
    headers = {"Host": host} if host else {}
    status, head, body = client.get(path, headers)
    assert (status, head.get("x-amzn-waf-action")) == (202, "challenge")
    return solve(body)


def fetch(client: Client, path: str, token: str, host: str | None = None) -> int:
    headers = {"Cookie": f"{COOKIE}={token}", **({"Host": host} if host else {})}
    status, _, body = client.get(path, headers)
    if status == 200:
        assert blocks(body)[1] is not None, "a passed page is the real page"
    return status


def test_waf_token_options_parse_and_round_trip() -> None:
    faults = parse_faults("waf=1.0,waf_ttl=30,waf_max=50")
    assert (faults.waf, faults.waf_ttl, faults.waf_max) == (1.0, 30, 50)
    assert parse_faults(faults.spec()) == faults
    assert parse_faults("waf=1.0").waf_ttl == 0 and parse_faults("waf=1.0").waf_max == 0  # no limits by default
    with pytest.raises(FaultSpecError, match="whole number"):
        parse_faults("waf=1,waf_max=2.5")
    with pytest.raises(FaultSpecError, match="must not be negative"):
        parse_faults("waf=1,waf_ttl=-1")


def test_a_token_passes_waf_max_requests_then_is_challenged_again(mirror_factory) -> None:
    server = mirror_factory("synthetic:50", faults="waf=1.0,waf_max=3")
    client = Client(server.base_url)
    ids = list(server.catalog.ids())
    token = earn(client, f"/title/{ids[0]}/")
    assert [fetch(client, f"/title/{i}/", token) for i in ids[:5]] == [200, 200, 200, 202, 202]
    fresh = earn(client, f"/title/{ids[5]}/")
    assert fetch(client, f"/title/{ids[5]}/", fresh) == 200  # a new token starts its own count
    assert client.get("/robots.txt", {"Cookie": f"{COOKIE}={fresh}"})[0] == 200  # never challenged, never counted
    assert fetch(client, f"/title/{ids[6]}/", fresh) == 200


def test_a_token_expires_after_waf_ttl_seconds(mirror_factory) -> None:
    server = mirror_factory("synthetic:50", faults="waf=1.0,waf_ttl=1")
    client = Client(server.base_url)
    imdb_id = next(server.catalog.ids())
    token = earn(client, f"/title/{imdb_id}/")
    assert fetch(client, f"/title/{imdb_id}/", token) == 200
    time.sleep(2.2)  # the expiry is stored in whole seconds
    assert fetch(client, f"/title/{imdb_id}/", token) == 202
    # without waf_ttl a token does not expire on its own
    lasting = mirror_factory("synthetic:50", faults="waf=1.0")
    other = Client(lasting.base_url)
    kept = earn(other, f"/title/{imdb_id}/")
    assert [fetch(other, f"/title/{imdb_id}/", kept) for _ in range(20)] == [200] * 20


def test_expiry_and_uses_with_a_clock() -> None:
    now = [1000.0]
    challenge = Challenge(ttl=30, clock=lambda: now[0], max_uses=2)
    token = solve(challenge.challenge_response("waf", "a.example").body)
    header = f"other=1; {COOKIE}={token}"
    assert challenge.passes(header, "a.example")
    now[0] += 29
    assert challenge.passes(header, "a.example")
    assert not challenge.passes(header, "a.example")  # a third use
    young = solve(challenge.challenge_response("waf", "a.example").body)
    now[0] += 31
    assert not challenge.passes(f"{COOKIE}={young}", "a.example")  # past its ttl, however little used


def test_a_token_is_valid_only_for_the_host_that_issued_it(mirror_factory) -> None:
    server = mirror_factory("synthetic:50", faults="waf=1.0")
    client = Client(server.base_url)
    port = urlsplit(server.base_url).port
    imdb_id = next(server.catalog.ids())
    token = earn(client, f"/title/{imdb_id}/")  # Host: 127.0.0.1:PORT
    assert fetch(client, f"/title/{imdb_id}/", token) == 200
    assert fetch(client, f"/title/{imdb_id}/", token, host=f"localhost:{port}") == 202
    other = earn(client, f"/title/{imdb_id}/", host=f"localhost:{port}")
    assert fetch(client, f"/title/{imdb_id}/", other, host=f"localhost:{port}") == 200
    assert fetch(client, f"/title/{imdb_id}/", other) == 202
    # another mirror (another secret) never honours this one's tokens
    stranger = mirror_factory("synthetic:50", faults="waf=1.0")
    assert fetch(Client(stranger.base_url), f"/title/{imdb_id}/", token) == 202
