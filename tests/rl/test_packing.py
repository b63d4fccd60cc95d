from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentzoo.rl.packing import ffd, next_fit, pack, per_item, split_long


def test_known_answer() -> None:
    items = [5, 4, 3, 2, 2, 1, 1]
    bins = ffd(items, 6)
    assert len(bins) == 3
    assert sorted(sum(items[i] for i in b) for b in bins) == [6, 6, 6]
    assert len(next_fit(items, 6)) == 4
    assert per_item(items, 6) == [[i] for i in range(7)]
    assert ffd([], 6) == []


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="split_long"):
        ffd([7], 6)
    with pytest.raises(ValueError, match="unknown packing"):
        pack([1], 6, "best_fit")
    with pytest.raises(ValueError):
        ffd([1], 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60).flatmap(lambda c: st.tuples(st.just(c), st.lists(st.integers(0, c), max_size=40))))
def test_properties(case: tuple[int, list[int]]) -> None:
    capacity, items = case
    for method in ("ffd", "next_fit", "per_item"):
        bins = pack(items, capacity, method)
        assert all(sum(items[i] for i in b) <= capacity for b in bins)
        assert Counter(i for b in bins for i in b) == Counter(range(len(items)))
    used = len(ffd(items, capacity))
    assert used <= 2 * sum(items) // capacity + 1
    assert used <= len(next_fit(items, capacity))


def test_split_long_respects_capacity_and_keeps_words() -> None:
    def count(text: str) -> int:
        return len(text.split())

    text = "One two three. Four five six seven. Eight. " + " ".join(f"w{i}" for i in range(12)) + "."
    pieces = split_long(text, 4, count)
    assert all(count(p) <= 4 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_long("short one.", 4, count) == ["short one."]
    assert all(len(p) <= 3 for p in split_long("abcdefgh", 3, len))
