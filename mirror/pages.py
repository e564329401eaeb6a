"""HTML of the title and reference pages with a page state (2021–2025 layouts) around JSON-LD and `__NEXT_DATA__`.

The 2021–23 and 2025 bodies share IMDb's `data-testid` markup; the hero title is
`h1[data-testid=hero__pageTitle]` since 2023 and `h1[data-testid=hero-title-block__title]` before, with
`div[data-testid=hero-title-block__original-title]` "Original title: …" under it for foreign titles.

Pages are pure functions of (record, base URL, seed): the same inputs give byte-identical pages. The head,
footer and escaping every mirror page shares are `frame.py`.
"""
from __future__ import annotations

from .frame import escape, head, money_text, short_count, tail
from .jsonld import json_ld
from .pagedata import (
    country_id,
    language_id,
    next_data,
    person_id,
    poster_url,
    runtime_text,
)
from .pagestate import STATES, move_urql_out, urql_outside
from .paths import TITLE_PAGE_KEYWORDS, TITLE_TYPE_HINTS
from .realsize import SPLICE, fill, fill_bytes, marked_shell, shell_of, state_text


def _links(names: list[str] | None) -> str:
    return "".join(f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-metadata-list-item__list-content-item '
                   f'ipc-metadata-list-item__list-content-item--link" href="/name/{person_id(n)}/?ref_=tt_ov_st">'
                   f"{escape(n)}</a></li>" for n in names or [])


def page_title(rec: dict) -> str:
    year = f" ({rec['year']})" if rec["year"] else ""
    return f"{rec['title']}{year} - IMDb"


def title_page(rec: dict, base: str, seed: int, extras: dict | None = None,
               poster_dims: tuple[int, int] | None = None, *, era: str = "2025", with_next: bool = True,
               reference: bool = False, real_size: bool = False) -> str:
    """`/title/ID/` (or `/title/ID/reference/`) in a page-state era ("2025", "2022", "2021"); ``real_size`` wraps
    it in the markup and page-state keys a real page carries around its data (`realsize`, ~0.5 MB)."""
    page = _marked_page(rec, base, seed, extras, poster_dims, era, with_next, reference, real_size)
    return fill(page, shell_of(era, seed)) if real_size else page


def title_page_bytes(rec: dict, base: str, seed: int, extras: dict | None = None,
                     poster_dims: tuple[int, int] | None = None, *, era: str = "2025", with_next: bool = True,
                     reference: bool = False, real_size: bool = False) -> bytes:
    """`title_page(...).encode()`, without encoding the real-size shell again for every page (the server's path)."""
    page = _marked_page(rec, base, seed, extras, poster_dims, era, with_next, reference, real_size)
    return fill_bytes(page, shell_of(era, seed)) if real_size else page.encode()


def _marked_page(rec: dict, base: str, seed: int, extras: dict | None, poster_dims: tuple[int, int] | None, era: str,
                 with_next: bool, reference: bool, real_size: bool) -> str:
    """The page; with ``real_size``, markers (`realsize.marked_shell`) where the shell's parts go."""
    iid = rec["imdb_id"]
    ld = json_ld(rec, base, seed, era)
    props = STATES[era](rec, base, extras or {}, poster_dims)
    sh = marked_shell(era, seed) if real_size else None
    if sh:  # the shell's keys go after the title data (2022–25), before it in the 2021 state
        props = {SPLICE: 0, **props} if era == "2021" else {**props, SPLICE: 0}
    path = "/title/[tconst]/reference" if reference else "/title/[tconst]"
    nd = next_data(path, {"tconst": iid}, props) if with_next else None
    if nd and sh:
        nd.update(sh.envelope)
    if nd and era == "2021" and urql_outside(iid):
        move_urql_out(nd["props"])
    head_html = head(page_title(rec), rec["description"] or "", f"{base}/title/{iid}/" + ("reference/" if reference else ""),
                     ld, shell=sh)
    body = _reference_body(rec, base) if reference else _title_body(rec, base, era)
    state = state_text(sh, iid, seed, "reference" if reference else "main") if sh else ""
    return head_html + body + (sh.sections if sh else "") + tail(nd, shell=sh, state=state)


