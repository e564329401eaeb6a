"""`python -m dataset build` under the worst inputs at once, on a distributed crawl's shards, and
SIGKILLed mid-build. (The one-case-per-row table lives in tests/dataset/test_bad_input.py; these
add exact counts, multi-shard input and a real kill, which a per-case table cannot show.)"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataset.cli import main
from tests.helpers.env import REPO
from tests.helpers.inputs import add_poster, make_item, poster_jpeg, write_items

pytestmark = pytest.mark.hardening

BAD_LINES = {  # raw bytes appended to items.jsonl → the reason the quarantine report must give
    b'{"imdb_id": "tt0000001", "title": "\xc3\x28"}\n': "invalid UTF-8",
    b'{"imdb_id": "tt0000002", \n': "not JSON",
    b'["tt0000003"]\n': "not a JSON object",
    b'{"imdb_id": "../../etc", "title": "x"}\n': "no valid imdb_id",
    b'{"imdb_id": "tt\\u0660\\u0660\\u0660\\u0660\\u0660\\u0660\\u0665", "title": "x"}\n': "no valid imdb_id",
    b'{"imdb_id": "tt0000006\\n", "title": "x"}\n': "no valid imdb_id",
    b'{"imdb_id": "tt0000004", "title": "half-written line of a killed crawl", "year"': "not JSON",
}
BAD_POSTERS = {  # bytes of posters/<name> → quarantine reason
    "zero.jpg": (b"", "poster_empty_file"),
    "corrupt.jpg": (None, "poster_corrupt_image"),
    "text.jpg": (b"GIF? no: plain text\n" * 3, "poster_not_an_image"),
    "bomb.jpg": (b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03" + b"\x00" * 40, "poster_too_many_pixels"),
}


def build(capsys, *argv) -> tuple[int, str, str]:
    code = main(["build", *map(str, argv), "--min-votes", "-1", "--no-plots", "--quiet", "--workers", "1"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def quarantine(ds: Path) -> list[dict]:
    return [json.loads(line) for line in (ds / "quarantine.jsonl").read_text().splitlines()]


def test_every_kind_of_bad_input_at_once_is_counted_exactly(tmp_path, capsys) -> None:
    raw = tmp_path / "raw"
    items = [make_item(i + 10) for i in range(30)]
    for i, item in enumerate(items[:6]):
        add_poster(raw, item, poster_jpeg(i))
    (raw / "posters").mkdir(parents=True, exist_ok=True)
    for i, (name, (data, _)) in enumerate(BAD_POSTERS.items()):
        (raw / "posters" / name).write_bytes(poster_jpeg(99)[:200] if data is None else data)
        items[10 + i]["poster_path"] = f"posters/{name}"
    items[14]["poster_path"] = "../../etc/passwd"
    items[15]["budget"] = {"amount": 5.0, "currency": "XQZ"}
    items.append(make_item(20, title="older copy", scraped_at="2020-01-01T00:00:00Z"))  # conflicting duplicate
    write_items(raw, items)
    with open(raw / "items.jsonl", "ab") as handle:
        for line in BAD_LINES:
            handle.write(line)

    ds = tmp_path / "ds"
    code, out, err = build(capsys, "--raw", raw, "--out", ds, "--image-size", "32x32")
    assert code == 0, err
    info = json.loads((ds / "build.json").read_text())
    assert sum(s["rows"] for s in info["splits"].values()) == 30  # every valid title kept
    entries = quarantine(ds)
    reasons = [e["reason"] for e in entries]
    expected_bad = len(BAD_LINES) + len(BAD_POSTERS) + 2  # + the escaping poster_path and the unknown currency
    assert len(entries) == expected_bad, reasons
    assert f"{expected_bad} items quarantined" in out
    for reason in BAD_LINES.values():
        assert any(r.startswith(reason) for r in reasons), reason
    lines = [e["where"] for e in entries if e["stage"] == "load"]
    assert {w.rsplit(":", 1)[1] for w in lines} == {str(32 + i) for i in range(len(BAD_LINES))}  # file:line of each
    removed = info["counts"]["removed"]["load"]
    assert removed.get("duplicate_imdb_id_older_copy") == 1
    changed = json.dumps(info["counts"])
    assert "budget_unknown_currency_to_null:XQZ" in changed
    assert {"stage": "clean", "where": "tt0000025", "reason": "budget currency 'XQZ' is not in the rate table "
            "(version 1, 2016-12-30); stored as null"} in entries
    for _, reason in BAD_POSTERS.values():
        assert reason in changed or any(reason.removeprefix("poster_").replace("_", " ") in r for r in reasons), reason


def test_distributed_shards_with_a_killed_workers_tail_build_into_one_dataset(tmp_path, capsys) -> None:
    """Three worker folders (crawler/distributed.py), one ending in a half line, one title written by two
    workers (a requeued id whose first worker was only slow): one row per title, nothing valid lost."""
    shards = [tmp_path / f"worker-{i}" for i in range(3)]
    for i, shard in enumerate(shards):
        write_items(shard, [make_item(n, scraped_at=f"2024-01-0{i + 1}T00:00:00Z") for n in range(100 + i, 160, 3)])
    write_items(shards[2], [make_item(n) for n in range(102, 160, 3)] + [make_item(100, title="second copy",
                scraped_at="2024-02-01T00:00:00Z")])
    with open(shards[1] / "items.jsonl", "ab") as handle:
        handle.write(b'{"imdb_id": "tt0000999", "title": "cut off by SIGKI')
    ds = tmp_path / "ds"
    code, _, err = build(capsys, *[a for s in shards for a in ("--raw", s)], "--out", ds)
    assert code == 0, err
    info = json.loads((ds / "build.json").read_text())
    assert sum(s["rows"] for s in info["splits"].values()) == 60
    import pyarrow.parquet as pq

    table = pq.read_table(ds / "data")
    titles = dict(zip(table.column("imdb_id").to_pylist(), table.column("title").to_pylist(), strict=True))
    assert len(titles) == 60 and titles["tt0000100"] == "second copy"  # newest scraped_at wins
    assert [e["where"].endswith("items.jsonl:21") for e in quarantine(ds)] == [True]


@pytest.mark.slow
def test_sigkilled_build_leaves_the_previous_dataset_untouched(tmp_path, capsys) -> None:
    raw = tmp_path / "raw"
    items = [make_item(i + 10) for i in range(400)]
    for i, item in enumerate(items):
        add_poster(raw, item, poster_jpeg(i, 400, 270))
    write_items(raw, items)
    ds = tmp_path / "ds"
    assert build(capsys, "--raw", raw, "--out", ds, "--image-size", "16x16")[0] == 0
    before = {p.relative_to(ds): p.read_bytes() for p in sorted(ds.rglob("*")) if p.is_file()}

    rng = random.Random(7)
    for _ in range(3):  # killed at three seeded moments of a longer build (with plots) into the same folder
        proc = subprocess.Popen([sys.executable, "-m", "dataset", "build", "--raw", str(raw), "--out", str(ds),
                                 "--min-votes", "-1", "--image-size", "64x64", "--image-size", "150x101",
                                 "--quiet", "--workers", "1"],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        working = tmp_path / f".ds.building-{proc.pid}"
        deadline = time.monotonic() + 60
        while not working.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.5))  # somewhere in load, clean, images or publish
        assert proc.poll() is None, "the build finished before it could be killed; make it bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        after = {p.relative_to(ds): p.read_bytes() for p in sorted(ds.rglob("*")) if p.is_file()}
        assert after == before

    assert build(capsys, "--raw", raw, "--out", ds, "--image-size", "16x16", "--image-size", "32x32")[0] == 0
    assert "poster_32x32" in (ds / "build.json").read_text()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".ds.")]
    assert leftovers == [], f"killed builds left temporary folders behind: {leftovers}"


def test_a_build_killed_mid_swap_gets_its_previous_dataset_back(tmp_path, capsys) -> None:
    """Killed between moving the old dataset aside and moving the new one in: the next run restores it."""
    from dataset.build import _clear_killed_builds

    raw = tmp_path / "raw"
    write_items(raw, [make_item(i + 10) for i in range(20)])
    ds = tmp_path / "ds"
    assert build(capsys, "--raw", raw, "--out", ds)[0] == 0
    before = (ds / "build.json").read_bytes()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ds.rename(tmp_path / f".ds.old-{dead.pid}")
    (tmp_path / f".ds.building-{dead.pid}").mkdir()
    _clear_killed_builds(ds)
    assert (ds / "build.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds", "raw"]


def test_wrong_types_and_impossible_money_are_null_and_counted(tmp_path, capsys) -> None:
    """Issue 15 #9: a list where text belongs used to be stored as its Python repr ("['x']"), uncounted;
    1e308 and -8.5e305 dollars were kept."""
    import pandas as pd

    raw, ds = tmp_path / "raw", tmp_path / "ds"
    items = [make_item(i + 1, original_title=f"Original {i}") for i in range(12)]
    items[0]["original_title"] = ["x"]
    items[1]["title"] = {"text": "Heat"}
    items[2]["description"] = 5
    items[3]["budget"] = {"amount": 1e308, "currency": "USD"}
    items[4]["gross_worldwide"] = {"amount": -8.5e305, "currency": "USD"}
    items[5]["gross_worldwide"] = {"amount": 2_800_000_000.0, "currency": "USD"}  # Avatar: kept
    write_items(raw, items)
    code, _, _ = build(capsys, "--raw", raw, "--out", ds)
    assert code == 0
    df = pd.concat(pd.read_parquet(p) for p in sorted((ds / "data").glob("*.parquet"))).set_index("imdb_id")
    assert pd.isna(df.loc["tt0000001", "original_title"]) and pd.isna(df.loc["tt0000002", "title"])
    assert pd.isna(df.loc["tt0000003", "description"]) and df.loc["tt0000004", "original_title"] == "Original 3"
    assert pd.isna(df.loc["tt0000004", "budget_usd"]) and pd.isna(df.loc["tt0000005", "gross_usd"])
    assert df.loc["tt0000006", "gross_usd"] == 2_800_000_000.0
    changed = json.loads((ds / "build.json").read_text())["counts"]["changed"]["clean"]
    assert changed["original_title_not_text_to_null"] == 1 and changed["title_not_text_to_null"] == 1
    assert changed["description_not_text_to_null"] == 1
    assert changed["budget_out_of_range_to_null"] == 1 and changed["gross_out_of_range_to_null"] == 1
    reasons = {q["where"]: q["reason"] for q in quarantine(ds)}
    assert reasons["tt0000001"] == "original_title ['x'] (list) is not text; stored as null"
    assert reasons["tt0000004"].startswith("budget 1e+308 USD is not an amount")
