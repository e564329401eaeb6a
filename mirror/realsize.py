"""The markup a real title page carries around its data (~0.5 MB), generated procedurally.

Real 2021–25 title pages (../shared/data/realpages) are 0.5–1 MB, and nearly all of it is markup a crawler
never reads: the styled-components CSS written twice in `<head>` (~120–160 KB each), a navigation header and a
footer of deeply nested `div`s with SVG icons, 130–150 `script` elements (small inline timing and ad calls,
`src` chunks, the ad slots' own `<style>`), and a page state (`__NEXT_DATA__`) whose `requestContext`,
`cmsContext` and `translationContext` (the UI's whole string table) dwarf the title data. Mirror pages carry the
same kinds of element in the same amounts, so crawl and parse figures measure pages of real size and shape; the
content is generated (made-up words, hashes, numbers), nothing is copied from the real pages.

A `Shell` is built once per (era, seed) and cached; per title only the request context's ids differ, so a page
of real size costs the mirror one join. The current keywords page carries the 2025 shell too (`keywords.py`); the
2021–22 one, a pre-2020 body in the 2020 chrome, has a shell of its own (`realsize_legacy.py`). Class names are styled-components build hashes (`STYLED_CLASS`), which
real pages carry by the hundred and no parser may rely on; the filler has no `id`, `itemprop` or `data-testid`
and no link to a title, name, video, image or keyword page, so it can never be mistaken for data.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache

from .pagedata import script_json

# build-hash class names: `sc-<8 hex>-<n>` (a styled component) and a 6-letter mixed-case hash (its rule)
STYLED_CLASS = re.compile(r"sc-[0-9a-f]{8}-\d{1,2}|(?=[A-Za-z]{6}$)[a-z]+[A-Z][A-Za-z]*")
# the page-state keys of props.pageProps whose content the shell generates (it also adds the era's empty
# `urqlState`/`fetchState` on 2022–25 pages; the title data stays where the era keeps it)
GENERATED_KEYS = ("requestContext", "cmsContext", "translationContext")
SPLICE = "__realsize__"  # a placeholder key of pageProps, replaced by the shell's keys once the page is serialized

_SYLLABLES = ("ka", "lo", "mi", "ten", "ra", "vu", "sel", "do", "pri", "an", "ce", "mo", "tur", "ix", "bel", "na",
              "os", "fer", "gu", "li", "quo", "zen", "dra", "ve", "hu", "pa", "sto", "ri", "lum", "e")
CSS_DECLS = (("display", ("flex", "block", "none", "inline-flex", "grid")), ("margin", ("0", "0 auto", "0.5rem 0", "1rem")),
        ("padding", ("0", "0.25rem", "0.75rem 1rem", "1rem 0")), ("color", ("#fff", "#000", "rgba(0,0,0,0.7)", "inherit")),
        ("background", ("transparent", "#1f1f1f", "#f5c518", "rgba(255,255,255,0.08)")),
        ("font-size", ("0.875rem", "1rem", "1.25rem", "0.75rem")), ("line-height", ("1.25rem", "1.5rem", "2rem")),
        ("align-items", ("center", "flex-start", "baseline")), ("width", ("100%", "auto", "2.5rem", "18rem")),
        ("position", ("relative", "absolute", "sticky")), ("overflow", ("hidden", "visible")),
        ("border-radius", ("4px", "50%", "0.25rem")), ("transition", ("opacity .2s", "transform .3s ease-in-out")))
NAV_LINKS = ("/chart/top/", "/chart/moviemeter/", "/calendar/", "/news/top/", "/best-of/", "/whats-on-tv/", "/poll/",
          "/event/all/", "/feature/", "/podcasts/", "/trailers/", "/what-to-watch/", "/help/", "/conditions",
          "/privacy", "/pressroom/", "/advertising/", "/jobs", "/interest/all/", "/imdbpicks/")


@dataclass(frozen=True)
class Shell:
    """The constant parts of one era's real-size page, as text to put around the page's own markup."""

    head: str  # before </head>: preload links and the styled-components CSS, twice
    nav: str  # the header's navigation drawer, right after the page's top bar
    sections: str  # after the main column: feature sections, ad slots and their scripts
    footer: str  # inside the footer
    after_state: str  # the scripts after __NEXT_DATA__
    state_head: str  # `"requestContext":{"timestamp":…,"sidecar":…,"pageType":"title",` up to the per-title ids
    state_tail: str  # the other page-state keys, serialized as the page serializes its state
    envelope: tuple[tuple[str, object], ...]  # __NEXT_DATA__ keys besides props

    @cached_property
    def encoded(self) -> dict[bytes, bytes]:
        """Each text part UTF-8 encoded, by its marker name."""
        return {name.encode(): getattr(self, name).encode() for name in _PARTS}


_PARTS = tuple(f.name for f in fields(Shell) if f.name != "envelope")


def _mark(name: str) -> str:
    return f"\x00{name}\x00"  # NUL: never in a page (JSON escapes it, and no record text holds one)


def marked(shell: Shell) -> Shell:
    """``shell`` with a marker in place of each text part: a page is rendered with it, then `fill`ed."""
    return replace(shell, **{name: _mark(name) for name in _PARTS})


@lru_cache(maxsize=16)
def marked_shell(era: str, seed: int) -> Shell:
    """The era's shell with markers (`marked`)."""
    return marked(shell_of(era, seed))


