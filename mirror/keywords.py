"""`/title/ID/keywords/`: every plot keyword of a title, in the current shape or the 2021–22 one.

Current: `__NEXT_DATA__` `contentData.section.items[].rowTitle` and `li[data-testid=list-summary-item]`
links. 2021–22 (node-imdb-parser case-5): no page state; a `table.dataTable` of `td.soda.sodavote`
cells, each with the keyword in `div.sodatext > a` and a vote text ("69 of 70 found this relevant")
in the same cell — the trap that adds vote texts to keyword lists.

With ``real_size`` both carry the site chrome real keywords pages carry around the keywords: the current page
is a Next.js page with a current title page's shell (`realsize`: CSS, navigation, scripts and the page state's
`requestContext`/`cmsContext`/`translationContext`), the 2021–22 page the 2020 chrome of `realsize_legacy`.
"""
from __future__ import annotations

from .frame import escape, head, tail
from .pagedata import next_data, poster_url
from .realsize import SPLICE, Shell, fill, fill_bytes, marked_shell, shell_of, state_text
from .realsize_legacy import legacy_shell, marked_legacy_shell

CURRENT_ERA = "2025"  # the title-page era whose shell the current keywords page shares


def _slug(keyword: str) -> str:
    return escape(keyword.replace(" ", "-"))


def keywords_page(rec: dict, base: str, seed: int = 0, *, real_size: bool = False) -> str:
    """The current page: a page state with every keyword and the summary-item list."""
    page, shell = _current(rec, base, seed, real_size)
    return fill(page, shell) if shell else page


def keywords_page_2021(rec: dict, base: str, seed: int = 0, *, real_size: bool = False) -> str:
    """The 2021–22 page: two keywords a row, each cell with its relevance vote text."""
    page, shell = _legacy(rec, base, seed, real_size)
    return fill(page, shell) if shell else page


def keywords_page_bytes(rec: dict, base: str, seed: int = 0, *, real_size: bool = False,
                        legacy: bool = False) -> bytes:
    """`keywords_page(...)` (``legacy``: `keywords_page_2021(...)`) encoded, without encoding the real-size shell
    again for every page (the server's path)."""
    page, shell = (_legacy if legacy else _current)(rec, base, seed, real_size)
    return fill_bytes(page, shell) if shell else page.encode()


def _current(rec: dict, base: str, seed: int, real_size: bool) -> tuple[str, Shell | None]:
    """The current page, with markers where the shell's parts go (`realsize.marked_shell`) and that shell when
    ``real_size``; else the compact page and None."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    sh = marked_shell(CURRENT_ERA, seed) if real_size else None
    items = [{"id": f"kw{i:07d}", "rowTitle": k, "userVotingProps": {"itemId": f"kw{i:07d}", "itemType": "keyword"}}
             for i, k in enumerate(kws)]
    props = {"tconst": iid, "contentData": {"entityMetadata": {"titleText": {"text": rec["title"]}},
                                            "section": {"items": items, "total": len(kws)}}}
    lis = "".join(f'<li class="ipc-metadata-list-summary-item" data-testid="list-summary-item">'
                  f'<a class="ipc-metadata-list-summary-item__t" href="/search/keyword/?keywords={_slug(k)}">'
                  f"{escape(k)}</a></li>" for k in kws)
    nd = next_data("/title/[tconst]/keywords", {"tconst": iid}, {**props, SPLICE: 0} if sh else props)
    head_html = head(f"{rec['title']} - Plot keywords - IMDb", f"Plot keywords of {rec['title']}",
                     f"{base}/title/{iid}/keywords/", None, shell=sh)
    body = (f'<main class="ipc-page-wrapper"><h1 class="ipc-title__text">{escape(rec["title"] or "")}: Plot keywords</h1>'
            f'<div data-testid="sub-section"><ul class="ipc-metadata-list">{lis}</ul></div></main>')
    if not sh:
        return head_html + body + tail(nd), None
    nd.update(sh.envelope)
    page = head_html + body + sh.sections + tail(nd, shell=sh, state=state_text(sh, iid, seed, "keywords"))
    return page, shell_of(CURRENT_ERA, seed)


def _legacy(rec: dict, base: str, seed: int, real_size: bool) -> tuple[str, Shell | None]:
    """The 2021–22 page, as `_current` gives the current one."""
    iid, kws = rec["imdb_id"], rec["keywords"] or []
    cells = []
    for i, k in enumerate(kws):
        voters = 3 + (len(kws) - i) * 2
        cells.append(f'<td class="soda sodavote" data-item-votes="{i}" data-item-keyword="{escape(k)}">'
                     f'<div class="sodatext"><a href="/search/keyword?keywords={_slug(k)}&amp;ref_=ttkw_kw_{i + 1}">{escape(k)}</a></div>'
                     '<div class="did-you-know-actions"><div class="interesting-count-text">'
                     f'<a href="?item=kw{i:07d}"> {voters - i % 3} of {voters} found this relevant</a></div>'
                     f'<span class="interesting-cast-vote" data-item-id="kw{i:07d}" data-item-type="keyword">'
                     '<span>Relevant?</span><button class="cast-vote" value="up">Yes</button>'
                     '<button class="cast-vote" value="down">No</button></span></div></td>')
    rows = "".join(f'<tr class="{"odd" if r % 2 == 0 else "even"}">{"".join(cells[r * 2: r * 2 + 2])}</tr>'
                   for r in range((len(cells) + 1) // 2))
    poster = (f'<img itemprop="image" class="poster" height="98" width="67" alt="{escape(rec["title"] or "")} Poster" '
              f'src="{poster_url(base, rec["poster_id"], "UX67_CR0,0,67,98_AL_")}" />' if rec["poster_id"] else "")
    body = ('<div class="subpage_title_block">'
            f'<a href="/title/{iid}/?ref_=ttkw_kw_tt">{poster}</a><div class="subpage_title_block__right-column">'
            f'<div class="parent"><h3 itemprop="name"><a href="/title/{iid}/?ref_=ttkw_kw_tt" itemprop=\'url\'>'
            f'{escape(rec["title"] or "")}</a> <span class="nobr">({rec["year"] or ""})</span></h3></div>'
            '<h1 class="header">Plot Keywords</h1></div></div><div id="keywords_content" class="header">'
            f'<div class="header"><div class="nav"><div class="desc">Showing all {len(kws)} plot keywords</div></div></div>'
            f'<table class="dataTable evenWidthTable2Col"><tbody>{rows}</tbody></table></div>')
    sh = marked_legacy_shell(seed) if real_size else None
    head_html = head(f"{rec['title']} ({rec['year'] or ''}) - Plot keywords - IMDb", f"Plot keywords of {rec['title']}",
                     f"{base}/title/{iid}/keywords", None, legacy=True, shell=sh)
    if not sh:
        return head_html + body + tail(None, legacy=True), None
    return head_html + body + sh.sections + tail(None, legacy=True, shell=sh), legacy_shell(seed)
