"""The schema.org JSON-LD block of a title page, as real pages write it (flexget and node-imdb-parser captures).

Its traps are the site's, not ours: `name` is the ORIGINAL title and `alternateName` the display title
(only when they differ), `genre` holds at most three genres, `description` is the plot cut after 230
characters with "...", `actor` the first three, `creator` mixes companies (`Organization`, no name) with
the writers, `keywords` the first five, `url`s are relative and the trailer has no `contentUrl`.
The 2019 markup's block differs: `http://` context, no `alternateName`, numbers as strings ("8.4",
bestRating "10.0"), a single director as an object, writers before companies, a shorter trailer.
A trailer is only ever linked by its page (`embedUrl` `/video/imdb/vi…`), never by a playable file.
"""
from __future__ import annotations

import zlib

from .base import h64
from .pagedata import ld_escape, person_id, poster_url
from .paths import JSONLD_TYPES, TITLE_PAGE_KEYWORDS

LD_GENRES = 3  # JSON-LD lists the first three genres only
LD_ACTORS = 3
LD_PLOT = 230  # longer plots are cut here and end in "..."
COMPANIES = ["Warner Bros.", "Paramount Pictures", "Studio Canal", "Toho", "Yash Raj Films", "A24",
             "Pathé", "Constantin Film", "CJ Entertainment", "BBC Film"]


def cut_plot(text: str) -> str:
    """The JSON-LD description: the plot's first 230 characters and "..." when it is longer."""
    return text if len(text) <= LD_PLOT else text[:LD_PLOT] + "..."


def company_names(rec: dict, seed: int) -> list[str]:
    """The production companies of a title (0 to 3): JSON-LD lists them among the creators."""
    ph = h64(seed, rec["imdb_id"], "company")
    return list(dict.fromkeys(COMPANIES[(ph >> (8 * k)) % len(COMPANIES)] for k in range(ph % 4)))


def company_id(name: str) -> str:
    return f"co{zlib.crc32(name.encode()) % 10**7:07d}"


def _people(names: list[str] | None) -> list[dict]:
    return [{"@type": "Person", "url": f"/name/{person_id(n)}/", "name": ld_escape(n)} for n in names or []]


def json_ld(rec: dict, base: str, seed: int, era: str = "2025") -> dict:
    """The block of one title page in `era` ("2025", "2022", "2021" share one shape; "2019" is the old one)."""
    old = era == "2019"
    iid = rec["imdb_id"]
    original = rec["original_title"] or rec["title"] or ""
    ld: dict = {"@context": "http://schema.org" if old else "https://schema.org",
                "@type": JSONLD_TYPES.get(rec["title_type"] or "", "CreativeWork"),
                "url": f"/title/{iid}/", "name": ld_escape(original)}
    if not old and rec["title"] and rec["title"] != original:
        ld["alternateName"] = ld_escape(rec["title"])
    if rec["poster_id"]:
        ld["image"] = poster_url(base, rec["poster_id"])
    if rec["description"]:
        ld["description"] = ld_escape(cut_plot(rec["description"]))
    if rec["rating"] is not None:
        ld["aggregateRating"] = ({"@type": "AggregateRating", "ratingCount": rec["votes"], "bestRating": "10.0",
                                  "worstRating": "1.0", "ratingValue": str(rec["rating"])} if old else
                                 {"@type": "AggregateRating", "ratingCount": rec["votes"], "bestRating": 10,
                                  "worstRating": 1, "ratingValue": rec["rating"]})
    if rec["content_rating"]:
        ld["contentRating"] = rec["content_rating"]
    if rec["genres"]:
        ld["genre"] = list(rec["genres"][:LD_GENRES])
    if rec["release_date"]:
        ld["datePublished"] = rec["release_date"]
    if rec["keywords"]:
        ld["keywords"] = ",".join(ld_escape(k) for k in rec["keywords"][:TITLE_PAGE_KEYWORDS])
    if rec["trailer_ids"]:
        vid = rec["trailer_ids"][0]
        trailer: dict = {"@type": "VideoObject", "name": rec["title"] if old else "Official Trailer",
                         "embedUrl": f"/video/imdb/{vid}"}
        if rec["poster_id"]:
            thumb = poster_url(base, rec["poster_id"])
            trailer |= {"thumbnail": {"@type": "ImageObject", "contentUrl": thumb}, "thumbnailUrl": thumb}
        trailer |= ({"description": ""} if old else
                    {"url": f"/video/{vid}/", "description": "", "duration": "PT4S",
                     "uploadDate": f"{rec['year'] or 2020}-01-15T08:00:00Z"})
        ld["trailer"] = trailer
    if rec["actors"]:
        ld["actor"] = _people(rec["actors"][:LD_ACTORS])
    if rec["directors"]:
        directors = _people(rec["directors"])
        ld["director"] = directors[0] if old and len(directors) == 1 else directors
    companies = [{"@type": "Organization", "url": f"/company/{company_id(c)}/"} for c in company_names(rec, seed)]
    writers = _people(rec["writers"])
    if companies or writers:
        ld["creator"] = writers + companies if old else companies + writers
    if rec["runtime_min"]:
        ld["duration"] = iso_duration(rec["runtime_min"])
    return ld


def iso_duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")
