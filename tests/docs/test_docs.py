"""The docs people read: a short README whose links resolve, a site that builds strictly, one demo time."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _mkdocs() -> list[str]:
    exe = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mkdocs is not installed; `pip install -e '.[dev]'` installs it")
        pytest.skip("mkdocs is not installed (dev extras)")
    return [exe]


def test_readme_is_short_and_every_link_resolves():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    links = [target for target in LINK.findall(text) if not re.match(r"[a-z]+://", target)]
    assert any(t.startswith("docs/") for t in links)
    for target in links:
        path = target.split("#", 1)[0]
        assert (ROOT / path).is_file(), f"README links to {target}, which is not a file"


def test_every_docs_page_is_reachable_from_the_readme():
    """Each page is linked from the README or from the site's home page, which the README links."""
    readme = _linked(README, ROOT)
    assert "docs/index.md" in readme
    reachable = readme | _linked(ROOT / "docs" / "index.md", ROOT / "docs")
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages - reachable == set()


def _linked(page: Path, base: Path) -> set[str]:
    out = set()
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if not re.match(r"[a-z]+://", target) and target.split("#", 1)[0]:
            out.add((base / target.split("#", 1)[0]).resolve().relative_to(ROOT).as_posix())
    return out


def test_mkdocs_build_strict(tmp_path):
    # Not -q: with -q mkdocs does not count the warnings it hides, so --strict passes broken links.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([*_mkdocs(), "build", "--strict", "-d", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-3000:]
    assert (tmp_path / "site" / "seeds" / "index.html").is_file()


def test_mkdocs_strict_catches_a_broken_link(tmp_path):
    """The check above is worth something: a link to a missing page fails the build."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with open(tmp_path / "docs" / "index.md", "a", encoding="utf-8") as fh:
        fh.write("\n[gone](no-such-page.md)\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([*_mkdocs(), "build", "--strict", "-d", str(tmp_path / "site")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode != 0 and "no-such-page.md" in proc.stderr


def test_demo_time_is_the_same_in_readme_help_and_benchmarks():
    """The README, `imdbkit demo --help` and the benchmarks page quote one measured run."""
    from cli.demo import EXAMPLE

    minutes = re.compile(r"about (\d+) minutes")
    readme = minutes.findall(" ".join(README.read_text(encoding="utf-8").split()))
    helped = minutes.findall(" ".join(EXAMPLE.split()))
    assert readme and helped and set(readme) == set(helped), (readme, helped)
    bench = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    row = next(line for line in bench.splitlines() if line.startswith("| 20") and "imdbkit demo" in line)
    wall = re.search(r"\| (\d+) min (\d+) s", row)
    assert wall and round(int(wall[1]) + int(wall[2]) / 60) == int(readme[0]), row


def test_architecture_lists_every_module_and_only_modules_that_exist():
    """docs/architecture.md's "Every module" list is the tree: a module added, moved or deleted shows here."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^- `([\w/]+\.py)` — \S", text.split("## Every module", 1)[1], flags=re.M))
    tree = {p.relative_to(ROOT).as_posix() for pkg in ("mirror", "crawler", "dataset", "baselines", "cli", "benchmarks")
            for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts}
    assert tree - listed == set(), "modules missing from docs/architecture.md"
    assert listed - tree == set(), "docs/architecture.md lists modules that do not exist"
