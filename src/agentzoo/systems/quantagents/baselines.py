"""Classical baselines on the same data, costs and next-open fills (the markets core's engine).

Each is a causal :class:`agentzoo.markets.strategy.Family` (targets on rebalance days, NaN = hold
otherwise), so :func:`agentzoo.markets.strategy.tune` can pick its parameters on walk-forward windows:

* ``equal_weight`` - buy and hold every name equally, rebalanced in each month's first trading week;
* ``mv`` - long-only mean-variance: maximise mu'w - (gamma / 2) w' Sigma w with 0 <= w_j <= max_weight and
  sum w <= 1, on a ``window``-day sample with the covariance shrunk 50% toward its diagonal, weekly;
* ``tsm`` - time-series momentum: long a name while its ``lookback``-day return is positive, sized
  target_vol / sigma_j / N, weekly;
* ``reversal`` - cross-sectional short-term reversal, the k worst ``lookback``-day performers, weekly
  (a stand-in for the paper's ZMR, whose exact definition is not reproduced).

The paper's SAC, DeepTrader, AlphaMix+, FinGPT, FinMem, FinAgent and HedgeAgents are not built.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numba import njit

from agentzoo.markets.data import Bars
from agentzoo.markets.strategy import Family, Param


def rebalance_days(bars: Bars, every: str = "week") -> np.ndarray:
    """(T,) bool: the first trading day of each week (Monday-based) or month."""
    day = bars.day
    if every == "week":
        key = (day + 3) // 7  # 1970-01-01 was a Thursday; weeks start on Mondays
    else:
        key = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.r_[True, key[1:] != key[:-1]]


def _returns(close: np.ndarray) -> np.ndarray:
    return np.vstack([np.zeros((1, close.shape[1])), close[1:] / close[:-1] - 1])


@njit(cache=True)
def _project(v: np.ndarray, cap: float) -> np.ndarray:  # pragma: no cover - compiled
    n = len(v)
    w = np.minimum(np.maximum(v, 0.0), cap)
    if w.sum() <= 1.0:
        return w
    lo, hi = 0.0, v.max()  # g(lam) = sum clip(v - lam, 0, cap) is decreasing; g(0) > 1 >= g(max v) = 0
    for _ in range(100):
        lam = 0.5 * (lo + hi)
        g = 0.0
        for j in range(n):
            g += min(max(v[j] - lam, 0.0), cap)
        if g > 1.0:
            lo = lam
        else:
            hi = lam
    return np.minimum(np.maximum(v - hi, 0.0), cap)


def project_capped_simplex(v: np.ndarray, cap: float) -> np.ndarray:
    """Euclidean projection onto {w : 0 <= w_j <= cap, sum w <= 1}: w = clip(v - lam, 0, cap) with the
    smallest lam >= 0 that makes sum w <= 1 (bisection to machine precision)."""
    return np.asarray(_project(np.ascontiguousarray(v, dtype=np.float64), float(cap)))


@njit(cache=True)
def _fista(mu, cov, gamma, cap, w0, step, iters, tol):  # pragma: no cover - compiled
    w = _project(w0, cap)
    y = w.copy()
    tk = 1.0
    for _ in range(iters):
        w_next = _project(y + step * (mu - gamma * (cov @ y)), cap)
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * tk * tk))
        y = w_next + (tk - 1.0) / t_next * (w_next - w)
        done = np.abs(w_next - w).max() < tol
        w, tk = w_next, t_next
        if done:
            break
    return w


def mean_variance(mu: np.ndarray, cov: np.ndarray, gamma: float, cap: float, w0: np.ndarray | None = None,
                  iters: int = 2000, tol: float = 1e-10) -> np.ndarray:
    """argmax_w mu'w - (gamma / 2) w' cov w over 0 <= w_j <= cap, sum w <= 1: accelerated projected gradient
    (FISTA) with step 1 / (gamma * largest eigenvalue of cov)."""
    L = gamma * float(np.linalg.eigvalsh(cov)[-1]) + 1e-12
    start = np.zeros_like(mu) if w0 is None else np.asarray(w0, dtype=np.float64)
    return np.asarray(_fista(np.ascontiguousarray(mu, dtype=np.float64), np.ascontiguousarray(cov, dtype=np.float64),
                             float(gamma), float(cap), np.ascontiguousarray(start), 1.0 / L, iters, tol))


def make_families(max_weight: float = 0.2) -> dict[str, Family]:
    """The four baselines as tunable families (``max_weight`` enters the mean-variance optimiser)."""

    def equal_weight(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
        # set on every week start (so a test window starting mid-month is invested from its first day); the
        # engine keeps drifting units while a target repeats, so a 1e-9 flip each month forces the monthly rebalance
        out = np.full((bars.T, bars.N), np.nan)
        month = bars.day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        weeks = rebalance_days(bars)
        out[weeks] = (min(1.0 / bars.N, max_weight) * (1.0 - 1e-9 * (month[weeks] % 2)))[:, None]
        return out

    def mv(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
        n, gamma = int(p["window"]), float(p["gamma"])
        r = _returns(bars.close)
        out = np.full((bars.T, bars.N), np.nan)
        w_prev = np.full(bars.N, min(1.0 / bars.N, max_weight))
        for t in np.flatnonzero(rebalance_days(bars)):
            if t < n:
                out[t] = 0.0
                continue
            x = r[t - n + 1 : t + 1]
            cov = np.cov(x, rowvar=False)
            cov = 0.5 * cov + 0.5 * np.diag(np.diag(cov))  # shrink 50% toward the diagonal
            w = mean_variance(x.mean(axis=0), cov, gamma, max_weight, w_prev)
            out[t] = w_prev = np.where(w < 1e-4, 0.0, w)  # no dust trades
        return out

    def tsm(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
        n, target = int(p["lookback"]), float(p["target_vol"])
        r = _returns(bars.close)
        out = np.full((bars.T, bars.N), np.nan)
        for t in np.flatnonzero(rebalance_days(bars)):
            if t < n:
                out[t] = 0.0
                continue
            up = bars.close[t] / bars.close[t - n] - 1 > 0
            vol = r[t - 19 : t + 1].std(axis=0, ddof=1) * np.sqrt(252)
            w = np.where(up & (vol > 0), target / np.maximum(vol, 1e-9) / bars.N, 0.0)
            out[t] = w / w.sum() if w.sum() > 1 else w
        return out

    def reversal(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
        k, n = min(int(p["k"]), bars.N), int(p["lookback"])
        out = np.full((bars.T, bars.N), np.nan)
        for t in np.flatnonzero(rebalance_days(bars)):
            if t < n:
                out[t] = 0.0
                continue
            past = bars.close[t] / bars.close[t - n] - 1
            w = np.zeros(bars.N)
            w[np.argsort(past, kind="stable")[:k]] = min(1.0 / k, max_weight)
            out[t] = w
        return out

    return {f.name: f for f in (
        Family("equal_weight", equal_weight, (), "equal weights, rebalanced monthly"),
        Family("mv", mv, (Param("window", 20, 250, 60, integer=True, doc="estimation window (days)"),
                          Param("gamma", 1.0, 50.0, 5.0, log=True, doc="risk aversion")),
               "long-only mean-variance, weekly", warmup=lambda p: int(p["window"])),
        Family("tsm", tsm, (Param("lookback", 20, 250, 60, integer=True, doc="trend window (days)"),
                            Param("target_vol", 0.05, 0.5, 0.15, doc="volatility target per name")),
               "time-series momentum, volatility-scaled, weekly", warmup=lambda p: int(p["lookback"])),
        Family("reversal", reversal, (Param("k", 1, 10, 5, integer=True, doc="names held"),
                                      Param("lookback", 2, 20, 5, integer=True, doc="reversal window (days)")),
               "cross-sectional short-term reversal (ZMR stand-in), weekly", warmup=lambda p: int(p["lookback"])),
    )}
