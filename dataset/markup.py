"""Every string that leaves the toolkit as Markdown, YAML or a plot label goes through here.

Titles, genres, currencies, paths and error messages come from crawled pages and third-party
tables; written raw, ``<script>`` or ``onerror=`` runs wherever the card or ``leaderboard.md`` is
rendered, a newline plus ``---`` rewrites the card's YAML header, and ``$\\foo$`` makes matplotlib
abort the whole build. The dataset card (``dataset/card.py``), ``leaderboard.md``
(``baselines/tables.py``), every plot (card, report, ``imdbkit info``) and the rich console lines that
show data (``imdbkit info``, the leaderboard's progress) use these functions.
"""
from __future__ import annotations

import json
import re

# Anything that could end a line or a table row, and C0/C1 controls: one space each.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Punctuation that starts emphasis, links, images, code, table cells, math or strike-through anywhere in
# a line, and what makes a list, heading, quote or numbered item when it opens one.
# (``_`` between two letters or digits is never emphasis, so ``votes_le_125`` stays readable.)
_MD_PUNCT = re.compile(r"([\\`*\[\]|~$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_MD_START = re.compile(r"^(\d*)([#+\-=.)])")
# Characters YAML refuses even inside quotes (JSON leaves them raw): written as \\u escapes.
_YAML_UNPRINTABLE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def one_line(text: object) -> str:
    """``text`` as one line: every line or paragraph break and control character becomes a space."""
    return _BREAKS.sub(" ", str(text)).strip()


def markdown(text: object) -> str:
    """Inline Markdown that renders as exactly ``text``: no HTML, links, emphasis, math or new lines."""
    escaped = _MD_START.sub(r"\1\\\2", _MD_PUNCT.sub(r"\\\1", one_line(text)))
    return "".join(_HTML.get(c, c) for c in escaped)


def code_span(text: object) -> str:
    """An inline code span holding ``text`` literally (the fence is longer than any backtick run in it)."""
    line = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if line.startswith("`") or line.endswith("`") or not line.strip() else ""
    return f"{fence}{pad}{line}{pad}{fence}"


def yaml_scalar(text: object) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML): no new keys, no document markers."""
    quoted = json.dumps(str(text), ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def terminal(text: object) -> str:
    """``text`` for a rich console line or table cell: ``[/]`` or ``[link=…]`` in a genre is not markup."""
    from rich.markup import escape

    return escape(str(text))


def plain_plot_text() -> None:
    """Plot labels are text, never TeX: ``$\\foo$`` in a title or genre would abort matplotlib's mathtext."""
    import matplotlib

    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
