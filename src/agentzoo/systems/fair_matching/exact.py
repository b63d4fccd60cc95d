"""Exact solvers: the count-matrix ILP for "optimal", and the anytime ILPs (HiGHS via scipy.optimize.milp).

**Count-matrix reduction (ours; spec "Count-matrix reduction").** End-of-horizon utilities
depend only on X, x_io = rounds in which agent i gets item o. X comes from a T-round
sequence iff X is a non-negative integer matrix with every row and column sum T: such an X
is the adjacency matrix of a T-regular bipartite multigraph, which König's edge-colouring
theorem splits into T perfect matchings (constructively: :mod:`.decompose`). Hence

    OPT = max z  s.t.  Σ_o x_io = T ∀i,  Σ_i x_io = T ∀o,  Σ_o u_io x_io >= z ∀i,  x_io ∈ {0..T}

and dropping integrality gives UB_LP. Since X/T is then any doubly stochastic matrix,
UB_LP(T) = T · UB_LP(1): one LP bounds every horizon.

Solve order in :func:`count_ilp` (each step either proves optimality or falls through):
(1) the LP; an integral LP optimum is ILP optimal. (2a) X* is rounded (Birkhoff peeling and
largest remainders) and improved by count-space swaps (:mod:`.rounding`); (2b) when UB_LP
equals the trivial bound T·min_i max_o u_io (typical of i.i.d. utilities), a feasibility ILP
looks for an integer X with every U_i >= UB_LP - gap. Any integer X reaching UB_LP - gap is
optimal within the gap, because OPT <= UB_LP. (3) The full ILP, whose final dual bound is
reported with the best incumbent at a time limit (never called optimal). Every value is
recomputed from the rounded, re-verified X. The gap is relative to max(1, UB_LP).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from agentzoo.systems.fair_matching.decompose import check_count_matrix
from agentzoo.systems.fair_matching.instance import Instance
from agentzoo.systems.fair_matching.rounding import apportion, counts_of, improve_counts

log = logging.getLogger(__name__)

FEASIBILITY_SHARE = 0.3
"""Share of the time limit given to the feasibility step (2b) before the full ILP."""
HEURISTIC_SHARE = 0.1
"""Share of the time limit given to the rounding step (2a)."""


@dataclass
class Solved:
    """One HiGHS solve: status is optimal / time_limit / infeasible; x is None without incumbent."""

    status: str
    x: np.ndarray | None
    objective: float
    bound: float
    seconds: float


def highs(c: np.ndarray, constraints: list[LinearConstraint], lb: np.ndarray, ub: np.ndarray,
          integrality: np.ndarray | None, time_limit: float, gap: float) -> Solved:
    """Maximise c·x (HiGHS through scipy.optimize.milp); bound is an upper bound on the max."""
    start = time.perf_counter()
    options: dict[str, Any] = {"time_limit": max(0.01, float(time_limit)), "mip_rel_gap": float(gap)}
    res = milp(-c, constraints=constraints, integrality=integrality, bounds=Bounds(lb, ub), options=options)
    seconds = time.perf_counter() - start
    if res.status == 2:
        return Solved("infeasible", None, float("nan"), float("nan"), seconds)
    if res.status not in (0, 1):
        raise RuntimeError(f"HiGHS failed: status {res.status}: {res.message}")
    x = None if res.x is None else np.asarray(res.x)
    objective = float(-res.fun) if x is not None else float("nan")
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(-dual) if dual is not None and np.isfinite(dual) else (objective if res.status == 0 else float("inf"))
    return Solved("optimal" if res.status == 0 else "time_limit", x, objective, bound, seconds)


# ---------------------------------------------------------------------- the count model
def _count_rows(u: np.ndarray, T: int, extra: int) -> tuple[list[LinearConstraint], sp.csr_matrix]:
    """Row/column-sum constraints on x (first n² variables of n² + extra) and the matrix U = A_u x."""
    n = u.shape[0]
    nv = n * n + extra
    index = np.arange(n * n)
    agent, item = index // n, index % n
    ones = np.ones(n * n)
    rows = sp.csr_matrix((ones, (agent, index)), shape=(n, nv))
    cols = sp.csr_matrix((ones, (item, index)), shape=(n, nv))
    A_u = sp.csr_matrix((u.ravel(), (agent, index)), shape=(n, nv))  # (A_u x)_i = Σ_o u_io x_io = U_i
    return [LinearConstraint(rows, T, T), LinearConstraint(cols, T, T)], A_u


def _counts_from(x: np.ndarray, n: int) -> np.ndarray:
    X = np.rint(x[: n * n]).astype(np.int64).reshape(n, n)
    check_count_matrix(X)  # cannot fail for n < 5e5 (rounding error < 0.5 per row); never trust floats
    return X


def lp_bound(instance: Instance) -> tuple[float, np.ndarray]:
    """UB_LP and an LP-optimal fractional count matrix X* (rows and columns sum to T)."""
    u, T, n = instance.utilities, instance.rounds, instance.n
    base, A_u = _count_rows(u, T, 1)
    z = sp.csr_matrix((-np.ones(n), (np.arange(n), np.full(n, n * n))), shape=(n, n * n + 1))
    cons = [*base, LinearConstraint(A_u + z, 0, np.inf)]  # U_i - z >= 0
    c = np.zeros(n * n + 1)
    c[-1] = 1.0
    lb = np.zeros(n * n + 1)
    ub = np.full(n * n + 1, float(T))
    ub[-1] = np.inf
    solved = highs(c, cons, lb, ub, None, 3600, 0.0)
    assert solved.x is not None
    return solved.objective, solved.x[: n * n].reshape(n, n)


@dataclass
class CountSolution:
    """An end-of-horizon solution: X (None without incumbent), its recomputed value and a proven bound."""

    X: np.ndarray | None
    value: float
    bound: float
    status: str
    seconds: float
    info: dict[str, Any] = field(default_factory=dict)


def _value(u: np.ndarray, X: np.ndarray) -> float:
    return float((u * X).sum(axis=1).min())


def count_ilp(instance: Instance, *, time_limit_s: float = 60.0, mip_rel_gap: float = 1e-6) -> CountSolution:
    """The maximin count matrix (steps 1-3 of the module docstring)."""
    start = time.perf_counter()
    u, T, n = instance.utilities, instance.rounds, instance.n
    ub_lp, X_lp = lp_bound(instance)
    scale = max(1.0, abs(ub_lp))
    info: dict[str, Any] = {"ub_lp": ub_lp, "step": "lp"}
    if np.abs(X_lp - np.rint(X_lp)).max() <= 1e-9:  # (1) integral LP optimum
        X = _counts_from(X_lp.ravel(), n)
        if _value(u, X) >= ub_lp - 1e-9 * scale:
            return CountSolution(X, _value(u, X), ub_lp, "optimal", time.perf_counter() - start, info)
    target = ub_lp - mip_rel_gap * scale
    info["step"] = "rounding"  # (2a) round X* and improve it by count-space swaps
    pieces = apportion(X_lp, T)
    best: np.ndarray | None = None
    if pieces:
        best = improve_counts(u, counts_of(pieces, n), target=target, seconds=HEURISTIC_SHARE * time_limit_s)
        if _value(u, best) >= target - 1e-9 * scale:
            return CountSolution(best, _value(u, best), ub_lp, "optimal", time.perf_counter() - start, info)
    base, A_u = _count_rows(u, T, 1)
    z_col = sp.csr_matrix((-np.ones(n), (np.arange(n), np.full(n, n * n))), shape=(n, n * n + 1))
    integrality = np.ones(n * n + 1)
    integrality[-1] = 0
    lb = np.zeros(n * n + 1)
    ub = np.full(n * n + 1, float(T))
    ub[-1] = ub_lp + 1e-9 * scale
    trivial = T * float(u.max(axis=1).min())
    if ub_lp >= trivial - 1e-9 * scale:  # (2b) the LP bound is likely attainable: look for it
        info["step"] = "feasibility"
        feas_lb = lb.copy()
        feas_lb[-1] = target
        budget = FEASIBILITY_SHARE * time_limit_s
        solved = highs(np.zeros(n * n + 1), [*base, LinearConstraint(A_u + z_col, 0, np.inf)],
                       feas_lb, ub, integrality, budget, mip_rel_gap)
        if solved.x is not None:
            found = _counts_from(solved.x, n)
            if _value(u, found) >= target - 1e-7 * scale:
                return CountSolution(found, _value(u, found), ub_lp, "optimal", time.perf_counter() - start, info)
            if best is None or _value(u, found) > _value(u, best):
                best = found
    info["step"] = "ilp"
    remaining = time_limit_s - (time.perf_counter() - start)
    c = np.zeros(n * n + 1)
    c[-1] = 1.0
    solved = highs(c, [*base, LinearConstraint(A_u + z_col, 0, np.inf)], lb, ub, integrality,
                   max(0.05, remaining), mip_rel_gap)
    bound = min(ub_lp, solved.bound)
    if solved.x is not None:
        X = _counts_from(solved.x, n)
        if best is None or _value(u, X) > _value(u, best):
            best = X
    seconds = time.perf_counter() - start
    if best is None:
        return CountSolution(None, float("nan"), bound, "time_limit", seconds, info)
    value = _value(u, best)
    proven = solved.status == "optimal" or value >= bound - mip_rel_gap * scale
    return CountSolution(best, value, bound, "optimal" if proven else "time_limit", seconds, info)


def max_welfare_above(instance: Instance, lower: np.ndarray, *, time_limit_s: float = 60.0,
                      mip_rel_gap: float = 1e-9) -> Solved:
    """max Σ_i U_i over count matrices s.t. U_i >= lower_i (x holds X, flattened).

    Used by the utilitarian refinement (lower = OPT for every agent: the result is maximin
    optimal and Pareto optimal) and by the Pareto check (:mod:`.pareto`).
    """
    u, T, n = instance.utilities, instance.rounds, instance.n
    base, A_u = _count_rows(u, T, 0)
    c = u.ravel().astype(float).copy()
    cons = [*base, LinearConstraint(A_u, np.asarray(lower, dtype=float), np.inf)]
    return highs(c, cons, np.zeros(n * n), np.full(n * n, float(T)), np.ones(n * n), time_limit_s, mip_rel_gap)


def refine_utilitarian(instance: Instance, X: np.ndarray, *, time_limit_s: float = 60.0) -> np.ndarray:
    """Among count matrices with min U >= value(X), the one of maximum Σ U (X itself if none better is found)."""
    u = instance.utilities
    floor = _value(u, X)
    lower = np.full(instance.n, floor - 1e-9 * max(1.0, abs(floor)))
    solved = max_welfare_above(instance, lower, time_limit_s=time_limit_s)
    if solved.x is None:
        return X
    better = _counts_from(solved.x, instance.n)
    if _value(u, better) >= floor - 1e-9 * max(1.0, abs(floor)) and (u * better).sum() >= (u * X).sum():
        return better
    return X


def refine_leximin(instance: Instance, X: np.ndarray, *, time_limit_s: float = 60.0) -> np.ndarray:
    """Leximin count matrix by lexicographically maximising S_k = sum of the k smallest U_i, k = 1..n.

    S_k = max_r (k·r - Σ_i (r - U_i)^+) (Ogryczak's linearisation), so step k adds r_k and
    d_k >= 0 with d_ki >= r_k - U_i and keeps S_j >= S_j* for j < k. Exact for small n; on a
    time limit it stops and returns the last completed step.
    """
    u, T, n = instance.utilities, instance.rounds, instance.n
    deadline = time.perf_counter() + time_limit_s
    best = X
    achieved: list[float] = []
    for k in range(1, n + 1):
        extra = k * (n + 1)  # (r_j, d_j1..d_jn) for j = 1..k
        nv = n * n + extra
        base, A_u = _count_rows(u, T, extra)
        cons = list(base)
        objective_rows = []
        for j in range(1, k + 1):
            offset = n * n + (j - 1) * (n + 1)
            r = sp.csr_matrix((-np.ones(n), (np.arange(n), np.full(n, offset))), shape=(n, nv))
            d = sp.csr_matrix((np.ones(n), (np.arange(n), offset + 1 + np.arange(n))), shape=(n, nv))
            cons.append(LinearConstraint(A_u + r + d, 0, np.inf))  # d_ji >= r_j - U_i
            s = np.zeros(nv)
            s[offset] = j
            s[offset + 1: offset + 1 + n] = -1.0  # S_j = j r_j - Σ_i d_ji
            objective_rows.append(s)
        for j, level in enumerate(achieved):
            cons.append(LinearConstraint(objective_rows[j][None, :], level - 1e-7 * max(1.0, abs(level)), np.inf))
        lb = np.zeros(nv)
        ub = np.full(nv, float(T))
        for j in range(k):
            lb[n * n + j * (n + 1)] = -np.inf
            ub[n * n + j * (n + 1)] = np.inf
            ub[n * n + j * (n + 1) + 1: n * n + (j + 1) * (n + 1)] = np.inf
        integrality = np.zeros(nv)
        integrality[: n * n] = 1
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        solved = highs(objective_rows[-1], cons, lb, ub, integrality, remaining, 1e-9)
        if solved.status != "optimal" or solved.x is None:
            break
        best = _counts_from(solved.x, n)
        achieved.append(float(np.sort((u * best).sum(axis=1))[:k].sum()))
    return best
