"""Crawled strings that reach the dataset card, ``leaderboard.md``, the report and the plots: shown as
text, never executed, never parsed as TeX, never adding lines to the card's YAML (issue 15, #2 and #3)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from baselines.figures import ap_figure, confusion_figure, summary_figure
from baselines.report import DatasetOverview, Extras, Image, PosterCard, TopPredictions, render_report
from baselines.tables import write_tables
from dataset.cli import main
from dataset.markup import code_span, markdown, one_line, yaml_scalar
from tests.helpers.inputs import add_poster, make_item, poster_jpeg, write_items
from tests.helpers.strategies import PROFILE

pytestmark = [pytest.mark.hardening, pytest.mark.filterwarnings("ignore:Glyph:UserWarning")]  # CJK and controls have no glyph: boxes

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg onload=alert(1)>",
           "$\\foo$", "a\n---\nlicense: mit\n", "[click](javascript:alert(1))", "![x](http://evil/x.png)",
           "`code` | pipe | ``", "# heading", "- item", "1. item", "*bold* _it_", "&amp; &#60;script&#62;",
           "\u2028line\u2029para\r\n", "PATH", "{{ template }}", "\x00\x1b[31mred", "[/]", "[link=file:///etc]x[/link]"]
RENDER = MarkdownIt("commonmark", {"html": True})  # the worst case: raw HTML allowed, as GitHub's renderer nearly does
# any tag but the ones Markdown itself makes, and the card's own plots
TAG = re.compile(r"<(?!/?(?:p|h[1-6]|ul|ol|li|code|pre|table|thead|tbody|tr|th|td|em|strong|hr)\b|"
                 r"img src=\"[a-z]+\.png\" alt=\"[a-z]+\" />)[a-zA-Z/!?]")


def rendered_text(markdown_text: str) -> str:
    """The text a reader sees when ``markdown_text`` is rendered as one paragraph."""
    out = RENDER.render(markdown_text).strip()
    if out.startswith("<p>") and out.endswith("</p>"):
        out = out[3:-4]
    return html.unescape(out)


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(HOSTILE)


@PROFILE
@given(s=text)
def test_markdown_renders_exactly_the_text(s: str) -> None:
    expected = one_line(s)
    assert "<" not in markdown(s) and "\n" not in markdown(s)
    if expected:
        assert rendered_text(markdown(s)) == expected


@PROFILE
@given(s=text)
def test_code_span_and_yaml_scalar_hold_the_text_literally(s: str) -> None:
    shown = RENDER.render(code_span(s)).strip()
    assert shown.startswith("<p><code>") and shown.endswith("</code></p>") and shown.count("<code>") == 1
    assert yaml.safe_load(f"key: {yaml_scalar(s)}\nother: 1\n") == {"key": s, "other": 1}


def build_hostile(tmp_path: Path, capsys, *extra: str) -> tuple[int, Path, str]:
    raw, out = tmp_path / "raw", tmp_path / "ds"
    items = []
    for i in range(60):
        bad = HOSTILE[i % len(HOSTILE)]
        item = make_item(i + 1, title=f"{bad} {i}", genres=[bad, "Drama"] if i % 2 else ["Comedy", bad])
        if i % 5 == 0:
            item["budget"] = {"amount": 5.0, "currency": bad}
        if i < 24:
            add_poster(raw, item, poster_jpeg(i))
        items.append(item)
    write_items(raw, items)
    code = main(["build", "--raw", str(raw), "--out", str(out), "--min-votes", "-1", "--quiet", "--workers", "1",
                 "--image-size", "32x32", *extra])
    captured = capsys.readouterr()
    return code, out, captured.out + captured.err


def test_the_dataset_card_shows_hostile_strings_as_text(tmp_path, capsys) -> None:
    code, out, log = build_hostile(tmp_path, capsys)
    assert code == 0, log[-2000:]  # `$\foo$` in a title or genre used to abort the build in mathtext
    assert "Traceback" not in log and {"genres.png", "posters.png"} <= {p.name for p in out.iterdir()}
    card = (out / "README.md").read_text()
    _, front, body = card.split("---\n", 2)  # a currency holding "\n---\n" used to add a third block
    header = yaml.safe_load(front)
    assert set(header) == {"pretty_name", "configs", "dataset_info", "license", "license_name", "license_link",
                           "language", "size_categories", "task_categories"} and header["license"] == "other"
    genres = next(f for f in header["dataset_info"]["features"] if f["name"] == "genres")["list"]["class_label"]
    labels = json.loads((out / "build.json").read_text())["labels"]["genres"]
    assert list(genres["names"].values()) == labels  # hostile genre names stay the exact class names
    assert not TAG.search(RENDER.render(body)), "crawled text became HTML in the card"
    assert "unknown_currency_to_null" in body


def test_imdbkit_info_prints_hostile_genres_as_text(tmp_path, capsys) -> None:
    """A genre `[/]` used to end `imdbkit info` in rich's MarkupError; `[link=…]` made a terminal link."""
    from tests.helpers.cli import cli

    code, out, log = build_hostile(tmp_path, capsys)
    assert code == 0, log[-2000:]
    run = cli("info", str(out), "--grid", str(tmp_path / "grid.png"))
    assert run.code == 0 and "Traceback" not in run.err, run.err
    assert "[/]" in run.out and "[link=file:///etc]x[/link]" in run.out


