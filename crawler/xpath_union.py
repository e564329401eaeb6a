"""Which branches of an XPath union a page can match: each branch is a walk of the whole tree, and most belong to
other eras, so ``Blocks.xpath`` evaluates only those whose marker (the class / id / itemprop / data-testid value
their first predicate tests) occurs in the page. Compiled XPaths are kept per live union."""
from __future__ import annotations

import re
from typing import Any

from lxml import etree

_XPATHS: dict[str, Any] = {}
_ATTRIBUTES = etree.XPath("//@class|//@id|//@itemprop|//@data-testid", smart_strings=False)
_BRANCHES: dict[str, tuple[tuple[str, str | None], ...]] = {}
_MARKED = re.compile(r'(?:contains\(\s*@(?:class|id|itemprop|data-testid)\s*,|@(?:class|id|itemprop|data-testid)\s*=)\s*"([^"]+)"')


def _split_union(query: str) -> list[str]:
    """The branches of an XPath union (``|`` outside predicates and string literals)."""
    branches, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(query):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "[(":
            depth += 1
        elif not quoted and char in "])":
            depth -= 1
        elif not quoted and depth == 0 and char == "|":
            branches.append(query[start:i])
            start = i + 1
    return [*branches, query[start:]]


def _marker(branch: str) -> str | None:
    """A string some class / id / itemprop / data-testid value must contain for ``branch`` to match: the one
    its first predicate tests, unless that predicate has an ``or`` or a ``not(`` (then none: always walked)."""
    first = branch.find("[")
    if first == -1:
        return None
    predicate = branch[first:branch.find("]", first) + 1]
    found = _MARKED.search(predicate)
    return None if not found or " or " in predicate or "not(" in predicate else found[1]


# `//x` is `/descendant-or-self::node()/child::x`, which libxml2 walks several times slower than
# `/descendant::x`; the same nodes unless a positional predicate follows (the table has none on such steps).
_DESCENDANT = re.compile(r"//(?=[a-z*@])")
