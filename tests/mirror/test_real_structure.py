"""The mirror emits only what real pages have: per era, every page-state path (list indices and query hashes
collapsed) and every HTML class, id, itemprop, itemtype and data-testid of a mirror page also occurs in a real
page of that era in ../shared/data/realpages/ (skipped when absent, a failure in CI).

Real pages are sorted into eras by their shape, not by file name, so more captures can simply be added:
2025 (`mainColumnData.countriesDetails`), 2022 (`aboveTheFoldData`), 2021 (`urqlState…data.title` only),
2019 (no page state, JSON-LD + `txt-block`), 2014 (no page state, no JSON-LD, `itemprop`); besides title
pages, the 2021–22 keywords page and both `/find` shapes. There is no
real 2025 HTML (those captures are page state only), so 2025 HTML is checked against every page-state page.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from parsel import Selector

from mirror import find, keywords, legacy, pages, realsize, realsize_legacy
from mirror.catalog import load_catalog
from tests.helpers.env import SHARED, require_shared

REAL = SHARED / "data" / "realpages"
_NEXT = re.compile(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', re.S)
_HTML_ATTRS = ("class", "id", "itemprop", "itemtype", "data-testid")
SAMPLE = 150
# values of one real class that differ only by the data (the metascore box's colour class)
VARIANTS = {("class", "score_mixed"): ("class", "score_favorable"),
            ("class", "score_unfavorable"): ("class", "score_favorable")}


def _real_dir() -> Path:
    return require_shared("data", "realpages")


def state_paths(obj: object, prefix: str = "", out: set[str] | None = None) -> set[str]:
    """Every key path of a JSON value: list items as `[]`, all-digit keys (urqlState query hashes) as `*`."""
    out = set() if out is None else out
    if isinstance(obj, dict):
        for key, value in obj.items():
            step = "*" if key.isdigit() else key
            path = f"{prefix}.{step}" if prefix else step
            out.add(path)
            state_paths(value, path, out)
    elif isinstance(obj, list):
        out.add(prefix + "[]")
        for value in obj:
            state_paths(value, prefix + "[]", out)
    return out


def html_tokens(text: str) -> set[tuple[str, str]]:
    """(attribute, value) of every element in the body; classes one by one."""
    out = set()
    for element in Selector(text=text).xpath("//body//*"):
        attrs = element.attrib
        for name in _HTML_ATTRS:
            if name in attrs:
                values = attrs[name].split() if name == "class" else [attrs[name]]
                out.update((name, v) for v in values)
    return out


def _next(text: str) -> dict | None:
    found = _NEXT.search(text)
    return json.loads(found.group(1)) if found else None


def era_of(text: str, nd: dict | None) -> str | None:
    """The era of a real title page, or None for other pages (find, search, keywords)."""
    if nd is not None:
        page = str(nd.get("page", ""))
        if page.endswith("/keywords"):
            return "keywords"
        if not page.startswith("/title/"):
            return None
        props = nd.get("props", {})
        page_props = props.get("pageProps", {})
        if "countriesDetails" in (page_props.get("mainColumnData") or {}):
            return "2025"
        if "aboveTheFoldData" in page_props:
            return "2022"
        return "2021"
    if 'id="titleDetails"' not in text and 'id="overview-top"' not in text:
        return None
    return "2019" if "application/ld+json" in text else "2014"


@cache
def real_structure() -> dict[str, dict[str, set]]:
    """era -> {"paths": page-state paths, "html": HTML tokens} over every real page of that era."""
    eras: dict[str, dict[str, set]] = {}
    for path in sorted(_real_dir().rglob("*")):
        if path.suffix not in (".html", ".json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        nd = json.loads(text) if path.suffix == ".json" else _next(text)
        if 'id="keywords_content"' in text:
            era = "keywords-2021"
        elif nd is not None and nd.get("page") == "/find":
            era = "find"
        elif nd is None and 'class="findList"' in text:
            era = "find-old"
        else:
            era = era_of(text, nd)
        if era is None:
            continue
        slot = eras.setdefault(era, {"paths": set(), "html": set()})
        if nd is not None:
            state_paths(nd.get("props", {}), "", slot["paths"])
        if path.suffix == ".html":
            slot["html"] |= html_tokens(text)
    return eras


@cache
def records() -> list[dict]:
    catalog = load_catalog("synthetic:2000", seed=0)
    ids = list(catalog.ids())
    return [catalog.record(i) for i in ids[::len(ids) // SAMPLE]]


@cache
def _find_catalog():
    return load_catalog("synthetic:2000", seed=0)


def _mirror_page(era: str, rec: dict, real_size: bool = False) -> str:
    if era in ("find", "find-old"):
        word = (rec["title"] or "x").split()[0]
        render = find.find_page if era == "find" else find.find_page_old
        return render(_find_catalog(), "http://127.0.0.1:1", word)
    if era == "2019":
        return legacy.page_2019(rec, "http://127.0.0.1:1", 0)
    if era == "2014":
        return legacy.page_2014(rec, "http://127.0.0.1:1", 0)
    if era == "keywords-2021":
        return keywords.keywords_page_2021(rec, "http://127.0.0.1:1", 0, real_size=real_size)
    if era == "keywords":
        return keywords.keywords_page(rec, "http://127.0.0.1:1", 0, real_size=real_size)
    return pages.title_page(rec, "http://127.0.0.1:1", 0, era=era, real_size=real_size)


def _sample(era: str) -> list[dict]:
    """The records whose pages are checked (a find page scans the catalog, so a few queries do)."""
    return records()[:8] if era.startswith("find") else records()


def _missing(emitted: set, real: set) -> list:
    return sorted({VARIANTS.get(t, t) for t in emitted} - real, key=str)


def _shell_collapsed(paths: set[str]) -> set[str]:
    """Page-state paths with the real-size shell's generated subtrees (`realsize.GENERATED_KEYS`) cut to their key."""
    out = set()
    for path in paths:
        steps = path.split(".")
        out.add(".".join(steps[:2]) if steps[:1] == ["pageProps"] and steps[1:2] and steps[1] in realsize.GENERATED_KEYS
                else path)
    return out


