"""The two machine-readable blocks of a title page: schema.org JSON-LD and Next.js `__NEXT_DATA__`."""
from __future__ import annotations

import re
import zlib
from functools import lru_cache

import orjson

from . import vocab
from .base import h64
from .paths import JSONLD_TYPES, TITLE_PAGE_KEYWORDS
from .table import COUNTRY_MAP

TYPE_TEXT = {"movie": "Movie", "tvMovie": "TV Movie", "short": "Short", "video": "Video",
             "tvSeries": "TV Series", "tvEpisode": "TV Episode", "videoGame": "Video Game"}
POSTER_SIZE = (400, 600)  # width, height of a drawn original
BUILD_ID = "mirror-2026.1"
COUNTRY_IDS = {c[1]: c[0] for c in vocab.COUNTRIES} | {v[1]: v[0] for v in COUNTRY_MAP.values()}
LANGUAGE_IDS = {c[3]: c[2] for c in vocab.COUNTRIES}
_COMPANIES = ["Warner Bros.", "Paramount Pictures", "Studio Canal", "Toho", "Yash Raj Films", "A24",
              "Pathé", "Constantin Film", "CJ Entertainment", "BBC Film"]


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


def iso_duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


def runtime_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return " ".join(p for p in (f"{hours}h" if hours else "", f"{mins}m" if mins else "") if p)


def poster_url(base: str, poster_id: str, modifiers: str = "") -> str:
    return f"{base}/images/M/{poster_id}._V1_{modifiers}.jpg"


def video_url(base: str, trailer_id: str) -> str:
    return f"{base}/video/{trailer_id}.mp4"


def _num_as_string(rec: dict, seed: int) -> bool:
    """About one page in five writes JSON-LD numbers as strings, as the live site sometimes does."""
    return h64(seed, rec["imdb_id"], "strnum") % 5 == 0


def json_ld(rec: dict, base: str, seed: int) -> dict:
    """schema.org block: names HTML-escaped, several fields optional, numbers sometimes strings."""
    ld: dict = {"@context": "https://schema.org",
                "@type": JSONLD_TYPES.get(rec["title_type"] or "", "CreativeWork"),
                "url": f"{base}/title/{rec['imdb_id']}/", "name": ld_escape(rec["title"] or "")}
    if rec["original_title"] and rec["original_title"] != rec["title"]:
        ld["alternateName"] = ld_escape(rec["original_title"])
    if rec["poster_id"]:
        ld["image"] = poster_url(base, rec["poster_id"])
    if rec["description"]:
        ld["description"] = ld_escape(rec["description"])
    if rec["rating"] is not None:
        as_str = _num_as_string(rec, seed)
        ld["aggregateRating"] = {"@type": "AggregateRating",
                                 "ratingCount": str(rec["votes"]) if as_str else rec["votes"],
                                 "bestRating": 10, "worstRating": 1,
                                 "ratingValue": str(rec["rating"]) if as_str else rec["rating"]}
    if rec["content_rating"]:
        ld["contentRating"] = rec["content_rating"]
    if rec["genres"]:
        ld["genre"] = list(rec["genres"])
    if rec["release_date"]:
        ld["datePublished"] = rec["release_date"]
    if rec["keywords"]:
        ld["keywords"] = ",".join(ld_escape(k) for k in rec["keywords"][:TITLE_PAGE_KEYWORDS])
    if rec["trailer_ids"]:
        vid = rec["trailer_ids"][0]
        ld["trailer"] = {"@type": "VideoObject", "name": ld_escape(f"Official Trailer: {rec['title']}"),
                         "embedUrl": f"{base}/video/imdb/{vid}", "url": f"{base}/video/{vid}/",
                         "contentUrl": video_url(base, vid), "duration": "PT4S",
                         "uploadDate": f"{rec['year'] or 2020}-01-15T08:00:00Z"}
        if rec["poster_id"]:
            ld["trailer"]["thumbnailUrl"] = poster_url(base, rec["poster_id"], "QL75_UX500_CR0,47,500,281_")
    people = [("actor", rec["actors"][:3] if rec["actors"] else None), ("director", rec["directors"]),
              ("creator", rec["writers"])]
    for key, names in people:
        if names:
            ld[key] = [{"@type": "Person", "url": f"{base}/name/{person_id(n)}/", "name": ld_escape(n)} for n in names]
    ph = h64(seed, rec["imdb_id"], "company")
    if rec["writers"] and ph % 2:
        company = _COMPANIES[(ph >> 8) % len(_COMPANIES)]
        ld["creator"].append({"@type": "Organization", "url": f"{base}/company/co{zlib.crc32(company.encode()) % 10**7:07d}/"})
    if rec["runtime_min"]:
        ld["duration"] = iso_duration(rec["runtime_min"])
    return ld


def _credits(names: list[str] | None, category: str) -> list[dict]:
    if not names:
        return []
    return [{"totalCredits": len(names), "category": {"text": category, "id": category.lower()},
             "credits": [{"name": {"id": person_id(n), "nameText": {"text": n}}} for n in names],
             "__typename": "PrincipalCreditsForCategory"}]


def _money(value: dict | None) -> dict | None:
    return None if value is None else {"amount": value["amount"], "currency": value["currency"]}


