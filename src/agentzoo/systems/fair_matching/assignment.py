"""Bipartite matching primitives shared by the algorithms (scipy's Hopcroft–Karp and Hungarian).

A matching is an int array ``m`` of length n with ``m[i]`` = the item of agent i.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

TOL = 1e-9
"""Relative tolerance of threshold comparisons on float utilities."""


def perfect_matching(allowed: np.ndarray) -> np.ndarray | None:
    """A perfect matching using only edges where ``allowed`` is true (Hopcroft–Karp), else None."""
    allowed = np.asarray(allowed, dtype=bool)
    if not allowed.any(axis=1).all() or not allowed.any(axis=0).all():
        return None
    match = maximum_bipartite_matching(csr_matrix(allowed.astype(np.int8)), perm_type="column")
    if (match < 0).any():
        return None
    return np.asarray(match, dtype=np.int64)


def max_weight_matching(weights: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    """The max-sum perfect matching of ``weights`` among ``allowed`` edges (Hungarian).

    Disallowed edges get a finite penalty larger than any spread of allowed totals
    (``linear_sum_assignment`` rejects infinite entries in some layouts); the result is
    re-verified and a ValueError is raised if no allowed perfect matching exists.
    """
    weights = np.asarray(weights, dtype=float)
    n = weights.shape[0]
    if allowed is None:
        _, cols = linear_sum_assignment(weights, maximize=True)
        return np.asarray(cols, dtype=np.int64)
    top, bottom = float(weights.max()), float(weights.min())
    penalty = n * (top - bottom) + 1.0
    cost = np.where(allowed, top - weights, penalty)
    rows, cols = linear_sum_assignment(cost)
    if not allowed[rows, cols].all():
        fallback = perfect_matching(allowed)
        if fallback is None:
            raise ValueError("no perfect matching among the allowed edges")
        return fallback
    return np.asarray(cols, dtype=np.int64)


def bottleneck_matching(levels: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Max θ such that some perfect matching M has levels[i, M(i)] >= θ for all i; ties by max Σ weights.

    Binary search over the distinct entries of ``levels`` (θ is always one of them) with a
    Hopcroft–Karp feasibility test per probe: O(n^2.5 log n). Returns (θ, M).
    """
    levels = np.asarray(levels, dtype=float)
    ceiling = float(levels.max(axis=1).min())  # no agent can exceed its best level
    candidates = np.unique(levels[levels <= ceiling])
    lo, hi = 0, len(candidates) - 1  # candidates[0] is the global minimum: always feasible
    best = perfect_matching(levels >= candidates[0])
    assert best is not None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        theta = candidates[mid]
        found = perfect_matching(levels >= theta - TOL * max(1.0, abs(theta)))
        if found is not None:
            lo, best = mid, found
        else:
            hi = mid - 1
    theta = float(candidates[lo])
    if weights is not None:
        allowed = levels >= theta - TOL * max(1.0, abs(theta))
        best = max_weight_matching(weights, allowed)
    return float(levels[np.arange(len(best)), best].min()), best


def is_permutation(matching: np.ndarray, n: int) -> bool:
    matching = np.asarray(matching)
    return matching.shape == (n,) and bool(np.array_equal(np.sort(matching), np.arange(n)))
