"""Rounding a fractional count matrix and improving integer ones (primal heuristics; no guarantee).

* :func:`apportion` — Birkhoff–von Neumann peeling of X*/T into permutations with weights
  λ_k, then the T rounds are shared among them by largest remainders.
* :func:`improve_counts` — local search in count space. A move takes one round of item a
  from agent i and one round of item b from agent j and swaps them:
  x_ia -1, x_ib +1, x_jb -1, x_ja +1. Row and column sums are unchanged, so the result is
  still a count matrix (and by König still T matchings); it is the count-space image of
  "swap two agents' items in one round". A move is taken when it raises min(U_i, U_j),
  which never lowers the global minimum.
"""

from __future__ import annotations

import time

import numpy as np

from agentzoo.systems.fair_matching.decompose import peel


def apportion(X_fractional: np.ndarray, T: int) -> list[tuple[np.ndarray, int]]:
    """[(permutation, rounds)] summing to T rounds, from a fractional count matrix with sums T."""
    pieces, _ = peel(np.asarray(X_fractional, dtype=float) / T, tol=1e-9)
    if not pieces:
        return []
    weights = np.array([w for _, w in pieces])
    weights = weights / weights.sum()
    counts = np.floor(weights * T).astype(np.int64)
    remainder = weights * T - counts
    for p in np.argsort(-remainder, kind="stable")[: T - counts.sum()]:
        counts[p] += 1
    return [(m, int(c)) for (m, _), c in zip(pieces, counts) if c > 0]


def counts_of(pieces: list[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    X = np.zeros((n, n), dtype=np.int64)
    for matching, k in pieces:
        X[np.arange(n), matching] += k
    return X


def improve_counts(u: np.ndarray, X: np.ndarray, *, target: float = np.inf, max_moves: int = 100_000,
                   seconds: float = np.inf) -> np.ndarray:
    """First-improvement local search on a count matrix; stops at ``target``, a local optimum or the budget."""
    X = np.array(X, dtype=np.int64)
    n = X.shape[0]
    U = (u * X).sum(axis=1)
    tol = 1e-12 * max(1.0, float(np.abs(U).max()))
    deadline = time.perf_counter() + seconds
    others = np.arange(n)
    for _ in range(max_moves):
        if U.min() >= target or time.perf_counter() > deadline:
            break
        moved = False
        for i in np.argsort(U, kind="stable"):
            a = np.flatnonzero(X[i] > 0)  # the items agent i holds at least once
            new_i = U[i] - u[i, a][:, None, None] + u[i][None, None, :]  # (A, 1, n): i gives a, takes b
            new_j = U[None, :, None] - u[None, :, :] + u[:, a].T[:, :, None]  # (A, n, n): j gives b, takes a
            gain = np.minimum(new_i, new_j) - np.minimum(U[i], U)[None, :, None]
            valid = (X[None, :, :] > 0) & (others[None, :, None] != i) & (a[:, None, None] != others[None, None, :])
            gain = np.where(valid, gain, -np.inf)
            best = int(np.argmax(gain))
            if gain.flat[best] <= tol:
                continue
            k, j, b = np.unravel_index(best, gain.shape)
            item = int(a[k])
            X[i, item] -= 1
            X[i, b] += 1
            X[j, b] -= 1
            X[j, item] += 1
            U[i], U[j] = new_i[k, 0, b], new_j[k, j, b]
            moved = True
            break
        if not moved:
            break
    return X
