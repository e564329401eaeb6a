"""The dataset card (README.md with a Hugging Face YAML header) and its plots, from build.json."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from dataset.markup import code_span, markdown, one_line, plain_plot_text, yaml_scalar
from dataset.schema import POSTER, bin_names, features_for

LICENSE_NAME = "imdb-non-commercial"
LICENSE_LINK = ("https://help.imdb.com/article/imdb/general-information/"
                "can-i-use-imdb-data-in-my-software/G5JTRESSHJBBHTGX")
DATASETS_TERMS = "https://developer.imdb.com/non-commercial-datasets/"
LICENCE = f"""## Licence and terms of use

The code that built this dataset is MIT-licensed. The data is not: titles, ratings, plots,
credits and posters come from IMDb (or from the third-party tables named under *Sources*)
and remain subject to IMDb's terms for using its data in software ({LICENSE_LINK}), its
non-commercial datasets' terms ({DATASETS_TERMS}) and its Conditions of Use
(https://www.imdb.com/conditions), which allow personal and non-commercial use only and forbid
republishing the data. Use this dataset for private research, do not redistribute it, and cite
IMDb as the source. Posters are copyrighted artwork of their studios; they are included as small
thumbnails for research.
"""
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
         (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"))


@cache
def _font_codepoints() -> frozenset[int]:
    """The characters matplotlib's default font can draw."""
    from matplotlib import font_manager, ft2font

    return frozenset(ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


def drawable(text: str) -> bool:
    """True when every character of ``text`` has a glyph in the plots' font (spaces and the like included)."""
    chars = _font_codepoints()
    return all(ord(c) in chars for c in text)


def _class_label(names: list[str], indent: str) -> list[str]:
    return [f"{indent}class_label:", f"{indent}  names:",
            *(f"{indent}    {yaml_scalar(str(i))}: {yaml_scalar(n)}" for i, n in enumerate(names))]


def _yaml_feature(feat: dict, indent: str) -> list[str]:
    """One HF feature as the card's YAML (`dtype: …`, `class_label: names`, `list: …`) under `indent`."""
    if feat["_type"] == "Value":
        return [f"{indent}dtype: {feat['dtype']}"]
    if feat["_type"] == "Image":
        return [f"{indent}dtype: image"]
    if feat["_type"] == "ClassLabel":
        return [f"{indent}dtype:", *_class_label(feat["names"], indent + "  ")]
    inner = feat["feature"]
    if inner["_type"] == "Value":
        return [f"{indent}list: {inner['dtype']}"]
    if inner["_type"] == "Image":
        return [f"{indent}list: image"]
    if inner["_type"] == "ClassLabel":
        return [f"{indent}list:", *_class_label(inner["names"], indent + "  ")]
    return [f"{indent}list:", f"{indent}  list: {inner['feature']['dtype']}"]  # frame_embeddings


def _yaml_features(names: list[str], labels: dict) -> list[str]:
    lines = []
    for name, feat in features_for(names, labels).items():
        lines.append(f"  - name: {yaml_scalar(name)}")
        lines += _yaml_feature(feat, "    ")
    return lines


def kinds(title_types: list[str] | tuple[str, ...]) -> str:
    """What the rows are, for the title: `movies`, `titles of type movie, tvMovie`, `titles of every type`."""
    if list(title_types) == ["movie"]:
        return "movies"
    return f"titles of type {', '.join(title_types)}" if title_types else "titles of every type"


def pretty_name(build: dict) -> str:
    return f"IMDb {kinds(build['parameters']['stages']['filter'].get('title_types') or [])}: ratings and genres"


def front_matter(build: dict, names: list[str]) -> list[str]:
    """The YAML header the hub and `datasets.load_dataset(path)` read: configs, a complete dataset_info
    (features, splits with num_bytes and num_examples, sizes), licence, size and task categories."""
    splits = build["splits"]
    lines = ["---", f"pretty_name: {yaml_scalar(pretty_name(build))}", "license: other",
             f"license_name: {LICENSE_NAME}", f"license_link: {yaml_scalar(LICENSE_LINK)}",
             "language:", "- en", "size_categories:"]
    rows = sum(int(i["rows"]) for i in splits.values())
    lines.append(f"- {next((label for limit, label in SIZES if rows < limit), 'n>100M')}")
    tasks = ["tabular-classification", "tabular-regression"]
    if any(POSTER.match(n) for n in names):
        tasks.append("image-classification")
    lines += ["task_categories:", *(f"- {t}" for t in tasks)]
    lines += ["configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {yaml_scalar(split)}", f"    path: {yaml_scalar(f'data/{split}-*.parquet')}"]
    lines += ["dataset_info:", "  config_name: default", "  features:", *_yaml_features(names, build["labels"]),
              "  splits:"]
    for split, info in splits.items():
        lines += [f"  - name: {yaml_scalar(split)}", f"    num_bytes: {int(info['num_bytes'])}",
                  f"    num_examples: {int(info['rows'])}"]
    lines += [f"  download_size: {sum(int(i['download_size']) for i in splits.values())}",
              f"  dataset_size: {sum(int(i['num_bytes']) for i in splits.values())}", "---", ""]
    return lines


def plot_all(out_dir: Path, df: pd.DataFrame, genres_before: dict[str, int], poster_col: str | None) -> list[str]:
    """genres.png (before/after oversampling when it ran), ratings.png, posters.png; returns the names written."""
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
        if genres_before != after:  # oversampling changed the counts: show both
            ax.bar(x - 0.2, [genres_before.get(g, 0) for g in names], 0.4, label="before oversampling")
            ax.bar(x + 0.2, [after[g] for g in names], 0.4, label="after oversampling")
            ax.legend()
        else:  # nothing was oversampled: one bar per genre, no "before/after" pair of equal bars
            ax.bar(x, [after[g] for g in names], 0.6, color="#4a7ab5")
        ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
        ax.set_ylabel("training rows")
        ax.set_title("Genres in the training split")
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
    lines = front_matter(build, names)
    name = build["name"]
    types = build["parameters"]["stages"]["filter"].get("title_types") or []
    lines += [f"# {markdown(pretty_name(build))}", "",
              f"An IMDb research dataset ({code_span(name)}) built by `imdbkit build` from the raw folders "
              "listed under *Sources*. Targets: `rating` (regression), `rating_class` (classification, bins "
              f"{markdown(build['labels'].get('rating_bins'))}, class names "
              f"{markdown(', '.join(bin_names(build['labels'].get('rating_bins') or [])))}), `genres` (multi-label "
              f"over {len(build['labels'].get('genres', []))} genres, declared as class labels in the features).", "",
              ("Rows are movies (title type `movie`, the default of `--title-type`; a title without a type is "
               "kept): TV series, episodes, video games and the other types are left out unless named with "
               "`--title-type`."
               if list(types) == ["movie"] else
               f"Rows are {markdown(kinds(types))} (`--title-type`; the default keeps movies only)."), "",
              "Every column of Contract 2 is in every build (null where the inputs have no value), so two "
              "builds share one schema; poster, trailer-frame and embedding columns come with their flags.", "",
              "The genre multi-hot is not stored as a column: it is `genres` read against the vocabulary "
              "`labels.genres` in `build.json`, in that order; `dataset.load(path, split, "
              "[\"genres_multi_hot\"])` returns it as an `[N, G]` uint8 matrix.", "",
              "| split | rows | oversampled copies |", "|---|---|---|"]
    lines += [f"| {markdown(s)} | {i['rows']:,} | {i['oversampled']:,} |" for s, i in splits.items()]
    lines += ["", "## Sources", ""]
    lines += [f"- {code_span(s['path'])}: {s['items']} items files, sha256 {markdown(', '.join(s['sha256'][:2]))}"
              + ("…" if len(s["sha256"]) > 2 else "") for s in build["inputs"]]  # paths as build.json shows them
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
              "ds = load_dataset('PATH')  # train, validation, test; rating_class and genres as class labels",
              "ds = load_dataset('parquet', data_dir='PATH/data')  # the same splits, class labels as plain values", "",
              "import pandas as pd",
              "df = pd.read_parquet('PATH/data', filters=[('split', '==', 'test')])", "",
              "import duckdb",
              "duckdb.sql(\"SELECT genres, avg(rating) FROM 'PATH/data/*.parquet' GROUP BY ALL\")", "```", "",
              "Image columns are Hugging Face `Image` structs `{bytes, path}` holding PNG bytes (height x width "
              "in the column name). Oversampled training copies carry `is_oversampled = true`; drop them for any "
              "statistic about the population.", "", LICENCE]
    path = one_line(out_dir.name if not out_dir.name.startswith(".") else name)
    path = path.replace("`", "").replace("'", "")  # inside a code block and Python quotes
    lines += [line.replace("PATH", path) for line in load]
    (out_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")
