"""HTML of title, reference, keywords and old-layout pages around the JSON-LD and `__NEXT_DATA__` blocks.

Pages are pure functions of (record, base URL, seed): the same inputs give byte-identical pages.
"""
from __future__ import annotations

import calendar
import html
import re

from .pagedata import (
    country_id,
    dumps,
    json_ld,
    language_id,
    next_data,
    next_page_props,
    person_id,
    poster_url,
    runtime_text,
    script_json,
)
from .paths import OLD_LAYOUT_LABELS, TITLE_PAGE_KEYWORDS, TITLE_TYPE_HINTS

_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """html.escape, with a fast path for the common text that needs none (pages escape ~30 strings each)."""
    return html.escape(text) if _SPECIAL.search(text) else text

ROBOTS_TXT = """# robots.txt for the imdbkit offline mirror, modelled on www.imdb.com/robots.txt
# Crawl policy: identify your crawler in the User-Agent, keep concurrency modest, back off on
# 429/503 and honour Retry-After. No Crawl-delay is set: adaptive throttling is expected instead.
User-agent: *
Disallow: /OnThisDay
Disallow: /ads/
Disallow: /ap/
Disallow: /mymovies/
Disallow: /r/
Disallow: /register
Disallow: /registration/
Disallow: /search/name-text
Disallow: /search/title-text
Disallow: /find
Disallow: /find$
Disallow: /find/
Disallow: /tvschedule
Disallow: /updates
Disallow: /watch/_ajax/option
Disallow: /_json/video/mon
Disallow: /_json/getAdsForMediaViewer/
Disallow: /list/ls*/_ajax
Disallow: /*/*/rg*/mediaviewer/rm*/tr
Disallow: /*/rg*/mediaviewer/rm*/tr
Disallow: /*/mediaviewer/*/tr
Disallow: /title/tt*/mediaviewer/rm*/tr
Disallow: /name/nm*/mediaviewer/rm*/tr
Disallow: /gallery/rg*/mediaviewer/rm*/tr
Disallow: /tr/
Disallow: /title/*/watchlist
Disallow: /search/title/_next
"""


def _head(title: str, description: str, canonical: str, ld: dict | None) -> str:
    ld_text = dumps(ld).replace("</", "<\\/") if ld else ""
    ld_block = f'<script type="application/ld+json">{ld_text}</script>' if ld else ""
    return (
        '<!DOCTYPE html><html lang="en-US" xmlns:og="http://opengraphprotocol.org/schema/" '
        'xmlns:fb="http://www.facebook.com/2008/fbml"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width"/>'
        f"<title>{escape(title)}</title><meta name=\"description\" content=\"{escape(description)}\"/>"
        f'<meta property="og:title" content="{escape(title)}"/><meta property="og:site_name" content="IMDb"/>'
        f'<link rel="canonical" href="{canonical}"/>{ld_block}'
        '<link rel="stylesheet" href="/_next/static/css/main.css"/></head>'
        '<body id="styleguide-v2" class="fixed"><div id="__next"><div id="imdbHeader" class="ipc-page-content-container">'
        '<a href="/" aria-label="Home" id="home_img_holder">IMDb</a>'
        '<form id="nav-search-form" role="search" action="/find" method="get"><input name="q" type="text"/></form></div>'
    )


def _tail(nd: dict | None) -> str:
    nd_block = f'<script id="__NEXT_DATA__" type="application/json">{script_json(nd)}</script>' if nd else ""
    return f'<footer class="imdb-footer">© 1990-2026 by IMDb.com, Inc. (offline mirror)</footer></div>{nd_block}</body></html>'


def _links(base: str, names: list[str] | None) -> str:
    return "".join(f'<li class="ipc-inline-list__item"><a class="ipc-metadata-list-item__list-content-item '
                   f'ipc-metadata-list-item__list-content-item--link" href="{base}/name/{person_id(n)}/">'
                   f"{escape(n)}</a></li>" for n in names or [])


def _page_title(rec: dict) -> str:
    year = f" ({rec['year']})" if rec["year"] else ""
    return f"{rec['title']}{year} - IMDb"


