"""Metrics: normalised return, steps to a threshold, reward correlation, EPIC, confidence intervals.

* Normalised return (R - R_rand) / (R_exp - R_rand) on the true reward of the standard env.
* Steps to 0.9: the first evaluation at which the normalised return reaches the threshold;
  censored at the budget (and flagged) when it never does.
* Reward correlation: Pearson rho between the recovered and the true per-state reward on a
  fixed coverage set.
* EPIC (Gleave et al. 2021, arXiv 2006.13900): canonicalise each reward with sample-based
  expectations, C(R)(s,a,s') = R(s,a,s') + E[gamma R(s',A,S') - R(s,A,S') - gamma R(S,A,S')],
  with S, S' ~ D_S and A ~ D_A, then D = sqrt((1 - rho) / 2) of the canonical rewards on the
  coverage transitions. It is 0 for positive rescaling, constant shifts and potential shaping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.stats

RewardFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""R(s, a, s') on batches (B, ds), (B, da), (B, ds) -> (B,)."""


def normalised_return(R: float | np.ndarray, R_rand: float, R_exp: float) -> float | np.ndarray:
    return (np.asarray(R, dtype=np.float64) - R_rand) / (R_exp - R_rand)


def steps_to_threshold(steps: Sequence[int], values: Sequence[float], threshold: float,
                       budget: int) -> tuple[int, bool]:
    """(first step > 0 whose value reaches ``threshold``, censored); censored runs report ``budget``.

    The evaluation at step 0 (the untrained sampler, identical for every method) is not counted:
    on CartPole a randomly initialised deterministic policy can already balance for a while.
    """
    for step, value in zip(steps, values):
        if step > 0 and value >= threshold:
            return int(step), False
    return int(budget), True


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; 0 when either side is constant (nothing to correlate)."""
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    if a.std() < 1e-12 or b.std() < 1e-12:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def canonicalise(R: RewardFn, s: np.ndarray, a: np.ndarray, s_next: np.ndarray,
                 S: np.ndarray, A: np.ndarray, gamma: float) -> np.ndarray:
    """EPIC's sample-based canonical reward on the transitions (s, a, s')."""
    B, M = len(s), len(S)

    def mean_from(x: np.ndarray) -> np.ndarray:
        """E_{A, S'}[R(x, A, S')] for each x, with (A, S') drawn as the sample pairs (A_j, S_j)."""
        X = np.repeat(x, M, axis=0)
        return R(X, np.tile(A, (len(x), 1)), np.tile(S, (len(x), 1))).reshape(len(x), M).mean(axis=1)

    base = R(s, a, s_next)
    mean_all = mean_from(S).mean()  # E[R(S, A, S')]
    return np.asarray(base + gamma * mean_from(s_next) - mean_from(s) - gamma * mean_all).reshape(B)


def epic_distance(R1: RewardFn, R2: RewardFn, s: np.ndarray, a: np.ndarray, s_next: np.ndarray,
                  S: np.ndarray, A: np.ndarray, gamma: float = 0.99) -> float:
    """EPIC pseudometric D(R1, R2) in [0, 1] on coverage transitions, with D_S / D_A samples."""
    c1 = canonicalise(R1, s, a, s_next, S, A, gamma)
    c2 = canonicalise(R2, s, a, s_next, S, A, gamma)
    rho = np.clip(pearson(c1, c2), -1.0, 1.0)
    return float(np.sqrt((1.0 - rho) / 2.0))


def state_epic(r1: np.ndarray, r2: np.ndarray) -> float:
    """EPIC distance of two state-only rewards r(s') given on the same coverage states.

    For R(s, a, s') = r(s') canonicalisation leaves r(s') - E r (up to the same constant for
    both rewards), so the distance reduces to the Pearson distance on the coverage set.
    """
    return float(np.sqrt((1.0 - np.clip(pearson(r1, r2), -1.0, 1.0)) / 2.0))


def mean_ci95(values: Sequence[float]) -> tuple[float, float]:
    """Mean and the half-width of its 95% t-interval (0 for a single value)."""
    x = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)
    if x.size == 0:
        return float("nan"), float("nan")
    if x.size == 1:
        return float(x[0]), 0.0
    half = scipy.stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return float(x.mean()), float(half)
