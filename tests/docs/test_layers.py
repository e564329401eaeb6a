"""Dependencies run one way, as docs/architecture.md says: crawler → dataset → baselines → cli.

Every module's imports are read with `ast` (no import is executed), so a backwards import anywhere,
even one inside a function, fails here with the module and the line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAYERS = {"crawler": 0, "dataset": 1, "baselines": 2, "cli": 3}
PACKAGES = (*LAYERS, "mirror")

# The stages' own command lines: they sit on top of `cli/` (its option generator, list action and error
# line), so they count as the cli layer, and no library module may import them.
SHIMS = {
    "dataset/cli.py": "python -m dataset",
    "dataset/__main__.py": "python -m dataset",
    "baselines/leaderboard_cli.py": "python -m baselines.leaderboard",
    "mirror/cli.py": "python -m mirror",
    "mirror/__main__.py": "python -m mirror",
}
# The mirror stands in for the site: of the project it may read only the id pattern the crawler declares.
MIRROR_MAY_IMPORT = {"crawler.items"}


def imported(path: Path, root: Path = REPO) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, relative ones resolved; the `__main__` block is skipped
    (running a module as a script is the top of every chain)."""
    package = list(path.relative_to(root).parent.parts)
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test).replace("'", '"') == '__name__ == "__main__"':
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[:len(package) - node.level + 1], base]).strip(".")
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def shim(name: str) -> str | None:
    """The command-line module a dotted name reaches, if any (`dataset.cli.main` → `dataset/cli.py`)."""
    parts = name.split(".")
    return next((rel for n in range(len(parts), 0, -1) if (rel := "/".join(parts[:n]) + ".py") in SHIMS), None)


def problems(path: Path, root: Path = REPO) -> list[str]:
    """Every import of `path` that points the wrong way, one line each."""
    rel = path.relative_to(root).as_posix()
    here = rel.split("/")[0]
    level = LAYERS["cli"] if rel in SHIMS else LAYERS.get(here)
    out = []
    for line, name in imported(path, root):
        top = name.split(".")[0]
        if top not in PACKAGES:
            continue
        if shim(name):  # a command line is the top: only cli and the other command lines import one
            ok = level == LAYERS["cli"]
        elif here == "mirror":
            ok = top == "mirror" or (top == "cli" and rel in SHIMS) \
                or any(name == m or name.startswith(m + ".") for m in MIRROR_MAY_IMPORT)
        elif top == "mirror":
            ok = here == "cli"
        else:
            ok = LAYERS[top] <= level
        if not ok:
            out.append(f"{rel}:{line} imports {name}")
    return out


MODULES = sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


def test_every_package_is_read():
    assert {p.relative_to(REPO).parts[0] for p in MODULES} == set(PACKAGES)
    assert all((REPO / rel).is_file() for rel in SHIMS), "a named shim no longer exists; update SHIMS"


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package):
    bad = [line for p in MODULES if p.relative_to(REPO).parts[0] == package for line in problems(p)]
    assert not bad, "imports against crawler → dataset → baselines → cli (docs/architecture.md):\n" + "\n".join(bad)


def test_the_check_sees_backwards_imports(tmp_path):
    """The rule itself: each kind of wrong import is reported, the allowed ones are not."""
    cases = {
        "crawler/x.py": ("from dataset import raw\n", True),
        "dataset/x.py": ("def f():\n    from baselines import encoders\n", True),
        "dataset/y.py": ("from . import cli\n", True),  # a library module reaching its own command line
        "dataset/cli.py": ("from cli.common import Parser\nfrom dataset import build\n", False),
        "baselines/x.py": ("from cli.lists import split_list\n", True),
        "baselines/y.py": ("from dataset.encoders import embed\nimport crawler.items\n", False),
        "baselines/z.py": ('if __name__ == "__main__":\n    from baselines.leaderboard_cli import main\n', False),
        "mirror/x.py": ("from crawler.items import ID_PATTERN\nfrom .base import Catalog\n", False),
        "mirror/y.py": ("from crawler import parsers\n", True),
        "cli/x.py": ("from mirror.catalog import load_catalog\nfrom dataset.cli import main\n", False),
    }
    for rel, (source, wrong) in cases.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        assert bool(problems(path, tmp_path)) == wrong, (rel, problems(path, tmp_path))