def _build_hash(token: tuple[str, str]) -> bool:
    """A styled-components or CSS-module build-hash class (`realsize.STYLED_CLASS`, `realsize_legacy.MODULE_CLASS`)."""
    return token[0] == "class" and bool(realsize.STYLED_CLASS.fullmatch(token[1])
                                        or realsize_legacy.MODULE_CLASS.fullmatch(token[1]))


def _unhashed(tokens: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """HTML tokens without the build hashes the real-size shells' markup is classed with."""
    return {t for t in tokens if not _build_hash(t)}


def _skip_unseen(era: str) -> None:
    """The current keywords page is modelled without a capture; it is checked once one is added to ../shared."""
    if era == "keywords" and era not in real_structure():
        pytest.skip(f"no real current keywords page (page state /title/[tconst]/keywords) in {REAL} yet")


@pytest.mark.parametrize(("era", "real_size"), [("2025", False), ("2022", False), ("2021", False), ("find", False),
                                               ("keywords", False), ("2025", True), ("2022", True), ("2021", True),
                                               ("keywords", True)])
def test_every_page_state_path_occurs_in_a_real_page_of_its_era(era: str, real_size: bool) -> None:
    """Real-size pages too: the shell's page-state keys are keys real pages of the era have (below them the
    content is generated, see mirror/realsize.py)."""
    _skip_unseen(era)
    real = real_structure().get(era)
    assert real and real["paths"], f"no real {era} page in {REAL}"
    emitted: set[str] = set()
    for rec in _sample(era)[:40] if real_size else _sample(era):
        state_paths(_next(_mirror_page(era, rec, real_size))["props"], "", emitted)
    emitted = _shell_collapsed(emitted) - {"__N_SSP"}
    assert not _missing(emitted, real["paths"]), f"{era}: paths no real page has: {_missing(emitted, real['paths'])[:30]}"


@pytest.mark.parametrize("era", ["2025", "2022", "2021", "2019", "2014", "keywords-2021", "keywords", "find", "find-old"])
def test_every_html_selector_occurs_in_a_real_page_of_its_era(era: str) -> None:
    _skip_unseen(era)
    structure = real_structure()
    if era == "2025":  # no real 2025 HTML: the page-state layouts' HTML is the reference
        real = set().union(*(structure[e]["html"] for e in ("2025", "2022", "2021") if e in structure))
    else:
        assert era in structure, f"no real {era} page in {REAL}"
        real = structure[era]["html"]
    emitted: set[tuple[str, str]] = set()
    for rec in _sample(era):
        emitted |= html_tokens(_mirror_page(era, rec))
    assert not _missing(emitted, real), f"{era}: selectors no real page has: {_missing(emitted, real)[:40]}"


@pytest.mark.parametrize("era", ["2025", "2022", "2021", "keywords", "keywords-2021"])
def test_real_size_markup_adds_only_build_hashes(era: str) -> None:
    """The real-size shells' elements carry only build-hash classes, kinds real pages carry by the dozen or the
    hundred (styled-components on page-state pages; CSS modules too on the 2021–22 keywords page); every other
    selector of a real-size page is a small page's."""
    real = {"keywords-2021": ("keywords-2021",)}.get(era, ("2022", "2021"))
    real_hashes = {t for e in real for t in real_structure()[e]["html"] if _build_hash(t)}
    assert len(real_hashes) >= (50 if era == "keywords-2021" else 100), f"real {era} pages carry build-hash classes"
    for rec in _sample(era)[:10]:
        small, big = (html_tokens(_mirror_page(era, rec, size)) for size in (False, True))
        assert _unhashed(big) == small, sorted(_unhashed(big) ^ small, key=str)[:20]


def test_every_era_is_exercised_by_real_pages() -> None:
    assert set(real_structure()) >= {"2025", "2022", "2021", "2019", "2014", "keywords-2021", "find", "find-old"}
