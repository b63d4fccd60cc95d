"""Classical baselines, long/flat, each a :class:`~agentzoo.markets.strategy.Family` with a grid.

* **buy-and-hold** - w = 1 from the first bar;
* **grid** - a ladder below a moving reference: w = min(L, floor((1 - C/ref) / g)) / L with
  ref = SMA(n); every level crossed adds 1/L, every level recovered sells it;
* **SMA crossover** - w = 1 while SMA(fast) > SMA(slow), else 0;
* **RSI mean reversion** - enter when RSI(n) < lo, exit when RSI(n) > hi.

All are causal (tested for prefix invariance) and tuned by :func:`agentzoo.markets.strategy.tune`
with the same budget and windows as the method they are compared with.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numba import njit

from agentzoo.markets import indicators as ind
from agentzoo.markets.data import Bars
from agentzoo.markets.strategy import Family, Param, per_column


def _buy_and_hold(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
    return np.ones((bars.T, bars.N))


def _grid(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
    n, g, L = int(p["n"]), float(p["spacing"]), int(p["levels"])

    def one(close: np.ndarray) -> np.ndarray:
        ref = ind.sma(close, n)
        with np.errstate(invalid="ignore"):
            level = np.floor((1 - close / ref) / g)
        return np.where(np.isnan(level), 0.0, np.clip(level, 0, L) / L)

    return per_column(one, bars, "close")


def sma_cross_targets(close: np.ndarray, fast: int, slow: int) -> np.ndarray:
    """1.0 while SMA(fast) > SMA(slow), else 0.0 (0 during warm-up)."""
    f, s = ind.sma(close, fast), ind.sma(close, slow)
    with np.errstate(invalid="ignore"):
        return (f > s).astype(np.float64)


def _sma_cross(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
    fast = int(p["fast"])
    slow = max(int(p["slow"]), fast + 1)
    return per_column(lambda c: sma_cross_targets(c, fast, slow), bars, "close")


@njit(cache=True)
def _hysteresis(x: np.ndarray, enter_below: float, exit_above: float) -> np.ndarray:  # pragma: no cover
    """1 from the first x < enter_below until the first x > exit_above, and so on."""
    out = np.zeros(len(x))
    pos = 0.0
    for t in range(len(x)):
        if not np.isnan(x[t]):
            if pos == 0.0 and x[t] < enter_below:
                pos = 1.0
            elif pos == 1.0 and x[t] > exit_above:
                pos = 0.0
        out[t] = pos
    return out


def _rsi_reversion(bars: Bars, p: Mapping[str, float]) -> np.ndarray:
    n, lo, hi = int(p["n"]), float(p["lo"]), float(p["hi"])
    return per_column(lambda c: _hysteresis(ind.rsi(c, n), lo, hi), bars, "close")


BUY_AND_HOLD = Family("buy_and_hold", _buy_and_hold, (), "hold the instrument from the first bar")
GRID = Family(
    "grid", _grid,
    (Param("n", 20, 2880, 390, integer=True, log=True, doc="reference SMA window (bars)"),
     Param("spacing", 0.0005, 0.05, 0.005, log=True, doc="level spacing g (fraction of ref)"),
     Param("levels", 2, 8, 4, integer=True, doc="number of levels L")),
    "ladder of buy levels below a moving reference", warmup=lambda p: int(p["n"]))
SMA_CROSS = Family(
    "sma_cross", _sma_cross,
    (Param("fast", 5, 240, 10, integer=True, log=True, doc="fast SMA window (bars)"),
     Param("slow", 20, 2880, 50, integer=True, log=True, doc="slow SMA window (bars)")),
    "long while the fast SMA is above the slow SMA", warmup=lambda p: int(p["slow"]))
RSI_REVERSION = Family(
    "rsi_reversion", _rsi_reversion,
    (Param("n", 5, 120, 14, integer=True, log=True, doc="RSI window (bars)"),
     Param("lo", 10, 45, 30, doc="enter below this RSI"),
     Param("hi", 50, 90, 55, doc="exit above this RSI")),
    "buy oversold (RSI < lo), sell when RSI > hi", warmup=lambda p: int(p["n"]) + 1)

BASELINES: dict[str, Family] = {f.name: f for f in (BUY_AND_HOLD, GRID, SMA_CROSS, RSI_REVERSION)}
"""The four classical baselines by name."""