def next_page_props(rec: dict, base: str, extras: dict, poster_dims: tuple[int, int] | None) -> dict:
    """`props.pageProps` of a title page: aboveTheFoldData and mainColumnData, as imdb-pages.md lists them."""
    iid, ttype = rec["imdb_id"], rec["title_type"]
    ph = zlib.crc32(iid.encode())  # one hash per page for the decorative numbers below
    atf: dict = {"id": iid, "productionStatus": {"currentProductionStage": {"id": "released" if rec["rating"] else "announced"}},
                 "canHaveEpisodes": ttype == "tvSeries",
                 "titleText": {"text": rec["title"], "__typename": "TitleText"}}
    if rec["original_title"]:
        atf["originalTitleText"] = {"text": rec["original_title"], "__typename": "TitleText"}
    if ttype:
        atf["titleType"] = {"id": ttype, "text": TYPE_TEXT.get(ttype, ttype), "canHaveEpisodes": ttype == "tvSeries",
                            "displayableProperty": {"value": {"plainText": TYPE_TEXT.get(ttype, ttype)}}}
    if rec["year"]:
        end = rec["year"] + 1 + (ph >> 4) % 6 if ttype == "tvSeries" and ph % 2 else None
        atf["releaseYear"] = {"year": rec["year"], "endYear": end, "__typename": "YearRange"}
    if rec["release_date"]:
        y, m, d = (int(p) for p in rec["release_date"].split("-"))
        atf["releaseDate"] = {"day": d, "month": m, "year": y, "country": {"id": "US"}, "__typename": "ReleaseDate"}
    if rec["runtime_min"]:
        atf["runtime"] = {"seconds": rec["runtime_min"] * 60,
                          "displayableProperty": {"value": {"plainText": runtime_text(rec["runtime_min"])}}}
    atf["ratingsSummary"] = {"aggregateRating": rec["rating"], "voteCount": rec["votes"], "__typename": "RatingsSummary"}
    if rec["poster_id"]:
        width, height = poster_dims or POSTER_SIZE
        atf["primaryImage"] = {"id": f"rm{zlib.crc32(rec['poster_id'].encode()):010d}", "url": poster_url(base, rec["poster_id"]),
                               "width": width, "height": height,
                               "caption": {"plainText": f"{rec['title']} ({rec['year']})"}, "__typename": "Image"}
    else:
        atf["primaryImage"] = None
    atf["genres"] = {"genres": [{"text": g, "id": g, "__typename": "Genre"} for g in rec["genres"] or []]}
    atf["plot"] = ({"plotText": {"plainText": rec["description"], "__typename": "Markdown"}, "language": {"id": "en-US"}}
                   if rec["description"] else None)
    atf["certificate"] = {"rating": rec["content_rating"], "__typename": "Certificate"} if rec["content_rating"] else None
    atf["metacritic"] = {"metascore": {"score": rec["metascore"]}} if rec["metascore"] is not None else None
    atf["primaryVideos"] = {"edges": [
        {"node": {"id": vid, "name": {"value": f"Official Trailer {k + 1}"}, "runtime": {"value": 4},
                  "contentType": {"id": "amzn1.imdb.video.contenttype.trailer", "displayName": {"value": "Trailer"}},
                  "playbackURLs": [{"url": video_url(base, vid), "videoMimeType": "MP4", "videoDefinition": "DEF_SD",
                                    "displayName": {"value": "SD"}}]}}
        for k, vid in enumerate(rec["trailer_ids"])]}
    main: dict = {"id": iid}
    main["countriesDetails"] = {"countries": [{"id": country_id(c), "text": c} for c in rec["countries"] or []]}
    main["spokenLanguages"] = {"spokenLanguages": [{"id": language_id(lang), "text": lang} for lang in rec["languages"] or []]}
    main["productionBudget"] = {"budget": _money(rec["budget"])} if rec["budget"] else None
    main["worldwideGross"] = {"total": _money(rec["gross_worldwide"])} if rec["gross_worldwide"] else None
    lifetime = extras.get("lifetime_gross")
    main["lifetimeGross"] = {"total": _money(lifetime)} if lifetime else None
    main["technicalSpecifications"] = {"colorations": {"items": (
        [{"conceptId": rec["color"].lower().replace(" ", "_"), "text": rec["color"]}] if rec["color"] else [])}}
    main["directors"] = _credits(rec["directors"], "Director")
    main["writers"] = _credits(rec["writers"], "Writers" if ttype != "tvSeries" else "Creators")
    main["cast"] = {"edges": [{"node": {"name": {"id": person_id(a), "nameText": {"text": a}},
                                         "characters": [{"name": f"Character {i + 1}"}]}}
                              for i, a in enumerate(rec["actors"] or [])]}
    keywords = rec["keywords"] or []
    main["keywords"] = {"total": len(keywords),
                        "edges": [{"node": {"text": k, "__typename": "Keyword"}} for k in keywords[:TITLE_PAGE_KEYWORDS]]}
    main["ratingsSummary"] = {"topRanking": {"rank": 1 + (ph >> 8) % 5000} if rec["votes"] else None}
    main["taglines"] = {"edges": [], "total": 0}
    main["summaries"] = {"edges": [{"node": {"plotText": {"plaidHtml": rec["description"]}}}] if rec["description"] else []}
    return {"tconst": iid, "aboveTheFoldData": atf, "mainColumnData": main,
            "requestContext": {"sidecar": {"localizationResponse": {"languageForTranslations": "en-US"}}}}


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
