"""The backtesting engine: next-bar fills, fees, slippage, limits; look-ahead impossible by construction.

Rules (the engine applies them, never the strategy):

* a target weight w_i decided on bar t's close fills at bar t+1's open, at
  open[t+1] * (1 +- slippage_bps / 1e4) (worse for the trader);
* a buy of q units spends q * price and receives q * (1 - f) units; a sell of q units receives
  q * price * (1 - f) cash, with f = fee_bps / 1e4 - either way the fee is f of the traded notional;
* target units come from the equity valued at bar t+1's open: q* = w * E_open / fill price;
* holdings are kept in units (they drift between trades) and marked to market at each close;
* limits: |w_i| <= max_weight, sum |w_i| <= max_gross (scaled down), no shorts unless
  ``allow_short``, trades below ``min_trade_notional`` skipped, and an optional participation
  cap |dq| <= participation * volume[t+1] whose unfilled rest is dropped and counted;
* a NaN target, or the same weight as the last one acted on, means "keep the current units"
  (holdings drift with prices; change the target to rebalance).

Entry points: :func:`run_targets` (a vectorised strategy function, checked for look-ahead by
prefix invariance), :func:`run_streaming` (a bot called bar by bar with a :class:`PastView`
that raises :class:`FutureAccessError` on any index beyond the current bar) and
:func:`agentzoo.markets.sweep.sweep` (a numba kernel over many parameter sets).

The fill loop and the result live in :mod:`~agentzoo.markets.engine`, the streaming view in
:mod:`~agentzoo.markets.streaming`; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from agentzoo.markets.data import Bars
from agentzoo.markets.engine import (
    DEFAULT_COSTS,
    DEFAULT_LIMITS,
    BacktestResult,
    Costs,
    FutureAccessError,
    Limits,
    LookAheadError,
    simulate,
)
from agentzoo.markets.streaming import Bot, PastArray, PastView, run_streaming

__all__ = [
    "DEFAULT_COSTS",
    "DEFAULT_LIMITS",
    "BacktestResult",
    "Bot",
    "Costs",
    "FutureAccessError",
    "Limits",
    "LookAheadError",
    "PastArray",
    "PastView",
    "StrategyFn",
    "check_prefix_invariance",
    "run_streaming",
    "run_targets",
    "simulate",
]

# ---------------------------------------------------------------------- vectorised strategies
StrategyFn = Callable[[Bars], np.ndarray]


def check_prefix_invariance(bars: Bars, strategy: StrategyFn, *, n_cuts: int = 4, seed: int = 0,
                            rtol: float = 1e-9, full: np.ndarray | None = None) -> np.ndarray:
    """Raise :class:`LookAheadError` unless ``strategy(bars[:c+1]) == strategy(bars)[:c+1]``.

    Checked at ``n_cuts`` seeded cut points c; catches future indexing, full-sample
    normalisation, centred windows and backward fills. Returns the full-sample output.
    """
    out = np.asarray(strategy(bars) if full is None else full, dtype=np.float64)
    if bars.T < 3:
        return out
    gen = np.random.default_rng([seed, bars.T])
    cuts = np.sort(gen.choice(np.arange(1, bars.T - 1), size=min(n_cuts, bars.T - 2), replace=False))
    for c in cuts:
        part = np.asarray(strategy(bars[: int(c) + 1]), dtype=np.float64)
        ref = out[: int(c) + 1]
        if part.shape != ref.shape:
            raise LookAheadError(f"strategy output has shape {part.shape} on the first {c + 1} bars, expected {ref.shape}")
        same = np.isclose(part, ref, rtol=rtol, atol=0.0, equal_nan=True)
        if not same.all():
            bad = int(np.argwhere(~same)[0][0])
            raise LookAheadError(
                f"look-ahead: the decision at bar {bad} changes when bars after {int(c)} are removed "
                f"({ref.reshape(len(ref), -1)[bad].tolist()} with the future, {part.reshape(len(part), -1)[bad].tolist()} without)")
    return out


def run_targets(bars: Bars, strategy: StrategyFn, costs: Costs = DEFAULT_COSTS, limits: Limits = DEFAULT_LIMITS,
                capital: float = 1_000_000.0, *, seed: int = 0, unsafe_skip_lookahead_check: bool = False) -> BacktestResult:
    """Backtest a vectorised strategy: ``strategy(bars)`` returns the (T,) or (T, N) target weights.

    The strategy must pass :func:`check_prefix_invariance` (4 seeded cut points) unless it is a
    built-in marked ``strategy.causal = True`` (proven causal by the tests).
    ``unsafe_skip_lookahead_check`` exists only so tests can show that the check has teeth.
    """
    if getattr(strategy, "causal", False) or unsafe_skip_lookahead_check:
        targets = np.asarray(strategy(bars), dtype=np.float64)
    else:
        targets = check_prefix_invariance(bars, strategy, seed=seed)
    return simulate(bars, targets, costs, limits, capital)
