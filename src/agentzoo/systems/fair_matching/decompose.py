"""Decomposing a count matrix into T perfect matchings (König / Birkhoff–von Neumann).

A non-negative integer matrix X whose rows and columns all sum to T is the adjacency
matrix of a T-regular bipartite multigraph, which by König's edge-colouring theorem is the
union of T perfect matchings. Constructively (spec, "Decomposition"):

1. find a perfect matching M on the support of X;
2. let k be the smallest multiplicity x_{i,M(i)}; record (M, k) and subtract k along M;
3. repeat until X = 0. The residual stays (T - k)-regular, so step 1 always succeeds.

Each peel zeroes at least one entry and the last zeroes n, so at most nnz(X) - n + 1
distinct matchings are used. After a peel only the agents whose edge was zeroed lose
their item; the matching is repaired by one augmenting path per such agent (a BFS on the
support, vectorised over each layer) rather than re-solved from scratch.
"""

from __future__ import annotations

import numpy as np

from agentzoo.systems.fair_matching.assignment import perfect_matching


def check_count_matrix(X: np.ndarray) -> int:
    """T if X is a non-negative integer square matrix with all row and column sums T; else ValueError."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != X.shape[1] or X.shape[0] == 0:
        raise ValueError(f"count matrix must be square n×n, got shape {X.shape}")
    if X.dtype.kind not in "iu":
        if X.dtype.kind != "f" or not np.all(X == np.round(X)):
            raise ValueError("count matrix must hold integers")
    if (X < 0).any():
        i, o = np.argwhere(X < 0)[0]
        raise ValueError(f"count matrix entry [{i}, {o}] = {X[i, o]} is negative")
    rows, cols = X.sum(axis=1), X.sum(axis=0)
    T = int(rows[0])
    if not (np.all(rows == T) and np.all(cols == T)):
        raise ValueError(f"count matrix rows sum to {sorted(set(rows.tolist()))} and columns to "
                         f"{sorted(set(cols.tolist()))}; all must equal T")
    return T


def _augment(support: np.ndarray, match: np.ndarray, owner: np.ndarray, agent: int) -> bool:
    """Extend ``match`` to the free ``agent`` by one augmenting path on ``support`` (in place)."""
    n = support.shape[0]
    parent = np.full(n, -1, dtype=np.int64)  # parent[o]: the agent from which item o was reached
    visited = np.zeros(n, dtype=bool)
    frontier = np.array([agent], dtype=np.int64)
    while len(frontier):
        block = support[frontier]
        reach = block.any(axis=0) & ~visited
        new_items = np.flatnonzero(reach)
        if not len(new_items):
            return False
        parent[new_items] = frontier[np.argmax(block[:, new_items], axis=0)]
        visited[new_items] = True
        free = new_items[owner[new_items] < 0]
        if len(free):
            item = int(free[0])
            while True:  # flip the path back to the root
                p = int(parent[item])
                previous = int(match[p])
                match[p], owner[item] = item, p
                if p == agent:
                    return True
                item = previous
        frontier = owner[new_items]
    return False


def peel(X: np.ndarray, tol: float = 0.0) -> tuple[list[tuple[np.ndarray, float]], bool]:
    """Peel perfect matchings off X (integer counts, or a float doubly stochastic matrix with ``tol``).

    Returns ([(matching, multiplicity), ...], complete); ``complete`` is False only when a
    float residual lost its perfect matching to rounding (never for integer input).
    """
    R = np.array(X, dtype=float if tol > 0 else np.int64)
    n = R.shape[0]
    agents = np.arange(n)
    found = perfect_matching(R > tol)
    if found is None:
        return [], False
    match = found.copy()
    owner = np.empty(n, dtype=np.int64)
    owner[match] = agents
    pieces: list[tuple[np.ndarray, float]] = []
    remaining = R.sum(axis=1).max()
    while remaining > tol * n:
        k = R[agents, match].min()
        pieces.append((match.copy(), k.item()))
        R[agents, match] -= k
        remaining -= k
        if tol > 0:
            R[R <= tol] = 0.0
        if remaining <= tol * n:
            break
        freed = np.flatnonzero(R[agents, match] <= tol)
        owner[match[freed]] = -1
        match[freed] = -1
        support = R > tol
        for agent in freed:
            if not _augment(support, match, owner, int(agent)):
                return pieces, False
    return pieces, True


def decompose(X: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """X as [(perfect matching, multiplicity)], multiplicities summing to T (ValueError on a bad X)."""
    check_count_matrix(X)
    pieces, complete = peel(np.asarray(X, dtype=np.int64))
    if not complete:  # impossible for a valid X (König); guard against a bug rather than return garbage
        raise RuntimeError("decomposition failed on a valid count matrix")
    return [(m, int(k)) for m, k in pieces]


def expand(pieces: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """The (T, n) schedule that plays each matching as many rounds as its multiplicity, in order."""
    return np.vstack([np.tile(m, (k, 1)) for m, k in pieces if k > 0])


def order_greedy(pieces: list[tuple[np.ndarray, int]], utilities: np.ndarray) -> np.ndarray:
    """Order the rounds for the anytime goal: each round plays the remaining matching that
    maximises the running minimum (ties: the larger round total). Returns (T, n)."""
    n = utilities.shape[0]
    gains = np.array([utilities[np.arange(n), m] for m, _ in pieces])  # (P, n)
    left = np.array([k for _, k in pieces], dtype=np.int64)
    cumulative = np.zeros(n)
    order = []
    totals = gains.sum(axis=1)
    for _ in range(int(left.sum())):
        minima = (cumulative[None, :] + gains).min(axis=1)
        score = np.where(left > 0, minima, -np.inf)
        best_value = score.max()
        ties = np.flatnonzero(score >= best_value - 1e-12 * max(1.0, abs(best_value)))
        p = int(ties[np.argmax(totals[ties])])
        order.append(p)
        left[p] -= 1
        cumulative += gains[p]
    return np.array([pieces[p][0] for p in order], dtype=np.int64)
