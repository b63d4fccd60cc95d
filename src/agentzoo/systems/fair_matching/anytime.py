"""Anytime optimality (ours, spec "Anytime"): OPT(t) for every t, existence and best-α ILPs.

A sequence is anytime optimal when min_i U_i^t = OPT(t) for every t <= T, where OPT(t) is
the optimum of the t-round problem. Such sequences need not exist, so the existence ILP

    y_tio ∈ {0, 1};  Σ_o y_tio = 1, Σ_i y_tio = 1  (each round a perfect matching);
    Σ_{s<=t} Σ_o u_io y_sio >= OPT(t)   for all i, t

returns either a sequence or HiGHS's proof of infeasibility (the certificate: no sequence
reaches OPT(t) at every t). The best-α ILP replaces the right-hand side by α·OPT(t) and
maximises α ∈ [0, 1]: α* is the best achievable worst per-round ratio. Both have T·n²
binaries and are meant for small n, T (``Config.anytime_max_nt``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import LinearConstraint

from agentzoo.systems.fair_matching.exact import count_ilp, highs
from agentzoo.systems.fair_matching.instance import Instance


def opt_values(instance: Instance, *, time_limit_s: float = 60.0, mip_rel_gap: float = 1e-9) -> np.ndarray:
    """OPT(t) for t = 1..T (one count ILP each); raises if one is not proven optimal."""
    values = []
    for t in range(1, instance.rounds + 1):
        solution = count_ilp(instance.with_rounds(t), time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
        if solution.status != "optimal":
            raise TimeoutError(f"OPT({t}) not proven within {time_limit_s}s (gap to {solution.bound})")
        values.append(solution.value)
    return np.array(values)


@dataclass
class AnytimeResult:
    """The outcome of an anytime ILP: a (T, n) sequence or None, and why."""

    matchings: np.ndarray | None
    """The sequence found (None when none exists or none was found in time)."""
    status: str
    """optimal (found), infeasible (proven not to exist), time_limit (undecided)."""
    opt_t: np.ndarray
    """OPT(t), t = 1..T."""
    alpha: float | None
    """The best-α ILP's α* (None for the existence ILP)."""
    certificate: str
    """A sentence saying what was proven."""
    seconds: float

    @property
    def exists(self) -> bool | None:
        return {"optimal": True, "infeasible": False}.get(self.status)


def _sequence_model(instance: Instance, opt_t: np.ndarray, with_alpha: bool) -> tuple[list[LinearConstraint], int]:
    u, T, n = instance.utilities, instance.rounds, instance.n
    nv = T * n * n + (1 if with_alpha else 0)
    index = np.arange(T * n * n).reshape(T, n, n)
    cons = []
    for t in range(T):
        rows = sp.csr_matrix((np.ones(n * n), (np.repeat(np.arange(n), n), index[t].ravel())), shape=(n, nv))
        cols = sp.csr_matrix((np.ones(n * n), (np.tile(np.arange(n), n), index[t].ravel())), shape=(n, nv))
        cons += [LinearConstraint(rows, 1, 1), LinearConstraint(cols, 1, 1)]
    data, r, c = [], [], []
    for t in range(T):  # row (t, i): Σ_{s<=t} Σ_o u_io y_sio  [- α OPT(t)]
        for i in range(n):
            for s in range(t + 1):
                data.append(u[i])
                r.append(np.full(n, t * n + i))
                c.append(index[s, i])
            if with_alpha:
                data.append(np.array([-opt_t[t]]))
                r.append(np.array([t * n + i]))
                c.append(np.array([nv - 1]))
    cumulative = sp.csr_matrix((np.concatenate(data), (np.concatenate(r), np.concatenate(c))), shape=(T * n, nv))
    if with_alpha:
        cons.append(LinearConstraint(cumulative, 0, np.inf))
    else:
        rhs = np.repeat(opt_t - 1e-9 * np.maximum(1.0, np.abs(opt_t)), n)
        cons.append(LinearConstraint(cumulative, rhs, np.inf))
    return cons, nv


def _matchings(x: np.ndarray, T: int, n: int) -> np.ndarray:
    y = np.rint(x[: T * n * n]).reshape(T, n, n)
    return np.argmax(y, axis=2).astype(np.int64)


def anytime_exists(instance: Instance, opt_t: np.ndarray | None = None, *, time_limit_s: float = 60.0) -> AnytimeResult:
    """An anytime-optimal sequence, or a proof that none exists (never raises on non-existence)."""
    start = time.perf_counter()
    if opt_t is None:
        opt_t = opt_values(instance, time_limit_s=time_limit_s)
    T, n = instance.rounds, instance.n
    cons, nv = _sequence_model(instance, opt_t, with_alpha=False)
    remaining = max(0.05, time_limit_s - (time.perf_counter() - start))
    solved = highs(np.zeros(nv), cons, np.zeros(nv), np.ones(nv), np.ones(nv), remaining, 0.0)
    seconds = time.perf_counter() - start
    if solved.status == "infeasible":
        text = (f"HiGHS proved the existence ILP infeasible: no sequence reaches OPT(t) = "
                f"{np.round(opt_t, 9).tolist()} at every t")
        return AnytimeResult(None, "infeasible", opt_t, None, text, seconds)
    if solved.x is None:
        return AnytimeResult(None, "time_limit", opt_t, None, f"undecided after {time_limit_s}s", seconds)
    return AnytimeResult(_matchings(solved.x, T, n), "optimal", opt_t, None,
                         "sequence reaches OPT(t) at every t", seconds)


def best_alpha(instance: Instance, opt_t: np.ndarray | None = None, *, time_limit_s: float = 60.0) -> AnytimeResult:
    """α* = max over sequences of min_t min_i U_i^t / OPT(t), with a sequence attaining it."""
    start = time.perf_counter()
    if opt_t is None:
        opt_t = opt_values(instance, time_limit_s=time_limit_s)
    T, n = instance.rounds, instance.n
    cons, nv = _sequence_model(instance, opt_t, with_alpha=True)
    c = np.zeros(nv)
    c[-1] = 1.0
    integrality = np.ones(nv)
    integrality[-1] = 0
    ub = np.ones(nv)
    remaining = max(0.05, time_limit_s - (time.perf_counter() - start))
    solved = highs(c, cons, np.zeros(nv), ub, integrality, remaining, 1e-9)
    seconds = time.perf_counter() - start
    if solved.x is None:
        return AnytimeResult(None, "time_limit", opt_t, None, f"no sequence within {time_limit_s}s", seconds)
    M = _matchings(solved.x, T, n)
    alpha = anytime_ratio(instance, M, opt_t)
    status = solved.status
    return AnytimeResult(M, status, opt_t, alpha, f"alpha* {'=' if status == 'optimal' else '>='} {alpha:.6f}"
                         + ("" if status == "optimal" else f" (bound {solved.bound:.6f})"), seconds)


def anytime_ratio(instance: Instance, matchings: np.ndarray, opt_t: np.ndarray) -> float:
    """α = min_t min_i U_i^t / OPT(t) (rounds with OPT(t) = 0 count as ratio 1)."""
    u, n = instance.utilities, instance.n
    cumulative = np.cumsum(u[np.arange(n)[None, :], matchings], axis=0)[:, instance.real_agents].min(axis=1)
    ratios = np.where(opt_t > 0, cumulative / np.where(opt_t > 0, opt_t, 1.0), 1.0)
    return float(min(1.0, ratios.min()))