def fill(page: str, shell: Shell) -> str:
    """A page rendered with `marked_shell`, with the shell's parts where their markers are."""
    pieces = page.split("\x00")
    return "".join(getattr(shell, p) if i % 2 else p for i, p in enumerate(pieces))


def fill_bytes(page: str, shell: Shell) -> bytes:
    """`fill(page, shell).encode()`, encoding only the page's own text (the parts are encoded once per shell)."""
    parts = shell.encoded
    pieces = page.encode().split(b"\x00")
    return b"".join(parts[p] if i % 2 else p for i, p in enumerate(pieces))


class Gen:
    """Deterministic made-up words, hashes and markup."""

    def __init__(self, seed: str) -> None:
        self.rnd = random.Random(seed)
        self.components = [self.component() for _ in range(260)]

    def word(self) -> str:
        return "".join(self.rnd.choice(_SYLLABLES) for _ in range(self.rnd.randint(1, 3)))

    def phrase(self, lo: int = 1, hi: int = 4) -> str:
        text = " ".join(self.word() for _ in range(self.rnd.randint(lo, hi)))
        return text[:1].upper() + text[1:]

    def hexs(self, n: int) -> str:
        return "".join(self.rnd.choice("0123456789abcdef") for _ in range(n))

    def component(self) -> tuple[str, str]:
        """(sc-… name, 6-letter rule hash) of one styled component."""
        lower = "".join(self.rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(self.rnd.randint(1, 4)))
        rest = "".join(self.rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") for _ in range(5 - len(lower)))
        return f"sc-{self.hexs(8)}-{self.rnd.randint(0, 9)}", lower + self.rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rest

    def cls(self) -> str:
        name, rule = self.rnd.choice(self.components)
        return f"{name} {rule}"

    def css(self) -> str:
        """The styled-components sheet: a rule per component hash, some under media queries, and its registry lines."""
        out = []
        for i, (name, rule) in enumerate(self.components):
            for _ in range(self.rnd.randint(2, 4)):
                decl = "".join(f"{p}:{self.rnd.choice(v)};" for p, v in self.rnd.sample(CSS_DECLS, self.rnd.randint(2, 6)))
                sel = f".{rule}" + self.rnd.choice(("", "", " > div", ":hover", " .ipc-title__text", "::after"))
                text = f"{sel}{{{decl}}}"
                if self.rnd.random() < 0.4:
                    text = f"@media screen and (min-width:{self.rnd.choice((480, 600, 1024, 1280))}px){{{text}}}"
                out.append(text + "/*!sc*/\n")
            out.append(f'data-styled.g{i + 1}[id="{name}"]{{content:"{rule},"}}/*!sc*/\n')
        return "".join(out)

    def svg(self) -> str:
        """An icon: a path of 6–20 commands, sometimes a circle or a group."""
        pts = " ".join(f"{self.rnd.choice('MLCQl')}{self.rnd.uniform(0, 24):.2f} {self.rnd.uniform(0, 24):.2f}"
                       for _ in range(self.rnd.randint(6, 20)))
        extra = (f'<circle cx="{self.rnd.randint(2, 22)}" cy="{self.rnd.randint(2, 22)}" r="{self.rnd.randint(1, 9)}"/>'
                 if self.rnd.random() < 0.5 else "")
        body = f'<path fill="none" d="M0 0h24v24H0V0z"></path><path d="{pts}Z"></path>{extra}'
        if self.rnd.random() < 0.3:
            body = f"<g>{body}</g>"
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" class="{self.cls()}" '
                f'viewBox="0 0 24 24" fill="currentColor" role="presentation">{body}</svg>')

    def timing(self, name: str) -> str:
        kind = self.rnd.choice(("uet", "uex"))
        return (f"<script>if(typeof {kind} === 'function'){{ {kind}('{self.rnd.choice(('bb', 'ld', 'be'))}', "
                f"'{name}', {{wb: 1}}); }}</script>")

    def latency(self, name: str) -> str:
        return ("<script>window.addEventListener('load', (event) => { if (typeof window.csa !== 'undefined' && "
                "typeof window.csa === 'function') { var csaLatencyPlugin = window.csa('Content', { element: "
                f"{{ slotId: '{name}', type: 'service-call' }} }}); csaLatencyPlugin('mark', 'clickToBodyBegin', "
                f"{self.rnd.randint(10**12, 2 * 10**12)}); }} }})</script>")

    def ad_slot(self) -> str:
        """An ad slot: its size rules, a placeholder and the calls that fill it."""
        name = f"{self.word()}{self.rnd.randint(10, 90)}"
        sizes = "".join(f"@media only screen and (min-width : {lo}px) and (max-width : {hi}px){{ .placeholder_{name}_size "
                        f"{{ width: {w}px; height: {h}px; }} }} "
                        for lo, hi, w, h in ((320, 767, 320, 50), (768, 1023, 728, 90), (1024, 9999, 970, 250)))
        calls = "".join(f"<script>doWithAds(function(){{ ad_utils.{self.word()}_{self.word()}('{name}', "
                        f"{{'slot': '{self.hexs(12)}', 'ord': {self.rnd.randint(10**9, 10**10)}}}); }}, "
                        f"'{self.word()}');</script>" for _ in range(self.rnd.randint(2, 3)))
        return (f"<style>{sizes}</style><div class=\"{self.cls()}\"><div class=\"{self.cls()}\">"
                f"<div class=\"{self.cls()}\"></div></div></div>{calls}")

    def nested(self, inner: str, depth: int) -> str:
        opens = "".join(f'<div class="{self.cls()}">' for _ in range(depth))
        return opens + inner + "</div>" * depth

    def link_list(self, n: int, icons: bool) -> str:
        items = "".join(f'<li role="menuitem" class="{self.cls()}"><a href="{self.rnd.choice(NAV_LINKS)}?ref_=nv_{self.word()}" '
                        f'class="{self.cls()}">{self.svg() if icons and self.rnd.random() < 0.25 else ""}'
                        f'<span class="{self.cls()}">{self.phrase()}</span></a></li>' for _ in range(n))
        return f'<ul class="{self.cls()}" role="presentation">{items}</ul>'

    def nav(self) -> str:
        groups = "".join(self.nested(
            f'<label class="{self.cls()}" tabindex="0" role="button">{self.svg()}<span class="{self.cls()}">{self.phrase(1, 2)}'
            f"</span>{self.svg()}</label>{self.nested(self.link_list(self.rnd.randint(6, 11), True), 3)}", 4)
            for _ in range(9))
        drawer = (f'<input type="checkbox" class="{self.cls()}"/><div class="{self.cls()}" role="navigation">'
                  f'{self.svg()}{groups}</div>')
        return self.timing("imdbHeader") + self.nested(drawer, 8) + self.timing("imdbHeader")

    def sections(self) -> str:
        out = []
        for _ in range(24):
            name = f"StaticFeature_{self.word().title()}{self.word().title()}"
            cards = "".join(self.nested(f'{self.svg()}<span class="{self.cls()}">{self.phrase(2, 6)}</span>'
                                        f'<a href="{self.rnd.choice(NAV_LINKS)}" class="{self.cls()}">{self.phrase()}</a>',
                                        self.rnd.randint(3, 7)) for _ in range(self.rnd.randint(3, 6)))
            section = (f'<section class="{self.cls()}"><div class="{self.cls()}"><h3 class="{self.cls()}">{self.phrase(1, 3)}'
                       f"</h3>{self.svg()}</div>{cards}</section>")
            out.append(self.timing(name) + self.nested(section, 5) + self.latency(name) + self.timing(name))
            if self.rnd.random() < 0.6:
                out.append(self.ad_slot())
        return "".join(out)

    def footer(self) -> str:
        social = "".join(f'<a href="/{self.word()}/" class="{self.cls()}">{self.svg()}</a>' for _ in range(8))
        return (self.nested(f"{social}{self.link_list(24, False)}", 6) + self.timing("LoadFooterJS")
                + self.latency("LoadFooterJS"))

    def chunks(self, n: int, attrs: str) -> str:
        return "".join(f'<script src="/_next/static/chunks/{self.rnd.randint(100, 9999)}-{self.hexs(16)}.js" {attrs}></script>'
                       for _ in range(n))

    def translations(self, n: int) -> dict[str, str]:
        """The UI string table: `area_component_role` → a phrase, some with `{{placeholders}}`."""
        table = {}
        for _ in range(n):
            key = "_".join(self.word() for _ in range(self.rnd.randint(2, 5)))
            text = self.phrase(1, 8)
            table[key] = text + (f" {{{{{self.word()}}}}}" if self.rnd.random() < 0.15 else "")
        return table

    def placements(self, n: int) -> dict[str, dict]:
        out = {}
        for _ in range(n):
            slot = f"{self.word()}-{self.word()}"
            args = {f"link{part}{i}": self.phrase(1, 3) if part == "Text" else self.rnd.choice(NAV_LINKS)
                    for i in range(1, self.rnd.randint(3, 7)) for part in ("Text", "Path")}
            out[slot] = {"componentName": self.phrase(1, 1) + self.word().title(), "arguments": args,
                         "symphonyMetadata": {"contentId": self.uuid(), "creativeId": self.uuid(),
                                              "placementId": self.uuid(), "__typename": "SymphonyMetadata"}}
        return out

    def uuid(self) -> str:
        return f"{self.hexs(8)}-{self.hexs(4)}-{self.hexs(4)}-{self.hexs(4)}-{self.hexs(12)}"


