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
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

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


def run_targets(bars: Bars, strategy: StrategyFn, costs: Costs = Costs(), limits: Limits = Limits(),
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


# ---------------------------------------------------------------------- streaming bots
class PastArray:
    """A read-only window on one field up to the current bar t; anything later raises.

    ``x[-1]`` (or ``x[t]``) is the current bar, ``x[-k]`` k-1 bars ago, slices stop at t;
    ``x.values`` is the whole past as a read-only numpy view.
    """

    __slots__ = ("_a", "t")

    def __init__(self, array: np.ndarray, t: int) -> None:
        self._a, self.t = array, t

    def __len__(self) -> int:
        return self.t + 1

    def __getitem__(self, key: Any) -> Any:
        n = self.t + 1
        if isinstance(key, int | np.integer):
            k = int(key)
            if k >= n:
                raise FutureAccessError(f"bar {k} is in the future (the current bar is {self.t})")
            if k < -n:
                raise IndexError(f"bar {k} is before the first bar")
            return self._a[k if k >= 0 else n + k]
        if isinstance(key, slice):
            if key.stop is not None and key.stop > n:
                raise FutureAccessError(f"slice to bar {key.stop} reaches the future (current bar {self.t})")
            if key.start is not None and key.start >= n:
                raise FutureAccessError(f"slice from bar {key.start} starts in the future (current bar {self.t})")
            view = self._a[:n][key]
            view.flags.writeable = False
            return view
        raise TypeError("index a PastArray with an int or a slice")

    @property
    def values(self) -> np.ndarray:
        view = self._a[: self.t + 1]
        view.flags.writeable = False
        return view


class PastView:
    """What a streaming bot sees at bar t: the past and present of every field, nothing later.

    Single-instrument bars give 1-D fields (``view.close[-1]`` is a float); several
    instruments give rows of N values.
    """

    def __init__(self, bars: Bars, t: int = 0) -> None:
        self._bars = bars
        single = bars.N == 1
        self._fields = {f: (getattr(bars, f)[:, 0] if single else getattr(bars, f))
                        for f in ("open", "high", "low", "close", "volume")}
        self._mtc = bars.minutes_to_close
        self._day = bars.day
        self.t = t

    def _arr(self, name: str) -> PastArray:
        return PastArray(self._fields[name], self.t)

    open = property(lambda self: self._arr("open"))
    high = property(lambda self: self._arr("high"))
    low = property(lambda self: self._arr("low"))
    close = property(lambda self: self._arr("close"))
    volume = property(lambda self: self._arr("volume"))

    @property
    def time(self) -> np.datetime64:
        return self._bars.time[self.t]

    @property
    def minutes_to_close(self) -> int:
        """Minutes from this bar's open to the scheduled session close (from the calendar)."""
        return int(self._mtc[self.t])

    @property
    def new_day(self) -> bool:
        """True on the first bar of a session."""
        return self.t == 0 or bool(self._day[self.t] != self._day[self.t - 1])

    @property
    def ids(self) -> list[str]:
        return self._bars.ids

    def bar(self) -> dict[str, Any]:
        """The current bar as plain values: open, high, low, close, volume (floats, or N-arrays),
        minutes_to_close and new_day."""
        t = self.t
        out: dict[str, Any] = {f: (float(a[t]) if a.ndim == 1 else a[t].copy()) for f, a in self._fields.items()}
        out["minutes_to_close"] = int(self._mtc[t])
        out["new_day"] = t == 0 or bool(self._day[t] != self._day[t - 1])
        return out


class Bot(Protocol):
    """A streaming strategy: one decision per bar from what has been seen so far."""

    def on_bar(self, view: PastView) -> float | np.ndarray:
        """Target weight(s) for the next bar, decided at this bar's close (NaN = hold)."""
        ...


def run_streaming(bars: Bars, bot: Bot, costs: Costs = Costs(), limits: Limits = Limits(),
                  capital: float = 1_000_000.0) -> BacktestResult:
    """Call ``bot.on_bar(view)`` at every bar with a :class:`PastView`, then fill at next opens.

    Records each decision's latency (``result.latency_ns``).
    """
    view = PastView(bars)
    targets = np.full((bars.T, bars.N), np.nan)
    latency = np.empty(bars.T, dtype=np.int64)
    clock = _time.perf_counter_ns
    for t in range(bars.T):
        view.t = t
        start = clock()
        targets[t] = bot.on_bar(view)
        latency[t] = clock() - start
    res = simulate(bars, targets, costs, limits, capital)
    return BacktestResult(res.bars, res.targets, res.equity, res.units, res.cash, res.fees, res.traded,
                          res.fill_price, res.unfilled, res.capital, latency, res.meta)
