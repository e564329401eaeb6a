"""Stage 3: keep the titles a study wants (seed 000's vote filter, seed 002's genre exclusions, seed 004's years)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dataset.report import Report
from dataset.values import every_type_if_all, negative_is_none

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

    # strictly more than this many votes, like seed 000 (votes > 125)
    min_votes: int | None = field(default=125, metadata={
        "help": "keep titles with MORE than this many votes; -1 off", "example": "1000", "parse": negative_is_none})
    require_poster: bool = field(default=False, metadata={
        "help": "keep only titles with a poster; with --image-size, titles whose poster file is missing or fails "
                "to decode are dropped too (images stage, counted as poster_unusable)"})
    title_types: tuple[str, ...] = field(default=("movie",), metadata={  # () keeps every type (`--title-type all`)
        "flag": "--title-type", "metavar": "TYPE", "example": "movie,tvMovie", "finish": every_type_if_all,
        "help": "keep these title types: a,b or repeated; `all` keeps every type"})
    year_min: int | None = field(default=None, metadata={
        "help": "keep titles released in or after this year", "example": "1990"})
    year_max: int | None = field(default=None, metadata={
        "help": "keep titles released in or before this year", "example": "2020"})
    exclude_genres: tuple[str, ...] = field(default=(), metadata={
        "flag": "--exclude-genre", "metavar": "GENRE", "example": '"TV Movie,Foreign"',
        "help": "drop titles with any of these genres (seed 002 drops TV Movie and Foreign): a,b or repeated"})
    min_genres: int = field(default=0, metadata={"help": "keep titles with at least this many genres", "example": "1"})
    require_rating: bool = field(default=False, metadata={"help": "keep only titles with a rating"})
    notes: list[str] = field(default_factory=list, compare=False, metadata={"cli": False})  # the filter's own notes


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
