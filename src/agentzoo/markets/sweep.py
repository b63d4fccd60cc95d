"""Parameter sweeps: one numba kernel streamed over T bars for P parameter sets in parallel.

Memory is O(T + P): every parameter set keeps O(1) state (running sums, position, cash, daily
statistics) and nothing of size T x P is ever allocated. Fills follow the engine's rules
exactly (:mod:`agentzoo.markets.backtest`: next-open fills, fee from the traded notional,
slippage, long/flat unless ``allow_short``), and the tests check that a kernel gives the same
equity as :func:`~agentzoo.markets.backtest.run_targets` on the equivalent vectorised strategy.

A kernel is ``step(t, open, high, low, close, params, state) -> target weight`` compiled with
numba; it may read only indices <= t (the built-in kernels are proven causal by the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from agentzoo.markets.backtest import DEFAULT_COSTS, DEFAULT_LIMITS, Costs, Limits
from agentzoo.markets.data import Bars


@dataclass(frozen=True)
class Kernel:
    """A streaming strategy for :func:`sweep`."""

    name: str
    step: Callable[..., float]
    """numba function ``step(t, open, high, low, close, params, state) -> target``."""
    params: tuple[str, ...]
    state_size: int
    driver: Callable[..., np.ndarray] | None = None
    """A precompiled, cached parallel driver (built-in kernels); else one is compiled on first use."""


@dataclass(frozen=True)
class SweepResult:
    """Per parameter set (P,) statistics; ``grid`` is (P, k)."""

    grid: np.ndarray
    final_equity: np.ndarray
    total_return: np.ndarray
    sharpe: np.ndarray
    """Annualised Sharpe of daily returns (as in :mod:`agentzoo.markets.metrics`)."""
    max_drawdown: np.ndarray
    n_trades: np.ndarray
    fees: np.ndarray


@njit(cache=True)
def _run_one(step, open_, high, low, close, day_end, params, state_size, fee, slip, max_weight, allow_short,
             capital, annualisation):  # pragma: no cover - compiled
    """Stream one parameter set over T bars with O(1) state; returns the 6 statistics."""
    T = close.shape[0]
    state = np.zeros(state_size)
    units, cash, pending, last = 0.0, capital, np.nan, 0.0
    e_prev, s1, s2, nd, peak, mdd, trades, fees = capital, 0.0, 0.0, 0, capital, 0.0, 0, 0.0
    e = capital
    for t in range(T):
        w = pending
        if not np.isnan(w):
            if not allow_short and w < 0:
                w = 0.0
            w = min(max(w, -max_weight), max_weight)
        if t > 0 and not np.isnan(w) and w != last:  # a repeated target lets the units drift
            last = w
            e_open = cash + units * open_[t]
            want = w * e_open / open_[t] if e_open > 0 else 0.0
            delta = want - units
            if delta != 0:  # size at the fill price, slippage included
                want = want / (1.0 + slip) if delta > 0 else want / (1.0 - slip)
                delta = want - units
            price = open_[t]
            if delta > 0:
                price = open_[t] * (1.0 + slip)
                cash -= delta * price
                units += delta * (1.0 - fee)  # the fee is taken from what is received
            elif delta < 0:
                price = open_[t] * (1.0 - slip)
                cash += -delta * price * (1.0 - fee)
                units += delta
            if delta != 0:
                trades += 1
                fees += fee * abs(delta) * price
        e = cash + units * close[t]
        if day_end[t]:
            r = e / e_prev - 1.0
            s1 += r
            s2 += r * r
            nd += 1
            e_prev = e
            peak = max(peak, e)
            mdd = max(mdd, 1.0 - e / peak)
        pending = step(t, open_, high, low, close, params, state)
    out = np.empty(6)
    out[2] = np.nan
    if nd > 1:
        var = (s2 - s1 * s1 / nd) / (nd - 1)
        if var > 0:
            out[2] = np.sqrt(annualisation) * (s1 / nd) / np.sqrt(var)
    out[0], out[1], out[3], out[4], out[5] = e, e / capital - 1.0, mdd, trades, fees
    return out


@njit(cache=True)
def sma_cross_step(t, open_, high, low, close, params, state):  # pragma: no cover
    """1 while SMA(fast) > SMA(slow) else 0, with running window sums (state[0], state[1])."""
    fast, slow = int(params[0]), int(params[1])
    if slow <= fast:
        slow = fast + 1
    state[0] += close[t]
    state[1] += close[t]
    if t >= fast:
        state[0] -= close[t - fast]
    if t >= slow:
        state[1] -= close[t - slow]
    if t < slow - 1:
        return 0.0
    return 1.0 if state[0] / fast > state[1] / slow else 0.0


@njit(parallel=True)  # numba cannot cache a parallel driver that takes a kernel: compiled once per process
def _drive_sma_cross(open_, high, low, close, day_end, grid, state_size, fee, slip, max_weight, allow_short,
                     capital, annualisation):  # pragma: no cover - compiled
    out = np.empty((grid.shape[0], 6))
    for p in prange(grid.shape[0]):
        out[p] = _run_one(sma_cross_step, open_, high, low, close, day_end, grid[p], state_size, fee, slip,
                          max_weight, allow_short, capital, annualisation)
    return out


def _make_driver(step: Callable[..., float]) -> Callable[..., np.ndarray]:
    """A parallel driver for a user kernel (compiled on first use, not cached on disk)."""

    @njit(parallel=True)
    def drive(open_, high, low, close, day_end, grid, state_size, fee, slip, max_weight, allow_short,
              capital, annualisation):  # pragma: no cover - compiled
        out = np.empty((grid.shape[0], 6))
        for p in prange(grid.shape[0]):
            out[p] = _run_one(step, open_, high, low, close, day_end, grid[p], state_size, fee, slip,
                              max_weight, allow_short, capital, annualisation)
        return out

    return drive


SMA_CROSS = Kernel("sma_cross", sma_cross_step, ("fast", "slow"), 2, _drive_sma_cross)
_DRIVERS: dict[int, Callable[..., np.ndarray]] = {}


def sweep(bars: Bars, kernel: Kernel, grid: np.ndarray, costs: Costs = DEFAULT_COSTS, limits: Limits = DEFAULT_LIMITS,
          capital: float = 1_000_000.0, asset: int = 0) -> SweepResult:
    """Run ``kernel`` on instrument ``asset`` for every row of ``grid`` ((P, len(kernel.params))).

    Applies fees, slippage, ``max_weight`` and ``allow_short``; the participation cap and the
    minimum trade notional of :class:`~agentzoo.markets.backtest.Limits` are not modelled here.
    """
    g = np.ascontiguousarray(np.asarray(grid, dtype=np.float64))
    if g.ndim != 2 or g.shape[1] != len(kernel.params):
        raise ValueError(f"grid must have shape (P, {len(kernel.params)}) for params {kernel.params}")
    fee, slip = costs.arrays(bars.N)
    day_end = np.zeros(bars.T, dtype=np.bool_)
    day_end[bars.day_starts[1:] - 1] = True
    cols = [np.ascontiguousarray(getattr(bars, f)[:, asset]) for f in ("open", "high", "low", "close")]
    driver = kernel.driver
    if driver is None:
        driver = _DRIVERS.setdefault(id(kernel.step), _make_driver(kernel.step))
    out = driver(*cols, day_end, g, kernel.state_size, float(fee[asset]), float(slip[asset]),
                 float(limits.max_weight), bool(limits.allow_short), float(capital), float(bars.annualisation))
    return SweepResult(g, out[:, 0], out[:, 1], out[:, 2], out[:, 3], out[:, 4].astype(np.int64), out[:, 5])
