"""The trusted core of the backtester: costs, limits, the numba fill loop and its result.

:func:`simulate` trades a matrix of target weights decided at each close; it does not check
where the targets came from (see :mod:`agentzoo.markets.backtest` for the rules and for the
look-ahead-checked entry points).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from agentzoo.markets.data import Bars
from agentzoo.markets.trades import trips_of as _trips_of


class LookAheadError(RuntimeError):
    """A strategy's decision at some bar depends on later bars."""


class FutureAccessError(LookAheadError, IndexError):
    """A streaming bot indexed a bar after the current one."""


@dataclass(frozen=True)
class Costs:
    """Trading costs, one value for all instruments or one per instrument."""

    fee_bps: float | tuple[float, ...] = 10.0
    """Fee as basis points of traded notional."""
    slippage_bps: float | tuple[float, ...] = 0.0
    """Fill price moves against the trader by this many basis points of the open."""

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        fee = np.broadcast_to(np.asarray(self.fee_bps, dtype=np.float64), (n,)) / 1e4
        slip = np.broadcast_to(np.asarray(self.slippage_bps, dtype=np.float64), (n,)) / 1e4
        if (fee < 0).any() or (slip < 0).any():
            raise ValueError("fees and slippage must be >= 0")
        return np.ascontiguousarray(fee), np.ascontiguousarray(slip)


@dataclass(frozen=True)
class Limits:
    """Position limits applied by the engine to every target."""

    max_weight: float = 1.0
    """|w_i| cap per instrument (fraction of equity)."""
    max_gross: float = 1.0
    """Cap on sum_i |w_i|; larger targets are scaled down proportionally."""
    allow_short: bool = False
    """Negative weights allowed; otherwise clipped to 0."""
    min_trade_notional: float = 0.0
    """Trades smaller than this (in currency) are skipped."""
    participation: float | None = None
    """Cap |dq| <= participation * volume of the fill bar; None = no cap."""


DEFAULT_COSTS = Costs()
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """The path of one backtest; arrays indexed by bar (T,) or bar x instrument (T, N)."""

    bars: Bars
    targets: np.ndarray
    """(T, N) weights as decided at each close (before limits; NaN = hold)."""
    equity: np.ndarray
    """(T,) equity marked at each bar's close."""
    units: np.ndarray
    """(T, N) units held during bar t (after the fill at its open)."""
    cash: np.ndarray
    fees: np.ndarray
    """(T,) fees paid at bar t's open."""
    traded: np.ndarray
    """(T,) notional traded at bar t's open."""
    fill_price: np.ndarray
    """(T, N) fill price at bar t's open, NaN where nothing traded."""
    unfilled: int
    """Fills cut by the participation cap."""
    capital: float
    latency_ns: np.ndarray | None = None
    """Per-bar decision time of a streaming bot (None for vectorised strategies)."""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def gross_exposure(self) -> np.ndarray:
        """(T,) sum_i |units_i * close_i| / equity at each close."""
        value = np.abs(self.units * self.bars.close).sum(axis=1)
        return np.divide(value, self.equity, out=np.zeros_like(value), where=self.equity > 0)

    def trades(self) -> pd.DataFrame:
        """One row per fill: bar, time, asset, units (signed, before fee), price, fee."""
        rows, cols = np.nonzero(np.isfinite(self.fill_price))
        prev = np.vstack([np.zeros((1, self.bars.N)), self.units[:-1]])
        return pd.DataFrame({
            "bar": rows, "time": self.bars.time[rows], "asset": np.asarray(self.bars.ids)[cols],
            "price": self.fill_price[rows, cols], "units_after": self.units[rows, cols],
            "units_before": prev[rows, cols],
        })

    def trip_pnl(self) -> np.ndarray:
        """Net P&L of each closed round trip (see :meth:`round_trips`), without building a frame."""
        fee, _ = self.meta["costs"].arrays(self.bars.N)
        pnl: list[float] = []
        for i in range(self.bars.N):
            t_fill = np.flatnonzero(np.isfinite(self.fill_price[:, i]))
            pnl.extend(t[6] for t in _trips_of(i, t_fill, self.units[:, i], self.fill_price[:, i], float(fee[i])))
        return np.asarray(pnl, dtype=np.float64)

    def round_trips(self) -> pd.DataFrame:
        """Closed round trips (flat -> position -> flat; a reversal closes one and opens another).

        ``pnl`` is the net cash flow of the trip, fees included; ``return`` is pnl / entry cost;
        ``price_return`` is exit VWAP / entry VWAP - 1 (signed by direction).
        """
        fee, _ = self.meta["costs"].arrays(self.bars.N)
        out = []
        for i in range(self.bars.N):
            t_fill = np.flatnonzero(np.isfinite(self.fill_price[:, i]))
            out.extend(_trips_of(i, t_fill, self.units[:, i], self.fill_price[:, i], float(fee[i])))
        cols = ["asset", "entry_bar", "exit_bar", "side", "entry_price", "exit_price", "pnl", "return", "price_return"]
        frame = pd.DataFrame(out, columns=cols)
        ids = np.asarray(self.bars.ids, dtype=object)
        frame["asset"] = ids[frame["asset"].to_numpy(dtype=np.int64)] if len(frame) else frame["asset"]
        return frame


