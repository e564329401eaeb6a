"""The dataset card (README.md with a Hugging Face YAML header) and its plots, from build.json."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from dataset.markup import code_span, markdown, one_line, plain_plot_text, yaml_scalar
from dataset.schema import hf_feature, schema_for

LICENCE = """## Licence and terms of use

The code that built this dataset is MIT-licensed. The data is not: titles, ratings, plots,
credits and posters come from IMDb (or from the third-party tables named under *Sources*)
and remain subject to IMDb's Conditions of Use (https://www.imdb.com/conditions), which
allow personal and non-commercial use only and forbid republishing the data. Use this dataset
for private research, do not redistribute it, and cite IMDb as the source. Posters are
copyrighted artwork of their studios; they are included as small thumbnails for research.
"""


@cache
def _font_codepoints() -> frozenset[int]:
    """The characters matplotlib's default font can draw."""
    from matplotlib import font_manager, ft2font

    return frozenset(ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


def drawable(text: str) -> bool:
    """True when every character of ``text`` has a glyph in the plots' font (spaces and the like included)."""
    chars = _font_codepoints()
    return all(ord(c) in chars for c in text)


def _yaml_features(names: list[str]) -> list[str]:
    lines = []
    for field in schema_for(names):
        feat = hf_feature(field.type)
        lines.append(f"  - name: {yaml_scalar(field.name)}")
        if feat["_type"] == "Value":
            lines.append(f"    dtype: {feat['dtype']}")
        elif feat["_type"] == "Image":
            lines.append("    dtype: image")
        else:
            inner = feat["feature"]
            kind = inner.get("dtype") or ("image" if inner["_type"] == "Image" else "list")
            lines.append("    list: " + (kind if kind != "list" else "float32"))
    return lines


def plot_all(out_dir: Path, df: pd.DataFrame, genres_before: dict[str, int], poster_col: str | None) -> list[str]:
    """genres.png (before/after oversampling), ratings.png, posters.png; returns the file names written."""
    after: dict[str, int] = {}
    count_genres(after, df.loc[df["split"] == "train", "genres"])
    ratings = df.loc[~df["is_oversampled"], "rating"].dropna() if "rating" in df else pd.Series([], dtype=float)
    sample = None
    if poster_col and poster_col in df:
        sample = df[df[poster_col].notna() & ~df["is_oversampled"]].head(24)
    return draw_plots(out_dir, genres_before, after, ratings.to_numpy(dtype="float64"), sample, poster_col)


def count_genres(after: dict[str, int], genres: pd.Series) -> None:
    """Rows per genre, in the order genres first appear (the plot's order among equal counts)."""
    for lst in genres:
        for g in lst or ():
            after[g] = after.get(g, 0) + 1


def draw_plots(out_dir: Path, genres_before: dict[str, int], after: dict[str, int], ratings: np.ndarray,
               sample: pd.DataFrame | None, poster_col: str | None) -> list[str]:
    """The card's plots from their inputs: training genres, ratings without copies, up to 24 posters."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plain_plot_text()  # genres and titles are crawled text, not TeX
    written = []
    if after:
        names = sorted(after, key=lambda g: -after[g])
        fig, ax = plt.subplots(figsize=(10, 4), dpi=100)
        x = np.arange(len(names))
        ax.bar(x - 0.2, [genres_before.get(g, 0) for g in names], 0.4, label="before oversampling")
        ax.bar(x + 0.2, [after[g] for g in names], 0.4, label="after oversampling")
        ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
        ax.set_ylabel("training rows")
        ax.set_title("Genres in the training split")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out_dir / "genres.png")
        plt.close(fig)
        written.append("genres.png")
    if len(ratings):
        fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
        ax.hist(ratings, bins=np.arange(0, 10.25, 0.25), color="#4a7ab5")
        ax.set_xlabel("IMDb rating")
        ax.set_ylabel("titles")
        ax.set_title("Rating distribution (all splits, no oversampled copies)")
        fig.tight_layout()
        fig.savefig(out_dir / "ratings.png")
        plt.close(fig)
        written.append("ratings.png")
    if sample is not None:
        from dataset.images import decode_png

        if len(sample):
            cols = 8
            rows = int(np.ceil(len(sample) / cols))
            fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.7), dpi=100, squeeze=False)
            for ax in axes.ravel():
                ax.axis("off")
            for ax, (_, row) in zip(axes.ravel(), sample.iterrows(), strict=False):
                ax.imshow(decode_png(row[poster_col]["bytes"]))
                title = str(row.get("title") or row["imdb_id"])[:14]
                # matplotlib's font (DejaVu Sans) has no Devanagari, Thai or CJK glyphs: show the id, not boxes
                ax.set_title(title if drawable(title) else row["imdb_id"], fontsize=6)
            fig.tight_layout()
            fig.savefig(out_dir / "posters.png")
            plt.close(fig)
            written.append("posters.png")
    return written


def write_card(out_dir: Path, build: dict, names: list[str], plots: list[str]) -> None:
    """README.md: YAML header (configs, splits, features), stages with parameters and removals, loading."""
    splits = build["splits"]
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {yaml_scalar(split)}", f"    path: {yaml_scalar(f'data/{split}-*.parquet')}"]
    lines += ["dataset_info:", "  features:", *_yaml_features(names), "  splits:"]
    for split, info in splits.items():
        lines += [f"  - name: {yaml_scalar(split)}", f"    num_examples: {int(info['rows'])}"]
    lines += ["license: other", "task_categories:", "- image-classification", "- tabular-classification", "---", ""]
    name = out_dir.name if not out_dir.name.startswith(".") else build["name"]
    lines += [f"# {markdown(name)}", "",
              "An IMDb research dataset built by `python -m dataset build` (imdbkit) from the raw folders "
              "listed under *Sources*. Targets: `rating` (regression), `rating_class` (classification, bins "
              f"{markdown(build['labels'].get('rating_bins'))}), `genres` (multi-label over "
              f"{len(build['labels'].get('genres', []))} genres).", "",
              "The genre multi-hot is not stored as a column: it is `genres` read against the vocabulary "
              "`labels.genres` in `build.json`, in that order; `dataset.load(path, split, "
              "[\"genres_multi_hot\"])` returns it as an `[N, G]` uint8 matrix.", "",
              "| split | rows | oversampled copies |", "|---|---|---|"]
    lines += [f"| {markdown(s)} | {i['rows']:,} | {i['oversampled']:,} |" for s, i in splits.items()]
    lines += ["", "## Sources", ""]
    lines += [f"- {code_span(s['path'])}: {s['items']} items files, sha256 {markdown(', '.join(s['sha256'][:2]))}"
              + ("…" if len(s["sha256"]) > 2 else "") for s in build["inputs"]]
    counts = build["counts"]
    kept = counts.get("quarantine_file_entries", counts["quarantined"])
    held = ("every quarantined item" if kept == counts["quarantined"]
            else f"the first {kept:,} of {counts['quarantined']:,} quarantined items")
    lines += ["", "## How it was built", "", "Stages in order, with their parameters and what each removed "
              f"or changed (full numbers in `build.json`, {held} in `quarantine.jsonl`).", ""]
    for stage, params in build["parameters"]["stages"].items():
        rows = counts["rows"].get(stage)
        lines.append(f"### {markdown(stage)}" + (f" — {rows['in']:,} → {rows['out']:,} rows" if rows else ""))
        lines.append("")
        lines.append("Parameters: " + (", ".join(code_span(f"{k}={v}") for k, v in params.items()) or "none"))
        for reason, n in counts["removed"].get(stage, {}).items():
            lines.append(f"- removed {n:,} rows: {markdown(reason)}")
        for what, n in counts["changed"].get(stage, {}).items():
            lines.append(f"- {markdown(what)}: {n:,}")
        lines.append("")
    for plot in plots:
        lines += [f"![{plot[:-4]}]({plot})", ""]
    load = ["## How to load it", "", "```python",
              "import dataset  # imdbkit: numpy arrays in one call",
              "train = dataset.load('PATH', 'train', columns=['rating_class', 'genres'])", "",
              "from datasets import load_dataset",
              "ds = load_dataset('parquet', data_files={'train': 'PATH/data/train-*.parquet'})", "",
              "import pandas as pd",
              "df = pd.read_parquet('PATH/data', filters=[('split', '==', 'test')])", "",
              "import duckdb",
              "duckdb.sql(\"SELECT genres, avg(rating) FROM 'PATH/data/*.parquet' GROUP BY ALL\")", "```", "",
              "Image columns are Hugging Face `Image` structs `{bytes, path}` holding PNG bytes (height x width "
              "in the column name). Oversampled training copies carry `is_oversampled = true`; drop them for any "
              "statistic about the population.", "", LICENCE]
    path = one_line(name).replace("`", "").replace("'", "")  # inside a code block and Python quotes
    lines += [line.replace("PATH", path) for line in load]
    (out_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")
