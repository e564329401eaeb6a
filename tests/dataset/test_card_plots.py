"""The card's genre plot pairs "before/after oversampling" bars only when oversampling changed the counts."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from dataset.card import draw_plots


@pytest.fixture
def legends(monkeypatch):
    """The legend texts of each figure the card saves (the files are still written)."""
    seen: list[list[str]] = []
    save = Figure.savefig

    def spy(fig, *args, **kwargs):
        legend = fig.axes[0].get_legend()
        seen.append([t.get_text() for t in legend.get_texts()] if legend else [])
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return seen


def test_no_before_after_bars_without_oversampling(tmp_path, legends):
    counts = {"Drama": 5, "Comedy": 3}
    assert draw_plots(tmp_path, dict(counts), dict(counts), np.array([]), None, None) == ["genres.png"]
    assert legends == [[]]


def test_before_after_bars_when_oversampling_ran(tmp_path, legends):
    draw_plots(tmp_path, {"Drama": 5, "Comedy": 3}, {"Drama": 5, "Comedy": 5}, np.array([]), None, None)
    assert legends == [["before oversampling", "after oversampling"]]
