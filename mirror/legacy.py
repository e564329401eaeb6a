"""Title pages without a page state: the 2019 markup (JSON-LD + `txt-block`) and the 2014 one (`itemprop`).

2019 (flexget's 2022-01 captures): `div.title_wrapper > h1` with the display title, `div.originalTitle`,
`div.subtext` (certificate, `<time>`, genre links, "See more release dates" link), `div.ratingValue`,
`div.plot_summary` (`summary_text` + `credit_summary_item` Director/Writers/Stars), `div#titleStoryLine`
(plot keywords and "See All (N)"), `div#titleDetails` with one `txt-block` per fact, `table.cast_list`.
2014 (imdbphp's 2014 captures, flexget's 2018 ones): `h1.header > span[itemprop=name]`, `div.infobar` (`itemprop` contentRating,
duration, genre, datePublished), `div.star-box-details` (ratingValue, ratingCount), `p[itemprop=description]`,
`div.txt-block[itemprop=director|creator|actors]`, `img[itemprop=image]`, `a[itemprop=trailer]` (the
first trailer's page, `/video/screenplay/vi…/`), and companies tagged
`itemprop="creator"` with `itemtype=…/Organization` in the details — the trap that puts studios among writers.
"""
from __future__ import annotations

import calendar

from .frame import escape, head, money_text, tail
from .jsonld import company_id, company_names, json_ld
from .pagedata import country_id, language_id, person_id, poster_url, runtime_text
from .pages import page_title
from .paths import LEGACY_POSTER_MODIFIERS, OLD_LAYOUT_LABELS, TITLE_PAGE_KEYWORDS, TITLE_TYPE_HINTS

# the 2014 infobar's first item ("TV Movie", "TV Series"); plain movies and shorts had none
TITLE_TYPE_HINTS_2014 = {k: v for k, v in TITLE_TYPE_HINTS.items() if k != "short"} | {"tvEpisode": "TV Episode"}

_GHOST = '<span class="ghost">|</span>'


def _date_text(rec: dict) -> str:
    if not rec["release_date"]:
        return str(rec["year"] or "")
    y, m, d = (int(p) for p in rec["release_date"].split("-"))
    return f"{d} {calendar.month_name[m]} {y}"


def _plot_html(rec: dict) -> str:
    """The plot as legacy pages show it: a cast member named in it is a link (a parser reading only the first
    text node stops there: "Ashitaka (")."""
    plot = escape(rec["description"] or "")
    for name in rec["actors"] or []:
        if f"({escape(name)})" in plot:
            plot = plot.replace(f"({escape(name)})", f'(<a href="/name/{person_id(name)}/?ref_=tt_ov_pl">{escape(name)}</a>)', 1)
    return plot


CUT_AT = 230  # legacy overviews cut a longer plot here and link the full one; the Storyline holds it whole


def _summary_html(rec: dict) -> str:
    """The overview's plot: whole when short, else cut at a word near CUT_AT with "..." and the link to the
    plot summary page, as 2014–21 pages show it (the whole text is in the Storyline, `_storyline_plot`)."""
    plot = rec["description"] or ""
    if len(plot) <= CUT_AT:
        return _plot_html(rec)
    cut = plot[:CUT_AT].rsplit(" ", 1)[0].rstrip(" ,;:")
    return (f'{escape(cut)}... <a href="/title/{rec["imdb_id"]}/plotsummary?ref_=tt_ov_pl">See full summary</a>'
            "&nbsp;&raquo;")


def _storyline_plot(rec: dict, itemprop: bool) -> str:
    """The Storyline's plot: the whole text, then its "Written by" credit (not part of the plot)."""
    if not rec["description"]:
        return ""
    prop = ' itemprop="description"' if itemprop else ""
    return (f'<div class="inline canwrap"{prop}><p><span>{_plot_html(rec)}</span> <em class="nobr">Written by '
            '<a href="/search/title?plot_author=Anonymous&amp;view=simple&amp;sort=alpha&amp;ref_=tt_stry_pl">'
            "Anonymous</a></em></p></div>")


