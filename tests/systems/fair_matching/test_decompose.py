"""Decomposition of count matrices into T perfect matchings (acceptance 2)."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.fair_matching.decompose import (
    check_count_matrix,
    decompose,
    expand,
    order_greedy,
    peel,
)
from agentzoo.systems.fair_matching.exact import count_ilp
from agentzoo.systems.fair_matching.instance import Instance


def random_count_matrix(rng: np.random.Generator, n: int, T: int) -> np.ndarray:
    """A sum of T random permutation matrices: every row and column sums to T."""
    X = np.zeros((n, n), dtype=np.int64)
    for _ in range(T):
        X[np.arange(n), rng.permutation(n)] += 1
    return X


def _check(X: np.ndarray) -> None:
    n = X.shape[0]
    T = int(X[0].sum())
    pieces = decompose(X)
    assert sum(k for _, k in pieces) == T
    assert len(pieces) <= np.count_nonzero(X) - n + 1
    schedule = expand(pieces)
    assert schedule.shape == (T, n)
    rebuilt = np.zeros_like(X)
    for matching in schedule:
        assert np.array_equal(np.sort(matching), np.arange(n))  # a permutation
        rebuilt[np.arange(n), matching] += 1
    assert np.array_equal(rebuilt, X)


def test_random_count_matrices_decompose_exactly() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 31))
        _check(random_count_matrix(rng, n, int(rng.integers(1, 25))))


def test_ilp_solutions_decompose_into_their_counts() -> None:
    rng = np.random.default_rng(8)
    for _ in range(10):
        solution = count_ilp(Instance(rng.random((6, 6)), int(rng.integers(1, 15))))
        assert solution.X is not None
        _check(solution.X)


def test_known_decomposition() -> None:
    X = np.array([[2, 1], [1, 2]])
    pieces = decompose(X)
    assert sorted((tuple(m.tolist()), k) for m, k in pieces) == [((0, 1), 2), ((1, 0), 1)]


@pytest.mark.slow
def test_dense_matrices_at_n_100() -> None:
    rng = np.random.default_rng(9)
    for _ in range(5):
        X = random_count_matrix(rng, 100, 1000)
        assert np.count_nonzero(X) > 0.99 * 100 * 100
        _check(X)


def test_birkhoff_of_a_doubly_stochastic_matrix() -> None:
    rng = np.random.default_rng(10)
    weights = rng.dirichlet(np.ones(4))
    perms = [rng.permutation(5) for _ in range(4)]
    D = np.zeros((5, 5))
    for w, p in zip(weights, perms):
        D[np.arange(5), p] += w
    pieces, complete = peel(D, tol=1e-12)
    assert complete
    rebuilt = np.zeros_like(D)
    for m, w in pieces:
        rebuilt[np.arange(5), m] += w
    np.testing.assert_allclose(rebuilt, D, atol=1e-9)


def test_order_greedy_keeps_the_multiset_and_helps_the_worst_off_first() -> None:
    u = np.array([[1.0, 0.0], [0.0, 1.0]])  # identity: both agents happy; swap: both get 0
    pieces = [(np.array([1, 0]), 1), (np.array([0, 1]), 1)]
    ordered = order_greedy(pieces, u)
    assert ordered[0].tolist() == [0, 1]
    assert sorted(map(tuple, ordered.tolist())) == [(0, 1), (1, 0)]


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[1, 0], [1, 1]]), "sum"),
        (np.array([[1.5, 0.5], [0.5, 1.5]]), "integers"),
        (np.array([[2, -1], [-1, 2]]), "negative"),
        (np.ones((2, 3), dtype=int), "square"),
    ],
)
def test_invalid_count_matrices_are_rejected(X: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_count_matrix(X)
