"""Where a page's script elements and their texts start and end, found in its bytes (or text) without a DOM.

A title page is 0.5–1 MB and its page state most of that: ``find``/``rfind`` (``memchr``) over the response's
bytes locate the few scripts the crawl reads without building a tree, decoding the page to text or running a
regex over it (``crawler/blocks.py`` decodes what they hold)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["LT_STEPS", "TAGS_BACK", "Page", "as_page_type", "script_end", "script_starts", "scripts", "tag_back",
           "utf8_slice"]

Page = str | bytes  # a page's text, or a response's body (UTF-8) as received


def as_page_type(page: Page, text: str) -> Any:
    """``text`` in the page's own type (bytes for a response body), so ``find`` can take it."""
    return text.encode() if isinstance(page, bytes) else text


def utf8_slice(page: Page, start: int, end: int) -> Any:
    """``page[start:end]`` as msgspec reads it fastest: a view of a body's bytes (no copy), the UTF-8 of a text's
    slice."""
    return memoryview(page)[start:end] if isinstance(page, bytes) else page[start:end].encode()


def script_starts(html: Page, word: str, backwards: bool = False, skip: tuple[int, int] = (0, 0),
                   after: list[int] | None = None) -> Iterator[int]:
    """Where the text of each script element whose opening tag holds ``word`` starts, found with ``find``
    (no DOM, no regex over the page); hits of ``word`` elsewhere (in a script's text) are skipped, and
    forwards the text ``html[skip[0]:skip[1]]`` (the page state's: 0.5–1 MB no other element can sit in) is
    not searched. ``backwards`` searches from the end (the page state is near the end of the page); ``after``
    then holds the first "<" after the tag last found, where the walk met it (for ``script_end``)."""
    pos = len(html) if backwards else 0
    word, script, gt = as_page_type(html, word), as_page_type(html, "<script"), as_page_type(html, ">")
    while True:
        if backwards:
            at = tag_back(html, word, pos, after)
        elif pos < skip[0]:
            at = html.find(word, pos, skip[0])
            if at == -1:
                pos = skip[1]
                continue
        else:
            at = html.find(word, pos)
        if at == -1:
            return
        tag = html.rfind(script, max(0, at - 300), at)
        close = html.find(gt, at)
        if tag != -1 and close != -1 and gt not in html[tag:at]:
            yield close + 1
            pos = tag if backwards else close + 1
        else:
            pos = at if backwards else at + len(word)


TAGS_BACK = 256  # tags walked back before searching for the word (real pages: 13-207 after the state; a page
# without a state pays ~30 µs more than the two searches the walk replaces, 0.3% of its parse)


def tag_back(html: Page, word: Any, pos: int, after: list[int] | None = None) -> int:
    """Where ``word`` last occurs in an opening ``<script`` tag before ``pos``, found by walking back tag by tag
    (one ``memrchr`` for "<" each): Next.js escapes every "<" in the page state, so from the end of a page the
    walk meets only the few tags after the state's script, then its opening tag, instead of searching
    through its 0.5–1 MB. Past ``TAGS_BACK`` tags (or where the tag has no "<script"), ``rfind`` of the word.
    ``after`` (if given) is set to the "<" met just before the tag (the first one after it), or emptied."""
    lt, script, gt = as_page_type(html, "<"), as_page_type(html, "<script"), as_page_type(html, ">")
    rfind, startswith = html.rfind, html.startswith  # a page without a state takes all the steps: kept cheap
    at, met = pos, -1
    for _ in range(TAGS_BACK):
        at = rfind(lt, 0, at)
        if at == -1:
            break
        if startswith(script, at):
            close = html.find(gt, at, pos)
            found = html.find(word, at, pos if close == -1 else close)
            if found != -1:
                if after is not None:
                    after[:] = [met] if met != -1 else []
                return found
        met = at
    else:
        at = html.rfind(word, 0, at)
    if after is not None:
        after.clear()
    return at


def scripts(html: Page, word: str, backwards: bool = False, skip: tuple[int, int] = (0, 0)) -> Iterator[Any]:
    """The texts of those script elements (bytes of a bytes page)."""
    end_tag = as_page_type(html, "</script>")
    for start in script_starts(html, word, backwards, skip):
        end = html.find(end_tag, start)
        if end == -1:
            return
        yield html[start:end]


LT_STEPS = 256  # "<" tried one by one inside a state that does not escape them, before searching for </script>


def script_end(html: Page, start: int, first_lt: int = -1) -> int:
    """Where the script whose text starts at ``start`` ends: Next.js escapes every "<" in the page state, so
    its first "<" is its ``</script>``, found with one ``memchr`` (or ``first_lt``, where the caller met it
    already); a state saved with a few "<" unescaped is stepped through "<" by "<" (``memchr`` each, not a
    search for ``</script>`` over 1-3 MB); past ``LT_STEPS`` of them, ``</script>`` is searched for."""
    lt, end_tag = as_page_type(html, "<"), as_page_type(html, "</script")
    at = first_lt if first_lt >= start else html.find(lt, start)
    for _ in range(LT_STEPS):
        if at == -1:
            return len(html)
        if html.startswith(end_tag, at):
            return at
        at = html.find(lt, at + 1)
    end = html.find(as_page_type(html, "</script>"), at) if at != -1 else -1
    return end if end != -1 else len(html)
