"""Special cases with exact polynomial algorithms (ours, with proofs; the paper's own cases are not yet known).

1. T = 1, bottleneck assignment: OPT = max_M min_i u_i(M(i)); binary search over the
   distinct utilities with a perfect-matching test (O(n^2.5 log n)), ties by max sum.
2. Identical utilities (u_io = v_o) with n | T: cyclic rotation gives every agent
   (T/n)·Σ_o v_o, the mean of Σ_i U_i = T·Σ_o v_o over n agents, so no schedule has a
   higher minimum.
3. Binary utilities (u ∈ {0, 1}): OPT is the largest k for which the network
   source→i (capacity k), i→o on liked edges (capacity T), o→sink (capacity T) carries
   n·k. A flow of n·k gives a partial count matrix with row sums k and column sums <= T,
   which completes to a full one (deficits of rows and columns have equal totals, and the
   transportation problem on the complete bipartite graph is always feasible); conversely
   any X with U_i >= k restricted to k liked rounds per agent is such a flow. Feasibility is
   monotone in k, so binary search on k ∈ [0, T].
4. n = 2: X = [[a, T-a], [T-a, a]], so enumerate a ∈ {0..T} in O(T).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from agentzoo.systems.fair_matching.assignment import bottleneck_matching
from agentzoo.systems.fair_matching.decompose import check_count_matrix
from agentzoo.systems.fair_matching.instance import Instance


def bottleneck(instance: Instance) -> tuple[float, np.ndarray]:
    """T = 1: the maximin perfect matching (tie-broken by max sum). Returns (value, matching)."""
    u = instance.utilities
    return bottleneck_matching(u, u)


def rotation_matchings(n: int, T: int) -> np.ndarray:
    """M_t(i) = (i + t) mod n: every agent gets every item floor(T/n) or ceil(T/n) times."""
    return (np.arange(n)[None, :] + np.arange(T)[:, None]) % n


def identical_optimum(instance: Instance) -> float | None:
    """(T/n)·Σ_o v_o when utilities are identical and n | T (rotation attains it), else None."""
    n, T = instance.n, instance.rounds
    if not instance.is_identical() or T % n:
        return None
    return T / n * float(instance.utilities[0].sum())


def _flow_value(liked: np.ndarray, k: int, T: int) -> tuple[int, np.ndarray]:
    """Max flow of the binary network at level k; returns (flow, agent→item flow matrix)."""
    n = liked.shape[0]
    source, sink = 2 * n, 2 * n + 1
    agents, items = np.nonzero(liked)
    tails = np.concatenate([np.full(n, source), agents, n + np.arange(n)])
    heads = np.concatenate([np.arange(n), n + items, np.full(n, sink)])
    caps = np.concatenate([np.full(n, k), np.full(len(agents), T), np.full(n, T)]).astype(np.int32)
    graph = csr_matrix((caps, (tails, heads)), shape=(2 * n + 2, 2 * n + 2))
    result = maximum_flow(graph, source, sink)
    flow = result.flow.toarray()[:n, n: 2 * n]
    return int(result.flow_value), np.maximum(flow, 0).astype(np.int64)


def _complete(partial: np.ndarray, T: int) -> np.ndarray:
    """Fill a partial count matrix (row and column sums <= T, equal totals deficit) to sums T (north-west corner)."""
    X = partial.copy()
    row_deficit = T - X.sum(axis=1)
    col_deficit = T - X.sum(axis=0)
    i = o = 0
    n = X.shape[0]
    while i < n and o < n:
        move = min(row_deficit[i], col_deficit[o])
        X[i, o] += move
        row_deficit[i] -= move
        col_deficit[o] -= move
        if row_deficit[i] == 0:
            i += 1
        else:
            o += 1
    check_count_matrix(X)
    return X


def binary_flow(instance: Instance) -> tuple[float, np.ndarray]:
    """Binary utilities: (OPT, an optimal count matrix X) by max flow and binary search on k."""
    if not instance.is_binary():
        raise ValueError("binary_flow needs utilities in {0, 1}")
    liked = instance.utilities > 0.5
    n, T = instance.n, instance.rounds
    lo, hi = 0, T
    if (~liked).all(axis=1).any():
        hi = 0  # an agent likes nothing: OPT = 0
    best = np.zeros((n, n), dtype=np.int64)
    while lo < hi:
        k = (lo + hi + 1) // 2
        value, flow = _flow_value(liked, k, T)
        if value == n * k:
            lo, best = k, flow
        else:
            hi = k - 1
    X = _complete(best, T)
    return float((instance.utilities * X).sum(axis=1).min()), X


def two_agents(instance: Instance) -> tuple[float, np.ndarray]:
    """n = 2: (OPT, X) by enumerating a = x_00 ∈ {0..T}."""
    if instance.n != 2:
        raise ValueError(f"two_agents needs n = 2, got n = {instance.n}")
    u, T = instance.utilities, instance.rounds
    a = np.arange(T + 1)
    U0 = a * u[0, 0] + (T - a) * u[0, 1]
    U1 = (T - a) * u[1, 0] + a * u[1, 1]
    best = int(np.argmax(np.minimum(U0, U1)))
    X = np.array([[best, T - best], [T - best, best]], dtype=np.int64)
    return float(min(U0[best], U1[best])), X
