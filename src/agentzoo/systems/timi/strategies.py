"""TiMi's strategy library: families with typed parameter schemas and a shared risk layer.

A bot is (family, slots, parameters). Slots are the discrete, code-level choices (the
*function layer*: which entry rule, whether an ATR stop, a take-profit, a session exit);
parameters are the numbers (the *parameter layer*). Every family computes a causal
``desire`` (the position it wants, NaN = no opinion) and the risk layer turns it into target
weights with stops, take-profits and session exits.

The vectorised code here evaluates bots fast during development; the rendered bot
(:mod:`agentzoo.systems.timi.bot`) is a per-bar program that reproduces it exactly (a test
checks equal targets). To make the two bit-identical, indicators here are the same running
recursions the bot uses (running SMA sums, Wilder smoothing, EMA with alpha = 1/n).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numba import njit

from agentzoo.markets import indicators as ind
from agentzoo.markets.data import Bars
from agentzoo.markets.strategy import Param

# ---------------------------------------------------------------------- slots and schemas
FAMILIES = ("opening_range", "trend", "breakout", "reversion", "grid")
FAMILY_TEXT = {
    "opening_range": "momentum: trade the direction of the opening move, flat at the close",
    "trend": "trend following: fast average above slow average",
    "breakout": "breakout: buy new highs of a channel, exit at channel lows",
    "reversion": "mean reversion: buy oversold, sell on recovery",
    "grid": "grid ladder: buy levels below a moving reference, sell on the way back",
}
ENTRY = {"opening_range": ("first_move",), "trend": ("sma", "ema"), "breakout": ("donchian",),
         "reversion": ("rsi", "bollinger"), "grid": ("ladder",)}
INTRADAY = {"opening_range"}
"""Families that need several bars per session."""

COMMON = (
    Param("size", 0.05, 1.0, 1.0, doc="position size as a fraction of capital"),
    Param("k_atr", 0.5, 12.0, 3.0, log=True, doc="ATR stop distance (stop slot 'atr')"),
    Param("tp_a", 0.5, 30.0, 8.0, log=True, doc="take-profit distance in ATRs, constant part (slot 'atr')"),
    Param("tp_b", 0.0, 5.0, 0.0, doc="take-profit distance, slope on the pair's trend strength s"),
)
SCHEMA: dict[str, tuple[Param, ...]] = {
    "opening_range": (Param("or_bars", 2, 240, 60, integer=True, log=True, doc="opening range length (bars)"),
                      Param("theta", 0.0, 3.0, 0.5, doc="entry threshold in opening-range sigmas")),
    "trend": (Param("fast", 2, 480, 30, integer=True, log=True, doc="fast window (bars)"),
              Param("slow", 5, 2880, 120, integer=True, log=True, doc="slow window (bars)")),
    "breakout": (Param("n_entry", 5, 2880, 120, integer=True, log=True, doc="entry channel (bars)"),
                 Param("n_exit", 3, 1440, 60, integer=True, log=True, doc="exit channel (bars)")),
    "reversion": (Param("n", 3, 480, 14, integer=True, log=True, doc="RSI / band window (bars)"),
                  Param("lo", 0.05, 0.45, 0.3, doc="enter below (RSI as a fraction, or band sigmas / 10)"),
                  Param("hi", 0.5, 0.95, 0.55, doc="exit above (RSI fraction; bands: exit at the mean)"),
                  Param("k_band", 0.5, 4.0, 2.0, doc="Bollinger band width in sigmas")),
    "grid": (Param("n", 10, 2880, 240, integer=True, log=True, doc="reference SMA window (bars)"),
             Param("spacing", 1e-4, 0.05, 0.005, log=True, doc="level spacing (fraction of the reference)"),
             Param("A", 0.01, 1.0, 0.2, doc="base amount A of the ladder"),
             Param("m", 0.0, 2.0, 1.0, doc="ladder slope: M_Q[i] = 1 + i m"),
             Param("c_m", 0.1, 1.0, 1.0, doc="market coefficient c_m"),
             Param("c_f", 0.1, 1.0, 1.0, doc="risk coefficient c_f")),
}
FIXED = ("levels", "sigma_ref", "trend_s", "exit_bars", "allow_short")
"""Parameter-layer values set by calibration and never optimised."""


@dataclass(frozen=True)
class BotSpec:
    """The function-layer choices of a bot (the discrete slots)."""

    family: str
    entry: str
    stop: str = "atr"
    """``atr`` or ``none``."""
    take_profit: str = "none"
    """``atr`` or ``none``."""
    session_exit: bool = False

    def with_(self, **changes: object) -> BotSpec:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Bot:
    """A complete bot: slots + parameter layer (numbers), evaluated by :func:`targets`."""

    spec: BotSpec
    params: dict[str, float] = field(default_factory=dict)

    def schema(self) -> tuple[Param, ...]:
        """The tunable parameters this bot actually reads (the LP's decision vector)."""
        out = list(SCHEMA[self.spec.family])
        if self.spec.family != "grid":
            out.append(COMMON[0])
        if self.spec.stop == "atr":
            out.append(COMMON[1])
        if self.spec.take_profit == "atr":
            out.extend(COMMON[2:4])
        if self.spec.family == "reversion":
            out = [p for p in out if p.name not in (("k_band",) if self.spec.entry == "rsi" else ("lo", "hi"))]
        return tuple(out)

    def with_params(self, values: Mapping[str, float]) -> Bot:
        schema = {p.name: p for p in self.schema()}
        new = dict(self.params)
        for k, v in values.items():
            new[k] = schema[k].clip(v) if k in schema else float(v)
        return Bot(self.spec, new)


def default_spec(family: str) -> BotSpec:
    return BotSpec(family, ENTRY[family][0], stop="none" if family == "grid" else "atr",
                   take_profit="none", session_exit=family in INTRADAY)


# ---------------------------------------------------------------------- running indicators
@njit(cache=True)
def running_sma(x: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    """SMA by a running sum (add the new value, subtract the one leaving), as the bot does."""
    out = np.full(len(x), np.nan)
    s = 0.0
    for t in range(len(x)):
        s += x[t]
        if t >= n:
            s -= x[t - n]
        if t >= n - 1:
            out[t] = s / n
    return out


@njit(cache=True)
def ema_1n(x: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    """EMA with alpha = 1/n started at x[0]."""
    out = np.empty(len(x))
    e = x[0] if len(x) else 0.0
    for t in range(len(x)):
        e = e + (x[t] - e) / n if t else x[0]
        out[t] = e
    return out


@njit(cache=True)
def wilder_rsi01(close: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    """RSI as a fraction up / (up + down), Wilder-smoothed; NaN for the first n bars."""
    out = np.full(len(close), np.nan)
    up, dn = 0.0, 0.0
    for t in range(1, len(close)):
        d = close[t] - close[t - 1]
        u, w = max(d, 0.0), max(-d, 0.0)
        if t <= n:
            up += u
            dn += w
            if t == n:
                up /= n
                dn /= n
        else:
            up += (u - up) / n
            dn += (w - dn) / n
        if t >= n and up + dn > 0:
            out[t] = up / (up + dn)  # NaN when flat: no opinion
    return out


@njit(cache=True)
def wilder_atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover
    out = np.full(len(close), np.nan)
    a = 0.0
    for t in range(len(close)):
        tr = high[t] - low[t]
        if t:
            tr = max(tr, abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
        if t < n:
            a += tr
            if t == n - 1:
                a /= n
                out[t] = a
        else:
            a += (tr - a) / n
            out[t] = a
    return out


@njit(cache=True)
def running_std(x: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    """Population std of the last n values from running sums of x and x^2."""
    out = np.full(len(x), np.nan)
    s, q = 0.0, 0.0
    for t in range(len(x)):
        s += x[t]
        q += x[t] * x[t]
        if t >= n:
            s -= x[t - n]
            q -= x[t - n] * x[t - n]
        if t >= n - 1:
            m = s / n
            out[t] = math.sqrt(max(q / n - m * m, 0.0))
    return out


def prior_extreme(x: np.ndarray, n: int, sign: float) -> np.ndarray:
    """Max (sign 1) or min (sign -1) of the n values before t (not including t)."""
    ext = ind.rolling_max(x, n) if sign > 0 else ind.rolling_min(x, n)
    return ind.shift(ext, 1)


# ---------------------------------------------------------------------- desires
@njit(cache=True)
def _band_state(enter: np.ndarray, leave: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    out = np.zeros(len(enter))
    pos = 0.0
    for t in range(len(enter)):
        if pos == 0.0 and enter[t]:
            pos = 1.0
        elif pos == 1.0 and leave[t]:
            pos = 0.0
        out[t] = pos
    return out


def desire(bot: Bot, bars: Bars, asset: int = 0) -> np.ndarray:
    """The family's wanted position per bar (1 long, -1 short, ladder fractions for grid)."""
    p, s = bot.params, bot.spec
    o, h, lo, c = (np.ascontiguousarray(getattr(bars, f)[:, asset]) for f in ("open", "high", "low", "close"))
    short = p.get("allow_short", 0.0) >= 1.0
    if s.family == "trend":
        fast, slow = int(p["fast"]), max(int(p["slow"]), int(p["fast"]) + 1)
        f, sl = (running_sma(c, fast), running_sma(c, slow)) if s.entry == "sma" else (ema_1n(c, fast), ema_1n(c, slow))
        with np.errstate(invalid="ignore"):
            d = np.where(f > sl, 1.0, -1.0 if short else 0.0)
        d[: slow - 1] = 0.0
        return d
    if s.family == "reversion":
        n = int(p["n"])
        if s.entry == "rsi":
            r = wilder_rsi01(c, n)
            with np.errstate(invalid="ignore"):
                return _band_state(r < p["lo"], r > p["hi"])
        m, sd = running_sma(c, n), running_std(c, n)
        with np.errstate(invalid="ignore"):
            return _band_state(c < m - p["k_band"] * sd, c > m)
    if s.family == "breakout":
        hi_ch = prior_extreme(h, int(p["n_entry"]), 1.0)
        lo_ch = prior_extreme(lo, int(p["n_exit"]), -1.0)
        with np.errstate(invalid="ignore"):
            return _band_state(c > hi_ch, c < lo_ch)
    if s.family == "grid":
        ref = running_sma(c, int(p["n"]))
        L = int(p.get("levels", 3))
        with np.errstate(invalid="ignore"):
            j = np.floor((1 - c / ref) / p["spacing"])
        j = np.where(np.isnan(j), 0, np.clip(j, 0, L)).astype(np.int64)
        unit = p["A"] * p["c_m"] * p["c_f"]
        ladder = np.r_[0.0, np.cumsum([unit * (1 + i * p["m"]) for i in range(L)])]  # sum_{i<j} A M_Q[i] c_m c_f
        return ladder[j]
    if s.family == "opening_range":
        last_bar = bars.minutes_to_close <= p.get("minutes_per_bar", 1.0)
        return _opening_range(o, c, bars.day_starts, last_bar, int(p["or_bars"]),
                              p["theta"] * p["sigma_ref"] * math.sqrt(p["or_bars"]), short)
    raise ValueError(f"unknown family {s.family!r}")


def _opening_range(o: np.ndarray, c: np.ndarray, starts: np.ndarray, last_bar: np.ndarray, k: int,
                   threshold: float, short: bool) -> np.ndarray:
    """Desire = sign of the session's move over its first k bars (beyond the threshold), until the session ends."""
    d = np.zeros(len(c))
    for a, b in itertools.pairwise(starts):
        t = a + k - 1
        if t >= b or last_bar[t]:
            continue
        move = math.log(c[t] / o[a])
        if move > threshold:
            d[t:b] = 1.0
        elif move < -threshold and short:
            d[t:b] = -1.0
    return d


# ---------------------------------------------------------------------- the risk layer
@njit(cache=True)
def _risk(desire, close, atr, session_end, size, k_atr, tp_mult):  # pragma: no cover
    T = len(close)
    out = np.zeros(T)
    pos, entry, a_entry, prev, blocked = 0.0, np.nan, np.nan, 0.0, False
    for t in range(T):
        d = desire[t]
        if np.isnan(d):
            d = prev
        if d != prev:
            blocked = False  # a fresh signal lifts the block left by a risk exit
        if pos != 0.0:
            hit = False
            if k_atr > 0 and not np.isnan(a_entry):
                hit = (pos > 0 and close[t] <= entry - k_atr * a_entry) or (pos < 0 and close[t] >= entry + k_atr * a_entry)
            if tp_mult > 0 and not np.isnan(a_entry):
                hit = hit or (pos > 0 and close[t] >= entry + tp_mult * a_entry) or (pos < 0 and close[t] <= entry - tp_mult * a_entry)
            if session_end[t]:
                hit = True
            if hit:
                pos = 0.0
                blocked = True
            elif d == 0.0:
                pos = 0.0
            elif (d > 0) != (pos > 0):
                pos, entry, a_entry = d, close[t], atr[t]
            else:
                pos = d
        elif d != 0.0 and not blocked and not session_end[t]:
            pos, entry, a_entry = d, close[t], atr[t]
        prev = d
        out[t] = pos * size
    return out


def targets(bot: Bot, bars: Bars, asset: int = 0) -> np.ndarray:
    """(T,) target weights of ``bot`` on ``bars`` (causal: uses bars up to each t)."""
    p, s = bot.params, bot.spec
    c = np.ascontiguousarray(bars.close[:, asset])
    atr = wilder_atr(np.ascontiguousarray(bars.high[:, asset]), np.ascontiguousarray(bars.low[:, asset]), c, 14)
    session_end = (bars.minutes_to_close <= p.get("exit_bars", 2) * p.get("minutes_per_bar", 1.0)) if s.session_exit \
        else np.zeros(bars.T, dtype=np.bool_)
    k_atr = p["k_atr"] if s.stop == "atr" else 0.0
    tp = p["tp_a"] + p["tp_b"] * p.get("trend_s", 0.0) if s.take_profit == "atr" else 0.0
    size = 1.0 if s.family == "grid" else p["size"]
    return _risk(desire(bot, bars, asset), c, atr, np.ascontiguousarray(session_end), float(size), float(k_atr), float(tp))


def as_strategy(bot: Bot):  # type: ignore[no-untyped-def]
    """The bot as a strategy function for :func:`agentzoo.markets.backtest.run_targets`."""

    def strategy(bars: Bars) -> np.ndarray:
        return targets(bot, bars)

    return strategy


# ---------------------------------------------------------------------- gamma: calibration
def calibrate(spec: BotSpec, *, sigma_bar: float, bars_per_day: int, minutes_per_bar: float, trend_s: float = 0.0,
              allow_short: bool = False, sizing: str = "fixed", sigma_day: float = 0.01, max_weight: float = 1.0) -> Bot:
    """A_sa's mathematical step gamma(S_p, p): parameters scaled to the pair's volatility and clock.

    Deterministic calibrators (reconstructed: the paper gives no formulas): windows from the
    session length (an hour, a sixth of a session, a session), grid spacing = sigma_pair * sqrt(n) (the typical
    distance from an n-bar mean), the opening-range threshold in units of the range's own sigma,
    size 1 or volatility-targeted (2% daily risk), and fixed values the code reads (ATR window 14,
    session exit 2 bars before the close).
    """
    hour = max(2, round(60 / minutes_per_bar)) if bars_per_day > 1 else 5
    session = max(hour + 1, bars_per_day) if bars_per_day > 1 else 20
    p: dict[str, float] = {
        "size": max_weight if sizing == "fixed" else min(max_weight, 0.02 / max(sigma_day, 1e-6)),
        "k_atr": 3.0, "tp_a": 8.0, "tp_b": 0.0, "atr_n": 14.0, "exit_bars": 2.0,
        "minutes_per_bar": float(minutes_per_bar), "sigma_ref": float(sigma_bar), "trend_s": float(trend_s),
        "allow_short": 1.0 if allow_short else 0.0, "levels": 3.0,
    }
    if spec.family == "opening_range":  # the first sixth of the session: enough drift to read the day's sign
        p.update(or_bars=float(max(2, session // 6)), theta=0.5)
    elif spec.family == "trend":
        p.update(fast=float(hour), slow=float(max(hour + 1, session // 2)))
    elif spec.family == "breakout":
        p.update(n_entry=float(session // 2), n_exit=float(max(3, session // 4)))
    elif spec.family == "reversion":
        p.update(n=14.0, lo=0.3, hi=0.55, k_band=2.0)
    elif spec.family == "grid":
        n = float(session)
        p.update(n=n, spacing=float(min(0.05, max(1e-4, sigma_bar * math.sqrt(n)))), A=0.2, m=1.0, c_m=1.0, c_f=1.0)
    bot = Bot(spec, p)
    return bot.with_params({q.name: p[q.name] for q in bot.schema()})
