"""Primal heuristics of the exact solver: apportionment and count-space local search."""

from __future__ import annotations

import numpy as np

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import generate
from agentzoo.systems.fair_matching.exact import count_ilp, lp_bound
from agentzoo.systems.fair_matching.rounding import apportion, counts_of, improve_counts


def test_apportion_uses_exactly_t_rounds_of_permutations() -> None:
    for seed in range(10):
        instance = generate("correlated", 7, 11, rng(seed, "apportion"))
        _, X_lp = lp_bound(instance)
        pieces = apportion(X_lp, 11)
        assert sum(k for _, k in pieces) == 11
        assert all(np.array_equal(np.sort(m), np.arange(7)) for m, _ in pieces)
        X = counts_of(pieces, 7)
        assert (X.sum(axis=0) == 11).all() and (X.sum(axis=1) == 11).all()


def test_improve_counts_keeps_sums_and_never_lowers_the_minimum() -> None:
    for seed in range(10):
        instance = generate("uniform", 6, 9, rng(seed, "improve"))
        u = instance.utilities
        start = counts_of([(rng(seed, "p", k).permutation(6), 1) for k in range(9)], 6)
        X = improve_counts(u, start)
        assert (X >= 0).all() and (X.sum(axis=0) == 9).all() and (X.sum(axis=1) == 9).all()
        assert (u * X).sum(axis=1).min() >= (u * start).sum(axis=1).min()
        assert (u * X).sum(axis=1).min() <= count_ilp(instance).value + 1e-9


def test_hand_example_single_swap() -> None:
    # agent 0 holds item 0 (worth 0 to it), agent 1 holds item 1 (worth 0 to it): one swap fixes both
    u = np.array([[0.0, 1.0], [1.0, 0.0]])
    X = improve_counts(u, np.array([[1, 0], [0, 1]]))
    assert X.tolist() == [[0, 1], [1, 0]]
