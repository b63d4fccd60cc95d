"""Performance metrics, with the formulas and the annualisation stated.

Risk statistics use **daily** equity returns r_d = E_d / E_{d-1} - 1 (E_d = equity at a
session's last bar, E_{-1} = starting capital) and an annualisation A = 252 (stock-like
calendar) or 365 (24/7):

* ARR = (E_T / E_0)^(A / days) - 1
* Sharpe = sqrt(A) * mean(r) / std(r)  (ddof 1, risk-free rate 0)
* Sortino = sqrt(A) * mean(r) / sqrt(mean(min(r, 0)^2))
* MDD = max_t (1 - E_t / max_{s<=t} E_s);  Calmar = ARR / MDD

Trade statistics use closed round trips: win rate, P/L ratio = mean win / |mean loss| (the
paper does not define it, so the profit factor = sum of wins / |sum of losses| is reported
too), annualised turnover = traded notional / mean equity * A / days, capital utilisation =
mean gross exposure / equity, trades per day.

Uncertainty: a stationary-bootstrap (Politis & Romano 1994) 95% CI on the Sharpe ratio and on
Sharpe differences, and the Deflated Sharpe Ratio (Bailey & Lopez de Prado 2014).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from agentzoo.markets.backtest import BacktestResult

EULER_GAMMA = 0.5772156649015329


@dataclass(frozen=True)
class Performance:
    """The metrics of one backtest (see the module docstring for the formulas)."""

    arr: float
    sharpe: float
    sortino: float
    mdd: float
    calmar: float
    total_return: float
    win_rate: float
    pl_ratio: float
    profit_factor: float
    turnover: float
    trades_per_day: float
    utilisation: float
    n_trades: int
    n_round_trips: int
    days: int
    annualisation: int

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


# ---------------------------------------------------------------------- risk statistics
def daily_equity(equity: np.ndarray, day_starts: np.ndarray) -> np.ndarray:
    """Equity at each session's last bar ((D,)); ``day_starts`` as in :attr:`Bars.day_starts`."""
    return np.asarray(equity)[np.asarray(day_starts)[1:] - 1]


def returns(equity_daily: np.ndarray, start: float) -> np.ndarray:
    """Daily returns r_d = E_d / E_{d-1} - 1 with E_{-1} = ``start``."""
    e = np.r_[start, np.asarray(equity_daily, dtype=np.float64)]
    return e[1:] / e[:-1] - 1


def sharpe(r: np.ndarray, annualisation: float = 252) -> float:
    """sqrt(A) * mean / std (ddof 1, rf 0); NaN with a warning when std is 0 or n < 2."""
    r = np.asarray(r, dtype=np.float64)
    if len(r) < 2:
        warnings.warn("Sharpe of fewer than 2 returns is undefined", RuntimeWarning, stacklevel=2)
        return math.nan
    sd = float(np.std(r, ddof=1))
    if sd <= 1e-15 * max(1.0, float(np.abs(r).max())):
        warnings.warn("Sharpe of a constant return series is undefined (std 0)", RuntimeWarning, stacklevel=2)
        return math.nan
    return math.sqrt(annualisation) * float(np.mean(r)) / sd


def sortino(r: np.ndarray, annualisation: float = 252) -> float:
    """sqrt(A) * mean / sqrt(mean(min(r, 0)^2)); inf when there is no losing day and mean > 0."""
    r = np.asarray(r, dtype=np.float64)
    if len(r) == 0:
        return math.nan
    downside = math.sqrt(float(np.mean(np.minimum(r, 0.0) ** 2)))
    mean = float(np.mean(r))
    if downside == 0:
        return math.inf if mean > 0 else math.nan
    return math.sqrt(annualisation) * mean / downside


def max_drawdown(equity: np.ndarray) -> float:
    """MDD = max_t (1 - E_t / max_{s<=t} E_s)."""
    e = np.asarray(equity, dtype=np.float64)
    if len(e) == 0:
        return 0.0
    peak = np.maximum.accumulate(e)
    return float(np.max(1 - e / peak))


def arr(start: float, end: float, days: int, annualisation: float = 252) -> float:
    """ARR = (E_T / E_0)^(A / days) - 1."""
    if days <= 0 or start <= 0:
        return math.nan
    if end <= 0:
        return -1.0
    return float((end / start) ** (annualisation / days) - 1)


def calmar(arr_value: float, mdd: float) -> float:
    return arr_value / mdd if mdd > 0 else math.nan


# ---------------------------------------------------------------------- trade statistics
def trade_stats(pnl: np.ndarray) -> tuple[float, float, float]:
    """(win rate, P/L ratio = mean win / |mean loss|, profit factor = sum wins / |sum losses|)."""
    pnl = np.asarray(pnl, dtype=np.float64)
    if len(pnl) == 0:
        return math.nan, math.nan, math.nan
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    win_rate = len(wins) / len(pnl)
    pl = float(wins.mean() / abs(losses.mean())) if len(wins) and len(losses) else math.nan
    pf = float(wins.sum() / abs(losses.sum())) if len(losses) else (math.inf if len(wins) else math.nan)
    return win_rate, pl, pf


