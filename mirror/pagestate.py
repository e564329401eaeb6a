"""`__NEXT_DATA__` page state of a title page in each real era (`props.pageProps`).

- 2025 (imdbinfo's captures): most fields in `mainColumnData` — `titleGenres`/`genres`, `releaseDate`,
  `metacritic`, `countriesDetails` (countries with names), `storylineKeywords`, `principalCreditsV2`
  (the first three stars), `categories` (every credit by category), `primaryVideos` (`videoMimeType`).
- 2022–23 (flexget's captures): `aboveTheFoldData` holds genres, release date, metascore, keywords
  (`keywords.total` + the first five), `principalCredits` and `primaryVideos` (`mimeType`);
  `mainColumnData` countries (`countriesOfOrigin`), languages, money, colour, directors/writers/cast.
- 2021 (node-imdb-parser, drogers141): the same two halves as two GraphQL results under
  `urqlState.<hash>.data.title`; the main half names its keywords `storylineKeywords`.
Every path emitted here occurs in a real page of its era (tests/mirror/test_real_structure.py).
"""
from __future__ import annotations

import zlib

from .pagedata import TYPE_TEXT, country_id, language_id, person_id, poster_url, runtime_text, video_url
from .paths import GROUPING, TITLE_PAGE_KEYWORDS

POSTER_SIZE = (400, 600)  # width, height of a drawn original
STARS = 3


def _text(value: str | None) -> dict | None:
    return {"text": value} if value is not None else None


def _title_type(ttype: str | None) -> dict | None:
    if not ttype:
        return None
    return {"text": TYPE_TEXT.get(ttype, ttype), "id": ttype, "isSeries": ttype in ("tvSeries", "tvMiniSeries"),
            "isEpisode": ttype == "tvEpisode", "categories": [{"value": ttype}], "canHaveEpisodes": ttype == "tvSeries"}


def _year(rec: dict) -> dict | None:
    if not rec["year"]:
        return None
    ph = zlib.crc32(rec["imdb_id"].encode())
    end = rec["year"] + 1 + (ph >> 4) % 6 if rec["title_type"] == "tvSeries" and ph % 2 else None
    return {"year": rec["year"], "endYear": end}


def _date(rec: dict, with_country: bool) -> dict | None:
    if not rec["release_date"]:
        return None
    y, m, d = (int(p) for p in rec["release_date"].split("-"))
    date: dict = {"day": d, "month": m, "year": y}
    if with_country and rec["countries"]:
        date["country"] = {"id": country_id(rec["countries"][0]), "text": rec["countries"][0]}
    return date


def _image(rec: dict, base: str, dims: tuple[int, int] | None) -> dict | None:
    if not rec["poster_id"]:
        return None
    width, height = dims or POSTER_SIZE
    return {"id": f"rm{zlib.crc32(rec['poster_id'].encode()):010d}", "width": width, "height": height,
            "url": poster_url(base, rec["poster_id"]), "caption": {"plainText": f"{rec['title']} ({rec['year']})"}}


def _plot(rec: dict) -> dict | None:
    return {"plotText": {"plainText": rec["description"]}, "language": {"id": "en-US"}} if rec["description"] else None


def _money(value: dict | None, key: str) -> dict | None:
    return {key: {"amount": value["amount"], "currency": value["currency"]}} if value else None


def _videos(rec: dict, base: str, era: str) -> dict:
    """`primaryVideos`: 2025 writes `videoMimeType: MP4` and a definition, earlier pages `mimeType: video/mp4`."""
    edges = []
    for k, vid in enumerate(rec["trailer_ids"]):
        url = video_url(base, vid)
        play = ({"displayName": {"value": "SD", "language": "en-US"}, "videoMimeType": "MP4", "videoDefinition": "DEF_SD",
                 "url": url} if era == "2025" else
                {"displayName": {"value": "SD", "language": "en-US"}, "mimeType": "video/mp4", "url": url})
        edges.append({"node": {"id": vid, "isMature": False, "createdDate": f"{rec['year'] or 2020}-01-15T08:00:00Z",
                               "contentType": {"id": "amzn1.imdb.video.contenttype.trailer", "displayName": {"value": "Trailer"}},
                               "runtime": {"value": 4}, "name": {"value": f"Official Trailer {k + 1}", "language": "en"},
                               "description": {"value": "", "language": "en"}, "playbackURLs": [play]}})
    return {"edges": edges}


