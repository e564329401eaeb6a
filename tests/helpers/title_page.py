"""A small hand-written title page in IMDb's structure (JSON-LD and __NEXT_DATA__, The Matrix) for the parser tests."""
from __future__ import annotations

import json

LD = {
    "@context": "https://schema.org", "@type": "Movie", "url": "https://www.imdb.com/title/tt0133093/",
    "name": "The Matrix", "description": "Neo &amp; Trinity fight Agent Smith&apos;s machines.",
    "image": "https://m.media-amazon.com/images/M/MV5BNzQz._V1_.jpg", "datePublished": "1999-03-31",
    "duration": "PT2H16M", "contentRating": "R", "genre": ["Action", "Sci-Fi", "Action"],
    "keywords": "simulation,artificial reality,hacker", "aggregateRating": {"ratingValue": "8.7", "ratingCount": "2,134,567"},
    "actor": [{"@type": "Person", "name": "Keanu Reeves"}, {"@type": "Person", "name": "Carrie-Anne Moss"}],
    "director": [{"@type": "Person", "name": "Lana Wachowski"}, {"@type": "Person", "name": "Lilly Wachowski"}],
    "creator": [{"@type": "Person", "name": "Lilly Wachowski"}, {"@type": "Organization", "url": "/company/co1/"}],
}
PROPS = {
    "aboveTheFoldData": {
        "id": "tt0133093", "titleText": {"text": "The Matrix"}, "originalTitleText": {"text": "The Matrix"},
        "titleType": {"id": "movie"}, "releaseYear": {"year": 1999}, "runtime": {"seconds": 8160},
        "releaseDate": {"day": 31, "month": 3, "year": 1999},
        "ratingsSummary": {"aggregateRating": 8.7, "voteCount": 2134567}, "metacritic": {"metascore": {"score": 73}},
        "primaryVideos": {"edges": [{"node": {"playbackURLs": [{"url": "https://imdb-video/vi1.mp4"},
                                                               {"url": "https://imdb-video/vi1.mp4"}]}}]},
    },
    "mainColumnData": {
        "countriesDetails": {"countries": [{"id": "US", "text": "United States"}, {"id": "AU", "text": "Australia"}]},
        "spokenLanguages": {"spokenLanguages": [{"id": "en", "text": "English"}]},
        "productionBudget": {"budget": {"amount": 63000000, "currency": "USD"}},
        "worldwideGross": {"total": {"amount": 467222728, "currency": "USD"}},
        "technicalSpecifications": {"colorations": {"items": [{"text": "Color"}]}},
        "cast": {"edges": [{"node": {"name": {"nameText": {"text": n}}}} for n in
                           ("Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss", "Hugo Weaving")]},
        "storylineKeywords": {"total": 12, "edges": [{"node": {"text": "simulation"}}, {"node": {"text": "hacker"}}]},
    },
}


def page(ld: dict | None = LD, props: dict | None = PROPS, body: str = "") -> str:
    ld_block = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld is not None else ""
    nd = json.dumps({"props": {"pageProps": props}}) if props is not None else None
    nd_block = f'<script id="__NEXT_DATA__" type="application/json">{nd}</script>' if nd else ""
    return f"<html><head>{ld_block}</head><body>{body}{nd_block}</body></html>"
