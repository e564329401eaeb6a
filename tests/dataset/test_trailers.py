"""Stage 8: trailer frames from a real MP4 and from frame folders (seed 001 filter), and CLIP sequences."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataset.images import decode_png
from dataset.report import Report, objects
from dataset.sequences import SequenceParams, attach_frame_embeddings, fix_length
from dataset.trailers import (
    TrailerParams,
    evenly,
    extract_trailer_frames,
    informative,
    sample_video,
    select_frames,
)
from tests.helpers.inputs import trailer_frames, write_video


def test_filter_drops_black_and_flat_frames_and_keeps_order():
    frames = trailer_frames(40, dark_every=5)
    good = informative(frames, 20)
    assert all(i % 5 for i in good) and len(good) == 32
    chosen = select_frames(frames, 20, 15)
    assert len(chosen) == 15 and all(c.mean() > 50 for c in chosen)
    assert evenly(10, 4) == [0, 3, 6, 9] and evenly(3, 15) == [0, 1, 2]


def test_sample_video_reads_n_frames_from_an_mp4(tmp_path):
    path = write_video(tmp_path / "t.mp4", trailer_frames(40))
    frames = sample_video(path, 100)
    assert len(frames) == 40 and frames[0].shape == (72, 128, 3)
    assert len(sample_video(path, 8)) == 8


def frame_df(ids):
    df = pd.DataFrame({"imdb_id": objects(ids)})
    df["_raw"] = 0
    df["is_oversampled"] = False
    return df


def test_stage_from_video_and_frame_folder(tmp_path):
    import cv2

    raw = tmp_path / "raw"
    write_video(raw / "trailers" / "tt0000001.mp4", trailer_frames(40))
    folder = raw / "trailer_frames" / "tt0000002"
    folder.mkdir(parents=True)
    for i, f in enumerate(trailer_frames(30, dark_every=3)):
        cv2.imwrite(str(folder / f"{i}.jpg"), f)
    (raw / "trailers" / "tt0000003.mp4").write_bytes(b"not a video")
    report = Report()
    out = extract_trailer_frames(frame_df(["tt0000001", "tt0000002", "tt0000003", "tt0000004"]), [raw],
                                 TrailerParams(keep=5, size=(36, 64), workers=1), report, quiet=True)
    video, frames, broken, none = out["trailer_frames"].tolist()
    assert len(video) == 5 and len(frames) == 5 and broken is None and none is None
    first = decode_png(video[0]["bytes"])
    assert first.shape == (36, 64, 3) and first.mean() > 50
    assert report.noted["trailers"]["trailer_unreadable_video"] == 1


def test_no_trailer_folders_means_no_column(tmp_path):
    (tmp_path / "raw").mkdir()
    out = extract_trailer_frames(frame_df(["tt0000001"]), [tmp_path / "raw"], TrailerParams(), Report(), quiet=True)
    assert "trailer_frames" not in out


@pytest.mark.parametrize("mode, expected", [("uniform", [0, 2, 4, 5, 7, 9]), ("pad", [0, 1, 2, 3, 4, 5])])
def test_fix_length_downsampling(mode, expected):
    seq = np.arange(10, dtype=np.float32)[:, None].repeat(3, 1)
    assert fix_length(seq, 6, mode)[:, 0].tolist() == expected


def test_fix_length_upsampling_pads_or_repeats():
    seq = np.ones((3, 2), np.float32)
    assert fix_length(seq, 5, "pad")[:, 0].tolist() == [1, 1, 1, 0, 0]
    assert fix_length(seq, 5, "uniform").shape == (5, 2)


def test_embeddings_are_attached_by_index(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    np.save(raw / "frame_embeddings.npy", np.arange(2 * 4 * 3, dtype=np.float16).reshape(2, 4, 3))
    df = frame_df(["tt1", "tt2", "tt3"])
    df["frame_embeddings_index"] = objects([1, None, 7])
    report = Report()
    out = attach_frame_embeddings(df, [raw], SequenceParams(length=2, mode="pad"), report)
    first, missing, bad = out["frame_embeddings"].tolist()
    assert first.dtype == np.float32 and first.tolist() == [[12, 13, 14], [15, 16, 17]]
    assert missing is None and bad is None and report.noted["sequences"]["embedding_index_out_of_range"] == 1


def test_long_video_is_sampled_by_seeking_in_order(tmp_path):
    frames = [np.full((72, 128, 3), i * 2, np.uint8) for i in range(120)]
    sampled = sample_video(write_video(tmp_path / "long.mp4", frames), 10)
    means = [f.mean() for f in sampled]
    assert len(sampled) == 10 and means == sorted(means)
    assert abs(means[-1] - 238) < 8 and means[0] < 8  # first and last frames, up to codec loss


def test_trailer_frames_become_a_fixed_length_embedding_sequence(tmp_path, monkeypatch):
    """`--frame-embeddings efficientnet-lite0 --frames-per-trailer 4`: every title with frames gets [4, 1280]."""
    from dataset.sequences import embed_trailer_frames

    monkeypatch.setenv("IMDBKIT_CACHE", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    write_video(raw / "trailers" / "tt0000001.mp4", trailer_frames(40))
    write_video(raw / "trailers" / "tt0000002.mp4", trailer_frames(40, dark_every=3)[::-1])
    report = Report()
    df = extract_trailer_frames(frame_df(["tt0000001", "tt0000002", "tt0000003"]), [raw],
                                TrailerParams(keep=6, size=(36, 64), workers=1), report, quiet=True)
    out = embed_trailer_frames(df, SequenceParams(length=4, encoder="efficientnet-lite0"), report)
    first, second, none = out["frame_embeddings"].tolist()
    assert first.shape == second.shape == (4, 1280) and first.dtype == np.float32 and none is None
    assert not np.allclose(first, second)
    assert report.noted["sequences"]["titles_with_frame_embeddings"] == 2
    unchanged = embed_trailer_frames(df, SequenceParams(length=4), report)
    assert "frame_embeddings" not in unchanged


def test_frames_per_trailer_without_an_encoder_is_a_usage_error(tmp_path, capsys):
    from dataset.cli import main

    assert main(["build", "--raw", str(tmp_path), "--out", str(tmp_path / "o"), "--frames-per-trailer", "8"]) == 2
    assert "--frame-embeddings" in capsys.readouterr().err