def _name(n: str) -> dict:
    return {"id": person_id(n), "nameText": {"text": n}}


def _category(names: list[str] | None, text: str, cid: str | None) -> list[dict]:
    """One `PrincipalCreditsForCategory` (2021–23 `directors`/`writers`/`principalCredits` entries)."""
    if not names:
        return []
    category = {"text": text, "id": cid} if cid else {"text": text}
    return [{"totalCredits": len(names), "category": category,
             "credits": [{"name": _name(n), "attributes": None} for n in names]}]


def _writers_label(rec: dict) -> str:
    return "Creators" if rec["title_type"] == "tvSeries" else "Writers"


def _cast_edges(rec: dict) -> dict:
    return {"edges": [{"node": {"name": _name(a), "attributes": None, "characters": [{"name": f"Character {i + 1}"}],
                                "episodeCredits": {"total": 0, "yearRange": None}}}
                      for i, a in enumerate(rec["actors"] or [])]}


def _keyword_edges(kws: list[str], legacy: bool) -> list[dict]:
    return [{"node": {"legacyId": k.replace(" ", "-"), "text": k} if legacy else {"text": k}}
            for k in kws[:TITLE_PAGE_KEYWORDS]]


def _colour(rec: dict) -> dict:
    items = [{"conceptId": rec["color"].lower().replace(" ", "_"), "text": rec["color"], "attributes": []}] if rec["color"] else []
    return {"colorations": {"items": items}}


# --- 2022–23 ---------------------------------------------------------------------------------------
def _atf_2022(rec: dict, base: str, dims: tuple[int, int] | None, era: str) -> dict:
    kws = rec["keywords"] or []
    return {"id": rec["imdb_id"], "productionStatus": {"currentProductionStage": {
                "id": "released" if rec["rating"] is not None else "announced",
                "text": "Released" if rec["rating"] is not None else "Announced"}},
            "canHaveEpisodes": rec["title_type"] == "tvSeries",
            "titleText": _text(rec["title"]), "originalTitleText": _text(rec["original_title"]),
            "titleType": _title_type(rec["title_type"]), "releaseYear": _year(rec), "releaseDate": _date(rec, False),
            "runtime": {"seconds": rec["runtime_min"] * 60} if rec["runtime_min"] else None,
            "ratingsSummary": {"aggregateRating": rec["rating"], "voteCount": rec["votes"] or 0},
            "primaryImage": _image(rec, base, dims),
            "genres": {"genres": [{"text": g, "id": g} for g in rec["genres"] or []]},
            "plot": _plot(rec),
            "certificate": {"rating": rec["content_rating"]} if rec["content_rating"] else None,
            "metacritic": {"metascore": {"score": rec["metascore"]}} if rec["metascore"] is not None else None,
            "keywords": {"total": len(kws), "edges": _keyword_edges(kws, False)},
            "principalCredits": (_category(rec["directors"], "Director", "director")
                                 + _category(rec["writers"], _writers_label(rec), "writer")
                                 + _category((rec["actors"] or [])[:STARS], "Stars", "cast")),
            "primaryVideos": _videos(rec, base, era), "series": None}


def _main_2022(rec: dict, extras: dict) -> dict:
    return {"id": rec["imdb_id"], "titleText": _text(rec["title"]),
            "originalTitleText": _text(rec["original_title"]),
            "releaseDate": _date(rec, True),
            "countriesOfOrigin": {"countries": [{"id": country_id(c), "text": c} for c in rec["countries"] or []]},
            "spokenLanguages": {"spokenLanguages": [{"id": language_id(lg), "text": lg} for lg in rec["languages"] or []]},
            "productionBudget": _money(rec["budget"], "budget"),
            "worldwideGross": _money(rec["gross_worldwide"], "total"),
            "lifetimeGross": _money(extras.get("lifetime_gross"), "total"),
            "technicalSpecifications": _colour(rec),
            "directors": _category(rec["directors"], "Director", None),
            "writers": _category(rec["writers"], _writers_label(rec), None),
            "cast": _cast_edges(rec), "series": None, "episodes": None}


def state_2022(rec: dict, base: str, extras: dict, dims: tuple[int, int] | None) -> dict:
    return {"tconst": rec["imdb_id"], "aboveTheFoldData": _atf_2022(rec, base, dims, "2022"),
            "mainColumnData": _main_2022(rec, extras)}


