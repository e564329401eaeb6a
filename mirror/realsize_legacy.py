"""The markup a real 2021–22 keywords page carries around its keyword table (~0.25 MB), generated procedurally.

The real page (node-imdb-parser case-5, 636 KB with 566 keywords) is the pre-2020 page body (`div#wrapper`, no
page state) inside the 2020 site chrome, and its chrome alone is ~0.25 MB: minified JavaScript inline (three
blocks in `<head>`, one at the top of `<body>`, one of ~50 KB at the end; ~130 `script` elements in all, ~30 of
them `src` only, most of the rest small timing and ad calls), one `<style>` of ~25 KB, the header's navigation
drawer, search form and menus (~65 KB), a sidebar of ad slots (`iframe`s) and link widgets, and a footer with
a large SVG logo — ~1,000 elements besides the table. The `Shell` here has those kinds in those amounts; its
content is made up (`realsize.Gen`), and its classes are build hashes only: CSS-module hashes (`MODULE_CLASS`)
and styled-components ones (`realsize.STYLED_CLASS`), the two kinds the real page carries. Like the title
pages' shell it has no `id`, `itemprop` or `data-testid` and no link to a title, name or keyword page.

`Shell`'s parts sit here as: `head` in `<head>`, `nav` at the top of `<body>` (before `div#wrapper`), `sections`
the sidebar beside the page's column, `footer` after `div#wrapper`, `after_state` the scripts that end the body.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .realsize import CSS_DECLS, NAV_LINKS, Gen, Shell, marked

# a CSS-module build hash as the 2020 chrome writes them: `_` + a digit + 21 url-safe base64 characters
MODULE_CLASS = re.compile(r"_\d[0-9A-Za-z_-]{21}")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_JS_CALLS = ("push", "call", "apply", "then", "bind", "indexOf", "slice", "concat", "forEach", "splice")


class LegacyGen(Gen):
    """`Gen` with what the 2020 chrome adds: CSS-module hashes, minified scripts, ad iframes and the logo."""

    def __init__(self, seed: str) -> None:
        super().__init__(seed)
        self.modules = [f"_{self.rnd.randint(1, 3)}" + "".join(self.rnd.choice(_B64) for _ in range(21))
                        for _ in range(90)]

    def cls(self) -> str:
        """One or two CSS-module hashes, sometimes with a styled-components rule hash beside them."""
        names = " ".join(self.rnd.sample(self.modules, self.rnd.randint(1, 2)))
        return f"{names} {self.rnd.choice(self.components)[1]}" if self.rnd.random() < 0.2 else names

    def svg(self) -> str:
        """An icon of the 2020 chrome: `Gen.svg`'s, drawn with longer paths."""
        icon = super().svg()
        return icon.replace('Z"></path>', f' {self.path(24)}"></path>', 1)

    def js(self, size: int) -> str:
        """Minified-looking JavaScript of about ``size`` characters."""
        names = [self.word() for _ in range(40)]
        out = ["!function(e,t){\"use strict\";"]
        length = len(out[0])
        while length < size:
            a, b, c = (self.rnd.choice(names) for _ in range(3))
            statement = self.rnd.choice((
                f"function {a}(n,r){{var i=t.{b}(n)||{{}};return i.{c}?i.{c}.{self.rnd.choice(_JS_CALLS)}(r):"
                f"{self.rnd.randint(0, 999)}}}",
                f"e.{a}=e.{a}||[];e.{a}.push({{{b}:{self.rnd.randint(0, 99)},{c}:\"{self.hexs(8)}\"}});",
                f"for(var {a[:1]}=0;{a[:1]}<t.{b}.length;{a[:1]}++)if(t.{b}[{a[:1]}]==={self.rnd.randint(0, 9)})break;",
                f"var {a}=function(n){{return\"function\"==typeof n?n.{self.rnd.choice(_JS_CALLS)}(e,\"{b}\"):"
                f"void 0!==n&&n.{c}}};",
                f"if(e.{a}&&!e.{a}.{b}){{e.{a}.{b}=+new Date;t.{c}(\"{self.word()}\",{self.rnd.randint(1, 9999)})}}",
            ))
            out.append(statement)
            length += len(statement)
        out.append("}(window,document);")
        return "\n".join(out) if self.rnd.random() < 0.5 else "".join(out)

    def small_script(self) -> str:
        """One of the page's many short inline scripts: a timing mark, a counter or an ad call."""
        slot = f"{self.word()}_{self.word()}"
        return self.rnd.choice((
            f"<script>\n    if (typeof uet == 'function') {{\n      uet(\"bb\", \"{slot}\", {{wb: 1}});\n    }}\n</script>",
            f"<script>\n    if (typeof uex == 'function') {{\n      uex(\"ld\", \"{slot}\", {{wb: 1}});\n    }}\n</script>",
            f"<script>window.ue && ue.count && ue.count(\"{slot}\", {self.rnd.randint(0, 9)});</script>",
            f"<script>\ndoWithAds(function(){{\nif (ad_utils && ad_utils.{self.word()}) {{\n"
            f"ad_utils.{self.word()}('{slot}');\n}}\n}});\n</script>",
            f"<script>\n    if ('csm' in window) {{\n      csm.measure('{slot}');\n    }}\n</script>",
            f"<script>\ndoWithAds(function(){{\nif ('{self.word()}' != '{self.word()}' && ad_utils && "
            f"ad_utils.register_ad) {{\nad_utils.register_ad('{slot}');\n}}\nvar evt = {{type: '{self.word()}', "
            f"dispatcher: '{self.word()}-handler', slotName: '{slot}', timestamp: Date.now()}};\n"
            f"if (window && window.origin) {{\nwindow.postMessage(evt, window.origin);\n}}\n}}, "
            f"\"{self.phrase(4, 9)}\");\n</script>",
        ))

    def src_script(self) -> str:
        return f'<script type="text/javascript" src="/_static/js/{self.hexs(10)}.{self.hexs(8)}.js"></script>'

    def ad_frame(self) -> str:
        """An ad slot of the old page: its scripts around an empty `iframe`."""
        slot = f"{self.word()}_{self.word()}"
        return (f"\n<!-- begin {slot.upper()} -->\n" + self.small_script() + f'<div class="{self.cls()}">{self.small_script()}'
                f'<iframe title="Advertisement" allowtransparency="true" class="{self.cls()}" frameborder="0" '
                f'marginwidth="0" marginheight="0" onload="doWithAds.call(this, function(){{ if(ad_utils &amp;&amp; '
                f'ad_utils.on_ad_load) {{ ad_utils.on_ad_load(this); }}}}); " scrolling="no" data-original-width="0" '
                f'data-original-height="0" width="0" height="0">'
                f"</iframe></div><div class=\"{self.cls()}\"></div><script>\ndoWithAds(function() {{\n"
                f"ad_utils.inject_serverside_ad('{slot}', '');\n}}, \"{self.phrase(4, 8)}\");\n"
                f"var {self.word()}Evt = {{type: '{self.word()}', slotName: '{slot}', timestamp: Date.now()}};\n</script>"
                f"\n<!-- end {slot.upper()} -->\n")

    def logo(self) -> str:
        """The footer's logo: gradients and masks in `defs`, then groups of paths that use them."""
        stops = "".join(f'<stop stop-color="#{self.hexs(6)}" offset="{i * 50}%"></stop>' for i in range(3))
        defs = "".join(f'<linearGradient x1="{self.rnd.randint(0, 99)}%" y1="0%" x2="{self.rnd.randint(0, 99)}%" y2="100%">'
                       f"{stops}</linearGradient>" for _ in range(4))
        defs += "".join(f'<mask fill="white"><path d="{self.path()}"></path></mask>' for _ in range(6))
        groups = "".join(f'<g fill-rule="nonzero"><use xlink:href="#{self.word()}"></use><path d="{self.path()}"></path>'
                         f'<path d="{self.path()}"></path><rect x="{self.rnd.randint(0, 99)}" y="0" width="4" height="9">'
                         "</rect></g>" for _ in range(11))
        return (f'<svg width="160" height="32" viewBox="0 0 160 32" version="1.1" class="{self.cls()}">'
                f"<defs>{defs}</defs><g stroke=\"none\" stroke-width=\"1\" fill=\"none\">{groups}</g></svg>")

    def path(self, side: int = 160) -> str:
        return " ".join(f"{self.rnd.choice('MLCQ')}{self.rnd.uniform(0, side):.3f},{self.rnd.uniform(0, side):.3f}"
                        for _ in range(self.rnd.randint(12, 30))) + " Z"

    def menu(self, items: int) -> str:
        """A flyout menu: an icon button and a list of links with icons."""
        lis = "".join(f'<li role="menuitem" class="{self.cls()}" aria-disabled="false" tabindex="-1">'
                      f'<span class="{self.cls()}">{self.svg()}</span>'
                      f'<a href="{self.rnd.choice(NAV_LINKS)}" class="{self.cls()}">{self.phrase(1, 2)}</a></li>'
                      for _ in range(items))
        return (f'<div class="{self.cls()}"><label class="{self.cls()}" role="button" tabindex="0">'
                f'<span class="{self.cls()}">{self.phrase(1, 1)}</span>{self.svg()}</label>'
                f'<div class="{self.cls()}" role="presentation"><ul class="{self.cls()}" role="menu">{lis}</ul></div></div>')

    def header(self) -> str:
        """The 2020 header: a drawer of link categories, the search form, a flyout and the language menu."""
        drawer = "".join(self.nested(
            f'<label class="{self.cls()}" tabindex="0" role="button" aria-label="{self.phrase(2, 4)}">'
            f'<span class="{self.cls()}">{self.svg()}</span>'
            f'<span class="{self.cls()}">{self.phrase(1, 2)}</span></label>{self.link_list(self.rnd.randint(6, 8), True)}',
            2) for _ in range(9))
        categories = "".join(f'<li role="menuitem" class="{self.cls()}">{self.svg()}<span class="{self.cls()}">'
                             f"{self.phrase(1, 1)}</span></li>" for _ in range(9))
        search = (f'<form class="{self.cls()}" role="search" action="/find" method="get"><div class="{self.cls()}">'
                  f'{self.menu(0)}<ul class="{self.cls()}" role="menu">{categories}</ul></div>'
                  f'<div class="{self.cls()}"><input type="text" class="{self.cls()}" autocomplete="off" '
                  f'placeholder="{self.phrase(2, 3)}"/><button type="submit" class="{self.cls()}">{self.svg()}</button>'
                  "</div></form>")
        body = (self.nested(f'<aside class="{self.cls()}">{self.nested(drawer, 1)}</aside>', 2) + search
                + self.nested(self.menu(3), 2) + self.nested(self.menu(9), 2))
        return self.nested(f'<nav class="{self.cls()}">{self.nested(body, 1)}</nav>', 1)

    def sidebar(self) -> str:
        """The right-hand column: ad slots and link widgets (no link to a title or a keyword)."""
        widgets = "".join(f'<div class="{self.cls()}"><h4>{self.svg()}{self.phrase(1, 2)}</h4>'
                          + "".join(f'<ul class="{self.cls()}">' + "".join(
                              f'<li class="{self.cls()}"><a href="{self.rnd.choice(NAV_LINKS)}?ref_=ttkw_{self.word()}" '
                              f'class="{self.cls()}" aria-label="{self.phrase(2, 5)}">{self.phrase(1, 3)}</a></li>'
                              for _ in range(5)) + "</ul>"
                              for _ in range(2)) + "</div>\n" for _ in range(5))
        return f'<div class="{self.cls()}">{self.ad_frame()}{widgets}{self.ad_frame()}{self.ad_frame()}</div>'

    def footer(self) -> str:
        social = "".join(f'<a href="/{self.word()}/" class="{self.cls()}" title="{self.phrase(1, 1)}">{self.svg()}</a>'
                         for _ in range(7))
        body = (self.nested(social, 2) + self.nested(self.link_list(14, False), 2) + self.nested(self.link_list(10, False), 2)
                + self.nested(self.logo(), 1) + f'<p class="{self.cls()}">© 1990-2026 by {self.phrase(1, 2)}</p>')
        return self.nested(f'<footer class="{self.cls()}">{self.nested(body, 1)}</footer>', 1)

    def pixel(self) -> str:
        return f'<img height="1" width="1" style="display:none;visibility:hidden;" alt="" src="/_px/{self.hexs(16)}.gif"/>'