def title_page(rec: dict, base: str, seed: int, extras: dict | None = None,
               poster_dims: tuple[int, int] | None = None, *, with_next: bool = True, reference: bool = False) -> str:
    """`/title/ID/` (or `/title/ID/reference/`) in the 2025–26 layout."""
    iid = rec["imdb_id"]
    ld = json_ld(rec, base, seed)
    props = next_page_props(rec, base, extras or {}, poster_dims)
    path = "/title/[tconst]/reference" if reference else "/title/[tconst]"
    nd = next_data(path, {"tconst": iid}, props) if with_next else None
    head = _head(_page_title(rec), rec["description"] or "", f"{base}/title/{iid}/" + ("reference/" if reference else ""), ld)
    body = _reference_body(rec, base) if reference else _title_body(rec, base)
    return head + body + _tail(nd)


def _title_body(rec: dict, base: str) -> str:
    iid = rec["imdb_id"]
    parts = ['<main role="main" class="ipc-page-wrapper ipc-page-wrapper--base"><section class="ipc-page-background">',
             f'<h1 textlength="{len(rec["title"] or "")}" data-testid="hero__pageTitle" class="hero__primary-text-suffix">'
             f'<span class="hero__primary-text" data-testid="hero__primary-text">{escape(rec["title"] or "")}</span></h1>']
    if rec["original_title"] and rec["original_title"] != rec["title"]:
        parts.append(f'<div class="sc-original-title">Original title: {escape(rec["original_title"])}</div>')
    parts.append(_hero_metadata(rec))
    if rec["rating"] is not None:
        parts.append('<div data-testid="hero-rating-bar__aggregate-rating__score" class="sc-rating">'
                     f'<span>{rec["rating"]}</span><span>/10</span></div>'
                     f'<div class="sc-votes">{_short_count(rec["votes"] or 0)}</div>')
    if rec["metascore"] is not None:
        parts.append(_metascore(iid, rec["metascore"]))
    if rec["poster_id"]:
        src = poster_url(base, rec["poster_id"], "QL75_UX190_CR0,0,190,281_")
        parts.append(f'<div class="ipc-poster" data-testid="hero-media__poster"><img alt="{escape(rec["title"] or "")}" '
                     f'class="ipc-image" loading="eager" src="{src}" '
                     f'srcset="{src} 190w, {poster_url(base, rec["poster_id"], "QL75_UX285_CR0,0,285,422_")} 285w" '
                     'sizes="50vw, (min-width: 480px) 34vw" width="190"/></div>')
    parts.append('<div class="ipc-chip-list__scroller" data-testid="genres">' + "".join(
        f'<a class="ipc-chip ipc-chip--on-baseAlt" href="{base}/search/title/?genres={g.lower()}">'
        f'<span class="ipc-chip__text">{escape(g)}</span></a>' for g in rec["genres"] or []) + "</div>")
    if rec["description"]:
        parts.append(f'<p data-testid="plot"><span role="presentation" data-testid="plot-xl" class="sc-plot">'
                     f'{escape(rec["description"])}</span></p>')
    for label, names in (("Director", rec["directors"]), ("Writers", rec["writers"]), ("Stars", (rec["actors"] or [])[:3])):
        if names:
            parts.append(f'<li role="presentation" class="ipc-metadata-list__item" data-testid="title-pc-principal-credit">'
                         f'<span class="ipc-metadata-list-item__label">{label}</span>'
                         f'<ul class="ipc-inline-list">{_links(base, names)}</ul></li>')
    kws = rec["keywords"] or []
    if kws:
        chips = "".join(f'<a class="ipc-chip ipc-chip--on-base" href="{base}/search/keyword/?keywords={escape(k)}">'
                        f'<span class="ipc-chip__text">{escape(k)}</span></a>' for k in kws[:TITLE_PAGE_KEYWORDS])
        more = len(kws) - TITLE_PAGE_KEYWORDS
        more_link = f'<a class="ipc-chip" href="{base}/title/{iid}/keywords/">{more} more</a>' if more > 0 else ""
        parts.append(f'<div data-testid="storyline-plot-keywords" class="ipc-chip-list">{chips}{more_link}</div>')
    parts.append(_details(rec))
    parts.append(_box_office(rec))
    parts.append(_tech_specs(rec))
    parts.append("</section></main>")
    return "".join(parts)


