"""Fault injection: spec parsing, observed rates against the spec, determinism, retries, and the WAF challenge."""
from __future__ import annotations

import http.client
import http.cookiejar
import math
import tempfile
import threading
import time
import urllib.request

import pytest

from mirror.faults import FaultSpecError, parse_faults
from tests.helpers.env import CHROMIUM_ARGS, require_binary
from tests.helpers.mirror_pages import Client, blocks

SPEC = ("429=0.1,503=0.05,500=0.01,reset=0.02,truncate=0.02,nonext=0.05,oldlayout=0.05,"
        "layout2022=0.05,layout2021=0.05,layout2014=0.05,retry_after=0")


@pytest.mark.parametrize("spec, words", [
    ("429=0.1,foo=0.2", "not understood"), ("503", "not understood"), ("429=abc", "needs a number"),
    ("500=1.5", "between 0 and 1"), ("429=0.6,503=0.6", "must not exceed 1"), ("retry_after=-1", "must not be negative"),
    ("layout=2020", "not an era"), ("layout2019=0.7,layout2014=0.5", "must not exceed 1"),
])
def test_bad_specs_are_one_clear_sentence(spec, words):
    with pytest.raises(FaultSpecError, match=words) as info:
        parse_faults(spec)
    assert "\n" not in str(info.value)


def test_spec_round_trips():
    faults = parse_faults("429=0.1, 503=0.05 ,delay=0.1,waf=1.0,retry_after=0,assets=1")
    assert faults.r429 == 0.1 and faults.waf == 1.0 and faults.retry_after == 0 and faults.assets
    assert parse_faults(faults.spec()) == faults
    assert not parse_faults("").any and not parse_faults(None).any
    assert parse_faults("layout=2014") == parse_faults("layout2014=1")
    assert parse_faults("layout2022=0.2,layout2021=0.1").spec() == "layout2022=0.2,layout2021=0.1"


def _classify(client: Client, path: str) -> str:
    try:
        status, headers, body = client.get(path)
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        return "reset"
    except http.client.IncompleteRead:
        return "truncate"
    if status in (429, 503):
        assert "retry-after" not in headers  # retry_after=0: no header at all
        return str(status)
    if status == 500:
        return "500"
    assert status == 200
    ld, nd = blocks(body)
    if ld is None:
        assert b'id="overview-top"' in body, "only the 2014 layout has no JSON-LD"
        return "layout2014"
    if nd is None:
        return "oldlayout" if b"title_wrapper" in body else "nonext"
    props = nd["props"]["pageProps"]
    if props.get("urqlState") or nd["props"].get("urqlState"):  # 2022-25 pages carry "urqlState": null
        return "layout2021"
    return "layout2022" if "keywords" in props["aboveTheFoldData"] else "ok"


def _run(server, rounds: int = 2) -> list[str]:
    client = Client(server.base_url)
    out = [_classify(client, f"/title/{i}/") for _ in range(rounds) for i in server.catalog.ids()]
    client.close()
    return out


def test_fault_rates_match_the_spec(mirror_factory):
    server = mirror_factory("synthetic:1000", faults=SPEC, seed=7)
    outcomes = _run(server)
    n = len(outcomes)
    for name, rate in parse_faults(SPEC).__dict__.items():
        key = name[1:] if name.startswith("r") and name[1:].isdigit() else name
        if key in ("retry_after", "delay_s", "assets", "delay", "waf", "waf200"):
            continue
        observed = outcomes.count(key) / n
        tolerance = 4 * math.sqrt(rate * (1 - rate) / n) + 0.002
        assert abs(observed - rate) <= tolerance, (key, observed, rate)
    # same seed, fresh server: the very same outcomes; another seed: different ones
    assert _run(mirror_factory("synthetic:1000", faults=SPEC, seed=7)) == outcomes
    assert _run(mirror_factory("synthetic:1000", faults=SPEC, seed=8)) != outcomes


def test_retries_eventually_succeed(mirror_factory):
    server = mirror_factory("synthetic:100", faults="429=0.5,503=0.2,retry_after=0")
    client = Client(server.base_url)
    attempts = []
    for imdb_id in server.catalog.ids():
        for attempt in range(1, 30):
            if client.get(f"/title/{imdb_id}/")[0] == 200:
                attempts.append(attempt)
                break
    assert len(attempts) == 100 and max(attempts) > 1
    strict = mirror_factory("synthetic:10", faults="429=1")
    status, headers, _ = Client(strict.base_url).get(f"/title/{next(strict.catalog.ids())}/")
    assert (status, headers.get("retry-after")) == (429, "1")  # the default Retry-After


