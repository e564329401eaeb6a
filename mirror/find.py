"""`/find?q=…&s=tt`: the title-search box, in the current shape or the old one.

Current (drogers141's capture): `__NEXT_DATA__` page `/find` with `titleResults.results[]` (`id`,
`titleNameText`, `titleReleaseText`, `titleTypeText`, `topCredits`, …) and `li.find-title-result` items.
Old (flexget's 2022-12 capture, served under any layout fault): `table.findList` rows of
`td.result_text`, where an episode's row also links its series — the trap that makes a parser that
collects every `/title/` link return more ids than there are results.
Matches are titles (display or original) containing the query, among the first `SCAN` titles.
"""
from __future__ import annotations

from urllib.parse import quote

from .base import Catalog, h64
from .frame import escape, head, tail
from .pagedata import TYPE_TEXT, next_data, poster_url

SCAN = 5_000  # titles a query looks through (a synthetic record costs a few microseconds)
MAX_RESULTS = 200  # the site shows at most 200 title results


def matches(catalog: Catalog, query: str) -> list[dict]:
    q = query.strip().lower()
    if not q:
        return []
    found = []
    for i in range(min(len(catalog), SCAN)):
        rec = catalog.record(catalog.id_at(i))
        if rec and any(q in (t or "").lower() for t in (rec["title"], rec["original_title"])):
            found.append(rec)
            if len(found) == MAX_RESULTS:
                break
    return found


def _series_of(catalog: Catalog, rec: dict) -> dict | None:
    """The series an episode belongs to: another title of the catalog, chosen by hash."""
    if rec["title_type"] != "tvEpisode":
        return None
    return catalog.record(catalog.id_at(h64(rec["imdb_id"], "series") % min(len(catalog), SCAN)))


def _release(rec: dict) -> str:
    if not rec["year"]:
        return ""
    return f"{rec['year']}– " if rec["title_type"] == "tvSeries" else str(rec["year"])


def find_page(catalog: Catalog, base: str, query: str) -> str:
    results = matches(catalog, query)
    items, lis = [], []
    for n, rec in enumerate(results):
        type_text = TYPE_TEXT.get(rec["title_type"] or "", "") if rec["title_type"] != "movie" else ""
        image = ({"url": poster_url(base, rec["poster_id"]), "maxHeight": 600, "maxWidth": 400,
                  "caption": rec["title"]} if rec["poster_id"] else None)
        credits = (rec["actors"] or [])[:2]
        items.append({"id": rec["imdb_id"], "titleNameText": rec["title"], "titleReleaseText": _release(rec),
                      "titleTypeText": type_text, "titlePosterImageModel": image, "topCredits": credits,
                      "imageType": rec["title_type"]})
        meta = "".join(f'<li class="ipc-inline-list__item" role="presentation"><span class="ipc-metadata-list-summary-item__li">'
                       f"{escape(v)}</span></li>" for v in (_release(rec), type_text) if v)
        cast = (f'<ul class="ipc-inline-list ipc-inline-list--show-dividers ipc-inline-list--no-wrap ipc-inline-list--inline '
                f'ipc-metadata-list-summary-item__stl base" role="presentation"><li class="ipc-inline-list__item" '
                f'role="presentation"><span class="ipc-metadata-list-summary-item__li">{escape(", ".join(credits))}</span></li></ul>'
                if credits else "")
        lis.append('<li class="ipc-metadata-list-summary-item ipc-metadata-list-summary-item--click find-result-item '
                   'find-title-result"><div class="ipc-metadata-list-summary-item__c"><div class="ipc-metadata-list-summary-item__tc">'
                   f'<a class="ipc-metadata-list-summary-item__t" href="/title/{rec["imdb_id"]}/?ref_=fn_al_tt_{n}">'
                   f'{escape(rec["title"] or "")}</a><ul class="ipc-inline-list ipc-inline-list--show-dividers '
                   'ipc-inline-list--no-wrap ipc-inline-list--inline ipc-metadata-list-summary-item__tl base" role="presentation">'
                   f"{meta}</ul>{cast}</div></div></li>")
    props = {"findPageMeta": {"searchTerm": query, "includeAdult": False, "isExactMatch": False},
             "titleResults": {"results": items}, "nameResults": {"results": []}, "resultsSectionOrder": ["TITLE", "NAME"]}
    body = ('<main role="main"><section class="ipc-page-section ipc-page-section--base">'
            f'<h1>Search "{escape(query)}"</h1></section>'
            '<section class="ipc-page-section ipc-page-section--base" data-testid="find-results-section-title">'
            '<div class="ipc-title"><h3 class="ipc-title__text">Titles</h3></div>'
            '<ul class="ipc-metadata-list ipc-metadata-list--dividers-after ipc-metadata-list--base" role="presentation">'
            f'{"".join(lis)}</ul></section></main>')
    head_html = head("Find - IMDb", f"Search results for {query}", f"{base}/find/?q={quote(query)}", None)
    return head_html + body + tail(next_data("/find", {"q": query}, props))


def find_page_old(catalog: Catalog, base: str, query: str) -> str:
    rows = []
    for n, rec in enumerate(matches(catalog, query)):
        iid = rec["imdb_id"]
        img = (poster_url(base, rec["poster_id"], "UX32_CR0,0,32,44_AL_") if rec["poster_id"]
               else "/images/S/sash/85lhIiFCmSScRzu.png")
        kind = TYPE_TEXT.get(rec["title_type"] or "", "") if rec["title_type"] != "movie" else ""
        text = (f' ({rec["year"]})' if rec["year"] else "") + (f" ({escape(kind)})" if kind else "")
        series = _series_of(catalog, rec)
        if series:
            text += (f' <br/><small>- <a href="/title/{series["imdb_id"]}/">{escape(series["title"] or "")}</a>'
                     f' ({series["year"] or ""}) (TV Series)</small>')
        rows.append(f'<tr class="findResult {"odd" if n % 2 == 0 else "even"}"><td class="primary_photo">'
                    f'<a href="/title/{iid}/"><img src="{img}" /></a></td><td class="result_text">'
                    f'<a href="/title/{iid}/">{escape(rec["title"] or "")}</a>{text}</td></tr>')
    body = (f'<div id="main"><div class="article"><h1 class="findHeader">Results for <span class="findSearchTerm">'
            f'"{escape(query)}"</span></h1><div class="findSection"><h3 class="findSectionHeader">'
            f'<a name="tt"></a>Titles</h3><table class="findList">{"".join(rows)}</table></div></div></div>')
    head_html = head("Find - IMDb", f"Search results for {query}", f"{base}/find?q={quote(query)}&s=tt", None, legacy=True)
    return head_html + body + tail(None, legacy=True)