def _names(names: list[str] | None, ref: str) -> str:
    return ", ".join(f'<a href="/name/{person_id(n)}/?ref_={ref}">{escape(n)}</a>' for n in names or [])


def _credit(label: str, names: list[str] | None, ref: str) -> str:
    if not names:
        return ""
    return f'<div class="credit_summary_item"><h4 class="inline">{label}</h4> {_names(names, ref)}</div>'


def page_2019(rec: dict, base: str, seed: int) -> str:
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    rating = ""
    if rec["rating"] is not None:
        rating = ('<div class="imdbRating"><div class="ratingValue">'
                  f'<strong title="{rec["rating"]} based on {rec["votes"]:,} user ratings"><span>{rec["rating"]}</span></strong>'
                  '<span class="grey">/</span><span class="grey">10</span></div>'
                  f'<a href="/title/{iid}/ratings?ref_=tt_ov_rt"><span class="small">{rec["votes"]:,}</span></a></div>')
    original = ""
    if rec["original_title"] and rec["original_title"] != rec["title"]:
        original = (f'<div class="originalTitle">{escape(rec["original_title"])}'
                    '<span class="description"> (original title)</span></div>')
    year = (f'<span id="titleYear">(<a href="/year/{rec["year"]}/?ref_=tt_ov_inf">{rec["year"]}</a>)</span>'
            if rec["year"] else "")
    sub = []
    if rec["content_rating"]:
        sub.append(escape(rec["content_rating"]))
    if rec["runtime_min"]:
        sub.append(f'<time datetime="PT{rec["runtime_min"]}M">{runtime_text(rec["runtime_min"])}</time>')
    if rec["genres"]:
        sub.append(", ".join(f'<a href="/genre/{escape(g)}?ref_=tt_ov_inf">{escape(g)}</a>' for g in rec["genres"]))
    hint = TITLE_TYPE_HINTS.get(rec["title_type"] or "", "") if rec["title_type"] != "short" else ""
    when = f"{hint} {_date_text(rec)}".strip()
    if when:
        sub.append(f'<a href="/title/{iid}/releaseinfo?ref_=tt_ov_inf" title="See more release dates">{escape(when)}</a>')
    poster = ""
    if rec["poster_id"]:
        src = poster_url(base, rec["poster_id"], "UY268_CR4,0,182,268_AL_")
        poster = (f'<div class="slate_wrapper"><div class="poster"><a href="/title/{iid}/mediaviewer/rm1?ref_=tt_ov_i">'
                  f'<img alt="{escape(rec["title"] or "")} Poster" src="{src}" /></a></div></div>')
    metascore = ""
    if rec["metascore"] is not None:
        kind = "favorable" if rec["metascore"] >= 61 else "mixed" if rec["metascore"] >= 40 else "unfavorable"
        metascore = ('<div class="titleReviewBar"><div class="titleReviewBarItem"><a href="criticreviews?ref_=tt_ov_rt">'
                     f'<div class="metacriticScore score_{kind} titleReviewBarSubItem"><span>{rec["metascore"]}</span>'
                     '</div></a><div class="titleReviewBarSubItem"><div>Metascore</div></div></div></div>')
    kw_links = "<span>|</span>".join(
        f'<a href="/keyword/{escape(k.replace(" ", "-"))}?ref_=tt_stry_kw"><span class="itemprop">{escape(k)}</span></a>'
        for k in kws[:TITLE_PAGE_KEYWORDS])
    see_all = (f'<span>|</span>&nbsp;<nobr><a href="/title/{iid}/keywords?ref_=tt_stry_kw">See All ({len(kws)})</a>'
               "&nbsp;&raquo;</nobr>" if len(kws) > TITLE_PAGE_KEYWORDS else "")
    storyline = ('<div class="article" id="titleStoryLine"><h2>Storyline</h2>' + _storyline_plot(rec, itemprop=False)
                 + (f'<div class="see-more inline canwrap"><h4 class="inline">Plot Keywords:</h4>{kw_links}{see_all}</div>'
                    if kws else "")
                 + ('<div class="see-more inline canwrap"><h4 class="inline">Genres:</h4>'
                    + "&nbsp;<span>|</span>".join(f'<a href="/genre/{escape(g)}?ref_=tt_stry_gnr"> {escape(g)}</a>'
                                                  for g in rec["genres"] or []) + "</div>") + "</div>")
    body = ('<div id="title-overview-widget" class="heroic-overview">'
            f'<div class="title_block"><div class="title_bar_wrapper"><div class="ratings_wrapper">{rating}</div>'
            f'<div class="titleBar"><div class="title_wrapper"><h1 class="">{escape(rec["title"] or "")}&nbsp;{year}</h1>'
            f'{original}<div class="subtext">{_GHOST.join(sub)}</div></div></div></div></div>'
            f'{poster}<div class="plot_summary_wrapper"><div class="plot_summary ">'
            f'<div class="summary_text">{_summary_html(rec)}</div>'
            + _credit("Director:" if len(rec["directors"] or []) < 2 else "Directors:", rec["directors"], "tt_ov_dr")
            + _credit("Writer:" if len(rec["writers"] or []) < 2 else "Writers:", rec["writers"], "tt_ov_wr")
            + _credit("Stars:", (rec["actors"] or [])[:3], "tt_ov_st_sm")
            + f"</div>{metascore}</div></div>"
            + _cast_2019(rec) + storyline + _details(rec, seed, itemprops=False))
    ld = json_ld(rec, base, seed, "2019")
    return head(page_title(rec), rec["description"] or "", f"{base}/title/{iid}/", ld, legacy=True) + body + tail(None, legacy=True)


