"""Causal technical indicators on 1-D arrays: output[t] depends only on inputs[:t+1].

Warm-up values are NaN. Every function here is checked for prefix invariance by the tests, so
strategies built from them pass the engine's look-ahead check.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def sma(x: np.ndarray, n: int) -> np.ndarray:
    """Simple moving average of the last n values (NaN for the first n-1)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(len(x), np.nan)
    if n < 1 or len(x) < n:
        return out
    c = np.cumsum(np.r_[0.0, x])
    out[n - 1 :] = (c[n:] - c[:-n]) / n
    return out


@njit(cache=True)
def _ema(x: np.ndarray, alpha: float) -> np.ndarray:  # pragma: no cover - compiled
    out = np.empty(len(x))
    acc = x[0]
    for t in range(len(x)):
        acc = alpha * x[t] + (1 - alpha) * acc if t else x[0]
        out[t] = acc
    return out


def ema(x: np.ndarray, n: int) -> np.ndarray:
    """Exponential moving average with alpha = 2 / (n + 1), started at x[0]."""
    x = np.asarray(x, dtype=np.float64)
    return _ema(x, 2.0 / (n + 1)) if len(x) else x.copy()


@njit(cache=True)
def _wilder(x: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    """Wilder smoothing: mean of the first n values, then s_t = s_{t-1} + (x_t - s_{t-1}) / n."""
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    s = 0.0
    for t in range(n):
        s += x[t]
    s /= n
    out[n - 1] = s
    for t in range(n, len(x)):
        s += (x[t] - s) / n
        out[t] = s
    return out


def rsi(close: np.ndarray, n: int = 14) -> np.ndarray:
    """Wilder's RSI(n) in [0, 100]; NaN for the first n bars."""
    close = np.asarray(close, dtype=np.float64)
    out = np.full(len(close), np.nan)
    if len(close) <= n:
        return out
    d = np.diff(close)
    up = _wilder(np.maximum(d, 0.0), n)
    down = _wilder(np.maximum(-d, 0.0), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rs = np.where(down > 0, up / down, np.inf)
        value = np.where(np.isinf(rs), 100.0, 100 - 100 / (1 + rs))
    value = np.where(np.isnan(up), np.nan, value)
    out[1:] = value
    return out


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """max(H - L, |H - C_prev|, |L - C_prev|); the first bar uses H - L."""
    prev = np.r_[close[0], close[:-1]]
    return np.maximum(high - low, np.maximum(np.abs(high - prev), np.abs(low - prev)))


def atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, n: int = 14) -> np.ndarray:
    """Average true range, Wilder-smoothed over n bars."""
    tr = true_range(np.asarray(high, np.float64), np.asarray(low, np.float64), np.asarray(close, np.float64))
    return _wilder(tr, n)


@njit(cache=True)
def _rolling_extreme(x: np.ndarray, n: int, sign: float) -> np.ndarray:  # pragma: no cover - compiled
    """Max (sign=1) or min (sign=-1) of the last n values, monotone deque, O(T)."""
    T = len(x)
    out = np.full(T, np.nan)
    dq = np.empty(T, dtype=np.int64)
    head, tail = 0, 0
    for t in range(T):
        while tail > head and sign * x[dq[tail - 1]] <= sign * x[t]:
            tail -= 1
        dq[tail] = t
        tail += 1
        if dq[head] <= t - n:
            head += 1
        if t >= n - 1:
            out[t] = x[dq[head]]
    return out


def rolling_max(x: np.ndarray, n: int) -> np.ndarray:
    return _rolling_extreme(np.asarray(x, dtype=np.float64), int(n), 1.0)


def rolling_min(x: np.ndarray, n: int) -> np.ndarray:
    return _rolling_extreme(np.asarray(x, dtype=np.float64), int(n), -1.0)


def rolling_std(x: np.ndarray, n: int) -> np.ndarray:
    """Sample std (ddof 1) of the last n values, from running sums of deviations from x[0]."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(len(x), np.nan)
    if n < 2 or len(x) < n:
        return out
    y = x - x[0]
    c1, c2 = np.cumsum(np.r_[0.0, y]), np.cumsum(np.r_[0.0, y * y])
    s1, s2 = c1[n:] - c1[:-n], c2[n:] - c2[:-n]
    out[n - 1 :] = np.sqrt(np.maximum(s2 - s1 * s1 / n, 0.0) / (n - 1))
    return out


def shift(x: np.ndarray, k: int = 1) -> np.ndarray:
    """x delayed by k >= 0 bars (NaN first); negative k would look ahead and is refused."""
    if k < 0:
        raise ValueError("shift(x, k) with k < 0 reads the future")
    x = np.asarray(x, dtype=np.float64)
    if k == 0:
        return x.copy()
    return np.r_[np.full(min(k, len(x)), np.nan), x[:-k]] if len(x) > k else np.full(len(x), np.nan)


def session_open(open_: np.ndarray, day_starts: np.ndarray) -> np.ndarray:
    """The open of each bar's session (known from the session's first bar on)."""
    lengths = np.diff(day_starts)
    return np.repeat(np.asarray(open_, dtype=np.float64)[day_starts[:-1]], lengths)


def bar_in_session(day_starts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each session."""
    T = int(day_starts[-1])
    return np.arange(T) - np.repeat(day_starts[:-1], np.diff(day_starts))
