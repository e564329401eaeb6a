"""The build: every stage, in order, in one place. Atomic: built beside --out, then moved into place."""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from dataset.card import plot_all
from dataset.clean import clean_fields
from dataset.features import FeatureParams, add_features, rating_classes
from dataset.filter import FilterParams, filter_titles, nothing_left
from dataset.images import ImageParams, column_name, downsample_posters
from dataset.oversample import OversampleParams, genre_counts, oversample_genres
from dataset.publish import add_sizes, published_columns, write_json, write_splits
from dataset.rates import RATES_DATE, RATES_VERSION
from dataset.raw import item_files, load_raw
from dataset.report import DatasetError, Report
from dataset.sequences import EMBEDDINGS_FILE, SequenceParams, attach_frame_embeddings, embed_trailer_frames
from dataset.split import SplitParams, assign_splits, read_splits_file
from dataset.stream import Outcome, run_streamed, streams
from dataset.trailers import TrailerParams, extract_trailer_frames


@dataclass
class BuildParams:
    # Each field's metadata is its `imdbkit build` option (cli/options.py); a nested one is a --help section.
    filter: FilterParams = field(default_factory=FilterParams, metadata={"help": "filter: which titles are kept"})
    split: SplitParams = field(default_factory=SplitParams, metadata={"help": "split: train / validation / test"})
    features: FeatureParams = field(default_factory=FeatureParams, metadata={"help": "features: labels and vocabularies"})
    oversample: OversampleParams = field(default_factory=OversampleParams, metadata={"help": "oversampling of the train split"})
    images: ImageParams = field(default_factory=ImageParams, metadata={"help": "posters"})
    trailers: TrailerParams = field(default_factory=TrailerParams, metadata={"help": "trailer frames"})
    sequences: SequenceParams = field(default_factory=SequenceParams, metadata={"help": "frame sequences"})
    shard_rows: int = field(default=100_000, metadata={"help": "rows per parquet shard", "example": "50000"})
    plots: bool = field(default=True, metadata={"help": "draw the dataset card's plots"})
    engine: str = field(default="stream", metadata={  # "stream": bounded memory where the stages allow
        "choices": ("stream", "memory"), "example": "memory",
        "help": "stream: record batches in bounded memory where the stages allow; memory: the whole table at once"})
    batch_rows: int = field(default=50_000, metadata={"help": "rows per batch of the streamed build", "example": "10000"})


def code_version() -> str:
    """`git describe` of the checkout when there is one, else the installed package version."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imdbkit")
    except PackageNotFoundError:
        return "unknown"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_sha256(folder: Path) -> tuple[int, str]:
    """(files, sha256 over every file's relative path and content sha256), in path order.

    By content, not by name and size: a poster re-encoded in place keeps both. Costs one read of
    every file (the images stage reads them again); a folder of N posters adds N small reads."""
    digest, files = hashlib.sha256(), 0
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(top, name)
            if not path.is_file():
                continue
            digest.update(f"{path.relative_to(folder).as_posix()}\0{sha256_file(path)}\n".encode())
            files += 1
    return files, digest.hexdigest()


MEDIA_FOLDERS = ("posters", "trailers", "trailer_frames")  # everything besides items the build reads


def shown_path(path: Path | str, out: Path) -> str:
    """A path as build.json and the card show it: relative to the dataset folder when that climbs at most two
    levels (`../crawl`), else its name: no absolute path of the build machine reaches users."""
    path, base = Path(os.path.abspath(path)), Path(os.path.abspath(out))
    try:
        rel = Path(os.path.relpath(path, base))
    except ValueError:  # another drive
        return path.name
    return rel.as_posix() if rel.parts[:3].count("..") < 3 else path.name


def describe_inputs(raw_dirs: list[Path], out: Path | None = None) -> list[dict]:
    """Checksums of every items file, the embeddings file, and the media folders' contents (Contract 2)."""
    out_dir = Path(out) if out is not None else Path.cwd()
    result = []
    for d in raw_dirs:
        files = item_files(d)
        entry = {"path": shown_path(d, out_dir), "items": len(files), "sha256": [sha256_file(f) for f in files]}
        if (d / EMBEDDINGS_FILE).is_file():
            entry["frame_embeddings_sha256"] = sha256_file(d / EMBEDDINGS_FILE)
        for name in MEDIA_FOLDERS:
            if (d / name).is_dir():
                entry[name], entry[f"{name}_sha256"] = _tree_sha256(d / name)
        result.append(entry)
    return result


def _check_out(out: Path) -> None:
    """Refuse to replace a folder that is not a previous dataset: a typo must never delete user files."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "build.json").is_file())):
        raise DatasetError(f"--out {out} exists and is not a dataset folder (no build.json); choose a new path "
                           "or remove it yourself.")


def _clear_killed_builds(out: Path) -> None:
    """A SIGKILLed build leaves `.NAME.building-PID` behind (or, killed mid-swap, the previous dataset as
    `.NAME.old-PID`): put a stranded dataset back, delete the leftovers of builds whose process is gone."""
    for leftover in sorted(out.parent.glob(f".{out.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not pid.isdigit() or kind not in (f".{out.name}.building", f".{out.name}.old") or _alive(int(pid)):
            continue
        if kind.endswith(".old") and not out.exists():
            os.replace(leftover, out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_into_place(tmp: Path, out: Path) -> None:
    """rename(2) cannot replace a non-empty folder, so the old dataset steps aside first, then goes."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def build(raw_dirs: list[Path], out: Path, params: BuildParams | None = None, quiet: bool = False) -> dict:
    """Raw crawl folders → a published dataset folder (Contract 2); returns build.json's content."""
    params = _effective(params or BuildParams())
    raw_dirs = [Path(d) for d in raw_dirs]
    out = Path(out)
    _clear_killed_builds(out)
    _check_out(out)
    if params.split.splits_file is not None:
        read_splits_file(Path(params.split.splits_file))  # a bad splits file fails before any work
    inputs = describe_inputs(raw_dirs, out)
    tmp = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    report, timings = Report(), {}
    # The build allocates millions of small lists and dicts that live until the end; the cyclic GC
    # would rescan all of them again and again (superlinear at 540k titles), and they hold no cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()

    @contextmanager
    def stage(name: str):
        start = time.perf_counter()
        yield
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - start, 3)  # batches add up

    try:
        if params.engine == "stream" and streams(params):
            outcome = run_streamed(raw_dirs, tmp, params, report, stage, quiet)
        else:
            outcome = _in_memory(raw_dirs, tmp, params, report, stage, quiet)
        names, written, labels = outcome.names, outcome.written, outcome.labels
        add_sizes(tmp, written)
        result = {
            "name": out.name,
            "code_version": code_version(),
            "parameters": {"raw": [shown_path(d, out) for d in raw_dirs], "shard_rows": params.shard_rows,
                           "stages": _stage_parameters(params, out)},
            "rates": {"version": RATES_VERSION, "date": RATES_DATE},
            "inputs": inputs,
            "columns": names,
            "splits": written,
            "labels": labels,
            "genre_counts": {"train_before_oversampling": outcome.genres_before,
                             "train_after_oversampling": outcome.genres_after},
            "counts": report.to_dict(),
            "notes": params.filter.notes,
            "timings_s": timings,
        }
        from dataset.card import write_card

        with stage("card"):
            write_card(tmp, result, names, outcome.plot() if params.plots else [])
        write_json(tmp / "build.json", result)
        report.write_quarantine(tmp / "quarantine.jsonl")
        _swap_into_place(tmp, out)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if gc_was_enabled:
            gc.enable()