def _cast_2019(rec: dict) -> str:
    rows = "".join(f'<tr class="{"odd" if i % 2 == 0 else "even"}"><td class="primary_photo"></td>'
                   f'<td><a href="/name/{person_id(a)}/?ref_=tt_cl_t{i + 1}"> {escape(a)}</a></td><td class="ellipsis">...</td>'
                   f'<td class="character"><a href="/title/{rec["imdb_id"]}/characters/{person_id(a)}">Character {i + 1}</a></td></tr>'
                   for i, a in enumerate(rec["actors"] or []))
    if not rows:
        return ""
    return ('<div class="article" id="titleCast"><h2>Cast</h2><table class="cast_list">'
            f'<tr><td colspan="4" class="castlist_label">Cast overview, first billed only:</td></tr>{rows}</table></div>')


def _details(rec: dict, seed: int, itemprops: bool) -> str:
    """The "Details" article: one `txt-block` per fact, labelled by an inline <h4>; 2014 tags companies as creators."""
    url = " itemprop='url'" if itemprops else ""

    def block(label: str, content: str) -> str:
        return f'<div class="txt-block">\n<h4 class="inline">{label}</h4> {content}\n</div>'

    def links(values: list[str], href) -> str:
        return '<span class="ghost">|</span> '.join(f'<a href="{href(v)}"{url}>{escape(v)}</a>' for v in values)

    parts = ['<div class="article" id="titleDetails"><h2>Details</h2>']
    if rec["countries"]:
        href = ((lambda c: f"/country/{country_id(c).lower()}?ref_=tt_dt_dt") if itemprops else
                (lambda c: f"/search/title?country_of_origin={country_id(c).lower()}&amp;ref_=tt_dt_dt"))
        parts.append(block(OLD_LAYOUT_LABELS["countries"], links(rec["countries"], href)))
    if rec["languages"]:
        href = ((lambda lg: f"/language/{language_id(lg)}?ref_=tt_dt_dt") if itemprops else
                (lambda lg: f"/search/title?title_type=feature&amp;primary_language={language_id(lg)}&amp;ref_=tt_dt_dt"))
        parts.append(block(OLD_LAYOUT_LABELS["languages"], links(rec["languages"], href)))
    if rec["release_date"]:
        parts.append(block("Release Date:", _date_text(rec)))
    if rec["budget"] or rec["gross_worldwide"]:
        parts.append('<h3 class="subheading">Box Office</h3>')
    if rec["budget"]:
        parts.append(block(OLD_LAYOUT_LABELS["budget"], f'{money_text(rec["budget"])}\n<span class="attribute">(estimated)</span>'))
    if rec["gross_worldwide"] and not itemprops:
        parts.append(block(OLD_LAYOUT_LABELS["gross_worldwide"], money_text(rec["gross_worldwide"])))
    if companies := company_names(rec, seed):
        parts.append('<h3 class="subheading">Company Credits</h3>')
        if itemprops:
            parts.append(block("Production Co:", ", ".join(
                '<span itemprop="creator" itemscope itemtype="http://schema.org/Organization">'
                f'<a href="/company/{company_id(c)}?ref_=tt_dt_co" itemprop=\'url\'><span class="itemprop" itemprop="name">'
                f"{escape(c)}</span></a></span>" for c in companies)))
        else:
            parts.append(block("Production Co:", ",".join(
                f'<a href="/company/{company_id(c)}?ref_=cons_tt_dt_co_{i + 1}">{escape(c)}</a>' for i, c in enumerate(companies))))
    parts.append('<h3 class="subheading">Technical Specs</h3>')
    if rec["runtime_min"]:
        duration = ' itemprop="duration"' if itemprops else ""
        parts.append(block(OLD_LAYOUT_LABELS["runtime_min"],
                           f'<time{duration} datetime="PT{rec["runtime_min"]}M">{rec["runtime_min"]} min</time>'))
    if rec["color"]:
        parts.append(block(OLD_LAYOUT_LABELS["color"], links(
            [rec["color"]], lambda c: f"/search/title?colors={c.lower().replace(' ', '_')}&amp;ref_=tt_dt_spec")))
    return "".join(parts) + "</div>"


