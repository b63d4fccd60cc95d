"""Streaming bots: one decision per bar from a :class:`PastView` that cannot see later bars.

Any index beyond the current bar raises :class:`~agentzoo.markets.engine.FutureAccessError`;
the decisions are then filled by :func:`~agentzoo.markets.engine.simulate` at the next opens.
"""

from __future__ import annotations

import time as _time
from typing import Any, Protocol

import numpy as np

from agentzoo.markets.data import Bars
from agentzoo.markets.engine import (
    DEFAULT_COSTS,
    DEFAULT_LIMITS,
    BacktestResult,
    Costs,
    FutureAccessError,
    Limits,
    simulate,
)


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


def run_streaming(bars: Bars, bot: Bot, costs: Costs = DEFAULT_COSTS, limits: Limits = DEFAULT_LIMITS,
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