def test_leaderboard_md_and_report_show_hostile_strings_as_text(tmp_path) -> None:
    rows = []
    for i, bad in enumerate(HOSTILE):
        rows.append({"task": "rating_class", "model": bad, "feature_set": bad, "error": bad if i % 3 == 0 else None,
                     "metrics": {"accuracy": {"value": 0.5, "ci_low": 0.4, "ci_high": 0.6}},
                     "fit_seconds": 1.0, "predict_seconds": 0.1,
                     "per_class": {bad: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 3}}})
        rows.append({"task": "genres", "model": "m", "feature_set": "f", "error": None,
                     "metrics": {"map": {"value": 0.5, "ci_low": 0.4, "ci_high": 0.6}}, "fit_seconds": 1.0,
                     "predict_seconds": 0.1, "per_label": {bad: {"precision": 0.5, "recall": 0.5, "f1": 0.5,
                                                                 "ap": 0.4, "support": 3, "threshold": 0.5}}})
    result = {"rows": rows, "skipped": [{"task": b, "model": b, "reason": b} for b in HOSTILE],
              "meta": {"seed": 0, "dataset_fingerprint": "`<b>x</b>`", "bootstrap": 10}}
    write_tables(result, tmp_path)
    board = (tmp_path / "leaderboard.md").read_text()
    assert not TAG.search(RENDER.render(board)), "crawled text became HTML in leaderboard.md"
    for bad in HOSTILE:
        if one_line(bad):
            assert markdown(bad) in board
    assert json.loads((tmp_path / "leaderboard.json").read_text())["rows"][0]["model"] == HOSTILE[0]
    # figures: `$\foo$` as a genre, a class or a model name used to raise ParseFatalException
    artifacts = {"genres/m/f": {"labels": HOSTILE, "per_label": {"ap": [0.5] * len(HOSTILE)}}}
    page = render_report(result, artifacts)
    assert "<script>" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert ap_figure(HOSTILE, [0.5] * len(HOSTILE), "$\\foo$")
    assert confusion_figure([[1, 2], [3, 4]], HOSTILE[3:5], "$\\foo$")
    assert summary_figure("$\\foo$", rows[0::2], "accuracy")


@settings(PROFILE, max_examples=25)
@given(labels=st.lists(text, min_size=1, max_size=4))
def test_no_label_ever_breaks_a_figure(labels: list[str]) -> None:
    assert ap_figure(labels, [0.5] * len(labels), labels[0])


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.seen.append((tag, attrs))


REPORT_TAGS = {"html", "head", "meta", "link", "title", "style", "body", "nav", "ol", "a", "section", "h1", "h2", "h3",
               "p", "b", "code", "span", "br", "table", "tr", "th", "td", "div", "figure", "figcaption", "img", "ul",
               "li", "details", "summary"}
PNG = b"\x89PNG\r\n\x1a\n"


def hostile_extras(text: str) -> Extras:
    """The demo's sections with a crawled string in every field that shows one."""
    card = PosterCard(title=text, year=1999, poster=Image(f"poster of {text}", PNG), predictions=[(text, 50, False)],
                      truth=[text])
    return Extras(DatasetOverview(items=3, dataset=text, columns=2, genres=1, splits=[(text, 1, 0)],
                                  stages=[(text, 3, 2, f"{text}: 1", "–")], plots=[Image(text, PNG)]),
                  TopPredictions(text, text, text, [card]))


@settings(PROFILE, max_examples=40)
@given(names=st.lists(text, min_size=3, max_size=3))
def test_report_html_holds_no_tag_or_attribute_from_the_data(names: list[str]) -> None:
    task, model, feature_set = names
    row = {"task": task, "model": model, "feature_set": feature_set, "error": None, "fit_seconds": 1.0,
           "predict_seconds": 0.1, "metrics": {"accuracy": {"value": 0.5, "ci_low": 0.4, "ci_high": 0.6}},
           "per_class": {model: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 3}}}
    result = {"rows": [row, {**row, "error": feature_set}], "meta": {"seed": 0, "dataset_fingerprint": model},
              "skipped": [{"task": task, "model": model, "reason": feature_set}]}
    page = render_report(result, {}, dataset_info={"name": task}, extras=hostile_extras(model))
    parser = Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.seen} <= REPORT_TAGS
    for tag, attrs in parser.seen:
        assert all(not name.startswith("on") for name, _ in attrs), (tag, attrs)
        if tag == "img":
            assert dict(attrs)["src"].startswith("data:image/png;base64,")
        if tag == "a":  # the contents' links stay inside the page
            assert re.fullmatch(r"#[a-z0-9-]+", dict(attrs)["href"]), attrs
