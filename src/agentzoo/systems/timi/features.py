"""Technical features: the only input of the macro-analysis agent A_ma (no news, no sentiment).

Per instrument and window W (minutes, converted to bars): return over the last W, realised
volatility, mean amplitude (H - L) / C, ATR / price, volume z-score, RSI, trend strength
|r_W| / (sigma sqrt(W)); per instrument: lag-1 autocorrelation of 15- and 60-minute returns and
the opening-hour move against the rest of the day (correlation and slope over sessions).
Computed on a training window only.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from agentzoo.markets import indicators as ind
from agentzoo.markets.data import Bars


@dataclass(frozen=True)
class PairFeatures:
    """Features of one instrument over a window (see the module docstring)."""

    pair: str
    cls: str
    bars_per_day: int
    minutes_per_bar: float
    sigma_bar: float
    """Std of one-bar log returns."""
    sigma_day: float
    """Std of session close-to-close log returns."""
    atr_rel: float
    """Mean ATR(14) / close."""
    atr_rel_q95: float
    """95th percentile of ATR(14) / close (the stop-loss LP row uses it)."""
    amplitude: float
    """Mean (H - L) / C per bar."""
    acf15: float
    """Lag-1 autocorrelation of non-overlapping 15-minute returns."""
    acf60: float
    """Lag-1 autocorrelation of non-overlapping 60-minute returns."""
    open_rest_corr: float
    """Correlation across sessions of the first-hour move and the rest-of-session move."""
    open_rest_beta: float
    """Slope of rest-of-session move on first-hour move."""
    rsi: float
    """RSI(14) at the window's end."""
    volume_z: float
    """Volume of the last session against earlier sessions (z-score)."""
    windows: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per window (e.g. ``'60m'``): ret, vol, amplitude, trend_strength."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _acf1(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    if len(x) < 4 or np.std(x) == 0:
        return 0.0
    return float(np.corrcoef(x[1:], x[:-1])[0, 1])


def _block_returns(logp: np.ndarray, day_starts: np.ndarray, k: int) -> np.ndarray:
    """Non-overlapping k-bar log returns within sessions."""
    out = []
    for a, b in itertools.pairwise(day_starts):
        seg = logp[a:b]
        n = (len(seg) - 1) // k
        if n >= 1:
            pts = seg[:: k][: n + 1]
            out.append(np.diff(pts))
    return np.concatenate(out) if out else np.zeros(0)


def minutes_per_bar(bars: Bars) -> float:
    if bars.T < 2:
        return 1.0
    step = np.diff(bars.time[: min(bars.T, 2000)].astype("datetime64[s]").astype(np.int64)) / 60.0
    return float(np.median(step))


def pair_features(bars: Bars, asset: int, windows_minutes: tuple[int, ...]) -> PairFeatures:
    """Features of instrument ``asset`` computed from ``bars`` (a training window)."""
    o, h, lo, c, v = (getattr(bars, f)[:, asset] for f in ("open", "high", "low", "close", "volume"))
    ds = bars.day_starts
    bpd = int(np.median(np.diff(ds))) if len(ds) > 1 else 1
    mpb = minutes_per_bar(bars) if bpd > 1 else 1440.0 / 1  # daily bars: one bar per session
    logp = np.log(c)
    r = np.diff(logp)
    sigma_bar = float(np.std(r)) if len(r) > 1 else 0.0
    day_close = c[ds[1:] - 1]
    r_day = np.diff(np.log(day_close))
    sigma_day = float(np.std(r_day)) if len(r_day) > 1 else sigma_bar * math.sqrt(max(bpd, 1))
    atr = ind.atr(h, lo, c, 14) / c
    atr_ok = atr[np.isfinite(atr)]
    amp = (h - lo) / c
    k15 = max(1, round(15 / mpb))
    k60 = max(1, round(60 / mpb))
    if bpd > 1:
        first_hour = min(bpd - 1, k60)
        starts, ends = ds[:-1], ds[1:] - 1
        early = np.log(c[starts + first_hour - 1]) - np.log(o[starts])
        rest = np.log(c[ends]) - np.log(c[starts + first_hour - 1])
        if len(early) > 2 and np.std(early) > 0 and np.std(rest) > 0:
            corr = float(np.corrcoef(early, rest)[0, 1])
            beta = float(np.cov(early, rest)[0, 1] / np.var(early, ddof=1))
        else:
            corr, beta = 0.0, 0.0
        acf15 = _acf1(_block_returns(logp, ds, k15))
        acf60 = _acf1(_block_returns(logp, ds, k60))
    else:
        corr = beta = 0.0
        acf15 = acf60 = _acf1(r)
    day_vol = np.add.reduceat(v, ds[:-1]) if len(ds) > 1 else v
    vz = float((day_vol[-1] - day_vol[:-1].mean()) / day_vol[:-1].std()) if len(day_vol) > 2 and day_vol[:-1].std() > 0 else 0.0
    rsi_last = ind.rsi(c, 14)[-1] if len(c) > 15 else 50.0
    wins: dict[str, dict[str, float]] = {}
    for wm in windows_minutes:
        k = max(1, round(wm / mpb))
        if k >= len(c):
            continue
        rk = logp[k:] - logp[:-k]
        last = float(logp[-1] - logp[-1 - k])
        vol = sigma_bar * math.sqrt(k)
        wins[f"{wm}m" if mpb < 1440 else f"{k}d"] = {
            "ret": last, "vol": vol, "amplitude": float(np.mean(amp[-k:])),
            "trend_strength": float(np.mean(np.abs(rk)) / vol) if vol > 0 else 0.0,
        }
    return PairFeatures(
        pair=bars.ids[asset], cls=str(bars.assets["cls"].iloc[asset]), bars_per_day=bpd, minutes_per_bar=mpb,
        sigma_bar=sigma_bar, sigma_day=sigma_day,
        atr_rel=float(np.mean(atr_ok)) if len(atr_ok) else sigma_bar,
        atr_rel_q95=float(np.quantile(atr_ok, 0.95)) if len(atr_ok) else sigma_bar,
        amplitude=float(np.mean(amp)), acf15=acf15, acf60=acf60, open_rest_corr=corr, open_rest_beta=beta,
        rsi=float(rsi_last) if np.isfinite(rsi_last) else 50.0, volume_z=vz, windows=wins,
    )


def describe(f: PairFeatures) -> str:
    """A compact text table of the features for a prompt."""
    lines = [f"pair {f.pair} ({f.cls}), {f.bars_per_day} bars/session",
             f"daily vol {f.sigma_day:.4f}; ATR/price {f.atr_rel:.5f}; amplitude {f.amplitude:.5f}",
             f"autocorr 15m {f.acf15:+.3f}, 60m {f.acf60:+.3f}; first hour vs rest of day corr {f.open_rest_corr:+.3f}",
             f"RSI {f.rsi:.0f}; volume z {f.volume_z:+.2f}"]
    for name, w in f.windows.items():
        lines.append(f"{name}: ret {w['ret']:+.4f} vol {w['vol']:.4f} trend strength {w['trend_strength']:.2f}")
    return "\n".join(lines)


def class_summary(features: list[PairFeatures]) -> dict[str, float]:
    """Means over the instruments of a class (A_ma's view of the universe)."""
    keys = ("sigma_day", "atr_rel", "amplitude", "acf15", "acf60", "open_rest_corr", "volume_z")
    return {k: float(np.mean([getattr(f, k) for f in features])) for k in keys}
