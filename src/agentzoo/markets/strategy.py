"""Parameterised strategy families, parameter grids, and tuning on walk-forward windows.

A :class:`Family` turns (bars, params) into target weights with a causal function; its
:class:`Param` schema (name, bounds, integer, log-scale) gives grids for tuning and bounds for
optimisation. :func:`tune` is the protocol every method in a comparison uses: grid search on
the train window, the top candidates re-scored on the val window, the val winner kept; windows
are evaluated with indicator warm-up taken from the sessions before them (never after).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from agentzoo.markets.backtest import BacktestResult, Costs, Limits, simulate
from agentzoo.markets.data import Bars
from agentzoo.markets.metrics import Performance, evaluate

Params = dict[str, float]


@dataclass(frozen=True)
class Param:
    """One tunable value: bounds [lo, hi], integer or real, log-scaled or not."""

    name: str
    lo: float
    hi: float
    default: float
    integer: bool = False
    log: bool = False
    doc: str = ""

    def clip(self, x: float) -> float:
        x = min(max(float(x), self.lo), self.hi)
        return float(round(x)) if self.integer else x

    def from_unit(self, u: float) -> float:
        """Map u in [0, 1] onto the range (geometrically when ``log``)."""
        if self.log:
            x = math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        return self.clip(x)


TargetsFn = Callable[[Bars, Mapping[str, float]], np.ndarray]


@dataclass(frozen=True)
class Family:
    """A strategy family: a causal ``targets(bars, params) -> (T, N)`` and its parameter schema."""

    name: str
    targets: TargetsFn
    params: tuple[Param, ...] = ()
    description: str = ""
    warmup: Callable[[Mapping[str, float]], int] = field(default=lambda p: 0)
    """Bars of history the indicators need before their first valid value."""

    def defaults(self) -> Params:
        return {p.name: p.default for p in self.params}

    def clip(self, params: Mapping[str, float]) -> Params:
        schema = {p.name: p for p in self.params}
        return {k: schema[k].clip(v) if k in schema else float(v) for k, v in params.items()}

    def grid(self, size: int, seed: int = 0) -> list[Params]:
        """``size`` parameter sets: the defaults first, then a scrambled Halton sequence (deduplicated)."""
        if not self.params or size <= 1:
            return [self.defaults()]
        from scipy.stats import qmc

        sampler = qmc.Halton(d=len(self.params), scramble=True, seed=seed)
        out, seen = [self.defaults()], {tuple(self.defaults().values())}
        for u in sampler.random(4 * size):
            cand = {p.name: p.from_unit(float(x)) for p, x in zip(self.params, u)}
            key = tuple(cand.values())
            if key not in seen:
                seen.add(key)
                out.append(cand)
            if len(out) == size:
                break
        return out

    def __call__(self, params: Mapping[str, float]) -> Callable[[Bars], np.ndarray]:
        """A strategy function with ``params`` bound (for :func:`~agentzoo.markets.backtest.run_targets`)."""

        def strategy(bars: Bars) -> np.ndarray:
            return self.targets(bars, params)

        strategy.causal = True  # type: ignore[attr-defined]  # built-in families are tested causal
        return strategy


def run_window(bars: Bars, start_day: int, stop_day: int, targets: np.ndarray | Callable[[Bars], np.ndarray],
               costs: Costs, limits: Limits, *, context_days: int = 3, capital: float = 1_000_000.0) -> BacktestResult:
    """Backtest sessions [start_day, stop_day), starting flat, with up to ``context_days`` earlier
    sessions available to the indicators (the strategy sees the past only; no trade before start_day)."""
    ctx = max(0, start_day - context_days)
    full = bars.days(ctx, stop_day)
    offset = int(bars.day_starts[start_day] - bars.day_starts[ctx])
    tgt = np.asarray(targets(full) if callable(targets) else targets, dtype=np.float64)
    if tgt.ndim == 1:
        tgt = tgt[:, None]
    return simulate(full[offset:], tgt[offset:], costs, limits, capital)


@dataclass(frozen=True)
class Tuned:
    """The outcome of :func:`tune`."""

    family: str
    params: Params
    train: Performance
    val: Performance
    n_trials: int
    """Configurations tried (for the Deflated Sharpe Ratio)."""
    train_sharpes: tuple[float, ...] = ()


def _score(perf: Performance) -> float:
    return perf.sharpe if math.isfinite(perf.sharpe) else -1e9


def tune(family: Family, bars: Bars, train: tuple[int, int], val: tuple[int, int], costs: Costs,
         limits: Limits, *, grid_size: int = 64, top_k: int = 3, seed: int = 0, context_days: int = 3) -> Tuned:
    """Grid search on the train sessions, the ``top_k`` re-scored on val, the val winner returned."""
    candidates = family.grid(grid_size, seed)
    scored = []
    for params in candidates:
        perf = evaluate(run_window(bars, *train, family(params), costs, limits, context_days=context_days))
        scored.append((_score(perf), perf, params))
    order = sorted(range(len(scored)), key=lambda i: -scored[i][0])[:top_k]
    best = None
    for i in order:
        perf_val = evaluate(run_window(bars, *val, family(scored[i][2]), costs, limits, context_days=context_days))
        if best is None or _score(perf_val) > _score(best[1]):
            best = (i, perf_val)
    assert best is not None
    i, perf_val = best
    return Tuned(family.name, scored[i][2], scored[i][1], perf_val, len(candidates),
                 tuple(float(s[1].sharpe) for s in scored))


def per_column(fn: Callable[..., np.ndarray], bars: Bars, *fields: str) -> np.ndarray:
    """Apply a 1-D ``fn(*columns)`` to each instrument; returns (T, N)."""
    cols = [fn(*(getattr(bars, f)[:, i] for f in fields)) for i in range(bars.N)]
    return np.stack(cols, axis=1) if cols else np.zeros((bars.T, 0))


def families_by_name(families: Sequence[Family]) -> dict[str, Family]:
    return {f.name: f for f in families}