@lru_cache(maxsize=16)
def legacy_shell(seed: int) -> Shell:
    """The real-size shell of the 2021–22 keywords page (built once; ~0.25 MB besides the keyword table)."""
    gen = LegacyGen(f"imdbkit-realsize:keywords-2021:{seed}")
    smalls = lambda n: "".join(gen.small_script() for _ in range(n))  # noqa: E731 - a counted run of them
    metas = "".join(f'<meta name="{gen.word()}-{gen.word()}" content="{gen.phrase(6, 30)}"/>' for _ in range(14))
    links = "".join(f'<link rel="stylesheet" type="text/css" href="/_static/css/{gen.word()}/{gen.hexs(40)}/'
                    f'{gen.word()}-{gen.hexs(24)}.min.css"/>' for _ in range(15))
    head = (f"<script>{gen.js(11_600)}</script>{smalls(4)}{metas}{links}<script>{gen.js(3_000)}</script>"
            + "".join(f"<script>{gen.js(gen.rnd.randint(450, 950))}</script>" for _ in range(6))
            + f"<script>{gen.js(2_300)}</script>{smalls(5)}<script>{gen.js(3_100)}</script>")
    css = "".join(f".{name}{gen.rnd.choice(('', ' > div', ':hover', '::after'))}{{"
                  + "".join(f"{p}:{gen.rnd.choice(v)};" for p, v in gen.rnd.sample(CSS_DECLS, gen.rnd.randint(2, 5)))
                  + "}\n" for name in gen.modules for _ in range(2))
    while len(css) < 24_700:
        css += f"@media (min-width:{gen.rnd.choice((480, 600, 1024))}px){{.{gen.rnd.choice(gen.modules)}{{width:auto}}}}\n"
    nav = (f"<script>{gen.js(13_500)}</script>{smalls(3)}<script>{gen.js(2_350)}</script>{gen.pixel()}<style>{css}</style>"
           + gen.header() + smalls(3) + gen.pixel() + gen.ad_frame() + gen.ad_frame())
    sidebar = smalls(4) + gen.sidebar() + smalls(4)
    footer = smalls(2) + gen.footer() + smalls(4)
    after = ("".join(gen.src_script() + gen.small_script() for _ in range(30)) + smalls(2) + gen.pixel() * 4
             + gen.ad_frame() + gen.ad_frame() + gen.ad_frame()
             + f'<div class="{gen.cls()}"><script>{gen.js(52_600)}</script></div><script>{gen.js(1_200)}</script>'
             + smalls(1) + gen.src_script() * 2
             + f"<noscript>{gen.pixel()}</noscript>")
    return Shell(head=head, nav=nav, sections=sidebar, footer=footer, after_state=after, state_head="", state_tail="",
                 envelope=())


@lru_cache(maxsize=16)
def marked_legacy_shell(seed: int) -> Shell:
    """`legacy_shell` with markers (`realsize.marked`)."""
    return marked(legacy_shell(seed))