def _title_body(rec: dict, base: str, era: str) -> str:
    iid, name = rec["imdb_id"], escape(rec["title"] or "")
    testid = "hero__pageTitle" if era == "2025" else "hero-title-block__title"
    parts = ['<main role="main" class="ipc-page-wrapper ipc-page-wrapper--base"><section class="ipc-page-background">',
             f'<h1 textlength="{len(rec["title"] or "")}" data-testid="{testid}">'
             + (f'<span>{name}</span></h1>' if era == "2025" else f"{name}</h1>")]
    if rec["original_title"] and rec["original_title"] != rec["title"] and era != "2021":
        parts.append(f'<div data-testid="hero-title-block__original-title">'
                     f'Original title: {escape(rec["original_title"])}</div>')
    parts.append(_hero_metadata(rec))
    if rec["rating"] is not None:
        parts.append('<div data-testid="hero-rating-bar__aggregate-rating__score">'
                     f'<span>{rec["rating"]}</span><span>/10</span></div>'
                     f'<div>{short_count(rec["votes"] or 0)}</div>')
    if rec["metascore"] is not None:
        parts.append(_metascore(iid, rec["metascore"]))
    if rec["poster_id"]:
        src = poster_url(base, rec["poster_id"], "QL75_UX190_CR0,0,190,281_")
        parts.append(f'<div class="ipc-poster ipc-poster--baseAlt ipc-poster--dynamic-width" data-testid="hero-media__poster">'
                     f'<div class="ipc-media ipc-media--poster-27x40"><img alt="{name}" class="ipc-image" loading="eager" '
                     f'src="{src}" srcset="{src} 190w, {poster_url(base, rec["poster_id"], "QL75_UX285_CR0,0,285,422_")} 285w" '
                     'sizes="50vw, (min-width: 480px) 34vw" width="190"/></div></div>')
    parts.append('<div class="ipc-chip-list" data-testid="genres">' + "".join(
        f'<a class="ipc-chip ipc-chip--on-baseAlt" href="/search/title?genres={g.lower()}&amp;explore=title_type,genres">'
        f'<span class="ipc-chip__text">{escape(g)}</span></a>' for g in rec["genres"] or []) + "</div>")
    if rec["description"]:
        parts.append(f'<p data-testid="plot"><span role="presentation" data-testid="plot-xl">'
                     f'{escape(rec["description"])}</span></p>')
    for label, names in (("Director", rec["directors"]), ("Writers", rec["writers"]), ("Stars", (rec["actors"] or [])[:3])):
        if names:
            parts.append(f'<li role="presentation" class="ipc-metadata-list__item" data-testid="title-pc-principal-credit">'
                         f'<span class="ipc-metadata-list-item__label">{label}</span>'
                         '<div class="ipc-metadata-list-item__content-container">'
                         f'<ul class="ipc-inline-list ipc-inline-list--show-dividers ipc-inline-list--inline '
                         f'ipc-metadata-list-item__list-content baseAlt" role="presentation">{_links(names)}</ul></div></li>')
    kws = rec["keywords"] or []
    if kws and era == "2021":
        chips = "".join(f'<a class="ipc-chip ipc-chip--on-base" href="/search/keyword/?keywords={escape(k.replace(" ", "-"))}">'
                        f'<span class="ipc-chip__text">{escape(k)}</span></a>' for k in kws[:TITLE_PAGE_KEYWORDS])
        more = len(kws) - TITLE_PAGE_KEYWORDS
        more_link = (f'<a class="ipc-chip ipc-chip--on-base" href="/title/{iid}/keywords?ref_=tt_stry_kw">'
                     f'<span class="ipc-chip__text">{more} more</span></a>' if more > 0 else "")
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
    return ('<ul class="ipc-inline-list ipc-inline-list--show-dividers baseAlt" role="presentation" data-testid="hero-title-block__metadata">'
            + "".join(f'<li role="presentation" class="ipc-inline-list__item">{i}</li>' for i in items) + "</ul>")


def _metascore(iid: str, score: int) -> str:
    colour = "#54A72A" if score >= 61 else "#FFCC33" if score >= 40 else "#FF0000"
    return ('<ul class="ipc-inline-list baseAlt" data-testid="reviewContent-all-reviews" role="presentation">'
            f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-link ipc-link--baseAlt" '
            f'href="/title/{iid}/criticreviews/?ref_=tt_ov_rt"><span class="three-Elements"><span class="score">'
            f'<span class="score-meta" style="background-color:{colour}">{score}</span></span>'
            '<span class="label">Metascore</span></span></a></li></ul>')


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
        items.append(_metadata_item("title-boxoffice-budget", "Budget", [f"{money_text(rec['budget'])} (estimated)"]))
    if rec["gross_worldwide"]:
        items.append(_metadata_item("title-boxoffice-cumulativeworldwidegross", "Gross worldwide",
                                    [money_text(rec["gross_worldwide"])]))
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
            f'<h4>Directed by</h4><ul class="ipl-inline-list">{_links(rec["directors"])}</ul>'
            f'<h4>Cast</h4><table class="cast_list">{_links(rec["actors"])}</table></div>')