# --- 2021 ------------------------------------------------------------------------------------------
def urql_hash(imdb_id: str, half: str) -> str:
    """urqlState keys are GraphQL query hashes: decimal numbers that differ per query."""
    return str(zlib.crc32(f"{half}:{imdb_id}".encode()))


def _halves_2021(rec: dict, base: str, extras: dict, dims: tuple[int, int] | None) -> tuple[dict, dict]:
    atf = _atf_2022(rec, base, dims, "2021")
    main = _main_2022(rec, extras)
    if atf["titleType"]:  # the 2021 queries asked for fewer fields
        atf["titleType"] = {k: v for k, v in atf["titleType"].items() if k not in ("canHaveEpisodes", "categories")}
    for edge in atf["primaryVideos"]["edges"]:
        del edge["node"]["createdDate"]
    for item in main["technicalSpecifications"]["colorations"]["items"]:
        del item["conceptId"]
    kws = rec["keywords"] or []
    main["storylineKeywords"] = {"edges": _keyword_edges(kws, True), "total": len(kws)}
    return atf, main


def urql_outside(imdb_id: str) -> bool:
    """About half the 2021 pages keep urqlState beside pageProps (drogers141's 2021-08 capture), not inside it."""
    return zlib.crc32(f"urql:{imdb_id}".encode()) % 2 == 0


def move_urql_out(props: dict) -> None:
    """`props.pageProps.urqlState` → `props.urqlState`, with the fields that capture's queries did not ask for removed."""
    state = props["pageProps"].pop("urqlState")
    for entry in state.values():
        title = entry["data"]["title"]
        if title.get("plot"):
            title["plot"] = {"plotText": title["plot"]["plotText"]}
        if title.get("titleType"):
            title["titleType"] = {k: v for k, v in title["titleType"].items() if k not in ("isEpisode", "isSeries")}
    props["urqlState"] = state


def state_2021(rec: dict, base: str, extras: dict, dims: tuple[int, int] | None) -> dict:
    """Two results for the page's title; on some pages two more for a related title after them (a reader that
    merges every title object it finds mixes the two films)."""
    iid = rec["imdb_id"]
    atf, main = _halves_2021(rec, base, extras, dims)
    state = {urql_hash(iid, "atf"): {"data": {"title": atf}}, urql_hash(iid, "main"): {"data": {"title": main}}}
    if zlib.crc32(f"related:{iid}".encode()) % 10 < 3:
        other = f"tt{(int(iid[2:]) * 3 + 7) % 9_000_000 + 100_000:07d}"
        related = dict(rec, imdb_id=other, title=f"Return of {rec['title']}", original_title=f"Return of {rec['title']}",
                       genres=["Drama"], actors=list(reversed(rec["actors"] or [])) or None, keywords=["sequel"],
                       trailer_ids=[], poster_id=None, budget=None, gross_worldwide=None)
        rel_atf, rel_main = _halves_2021(related, base, {}, None)
        state |= {urql_hash(other, "atf"): {"data": {"title": rel_atf}}, urql_hash(other, "main"): {"data": {"title": rel_main}}}
    return {"tconst": iid, "urqlState": state}


# --- 2025 ------------------------------------------------------------------------------------------
def _grouping(names: list[str] | None, text: str) -> list[dict]:
    if not names:
        return []
    return [{"totalCredits": len(names), "grouping": {"text": text, "groupingId": GROUPING[text]},
             "credits": [{"name": _name(n)} for n in names]}]


def _categories(rec: dict) -> list[dict]:
    """`mainColumnData.categories`: the credits by category, complete (the reference-page list the 2025 state carries)."""
    groups = [(rec["directors"], "Directors"), (rec["writers"], _writers_label(rec)), (rec["actors"], "Cast")]
    return [{"id": GROUPING[name], "name": name,
             "section": {"items": [{"id": person_id(n), "rowTitle": n, "isCast": name == "Cast",
                                    "characters": [f"Character {i + 1}"] if name == "Cast" else [], "attributes": ""}
                                   for i, n in enumerate(names)], "total": len(names)}}
            for names, name in groups if names]


