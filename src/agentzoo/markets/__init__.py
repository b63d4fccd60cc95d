"""Shared markets core: data, synthetic markets, a look-ahead-proof backtester, metrics, baselines.

Used by the trading systems (``timi``, ``quantagents``); nothing here imports a system.

>>> from agentzoo.markets import synth, backtest, metrics, baselines
>>> bars = synth.minute_bars(n_assets=1, n_days=5, seed=0)          # 5 sessions of 1-minute bars
>>> res = backtest.run_targets(bars, baselines.SMA_CROSS({"fast": 10, "slow": 50}),
...                            backtest.Costs(fee_bps=10))
>>> perf = metrics.evaluate(res)                                    # ARR, Sharpe, MDD, ...

Modules: :mod:`~agentzoo.markets.data` (``Bars``, ``load_arch``, ``load_csv``, ``load_parquet``),
:mod:`~agentzoo.markets.synth` (generators), :mod:`~agentzoo.markets.backtest` (``run_targets``,
``run_streaming``, ``simulate``; built on :mod:`~agentzoo.markets.engine` and
:mod:`~agentzoo.markets.streaming`), :mod:`~agentzoo.markets.sweep` (numba parameter sweeps),
:mod:`~agentzoo.markets.metrics`, :mod:`~agentzoo.markets.splits` (walk-forward),
:mod:`~agentzoo.markets.indicators`, :mod:`~agentzoo.markets.strategy` (families, ``tune``) and
:mod:`~agentzoo.markets.baselines` (buy-and-hold, grid, SMA crossover, RSI mean reversion).
numba and arch come with ``pip install 'agentzoo[trading]'``.
"""

from agentzoo.markets.backtest import (
    BacktestResult,
    Costs,
    FutureAccessError,
    Limits,
    LookAheadError,
    PastView,
    run_streaming,
    run_targets,
    simulate,
)
from agentzoo.markets.data import Bars, DataError, load_arch, load_csv, load_parquet
from agentzoo.markets.metrics import Performance, evaluate
from agentzoo.markets.splits import Fold, Holdout, HoldoutReadError, walk_forward

__all__ = [
    "BacktestResult",
    "Bars",
    "Costs",
    "DataError",
    "Fold",
    "FutureAccessError",
    "Holdout",
    "HoldoutReadError",
    "Limits",
    "LookAheadError",
    "PastView",
    "Performance",
    "evaluate",
    "load_arch",
    "load_csv",
    "load_parquet",
    "run_streaming",
    "run_targets",
    "simulate",
    "walk_forward",
]
