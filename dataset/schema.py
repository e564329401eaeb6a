"""The declared schema of a published dataset (Contract 2): every column, its Arrow type, its HF feature."""
from __future__ import annotations

import re

import pyarrow as pa

IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
STRINGS = pa.list_(pa.string())
REQUIRED = ("imdb_id", "split", "is_oversampled")

COLUMNS: list[tuple[str, pa.DataType]] = [
    ("imdb_id", pa.string()), ("split", pa.string()), ("is_oversampled", pa.bool_()),
    ("title", pa.string()), ("original_title", pa.string()), ("title_type", pa.string()),
    ("year", pa.int32()), ("release_date", pa.string()), ("runtime_min", pa.float32()),
    ("rating", pa.float32()), ("rating_class", pa.int8()), ("votes", pa.int64()), ("metascore", pa.float32()),
    ("content_rating", pa.string()), ("age_band", pa.string()), ("color", pa.string()),
    ("genres", STRINGS), ("countries", STRINGS), ("languages", STRINGS), ("directors", STRINGS),
    ("writers", STRINGS), ("actors", STRINGS), ("keywords", STRINGS), ("description_keywords", STRINGS),
    ("description", pa.string()), ("budget_usd", pa.float64()), ("gross_usd", pa.float64()),
    ("source", pa.string()), ("has_poster", pa.bool_()),
    # poster_{H}x{W} columns are inserted here, one per --image-size
    ("trailer_frames", pa.list_(IMAGE)), ("frame_embeddings", pa.list_(pa.list_(pa.float32()))),
]
MEDIA = ("trailer_frames", "frame_embeddings")  # present by flag, like the poster columns
POSTER = re.compile(r"^poster_(\d+)x(\d+)$")


def arrow_type(name: str) -> pa.DataType:
    if POSTER.match(name):
        return IMAGE
    return dict(COLUMNS)[name]


def ordered(names: set[str]) -> list[str]:
    """Columns of the schema present in `names`, in schema order, poster sizes after has_poster."""
    out = []
    for name, _ in COLUMNS:
        if name in names:
            out.append(name)
        if name == "has_poster":
            out.extend(sorted((n for n in names if POSTER.match(n)),
                              key=lambda n: tuple(int(x) for x in POSTER.match(n).groups())))
    return out


def hf_feature(t: pa.DataType) -> dict:
    """The Hugging Face `datasets` feature for an Arrow type (Image for the {bytes, path} struct)."""
    if t == IMAGE:
        return {"_type": "Image"}
    if pa.types.is_list(t):
        return {"feature": hf_feature(t.value_type), "_type": "List"}
    names = {pa.string(): "string", pa.bool_(): "bool", pa.int8(): "int8", pa.int32(): "int32",
             pa.int64(): "int64", pa.float32(): "float32", pa.float64(): "float64"}
    return {"dtype": names[t], "_type": "Value"}


def bin_names(bins: list[float] | tuple[float, ...]) -> list[str]:
    """The `rating_class` names: one `low-high` per bin (0-5, 5-6.5, 6.5-10 for the default bins)."""
    return [f"{lo:g}-{hi:g}" for lo, hi in zip(bins, bins[1:], strict=False)]


def features_for(names: list[str], labels: dict | None = None) -> dict[str, dict]:
    """HF features per column: `rating_class` a ClassLabel of the bin names, `genres` a list of ClassLabel
    over the genre vocabulary, as the card declares them (the stored values stay int8 and strings; `datasets`
    maps them when it loads the folder through the card)."""
    labels = labels or {}
    features = {n: hf_feature(arrow_type(n)) for n in names}
    if "rating_class" in features and labels.get("rating_bins"):
        features["rating_class"] = {"names": bin_names(labels["rating_bins"]), "_type": "ClassLabel"}
    if "genres" in features and labels.get("genres"):
        features["genres"] = {"feature": {"names": list(labels["genres"]), "_type": "ClassLabel"}, "_type": "List"}
    return features


def schema_for(names: list[str]) -> pa.Schema:
    """Arrow schema with the `huggingface` metadata so datasets decodes image columns. Class labels are
    declared in the card only: `datasets` takes a file's metadata feature only where its Arrow type is the
    stored one, and a ClassLabel is int64 (`rating_class` is stored as int8, `genres` as strings)."""
    import json

    fields = [pa.field(n, arrow_type(n), nullable=n not in REQUIRED) for n in names]
    features = {n: hf_feature(arrow_type(n)) for n in names}
    meta = {b"huggingface": json.dumps({"info": {"features": features}}, separators=(",", ":")).encode()}
    return pa.schema(fields, metadata=meta)