def _hero_metadata(rec: dict) -> str:
    """The hero list under the title, as IMDb writes it: a type label for non-movies, year and certificate links, runtime."""
    iid, link = rec["imdb_id"], 'class="ipc-link ipc-link--baseAlt ipc-link--inherit-color"'
    items = []
    if hint := TITLE_TYPE_HINTS.get(rec["title_type"] or ""):
        items.append(hint)
    if rec["year"]:
        items.append(f'<a {link} href="/title/{iid}/releaseinfo/?ref_=tt_ov_rdat">{rec["year"]}</a>')
    if rec["content_rating"]:
        items.append(f'<a {link} href="/title/{iid}/parentalguide/?ref_=tt_ov_pg#certificates">'
                     f'{escape(rec["content_rating"])}</a>')
    if rec["runtime_min"]:
        items.append(runtime_text(rec["runtime_min"]))
    return ('<ul class="ipc-inline-list ipc-inline-list--show-dividers sc-hero-metadata baseAlt" role="presentation">'
            + "".join(f'<li role="presentation" class="ipc-inline-list__item">{i}</li>' for i in items) + "</ul>")


def _metascore(iid: str, score: int) -> str:
    colour = "#54A72A" if score >= 61 else "#FFCC33" if score >= 40 else "#FF0000"
    return ('<ul class="ipc-inline-list sc-review-bar baseAlt" data-testid="reviewContent-all-reviews" role="presentation">'
            f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-link ipc-link--baseAlt" '
            f'href="/title/{iid}/criticreviews/?ref_=tt_ov_rt"><span class="three-Elements"><span class="score">'
            f'<span class="sc-metascore metacritic-score-box" style="background-color:{colour}">{score}</span></span>'
            '<span class="label"><span class="metacritic-score-label">Metascore</span></span></span></a></li></ul>')


def _metadata_item(testid: str, label: str, values: list[str], hrefs: list[str] | None = None) -> str:
    """One `ipc-metadata-list__item` of the Details / Box office / Technical specs sections."""
    cls = "ipc-metadata-list-item__list-content-item"
    if hrefs:
        contents = [f'<a class="{cls} {cls}--link" href="{h}">{escape(v)}</a>' for v, h in zip(values, hrefs, strict=True)]
    else:
        contents = [f'<span class="{cls}">{escape(v)}</span>' for v in values]
    return (f'<li role="presentation" class="ipc-metadata-list__item" data-testid="{testid}">'
            f'<span class="ipc-metadata-list-item__label">{label}</span>'
            '<div class="ipc-metadata-list-item__content-container"><ul class="ipc-inline-list ipc-inline-list--show-dividers '
            'ipc-inline-list--inline ipc-metadata-list-item__list-content base" role="presentation">'
            + "".join(f'<li role="presentation" class="ipc-inline-list__item">{c}</li>' for c in contents) + "</ul></div></li>")


def _section(testid: str, title: str, items: list[str]) -> str:
    return (f'<section data-testid="{testid}" class="ipc-page-section ipc-page-section--base">'
            f'<div class="ipc-title"><h3 class="ipc-title__text">{title}</h3></div>'
            f'<div data-testid="title-{testid.lower()}-section"><ul class="ipc-metadata-list ipc-metadata-list--dividers-all '
            f'ipc-metadata-list--base" role="presentation">{"".join(items)}</ul></div></section>')


def _details(rec: dict) -> str:
    items = []
    if countries := rec["countries"]:
        hrefs = [f"/search/title/?country_of_origin={country_id(c)}&amp;ref_=tt_dt_cn" for c in countries]
        label = "Countries of origin" if len(countries) > 1 else "Country of origin"
        items.append(_metadata_item("title-details-origin", label, countries, hrefs))
    if languages := rec["languages"]:
        hrefs = [f"/search/title?title_type=feature&amp;primary_language={language_id(lang)}&amp;sort=moviemeter,asc"
                 "&amp;ref_=tt_dt_ln" for lang in languages]
        items.append(_metadata_item("title-details-languages", "Languages" if len(languages) > 1 else "Language",
                                    languages, hrefs))
    return _section("Details", "Details", items)


def _box_office(rec: dict) -> str:
    items = []
    if rec["budget"]:
        items.append(_metadata_item("title-boxoffice-budget", "Budget", [f"{_money_text(rec['budget'])} (estimated)"]))
    if rec["gross_worldwide"]:
        items.append(_metadata_item("title-boxoffice-cumulativeworldwidegross", "Gross worldwide",
                                    [_money_text(rec["gross_worldwide"])]))
    return _section("BoxOffice", "Box office", items) if items else ""


def _tech_specs(rec: dict) -> str:
    items = []
    if rec["runtime_min"]:
        items.append(_metadata_item("title-techspec_runtime", "Runtime", [runtime_text(rec["runtime_min"])]))
    if rec["color"]:
        href = f"/search/title/?colors={rec['color'].lower().replace(' ', '_')}&amp;ref_=tt_spec_att"
        items.append(_metadata_item("title-techspec_color", "Color", [rec["color"]], [href]))
    return _section("TechSpecs", "Technical specs", items) if items else ""