@njit(cache=True)
def _simulate(open_, close, volume, targets, fee, slip, max_weight, max_gross, allow_short,
              min_notional, participation, capital):  # pragma: no cover - compiled
    T, N = close.shape
    units = np.zeros(N)
    cash = capital
    equity = np.empty(T)
    units_out = np.zeros((T, N))
    cash_out = np.empty(T)
    fees_out = np.zeros(T)
    traded_out = np.zeros(T)
    fill_price = np.full((T, N), np.nan)
    w = np.zeros(N)
    last = np.zeros(N)  # the last weight acted on per instrument; a repeat lets the units drift
    unfilled = 0
    equity[0] = capital
    cash_out[0] = capital
    for t in range(1, T):
        e_open = cash
        for i in range(N):
            e_open += units[i] * open_[t, i]
        gross = 0.0
        for i in range(N):  # limits on the decision made at t-1's close
            x = targets[t - 1, i]
            if np.isnan(x):
                x = units[i] * open_[t, i] / e_open if e_open > 0 else 0.0
            if not allow_short and x < 0:
                x = 0.0
            x = min(max(x, -max_weight), max_weight)
            w[i] = x
            gross += abs(x)
        scale = max_gross / gross if gross > max_gross else 1.0
        for i in range(N):
            if e_open <= 0:  # bankrupt: liquidate only
                want = 0.0
            elif (np.isnan(targets[t - 1, i]) and scale == 1.0) or w[i] * scale == last[i]:
                continue
            else:
                want = w[i] * scale * e_open / open_[t, i]
                last[i] = w[i] * scale
            delta = want - units[i]
            if delta != 0.0:  # size at the fill price, slippage included
                want = want / (1.0 + slip[i]) if delta > 0 else want / (1.0 - slip[i])
                delta = want - units[i]
            if delta == 0.0 or abs(delta) * open_[t, i] < min_notional:
                continue
            if participation > 0:
                cap = participation * volume[t, i]
                if abs(delta) > cap:
                    delta = cap if delta > 0 else -cap
                    unfilled += 1
                    if delta == 0.0:
                        continue
            if delta > 0:
                p = open_[t, i] * (1.0 + slip[i])
                cash -= delta * p
                units[i] += delta * (1.0 - fee[i])  # the fee is taken from what is received
            else:
                p = open_[t, i] * (1.0 - slip[i])
                cash += -delta * p * (1.0 - fee[i])
                units[i] += delta
            fees_out[t] += fee[i] * abs(delta) * p
            traded_out[t] += abs(delta) * p
            fill_price[t, i] = p
        e = cash
        for i in range(N):
            e += units[i] * close[t, i]
            units_out[t, i] = units[i]
        equity[t] = e
        cash_out[t] = cash
    return equity, units_out, cash_out, fees_out, traded_out, fill_price, unfilled


def simulate(bars: Bars, targets: np.ndarray, costs: Costs = Costs(), limits: Limits = Limits(),
             capital: float = 1_000_000.0) -> BacktestResult:
    """Trade ``targets`` (T,) or (T, N) decided at each close; fills at the next open.

    This is the trusted core: it does not check where the targets came from. Use
    :func:`run_targets` or :func:`run_streaming` for strategies that may peek.
    """
    tgt = np.asarray(targets, dtype=np.float64)
    if tgt.ndim == 1:
        tgt = tgt[:, None]
    if tgt.shape != (bars.T, bars.N):
        raise ValueError(f"targets must have shape ({bars.T}, {bars.N}) or ({bars.T},), got {np.shape(targets)}")
    if capital <= 0:
        raise ValueError("capital must be positive")
    fee, slip = costs.arrays(bars.N)
    eq, units, cash, fees, traded, fill, unfilled = _simulate(
        np.ascontiguousarray(bars.open), np.ascontiguousarray(bars.close), np.ascontiguousarray(bars.volume),
        np.ascontiguousarray(tgt), fee, slip, float(limits.max_weight), float(limits.max_gross),
        bool(limits.allow_short), float(limits.min_trade_notional), float(limits.participation or 0.0),
        float(capital))
    return BacktestResult(bars, tgt, eq, units, cash, fees, traded, fill, int(unfilled), float(capital),
                          meta={"costs": costs, "limits": limits})
