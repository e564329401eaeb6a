"""What every mirror page shares: `<head>` and the top bar, the footer with the page state, HTML escaping,
the 404 page, robots.txt and the short number and money texts IMDb prints.

Apart from the title pages (`pages.py`) because the keyword, find, search and pre-2020 pages use it too.
"""
from __future__ import annotations

import html
import re

from .pagedata import dumps, script_json
from .realsize import SPLICE, Shell

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


def head(title: str, description: str, canonical: str, ld: dict | None, *, legacy: bool = False,
         shell: Shell | None = None) -> str:
    """`<head>` and the top of `<body>`: the Next.js shell (`div#__next`), or the pre-2020 one (`div#wrapper`);
    with a real-size ``shell``, its preloads and CSS in the head and its navigation under the top bar (before
    `div#wrapper` on a pre-2020 page, `realsize_legacy`)."""
    ld_text = dumps(ld).replace("</", "<\\/") if ld else ""
    ld_block = f'<script type="application/ld+json">{ld_text}</script>' if ld else ""
    top = ((shell.nav if shell else "")
           + '<div id="wrapper"><div id="root" class="redesign"><div id="nb20" class="navbarSprite">'
           '<a href="/" id="home_img_holder"><span id="home_img">IMDb</span></a></div><div id="pagecontent" class="pagecontent">'
           if legacy else
           '<div id="__next"><div id="imdbHeader" class="ipc-page-content-container">'
           '<a href="/" aria-label="Home" id="home_img_holder">IMDb</a>'
           '<form id="nav-search-form" role="search" action="/find" method="get"><input name="q" type="text"/></form></div>'
           + (shell.nav if shell else ""))
    return (
        '<!DOCTYPE html><html lang="en-US" xmlns:og="http://opengraphprotocol.org/schema/" '
        'xmlns:fb="http://www.facebook.com/2008/fbml"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width"/>'
        f"<title>{escape(title)}</title><meta name=\"description\" content=\"{escape(description)}\"/>"
        f'<meta property="og:title" content="{escape(title)}"/><meta property="og:site_name" content="IMDb"/>'
        f'<link rel="canonical" href="{canonical}"/>{ld_block}'
        f'<link rel="stylesheet" href="/_next/static/css/main.css"/>{shell.head if shell else ""}</head>'
        f'<body id="styleguide-v2" class="fixed">{top}'
    )


def tail(nd: dict | None, *, legacy: bool = False, shell: Shell | None = None, state: str = "") -> str:
    """The footer and the page state; with a real-size ``shell``, its footer and scripts (after `div#wrapper` on a
    pre-2020 page), and ``state`` (the shell's page-state keys, `realsize.state_text`) put where the
    `realsize.SPLICE` placeholder key is."""
    if legacy:
        return f'</div></div></div>{shell.footer + shell.after_state if shell else ""}</body></html>'
    nd_text = script_json(nd) if nd else ""
    if shell and nd:
        nd_text = nd_text.replace(f',"{SPLICE}":0', f",{state}").replace(f'"{SPLICE}":0,', f"{state},")
    nd_block = f'<script id="__NEXT_DATA__" type="application/json">{nd_text}</script>' if nd else ""
    return (f'<footer class="imdb-footer">{shell.footer if shell else ""}© 1990-2026 by IMDb.com, Inc. (offline mirror)'
            f'</footer></div>{nd_block}{shell.after_state if shell else ""}</body></html>')


def not_found_page(path: str) -> str:
    return (head("404 Error - IMDb", "Page not found", path, None)
            + f'<div class="error_message"><h1>404 Error</h1><p>The requested URL {escape(path)} was not found on our server.</p></div>'
            + tail(None))


def short_count(votes: int) -> str:
    if votes >= 1_000_000:
        return f"{votes / 1e6:.1f}M"
    return f"{votes / 1e3:.0f}K" if votes >= 1000 else str(votes)


def money_text(value: dict) -> str:
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
    amount = f"{value['amount']:,.0f}"
    return f"{symbols[value['currency']]}{amount}" if value["currency"] in symbols else f"{value['currency']}\xa0{amount}"