def _series(rec: dict, with_type_id: bool) -> dict | None:
    """An episode's series (2025 shape): its own titleText and years, a trap for readers that take the first title."""
    if rec["title_type"] != "tvEpisode":
        return None
    h = zlib.crc32(rec["imdb_id"].encode())
    number = int(rec["imdb_id"][2:])
    series_id = f"tt{(number * 7 + 13) % 9_000_000 + 100_000:07d}"
    start = (rec["year"] or 2000) - h % 4
    name = f"The {(rec['title'] or 'Untitled').split()[0].strip(':,')} Files"
    kind = {"canHaveEpisodes": True, "id": "tvSeries"} if with_type_id else {"canHaveEpisodes": True}
    return {"episodeNumber": {"episodeNumber": 1 + h % 12, "seasonNumber": 1 + (h >> 4) % 6},
            "nextEpisode": {"id": f"tt{number + 1:07d}"}, "previousEpisode": {"id": f"tt{max(number - 1, 1):07d}"},
            "series": {"id": series_id, "titleText": {"text": name}, "originalTitleText": {"text": name},
                       "titleType": kind, "releaseYear": {"year": start, "endYear": start + 1 + h % 5}}}


def state_2025(rec: dict, base: str, extras: dict, dims: tuple[int, int] | None) -> dict:
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    title, original = _text(rec["title"]), _text(rec["original_title"])
    genres = rec["genres"] or []
    title_genres = {"genres": [{"genre": {"text": g}} for g in genres]}
    runtime = {"seconds": rec["runtime_min"] * 60} if rec["runtime_min"] else None
    ratings = {"aggregateRating": rec["rating"], "voteCount": rec["votes"] or 0}
    cert = {"rating": rec["content_rating"]} if rec["content_rating"] else None
    origin = {"countries": [{"id": country_id(c)} for c in rec["countries"] or []]}
    image = _image(rec, base, dims)
    atf_type = _title_type(rec["title_type"])
    if atf_type:
        del atf_type["categories"]
    atf = {"id": iid, "titleText": title, "originalTitleText": original, "titleType": atf_type,
           "releaseYear": _year(rec), "runtime": runtime, "ratingsSummary": ratings, "certificate": cert,
           "titleGenres": title_genres, "plot": {"plotText": {"plainText": rec["description"]}} if rec["description"] else None,
           "primaryImage": {k: v for k, v in image.items() if k != "id"} if image else None, "countriesOfOrigin": origin,
           "productionStatus": {"currentProductionStage": {"id": "released" if rec["rating"] is not None else "announced"}},
           "meta": {"canonicalId": iid, "publicationStatus": "PUBLISHED"}, "series": _series(rec, False)}
    main_type = _title_type(rec["title_type"])
    if main_type:
        main_type["displayableProperty"] = {"value": {"plainText": "" if rec["title_type"] == "movie"
                                                      else TYPE_TEXT.get(rec["title_type"], "")}}
    main = {"id": iid, "titleText": title, "originalTitleText": original, "titleType": main_type,
            "releaseDate": _date(rec, True), "releaseYear": _year(rec),
            "runtime": dict(runtime, displayableProperty={"value": {"plainText": runtime_text(rec["runtime_min"])}})
            if runtime else None,
            "ratingsSummary": ratings, "certificate": cert, "plot": _plot(rec), "primaryImage": image,
            "genres": {"genres": [{"text": g, "id": g} for g in genres]}, "titleGenres": title_genres,
            "metacritic": {"metascore": {"score": rec["metascore"]}} if rec["metascore"] is not None else None,
            "countriesDetails": {"countries": [{"id": country_id(c), "text": c} for c in rec["countries"] or []]},
            "countriesOfOrigin": origin,
            "spokenLanguages": {"spokenLanguages": [{"id": language_id(lg), "text": lg} for lg in rec["languages"] or []]},
            "productionBudget": _money(rec["budget"], "budget"),
            "worldwideGross": _money(rec["gross_worldwide"], "total"),
            "lifetimeGross": _money(extras.get("lifetime_gross"), "total"),
            "technicalSpecifications": _colour(rec),
            "storylineKeywords": {"edges": _keyword_edges(kws, True), "total": len(kws)},
            "principalCreditsV2": (_grouping(rec["directors"], "Directors") + _grouping(rec["writers"], _writers_label(rec))
                                   + _grouping((rec["actors"] or [])[:STARS], "Stars")),
            "categories": _categories(rec),
            "primaryVideos": _videos(rec, base, "2025"), "series": _series(rec, True), "episodes": None}
    return {"tconst": iid, "aboveTheFoldData": atf, "mainColumnData": main}


STATES = {"2025": state_2025, "2022": state_2022, "2021": state_2021}