def _dumped(obj: dict) -> str:
    """`"k":v,…` of an object, escaped as the page state is (pagedata.script_json), without its braces."""
    return script_json(obj)[1:-1]


@lru_cache(maxsize=16)
def shell_of(era: str, seed: int) -> Shell:
    """The real-size shell of an era's title page (built once; ~0.5 MB with a page's own data)."""
    gen = Gen(f"imdbkit-realsize:{era}:{seed}")
    css = gen.css()
    styles = "".join(f'<style data-styled="" data-styled-version="5.3.{seed % 10}">{css}</style>' for _ in range(2))
    head = gen.chunks(14, 'defer=""').replace("<script ", '<link rel="preload" as="script" ').replace(
        'defer=""></script>', "/>") + styles
    weblabs = {f"IMDB_{gen.word().upper()}_{gen.rnd.randint(10**5, 10**7)}": {gen.rnd.choice(("C", "T1", "T2")): True}
               for _ in range(160)}
    sidecar = {"account": {"userName": None, "userId": None, "isLoggedIn": False}, "placementMap": gen.placements(18)}
    headers = {f"x-{gen.word()}-{gen.word()}": gen.hexs(gen.rnd.randint(8, 40)) for _ in range(24)}
    context_head = {"timestamp": f"20{25 if era == '2025' else 22}-0{gen.rnd.randint(1, 9)}-1{gen.rnd.randint(0, 9)}T"
                                 f"{gen.rnd.randint(10, 23)}:{gen.rnd.randint(10, 59)}:{gen.rnd.randint(10, 59)}.000Z",
                    "sidecar": sidecar, "weblabs": weblabs, "headers": headers, "pageType": "title"}
    rest = {"cmsContext": {"transformedPlacements": gen.placements(12), "isDebug": False},
            "translationContext": {"i18n": {"translations": {"resources": gen.translations(2800)}, "locale": "en-US"}}}
    if era != "2021":  # where the title objects are, the 2021 state's slots stay empty
        rest |= {"urqlState": None, "fetchState": None}
    envelope = (("assetPrefix", ""), ("runtimeConfig", {"sidecarHost": "", "cdnHost": "", "env": "prod"}),
                ("dynamicIds", [gen.rnd.randint(1000, 99999) for _ in range(12)]), ("locale", "en-US"))
    return Shell(head=head, nav=gen.nav(), sections=gen.sections(), footer=gen.footer(),
                 after_state=gen.chunks(22, 'defer=""') + "".join(gen.timing(f"Load{gen.word().title()}") for _ in range(6)),
                 state_head=f'"requestContext":{{{_dumped(context_head)},', state_tail=_dumped(rest), envelope=envelope)


def state_text(sh: Shell, imdb_id: str, seed: int, subpage: str) -> str:
    """The shell's page-state keys for one title (its request context names the title and a request id)."""
    request_id = f"{random.Random(f'{seed}:{imdb_id}:{subpage}').getrandbits(80):020X}"
    ids = _dumped({"subPageType": subpage, "pageConst": imdb_id, "refTagPrefix": "tt", "requestId": request_id,
                   "isInternal": False, "ipAddress": "127.0.0.1"})
    return f"{sh.state_head}{ids}}},{sh.state_tail}"
