"""Brute force over all (n!)^T matching sequences, for known-answer tests on tiny instances (n <= 4, T <= 3)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from agentzoo.systems.fair_matching.instance import Instance

MAX_SEQUENCES = 2_000_000


@dataclass
class BruteForce:
    """Everything the exact solvers claim, computed by enumeration."""

    opt: float
    """OPT = max over sequences of min_i U_i^T."""
    opt_t: np.ndarray
    """OPT(t), t = 1..T."""
    anytime_exists: bool
    """Some sequence reaches OPT(t) at every t."""
    best_alpha: float
    """max over sequences of min_t min_i U_i^t / OPT(t)."""
    outcomes: np.ndarray
    """(P^T, n): U^T of every sequence (for Pareto dominance)."""


def brute_force(instance: Instance, tol: float = 1e-9) -> BruteForce:
    u, n, T = instance.utilities, instance.n, instance.rounds
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    P = len(perms)
    if P**T > MAX_SEQUENCES:
        raise ValueError(f"brute force over {P}^{T} sequences is too large (limit {MAX_SEQUENCES})")
    gains = u[np.arange(n)[None, :], perms]  # (P, n)
    cumulative = gains
    opt_t = []
    ok = ratio = None
    for t in range(T):
        if t:
            cumulative = (cumulative[:, None, :] + gains[None, :, :]).reshape(-1, n)
        minima = cumulative[:, instance.real_agents].min(axis=1)
        best = float(minima.max())
        opt_t.append(best)
        reaches = minima >= best - tol * max(1.0, abs(best))
        current = np.where(best > 0, minima / (best if best > 0 else 1.0), 1.0)
        ok = reaches if ok is None else np.repeat(ok, P) & reaches
        ratio = current if ratio is None else np.minimum(np.repeat(ratio, P), current)
    assert ok is not None and ratio is not None
    return BruteForce(opt_t[-1], np.array(opt_t), bool(ok.any()), float(min(1.0, ratio.max())), cumulative)


def dominated(U: np.ndarray, outcomes: np.ndarray, tol: float = 1e-9) -> bool:
    """Whether some outcome Pareto-dominates U (>= everywhere, > somewhere)."""
    geq = (outcomes >= U[None, :] - tol).all(axis=1)
    gt = (outcomes > U[None, :] + tol).any(axis=1)
    return bool((geq & gt).any())
