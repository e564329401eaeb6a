"""Shared hypothesis settings and strategies for the property tests: deterministic, bounded, JSON-shaped junk."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

PROFILE = settings(max_examples=300, derandomize=True, deadline=None)

# What a drifting page or a damaged file can put where a value used to be.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def junk_inputs(*extra: object):
    """`@junk_inputs(...)`: run a test over JSON-shaped junk plus values known to break number parsing."""

    def wrap(test):
        wrapped = given(value=json_values)(test)
        for value in (float("inf"), "9" * 400, "1e999", *extra):
            wrapped = example(value=value)(wrapped)
        return PROFILE(wrapped)

    return wrap