def _reference_body(rec: dict, base: str) -> str:
    rows = [("Genres", ", ".join(rec["genres"] or [])), ("Runtime", f"{rec['runtime_min']} min" if rec["runtime_min"] else ""),
            ("Country", ", ".join(rec["countries"] or [])), ("Language", ", ".join(rec["languages"] or [])),
            ("Color", rec["color"] or ""), ("Certificate", rec["content_rating"] or "")]
    table = "".join(f'<tr class="ipl-zebra-list__item"><td class="ipl-zebra-list__label">{k}</td><td>{escape(v)}</td></tr>'
                    for k, v in rows if v)
    rating = (f'<span class="ipl-rating-star__rating">{rec["rating"]}</span>' if rec["rating"] is not None else "")
    return (f'<div id="main" class="titlereference-header"><h3 itemprop="name">{escape(rec["title"] or "")}'
            f'<span class="titlereference-title-year"> ({rec["year"] or ""})</span></h3>{rating}'
            f'<table class="ipl-zebra-list">{table}</table>'
            f'<h4>Directed by</h4><ul class="ipl-inline-list">{_links(base, rec["directors"])}</ul>'
            f'<h4>Cast</h4><table class="cast_list">{_links(base, rec["actors"])}</table></div>')


def keywords_page(rec: dict, base: str) -> str:
    """`/title/ID/keywords/`: every plot keyword, in HTML and in `__NEXT_DATA__`."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    edges = [{"node": {"keyword": {"id": f"kw{i:07d}", "text": {"text": k}},
                       "interestScore": {"usersInterested": len(kws) - i, "usersVoted": len(kws)}}}
             for i, k in enumerate(kws)]
    props = {"tconst": iid, "contentData": {"entityMetadata": {"titleText": {"text": rec["title"]}},
                                            "data": {"title": {"id": iid, "keywords": {"total": len(kws), "edges": edges}}}}}
    items = "".join(f'<li class="ipc-metadata-list-summary-item" data-testid="list-summary-item">'
                    f'<a class="ipc-metadata-list-summary-item__t" href="{base}/search/keyword/?keywords={escape(k)}">'
                    f"{escape(k)}</a></li>" for k in kws)
    head = _head(f"{rec['title']} - Plot keywords - IMDb", f"Plot keywords of {rec['title']}", f"{base}/title/{iid}/keywords/", None)
    body = (f'<main class="ipc-page-wrapper"><h1 class="ipc-title__text">{escape(rec["title"] or "")}: Plot keywords</h1>'
            f'<div data-testid="sub-section"><ul class="ipc-metadata-list">{items}</ul></div></main>')
    return head + body + _tail(next_data("/title/[tconst]/keywords", {"tconst": iid}, props))


def old_layout_page(rec: dict, base: str, seed: int) -> str:
    """The pre-2020 layout some caches still serve: JSON-LD, no `__NEXT_DATA__`, legacy HTML, "See All (N) »"."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    kw_links = " | ".join(f'<a href="/keyword/{escape(k.replace(" ", "-"))}"><span class="itemprop">{escape(k)}</span></a>'
                          for k in kws[:TITLE_PAGE_KEYWORDS])
    see_all = f'<nobr><a href="/title/{iid}/keywords">See All ({len(kws)}) &raquo;</a></nobr>' if kws else ""
    rating = ""
    if rec["rating"] is not None:
        rating = (f'<div class="ratingValue"><strong title="{rec["rating"]} based on {rec["votes"]:,} user ratings">'
                  f'<span itemprop="ratingValue">{rec["rating"]}</span></strong><span class="grey">/</span>'
                  f'<span class="grey" itemprop="bestRating">10</span></div>'
                  f'<a href="/title/{iid}/ratings"><span class="small" itemprop="ratingCount">{rec["votes"]:,}</span></a>')
    original = ""
    if rec["original_title"] and rec["original_title"] != rec["title"]:
        original = (f'<div class="originalTitle">{escape(rec["original_title"])}'
                    '<span class="description"> (original title)</span></div>')
    body = (f'<div id="pagecontent"><div class="title_wrapper"><h1 itemprop="name" class="">{escape(rec["title"] or "")}&nbsp;'
            f'<span id="titleYear">(<a href="/year/{rec["year"]}/">{rec["year"] or ""}</a>)</span></h1>{original}'
            f'<div class="subtext">{escape(rec["content_rating"] or "")} | <time itemprop="duration">'
            f'{runtime_text(rec["runtime_min"]) if rec["runtime_min"] else ""}</time> | '
            + ", ".join(f'<a href="/genre/{escape(g)}">{escape(g)}</a>' for g in rec["genres"] or [])
            + _old_release_link(rec) + "</div></div>"
            f'<div class="ratings_wrapper">{rating}</div>{_old_metascore(iid, rec["metascore"])}'
            f'<div class="plot_summary"><div class="summary_text">{escape(rec["description"] or "")}</div></div>'
            f'<div class="see-more inline canwrap" itemprop="keywords"><h4 class="inline">Plot Keywords:</h4> '
            f'{kw_links} {see_all}</div>{_old_details(rec)}</div>')
    head = _head(_page_title(rec), rec["description"] or "", f"{base}/title/{iid}/", json_ld(rec, base, seed))
    return head + body + _tail(None)


