"""Helpers every page shares: ids, URLs, text forms, JSON encoding and the `__NEXT_DATA__` envelope."""
from __future__ import annotations

import re
import zlib
from functools import lru_cache

import orjson

from . import vocab
from .table import COUNTRY_MAP

TYPE_TEXT = {"movie": "Movie", "tvMovie": "TV Movie", "short": "Short", "video": "Video",
             "tvSeries": "TV Series", "tvEpisode": "TV Episode", "videoGame": "Video Game"}
BUILD_ID = "mirror-2026.1"
COUNTRY_IDS = {c[1]: c[0] for c in vocab.COUNTRIES} | {v[1]: v[0] for v in COUNTRY_MAP.values()}
LANGUAGE_IDS = {c[3]: c[2] for c in vocab.COUNTRIES}

_SPECIAL = re.compile(r"[&<>\"']")


def ld_escape(text: str) -> str:
    """IMDb writes JSON-LD strings with HTML entities (`O&apos;Brien`, `Tom &amp; Jerry`)."""
    if not _SPECIAL.search(text):
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def dumps(obj: object) -> str:
    """Compact UTF-8 JSON (orjson: page rendering is dominated by JSON encoding, and this is ~5x faster)."""
    return orjson.dumps(obj).decode()


def script_json(obj: object) -> str:
    """JSON safe inside a <script> element, escaped as Next.js does (no `</script>` can appear)."""
    return dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=65536)
def person_id(name: str) -> str:
    """A stable `nm` id per name (crc32: called ~40 times per page, so it must be cheap)."""
    return f"nm{zlib.crc32(name.encode()) % 10**7:07d}"


def runtime_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return " ".join(p for p in (f"{hours}h" if hours else "", f"{mins}m" if mins else "") if p)


def poster_url(base: str, poster_id: str, modifiers: str = "") -> str:
    return f"{base}/images/M/{poster_id}._V1_{modifiers}.jpg"


def video_url(base: str, trailer_id: str) -> str:
    return f"{base}/video/{trailer_id}.mp4"


def next_data(page: str, query: dict, page_props: dict) -> dict:
    return {"props": {"pageProps": page_props, "__N_SSP": True}, "page": page, "query": query,
            "buildId": BUILD_ID, "isFallback": False, "isExperimentalCompile": False, "gssp": True,
            "customServer": True, "appGip": True, "scriptLoader": []}


def country_id(name: str) -> str:
    """IMDb's id of a country name (`US`), or a stand-in from its first letters."""
    return COUNTRY_IDS.get(name) or name[:2].lower()


def language_id(name: str) -> str:
    """IMDb's id of a language name (`en`), or a stand-in from its first letters."""
    return LANGUAGE_IDS.get(name) or name[:2].lower()