def _in_memory(raw_dirs: list[Path], tmp: Path, params: BuildParams, report: Report, stage: Callable,
               quiet: bool) -> Outcome:
    """The reference composition: every stage over the whole table at once (images and oversampling need it)."""
    with stage("load"):
        df = load_raw(raw_dirs, report, quiet)
    with stage("clean"):
        df = clean_fields(df, report, quiet)
    with stage("filter"):
        df = filter_titles(df, params.filter, report)
    if df.empty:
        raise DatasetError(nothing_left(report))
    with stage("split"):
        if params.split.stratify == "rating_class":
            df["rating_class"] = rating_classes(df["rating"], params.features.rating_bins)
        df = assign_splits(df, params.split, report)
    with stage("features"):
        df, labels = add_features(df, params.features, report, quiet)
    genres_before = genre_counts(df[df["split"] == "train"])
    with stage("oversample"):
        df = oversample_genres(df, params.oversample, report)
    with stage("images"):
        df = downsample_posters(df, raw_dirs, params.images, report, quiet)
    with stage("trailers"):
        df = extract_trailer_frames(df, raw_dirs, params.trailers, report, quiet)
    with stage("sequences"):
        df = attach_frame_embeddings(df, raw_dirs, params.sequences, report)
        df = embed_trailer_frames(df, params.sequences, report)
    with stage("publish"):
        names = published_columns(params.images.sizes, raw_dirs, params.sequences.encoder)
        written = write_splits(df, tmp, names, params.shard_rows, quiet=quiet)
    posters = [column_name(s) for s in params.images.sizes]
    return Outcome(names, written, labels, genres_before, genre_counts(df[df["split"] == "train"]),
                   lambda: plot_all(tmp, df, genres_before, posters[-1] if posters else None))


def _effective(params: BuildParams) -> BuildParams:
    """--require-poster means a usable poster: the filter sees only poster_path, so the images stage
    drops rows whose poster is missing or fails to decode (as --missing-poster drop); build.json says so."""
    if params.filter.require_poster and params.images.missing != "drop":
        return replace(params, images=replace(params.images, missing="drop"))
    return params


def _stage_parameters(params: BuildParams, out: Path) -> dict:
    stages = {"load": {}, "clean": {"rates_version": RATES_VERSION, "rates_date": RATES_DATE}}
    for name in ("filter", "split", "features", "oversample", "images", "trailers", "sequences"):
        values = asdict(getattr(params, name))
        values.pop("notes", None)
        stages[name] = values
    if stages["split"]["splits_file"] is not None:
        stages["split"]["splits_file"] = shown_path(stages["split"]["splits_file"], out)
    return stages