def _old_release_link(rec: dict) -> str:
    """`TV Movie 31 March 1999`: the old subtext's last link, whose label was its only hint of the title type."""
    hint = TITLE_TYPE_HINTS.get(rec["title_type"] or "", "") if rec["title_type"] != "short" else ""
    when = str(rec["year"] or "")
    if rec["release_date"]:
        y, m, d = (int(p) for p in rec["release_date"].split("-"))
        when = f"{d} {calendar.month_name[m]} {y}"
    text = f"{hint} {when}".strip()
    return (f' | <a href="/title/{rec["imdb_id"]}/releaseinfo" title="See more release dates">{escape(text)}</a>'
            if text else "")


def _old_metascore(iid: str, score: int | None) -> str:
    if score is None:
        return ""
    kind = "favorable" if score >= 61 else "mixed" if score >= 40 else "unfavorable"
    return (f'<div class="titleReviewBar"><div class="titleReviewBarItem"><a href="/title/{iid}/criticreviews">'
            f'<div class="metacriticScore score_{kind} titleReviewBarSubItem"><span>{score}</span></div></a>'
            '<div class="titleReviewBarSubItem"><div>Metascore</div></div></div></div>')


def _old_details(rec: dict) -> str:
    """The pre-2020 "Details" article: one `txt-block` per fact, labelled by an inline <h4>."""
    def block(field: str, content: str) -> str:
        return f'<div class="txt-block">\n<h4 class="inline">{OLD_LAYOUT_LABELS[field]}</h4> {content}\n</div>'

    def links(values: list[str], param: str, code) -> str:
        return '<span class="ghost">|</span> '.join(
            f'<a href="/search/title?{param}={code(v).lower()}&amp;ref_=tt_dt_dt">{escape(v)}</a>' for v in values)

    parts = ['<div id="titleDetails" class="article"><h2>Details</h2>']
    if rec["countries"]:
        parts.append(block("countries", links(rec["countries"], "country_of_origin", country_id)))
    if rec["languages"]:
        parts.append(block("languages", links(rec["languages"], "primary_language", language_id)))
    if rec["budget"] or rec["gross_worldwide"]:
        parts.append('<h3 class="subheading">Box Office</h3>')
    if rec["budget"]:
        parts.append(block("budget", f'{_money_text(rec["budget"])}\n<span class="attribute">(estimated)</span>'))
    if rec["gross_worldwide"]:
        parts.append(block("gross_worldwide", _money_text(rec["gross_worldwide"])))
    parts.append('<h3 class="subheading">Technical Specs</h3>')
    if rec["runtime_min"]:
        parts.append(block("runtime_min", f'<time datetime="PT{rec["runtime_min"]}M">{rec["runtime_min"]} min</time>'))
    if rec["color"]:
        parts.append(block("color", links([rec["color"]], "colors", lambda c: c.replace(" ", "_"))))
    return "".join(parts) + "</div>"


def not_found_page(path: str) -> str:
    return (_head("404 Error - IMDb", "Page not found", path, None)
            + f'<div class="error_message"><h1>404 Error</h1><p>The requested URL {escape(path)} was not found on our server.</p></div>'
            + _tail(None))


def _short_count(votes: int) -> str:
    if votes >= 1_000_000:
        return f"{votes / 1e6:.1f}M"
    return f"{votes / 1e3:.0f}K" if votes >= 1000 else str(votes)


def _money_text(value: dict) -> str:
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
    amount = f"{value['amount']:,.0f}"
    return f"{symbols[value['currency']]}{amount}" if value["currency"] in symbols else f"{value['currency']}\xa0{amount}"