def _people_2014(label: str, prop: str, names: list[str] | None, ref: str) -> str:
    if not names:
        return ""
    links = ", ".join(f'<a href="/name/{person_id(n)}/?ref_={ref}" itemprop=\'url\'><span class="itemprop" itemprop="name">'
                      f"{escape(n)}</span></a>" for n in names)
    return (f'<div class="txt-block" itemprop="{prop}" itemscope itemtype="http://schema.org/Person">'
            f'<h4 class="inline">{label}</h4> {links}</div>')


def page_2014(rec: dict, base: str, seed: int) -> str:
    """No JSON-LD and no page state: everything the page says is in `itemprop` markup."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    image = ""
    if rec["poster_id"]:
        image = (f'<td rowspan="2" id="img_primary"><div class="image"><a href="/media/rm1/{iid}?ref_=tt_ov_i">'
                 f'<img height="317" width="214" alt="{escape(rec["title"] or "")} ({rec["year"]}) Poster" '
                 f'src="{poster_url(base, rec["poster_id"], LEGACY_POSTER_MODIFIERS["2014"])}" itemprop="image" /></a></div></td>')
    year = f'<span class="nobr">(<a href="/year/{rec["year"]}/?ref_=tt_ov_inf">{rec["year"]}</a>)</span>' if rec["year"] else ""
    original = ""
    if rec["original_title"] and rec["original_title"] != rec["title"]:
        original = (f'<div class="originalTitle">{escape(rec["original_title"])}'
                    '<span class="description"> (original title)</span></div>')
    info = []
    if label := TITLE_TYPE_HINTS_2014.get(rec["title_type"] or ""):  # the infobar opens with the type, movies have none
        info.append(label)
    if rec["content_rating"]:
        info.append(f'<span title="{escape(rec["content_rating"])}" class="us_r titlePageSprite absmiddle" '
                    f'itemprop="contentRating" content="{escape(rec["content_rating"])}"></span>')
    if rec["runtime_min"]:
        info.append(f'<time itemprop="duration" datetime="PT{rec["runtime_min"]}M">{rec["runtime_min"]} min</time>')
    if rec["genres"]:
        info.append('<span class="ghost">|</span>'.join(
            f'<a href="/genre/{escape(g)}?ref_=tt_ov_inf"><span class="itemprop" itemprop="genre">{escape(g)}</span></a>'
            for g in rec["genres"]))
    if rec["release_date"] or rec["year"]:
        meta = f'<meta itemprop="datePublished" content="{rec["release_date"]}" />' if rec["release_date"] else ""
        info.append(f'<span class="nobr"><a href="/title/{iid}/releaseinfo?ref_=tt_ov_inf" title="See all release dates">'
                    f'{escape(_date_text(rec))}{meta}</a></span>')
    stars = ""
    if rec["rating"] is not None:
        metascore = (f' Metascore: <a href="criticreviews?ref_=tt_ov_rt"> {rec["metascore"]}/100</a>'
                     if rec["metascore"] is not None else "")
        stars = ('<div class="star-box giga-star"><div class="star-box-details" itemtype="http://schema.org/AggregateRating" '
                 f'itemscope itemprop="aggregateRating">Ratings: <strong><span itemprop="ratingValue">{rec["rating"]}</span>'
                 '</strong><span class="mellow">/<span itemprop="bestRating">10</span></span> from '
                 f'<a href="ratings?ref_=tt_ov_rt"><span itemprop="ratingCount">{rec["votes"]:,}</span> users</a>{metascore}'
                 "</div></div>")
    trailer = ""
    if rec["trailer_ids"]:
        vid = rec["trailer_ids"][0]
        trailer = (f'<a href="/video/screenplay/{vid}/" class="btn2 btn2_text_on large title-trailer video-colorbox" '
                   f'data-type="recommends" data-tconst="{iid}" data-video="{vid}" data-context="screenplay" '
                   'itemprop="trailer"><span class="btn2_text">Watch Trailer</span></a>')
    kw_links = "<span>|</span>".join(
        f'<a href="/keyword/{escape(k.replace(" ", "-"))}?ref_=tt_stry_kw"><span class="itemprop" itemprop="keywords">'
        f"{escape(k)}</span></a>" for k in kws[:TITLE_PAGE_KEYWORDS])
    see_more = (f'<span>|</span>&nbsp;<nobr><a href="/title/{iid}/keywords?ref_=tt_stry_kw">See more</a>&nbsp;&raquo;</nobr>'
                if len(kws) > TITLE_PAGE_KEYWORDS else "")
    cast = "".join(f'<tr class="{"odd" if i % 2 == 0 else "even"}"><td class="primary_photo"></td>'
                   '<td class="itemprop" itemprop="actor" itemscope itemtype="http://schema.org/Person">'
                   f'<a href="/name/{person_id(a)}/?ref_=tt_cl_t{i + 1}" itemprop=\'url\'><span class="itemprop" '
                   f'itemprop="name">{escape(a)}</span></a></td><td class="ellipsis">...</td>'
                   f'<td class="character"><div>Character {i + 1}</div></td></tr>' for i, a in enumerate(rec["actors"] or []))
    body = ('<div class="article title-overview"><div id="title-overview-widget">'
            f'<table cellspacing="0" cellpadding="0" border="0" id="title-overview-widget-layout"><tbody><tr>{image}'
            f'<td id="overview-top"><h1 class="header"><span class="itemprop" itemprop="name">{escape(rec["title"] or "")}</span> '
            f'{year}</h1>{original}<div class="infobar">{" &nbsp;-&nbsp; ".join(info)}</div>{stars}'
            f'<p itemprop="description">{_summary_html(rec)}</p>'
            + _people_2014("Director:" if len(rec["directors"] or []) < 2 else "Directors:", "director", rec["directors"], "tt_ov_dr")
            + _people_2014("Writer:" if len(rec["writers"] or []) < 2 else "Writers:", "creator", rec["writers"], "tt_ov_wr")
            + _people_2014("Stars:", "actors", (rec["actors"] or [])[:3], "tt_ov_st")
            + f"{trailer}</td></tr></tbody></table></div></div>"
            + (f'<div class="article" id="titleCast"><h2>Cast</h2><table class="cast_list">{cast}</table></div>' if cast else "")
            + '<div class="article" id="titleStoryLine"><h2>Storyline</h2>' + _storyline_plot(rec, itemprop=True)
            + (f'<div class="see-more inline canwrap" itemprop="keywords"><h4 class="inline">Plot Keywords:</h4>'
               f"{kw_links}{see_more}</div>" if kws else "")
            + "</div>" + _details(rec, seed, itemprops=True))
    return head(page_title(rec), rec["description"] or "", f"{base}/title/{iid}/", None, legacy=True) + body + tail(None, legacy=True)
