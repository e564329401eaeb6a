"""Stage 3: keep the titles a study wants (seed 000's vote filter, seed 002's genre exclusions, seed 004's years)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dataset.report import Report

STAGE = "filter"
VOTES_SKIPPED = "min_votes skipped: the inputs carry no vote counts"


def nothing_left(report: Report) -> str:
    """The sentence for a filter that left no title: what each reason removed, and the flags to loosen."""
    rows_in = report.rows.get(STAGE, {}).get("in", 0)
    return (f"no titles are left after filtering {rows_in:,} titles (removed: {report.removed_text(STAGE)}); "
            "loosen --min-votes, --title-type, --year-min/--year-max, --exclude-genre or --min-genres.")


@dataclass(frozen=True)
class FilterParams:
    """What to keep; every rule removes rows under its own counted reason."""

    min_votes: int | None = 125  # strictly more than this many votes, like seed 000 (votes > 125)
    require_poster: bool = False
    title_types: tuple[str, ...] = ("movie",)  # () keeps every type (`--title-type all`)
    year_min: int | None = None
    year_max: int | None = None
    exclude_genres: tuple[str, ...] = ()
    min_genres: int = 0
    require_rating: bool = False
    notes: list[str] = field(default_factory=list, compare=False)


def filter_titles(df: pd.DataFrame, params: FilterParams, report: Report,
                  votes_known: bool | None = None) -> pd.DataFrame:
    """Apply each rule in turn; a rule whose column the inputs never carry is skipped and noted.

    `votes_known`: whether the whole input carries vote counts, for a caller that filters one batch
    of it at a time (None: this frame is the whole input)."""
    n_in = len(df)
    keep = np.ones(len(df), dtype=bool)

    def rule(reason: str, ok: np.ndarray) -> None:
        nonlocal keep
        removed = keep & ~ok
        report.drop(STAGE, reason, int(removed.sum()))
        keep &= ok

    if params.min_votes is not None:
        votes = df["votes"]
        if not (votes.notna().any() if votes_known is None else votes_known):
            params.notes.append(VOTES_SKIPPED)
        else:
            rule("votes_missing", votes.notna().to_numpy())
            rule(f"votes_le_{params.min_votes}", (votes.fillna(0) > params.min_votes).to_numpy(dtype=bool))
    if params.require_poster:
        rule("no_poster", df["poster_path"].map(lambda p: isinstance(p, str) and bool(p)).to_numpy(dtype=bool))
    if params.require_rating:
        rule("rating_missing", df["rating"].notna().to_numpy())
    if params.title_types:
        # a title without a type (poster tables, MovieLens, a page that hides it) is kept and counted: only
        # a type known to be another one is removed, so untyped tables survive beside a typed crawl
        wanted = {t.lower() for t in params.title_types}
        known = df["title_type"].map(lambda t: isinstance(t, str) and bool(t)).to_numpy(dtype=bool)
        rule("title_type_not_wanted",
             ~known | df["title_type"].map(lambda t: isinstance(t, str) and t.lower() in wanted).to_numpy(dtype=bool))
        report.note(STAGE, "title_type_unknown_kept", int((~known & keep).sum()))
    if params.year_min is not None or params.year_max is not None:
        year = df["year"].astype("float64").to_numpy()
        lo = -np.inf if params.year_min is None else params.year_min
        hi = np.inf if params.year_max is None else params.year_max
        rule("year_out_of_range", (year >= lo) & (year <= hi))
    if params.exclude_genres:
        banned = set(params.exclude_genres)
        rule("excluded_genre", df["genres"].map(lambda g: not (g and banned.intersection(g))).to_numpy(dtype=bool))
    if params.min_genres:
        rule(f"fewer_than_{params.min_genres}_genres",
             df["genres"].map(lambda g: len(g or ()) >= params.min_genres).to_numpy(dtype=bool))
    out = df[keep].reset_index(drop=True)
    report.stage_rows(STAGE, n_in, len(out))
    return out