def test_delay_does_not_block_other_clients(mirror_factory):
    server = mirror_factory("synthetic:100", faults="delay=0.3,delay_s=0.25")
    client = Client(server.base_url)
    slow = 0
    for imdb_id in list(server.catalog.ids())[:60]:
        t = time.perf_counter()
        assert client.get(f"/title/{imdb_id}/")[0] == 200
        slow += time.perf_counter() - t >= 0.2
    assert 8 <= slow <= 30
    blocker = mirror_factory("synthetic:100", faults="delay=1.0,delay_s=1.5")
    waiting = threading.Thread(target=Client(blocker.base_url).get, args=(f"/title/{imdb_id}/",), daemon=True)
    waiting.start()
    time.sleep(0.1)
    t = time.perf_counter()
    assert Client(blocker.base_url).get("/robots.txt")[0] == 200
    assert time.perf_counter() - t < 0.5
    waiting.join(timeout=5)


def test_assets_are_spared_unless_asked(mirror_factory):
    plain = mirror_factory("synthetic:50", faults="500=1")
    assets = mirror_factory("synthetic:50", faults="500=1,assets=1")
    rec = next(r for r in map(plain.catalog.record, plain.catalog.ids()) if r["poster_id"])
    path = f"/images/M/{rec['poster_id']}._V1_UX100_.jpg"
    assert Client(plain.base_url).get(path)[0] == 200
    assert Client(assets.base_url).get(path)[0] == 500
    assert Client(plain.base_url).get(f"/title/{rec['imdb_id']}/")[0] == 500
    assert Client(plain.base_url).get("/robots.txt")[0] == 200


def test_waf_blocks_plain_clients(mirror_factory):
    server = mirror_factory("synthetic:50", faults="waf=1.0")
    url = f"{server.base_url}/title/{next(server.catalog.ids())}/"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    for _ in range(3):  # even with a cookie jar: the cookie is set by JavaScript only
        resp = opener.open(url)
        body = resp.read()
        assert resp.status == 202 and resp.headers["x-amzn-waf-action"] == "challenge"
        assert blocks(body) == (None, None) and b"<script>" in body and b"__NEXT_DATA__" not in body
    forged = Client(server.base_url).get(url[len(server.base_url):], {"Cookie": "aws-waf-token=abc.def:12"})
    assert forged[0] == 202
    status, headers, body = Client(mirror_factory("synthetic:50", faults="waf200=1.0").base_url).get("/robots.txt")
    assert status == 200  # robots.txt is never challenged
    w200 = mirror_factory("synthetic:50", faults="waf200=1.0")
    status, headers, body = Client(w200.base_url).get(f"/title/{next(w200.catalog.ids())}/")
    assert status == 200 and headers["x-amzn-waf-action"] == "challenge" and blocks(body) == (None, None)


@pytest.mark.browser
def test_waf_lets_headless_chromium_through(mirror_factory):
    chromium = require_binary("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    server = mirror_factory("synthetic:50", faults="waf=1.0")
    imdb_id = next(server.catalog.ids())
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS,
                                                       headless=True)
        try:
            page = context.new_page()
            page.goto(f"{server.base_url}/title/{imdb_id}/")
            page.wait_for_selector("script#__NEXT_DATA__", state="attached", timeout=15000)
            ld, nd = blocks(page.content())
            assert nd["props"]["pageProps"]["tconst"] == imdb_id
            assert any(c["name"] == "aws-waf-token" for c in context.cookies())
        finally:
            context.close()


def test_waf_rates_match_the_spec(mirror_factory):
    """`waf` (202) and `waf200` (the same challenge as a 200) at rates below 1, measured like the others."""
    rates = {"waf": 0.3, "waf200": 0.1}
    server = mirror_factory("synthetic:1000", faults="waf=0.3,waf200=0.1", seed=5)
    client = Client(server.base_url)
    seen = {"waf": 0, "waf200": 0}
    for imdb_id in server.catalog.ids():
        status, headers, body = client.get(f"/title/{imdb_id}/")
        if headers.get("x-amzn-waf-action") == "challenge":
            seen["waf" if status == 202 else "waf200"] += 1
            assert status in (200, 202) and b"__NEXT_DATA__" not in body and b"ld+json" not in body
        else:
            assert status == 200 and blocks(body)[1] is not None
    client.close()
    n = len(server.catalog)
    for key, rate in rates.items():
        assert abs(seen[key] / n - rate) <= 4 * math.sqrt(rate * (1 - rate) / n) + 0.002, (key, seen, n)