def evaluate(result: BacktestResult) -> Performance:
    """All metrics of a backtest, from its daily equity and its round trips."""
    bars = result.bars
    A = bars.annualisation
    e_daily = daily_equity(result.equity, bars.day_starts)
    r = returns(e_daily, result.capital)
    days = len(r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sr = sharpe(r, A)
    a = arr(result.capital, float(result.equity[-1]), days, A)
    mdd = max_drawdown(np.r_[result.capital, e_daily])
    pnl = result.trip_pnl()
    win, pl, pf = trade_stats(pnl)
    n_trades = int(np.isfinite(result.fill_price).sum())
    mean_eq = float(np.mean(result.equity))
    return Performance(
        arr=a, sharpe=sr, sortino=sortino(r, A), mdd=mdd, calmar=calmar(a, mdd),
        total_return=float(result.equity[-1] / result.capital - 1),
        win_rate=win, pl_ratio=pl, profit_factor=pf,
        turnover=float(result.traded.sum() / mean_eq * A / days) if days and mean_eq > 0 else math.nan,
        trades_per_day=n_trades / days if days else math.nan,
        utilisation=float(np.mean(result.gross_exposure)),
        n_trades=n_trades, n_round_trips=len(pnl), days=days, annualisation=A,
    )


# ---------------------------------------------------------------------- uncertainty
def stationary_bootstrap_indices(n: int, n_boot: int, mean_block: float, gen: np.random.Generator) -> np.ndarray:
    """(n_boot, n) indices of the stationary bootstrap: blocks of geometric length, wrapping around."""
    p = 1.0 / max(mean_block, 1.0)
    idx = np.empty((n_boot, n), dtype=np.int64)
    idx[:, 0] = gen.integers(n, size=n_boot)
    restart = gen.random((n_boot, n)) < p
    fresh = gen.integers(n, size=(n_boot, n))
    for j in range(1, n):
        idx[:, j] = np.where(restart[:, j], fresh[:, j], (idx[:, j - 1] + 1) % n)
    return idx


def _sharpe_rows(x: np.ndarray, annualisation: float) -> np.ndarray:
    sd = x.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, np.sqrt(annualisation) * x.mean(axis=1) / sd, np.nan)


def sharpe_ci(r: np.ndarray, annualisation: float = 252, *, n_boot: int = 2000, mean_block: float = 5.0,
              level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Stationary-bootstrap percentile CI of the annualised Sharpe ratio."""
    r = np.asarray(r, dtype=np.float64)
    if len(r) < 3:
        return math.nan, math.nan
    gen = np.random.default_rng([seed, len(r)])
    s = _sharpe_rows(r[stationary_bootstrap_indices(len(r), n_boot, mean_block, gen)], annualisation)
    lo, hi = np.nanquantile(s, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def sharpe_diff_ci(r1: np.ndarray, r2: np.ndarray, annualisation: float = 252, *, n_boot: int = 2000,
                   mean_block: float = 5.0, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """CI of Sharpe(r1) - Sharpe(r2), resampling the same days for both (paired)."""
    r1, r2 = np.asarray(r1, dtype=np.float64), np.asarray(r2, dtype=np.float64)
    if len(r1) != len(r2) or len(r1) < 3:
        raise ValueError("sharpe_diff_ci needs two aligned return series of length >= 3")
    gen = np.random.default_rng([seed, len(r1), 1])
    idx = stationary_bootstrap_indices(len(r1), n_boot, mean_block, gen)
    d = _sharpe_rows(r1[idx], annualisation) - _sharpe_rows(r2[idx], annualisation)
    lo, hi = np.nanquantile(d, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _percentile_ci(x: np.ndarray, stat: Callable[..., np.ndarray], stream: int, n_boot: int, level: float,
                   seed: int) -> tuple[float, float]:
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return math.nan, math.nan
    gen = np.random.default_rng([seed, len(x), stream])
    values = stat(x[gen.integers(len(x), size=(n_boot, len(x)))], axis=1)
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def median_ci(x: np.ndarray, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap CI of the median of independent values (e.g. per-segment differences)."""
    return _percentile_ci(x, np.median, 2, n_boot, level, seed)


def mean_ci(x: np.ndarray, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap CI of the mean of independent values (e.g. per-segment Sharpe ratios)."""
    return _percentile_ci(x, np.mean, 3, n_boot, level, seed)


def deflated_sharpe_ratio(r: np.ndarray, n_trials: int, sr_trials_var: float | None = None) -> float:
    """Probability that the true (per-period) Sharpe exceeds the best of ``n_trials`` null trials.

    DSR = Phi((SR - SR0) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2)) with
    SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))) (Bailey & Lopez de Prado
    2014, eq. 8-9); SR is per period (not annualised); V is the variance of the trials' Sharpe
    ratios, by default the null estimator variance 1 / (n - 1).
    """
    r = np.asarray(r, dtype=np.float64)
    n = len(r)
    sd = float(np.std(r, ddof=1)) if n > 1 else 0.0
    if n < 3 or sd == 0:
        return math.nan
    sr = float(np.mean(r)) / sd
    g3 = float(stats.skew(r))
    g4 = float(stats.kurtosis(r, fisher=False))
    N = max(int(n_trials), 1)
    V = sr_trials_var if sr_trials_var is not None else 1.0 / (n - 1)
    if N > 1:
        sr0 = math.sqrt(V) * ((1 - EULER_GAMMA) * stats.norm.ppf(1 - 1 / N)
                              + EULER_GAMMA * stats.norm.ppf(1 - 1 / (N * math.e)))
    else:
        sr0 = 0.0
    denom = 1 - g3 * sr + (g4 - 1) / 4 * sr**2
    if denom <= 0:
        return math.nan
    return float(stats.norm.cdf((sr - sr0) * math.sqrt(n - 1) / math.sqrt(denom)))
