"""Synthetic markets: regime-switching GARCH-t daily returns with jumps, bridged into minute bars.

Reconstructed testbed design (not from any paper), calibrated to a real daily series shipped by
``arch`` (:mod:`agentzoo.markets.calibrate`):

* **daily model** - a two-state regime chain (low/high volatility, shared by an asset class)
  scales GARCH(1,1)'s omega (variance-targeted to the series' sample variance, persistence capped
  at 0.98; one variance path per class, driven by the cross-sectional mean squared return); innovations are Student-t (nu from the fit), correlated across the
  class through one factor, z_i = sqrt(rho_c) f + sqrt(1 - rho_c) e_i; compound-Poisson
  double-exponential jumps hit one asset, its sector or the whole class and are listed in an
  **events table**;
* **minute bars** - inside each day a Brownian bridge with intraday variance weights
  v(tau) ~ 1 + 3(2 tau - 1)^2 (and, stock-like, an overnight gap carrying 20% of the variance),
  pinned to the day's return; each minute's high/low is drawn as the exact bridge extreme
  (a + b +- sqrt((b - a)^2 - 2 s^2 ln U)) / 2; volume is a log-AR(1) daily level split by U-shaped
  weights 1 + 2(2 tau - 1)^2 with gamma(20) noise;
* **planted edge** - with probability ``p_trend_day`` a day of an asset carries an extra drift
  s * edge * sigma_d (hidden sign s), spread evenly over the session, so the early move predicts
  the rest of the day. ``edge = 0`` is the **no-edge world**: a martingale with volatility
  clustering, in which no strategy should win after costs.

Daily returns are exactly the close-to-close returns of the generated minute bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from agentzoo.markets.calibrate import load_calibration
from agentzoo.markets.data import Bars, make_assets
from agentzoo.seeding import rng

MAX_PERSISTENCE = 0.98
"""alpha + beta is capped here (sp500 fits ~0.999, near-integrated) so short samples have stable volatility."""


@dataclass(frozen=True)
class AssetClass:
    """A family of synthetic instruments."""

    name: str
    calendar: str
    """``xnys`` (390-minute sessions, weekdays, overnight gap) or ``24/7`` (1440 minutes a day)."""
    rho: float
    """rho_c: correlation of the common factor across the class."""
    vol_mult: float
    """Daily volatility as a multiple of the calibrated series'."""
    jump_mult: float
    """Jump intensity as a multiple of the calibrated series'."""
    n_sectors: int = 4


ASSET_CLASSES = {
    "index_future": AssetClass("index_future", "xnys", 0.8, 1.0, 1.0),
    "crypto_major": AssetClass("crypto_major", "24/7", 0.6, 3.0, 1.0),
    "altcoin": AssetClass("altcoin", "24/7", 0.4, 5.0, 3.0),
}
SESSION_MINUTES = {"xnys": 390, "24/7": 1440}
OVERNIGHT_SHARE = {"xnys": 0.2, "24/7": 0.0}


@dataclass(frozen=True)
class DailyPath:
    """The daily model's draw for one class: arrays (D, N) unless noted."""

    R: np.ndarray
    """Total log return of each day (diffusion + jump + planted drift)."""
    sigma: np.ndarray
    """Conditional daily volatility sigma_d (decimal)."""
    jump: np.ndarray
    """Jump part of R (0 on most days)."""
    drift: np.ndarray
    """Planted drift s * edge * sigma_d (0 except on trend days)."""
    regime: np.ndarray
    """(D,) 0 = low-volatility, 1 = high-volatility regime."""
    events: pd.DataFrame
    """One row per jump: day, asset, scope (asset/sector/market), sign, size."""


def _student_t(gen: np.random.Generator, nu: float, shape: tuple[int, ...]) -> np.ndarray:
    """Student-t draws scaled to unit variance."""
    return gen.standard_t(nu, size=shape) * np.sqrt((nu - 2.0) / nu)


def simulate_daily(
    n_days: int, n_assets: int, cls: AssetClass, *, seed: int, edge: float = 0.0,
    p_trend_day: float = 0.3, calibration: str = "sp500", sectors: np.ndarray | None = None,
) -> DailyPath:
    """Daily log returns of ``n_assets`` instruments of class ``cls`` over ``n_days`` days."""
    cal = load_calibration(calibration)
    g = cal["garch_pct"]
    assert isinstance(g, dict)
    alpha, beta, nu = float(g["alpha"]), float(g["beta"]), float(g["nu"])
    if alpha + beta > MAX_PERSISTENCE:
        beta = MAX_PERSISTENCE - alpha
    var_target = (float(cal["daily_vol"]) * 100) ** 2  # type: ignore[arg-type]
    omega = var_target * (1 - alpha - beta)  # variance targeting: E[h] = sample variance
    scale_d, stay_d = cal["regime_omega_scale"], cal["regime_stay"]
    assert isinstance(scale_d, dict) and isinstance(stay_d, dict)
    scale = np.array([scale_d["low"], scale_d["high"]])
    stay = np.array([stay_d["low"], stay_d["high"]])
    gen = rng(seed, "synth-daily", cls.name)
    D, N = n_days, n_assets
    regime = np.empty(D, dtype=np.int64)
    u = gen.random(D)
    regime[0] = 1 if u[0] < 0.5 else 0
    for d in range(1, D):
        regime[d] = regime[d - 1] if u[d] < stay[regime[d - 1]] else 1 - regime[d - 1]
    f = _student_t(gen, nu, (D, 1))
    e = _student_t(gen, nu, (D, N))
    z = np.sqrt(cls.rho) * f + np.sqrt(1 - cls.rho) * e
    h = np.empty(D)
    r_pct = np.empty((D, N))
    h_prev = var_target * scale[regime[0]]
    for d in range(D):  # GARCH(1,1) on the class: h_d = omega c_s + alpha mean_i r_{d-1,i}^2 + beta h_{d-1}
        h[d] = h_prev
        r_pct[d] = np.sqrt(h_prev) * z[d]
        if d + 1 < D:
            h_prev = omega * scale[regime[d + 1]] + alpha * float(np.mean(r_pct[d] ** 2)) + beta * h_prev
    sigma = np.repeat(np.sqrt(h)[:, None], N, axis=1) / 100 * cls.vol_mult
    diffusion = r_pct / 100 * cls.vol_mult
    # jumps: Poisson events with a scope; size (4 + Exp(excess)) conditional sigmas
    lam = float(cal["jump_rate_per_day"]) * cls.jump_mult  # type: ignore[arg-type]
    p_up = float(cal["jump_p_up"]) if cls.name == "index_future" else 0.5  # type: ignore[arg-type]
    excess = float(cal["jump_excess_sigma"])  # type: ignore[arg-type]
    sectors = np.arange(N) % cls.n_sectors if sectors is None else sectors
    jump = np.zeros((D, N))
    rows = []
    n_events = gen.poisson(lam * N, size=D)
    for day in np.flatnonzero(n_events):
        d = int(day)
        for _ in range(int(n_events[d])):
            asset = int(gen.integers(N))
            scope = ("asset", "sector", "market")[int(gen.choice(3, p=[0.7, 0.2, 0.1]))]
            sign = 1.0 if gen.random() < p_up else -1.0
            size_sig = 4.0 + gen.exponential(excess)
            hit = {"asset": np.array([asset]), "sector": np.flatnonzero(sectors == sectors[asset]),
                   "market": np.arange(N)}[scope]
            jump[d, hit] += sign * size_sig * sigma[d, hit]
            rows.append({"day": int(d), "asset": asset, "scope": scope, "sign": int(sign),
                         "size_sigma": float(size_sig), "size": float(sign * size_sig * sigma[d, asset])})
    trend = (gen.random((D, N)) < p_trend_day) * np.where(gen.random((D, N)) < 0.5, -1.0, 1.0)
    drift = trend * edge * sigma
    events = pd.DataFrame(rows, columns=["day", "asset", "scope", "sign", "size_sigma", "size"]).astype(
        {"day": np.int64, "asset": np.int64, "sign": np.int64, "size_sigma": float, "size": float})
    return DailyPath(diffusion + jump + drift, sigma, jump, drift, regime, events)



@njit(cache=True)
def _bridge_days(zf, ze, u1, u2, noise, w, sigma, R, jump, drift, jump_minute, lp_start, vol_level, u_vol, rho,
                 o, h, lo, c, v):  # pragma: no cover - compiled
    """Fill minute OHLCV of a block of days (see the module docstring for the construction)."""
    Dc, M1, N = ze.shape
    M = M1 - 1
    sq_rho, sq_irho = np.sqrt(rho), np.sqrt(1.0 - rho)
    eps = np.empty(M1)
    for d in range(Dc):
        for i in range(N):
            sig = sigma[d, i]
            total = 0.0
            for m in range(M1):  # correlated Gaussian increments; m = 0 is the overnight gap
                eps[m] = (sq_rho * zf[d, m] + sq_irho * ze[d, m, i]) * np.sqrt(w[m]) * sig
                total += eps[m]
            target = R[d, i] - jump[d, i] - drift[d, i]
            for m in range(M1):  # pin the bridge to the day's diffusive return
                eps[m] += (target - total) * w[m]
            per_minute_drift = drift[d, i] / M  # planted drift, evenly over the session
            jm = jump_minute[d, i]
            prev = lp_start[d, i] + eps[0]
            for m in range(M):
                step = eps[m + 1] + per_minute_drift
                if m == jm:
                    step += jump[d, i]
                cur = prev + step
                if m == M - 1:
                    cur = lp_start[d, i] + R[d, i]  # exact: close-to-close equals R_d
                s2 = w[m + 1] * sig * sig
                half = 0.5 * (prev + cur)
                span2 = (cur - prev) * (cur - prev)
                o[d, m, i] = np.exp(prev)
                c[d, m, i] = np.exp(cur)
                h[d, m, i] = np.exp(half + 0.5 * np.sqrt(span2 - 2.0 * s2 * np.log1p(-u1[d, m, i])))
                lo[d, m, i] = np.exp(half - 0.5 * np.sqrt(span2 - 2.0 * s2 * np.log1p(-u2[d, m, i])))
                v[d, m, i] = vol_level[d, i] * u_vol[m] * noise[d, m, i]
                prev = cur


def _session_times(start: str, n_days: int, calendar: str, bar_minutes: int) -> np.ndarray:
    """(D * M/bar_minutes,) UTC bar-open timestamps of ``n_days`` sessions from ``start``."""
    M = SESSION_MINUTES[calendar]
    offsets = np.arange(0, M, bar_minutes, dtype=np.int64) * 60_000_000_000
    if calendar == "xnys":
        dates = pd.bdate_range(start, periods=n_days)
        opens = (dates + pd.Timedelta(hours=9, minutes=30)).tz_localize("America/New_York").tz_convert("UTC")
    else:
        opens = pd.date_range(start, periods=n_days, freq="D", tz="UTC")
    base = opens.tz_localize(None).values.astype("datetime64[ns]").astype(np.int64)
    return (base[:, None] + offsets[None, :]).reshape(-1).astype("datetime64[ns]")


def minute_bars(
    n_assets: int, n_days: int, asset_class: str = "index_future", *, seed: int = 0,
    edge: float = 0.0, p_trend_day: float = 0.3, bar_minutes: int = 1, start: str = "2024-01-02",
    calibration: str = "sp500", id_prefix: str = "SYN", id_offset: int = 0, price0: float = 100.0,
) -> Bars:
    """Minute (or ``bar_minutes``) bars of one synthetic asset class; byte-identical per seed.

    ``meta`` holds ``daily`` (the :class:`DailyPath`), ``events`` (jumps with bar times) and
    ``trend`` (the hidden trend-day signs, for diagnostics only - strategies never see it).
    """
    cls = ASSET_CLASSES[asset_class]
    M = SESSION_MINUTES[cls.calendar]
    if M % bar_minutes:
        raise ValueError(f"bar_minutes={bar_minutes} must divide the session length {M}")
    D, N = n_days, n_assets
    sectors = np.arange(N) % cls.n_sectors
    daily = simulate_daily(D, N, cls, seed=seed, edge=edge, p_trend_day=p_trend_day,
                           calibration=calibration, sectors=sectors)
    gen = rng(seed, "synth-minutes", asset_class)
    gap = OVERNIGHT_SHARE[cls.calendar]
    tau = (np.arange(M) + 0.5) / M
    v = 1 + 3 * (2 * tau - 1) ** 2
    v /= v.sum()  # intraday variance weights, sum 1
    u_vol = 1 + 2 * (2 * tau - 1) ** 2
    u_vol /= u_vol.sum()  # U-shaped volume weights
    jump_minute = gen.integers(M, size=(D, N))
    # volume level: log-AR(1) across days (phi 0.7) + 0.5 |R_d| / sigma_d
    lv = np.empty((D, N))
    level, mu_v = np.full(N, np.log(1e6)), np.log(1e6)
    shocks = gen.standard_normal((D, N))
    for d in range(D):
        level = mu_v + 0.7 * (level - mu_v) + 0.3 * shocks[d] + 0.5 * np.abs(daily.R[d]) / daily.sigma[d]
        lv[d] = level
    lp_start = np.log(price0) + np.vstack([np.zeros((1, N)), np.cumsum(daily.R, axis=0)[:-1]])
    out = {name: np.empty((D, M, N)) for name in ("open", "high", "low", "close", "volume")}
    w = np.r_[gap, (1 - gap) * v]  # variance share of the overnight gap (row 0) and of each minute
    chunk = max(1, 2_000_000 // (M * N))
    for d0 in range(0, D, chunk):
        dd = slice(d0, min(D, d0 + chunk))
        Dc = dd.stop - dd.start
        zf = gen.standard_normal((Dc, M + 1))
        ze = gen.standard_normal((Dc, M + 1, N))
        u1, u2 = gen.random((Dc, M, N)), gen.random((Dc, M, N))
        noise = gen.gamma(20.0, 1 / 20.0, size=(Dc, M, N))
        _bridge_days(zf, ze, u1, u2, noise, w, daily.sigma[dd], daily.R[dd], daily.jump[dd], daily.drift[dd],
                     jump_minute[dd], lp_start[dd], np.exp(lv[dd]), u_vol, cls.rho,
                     out["open"][dd], out["high"][dd], out["low"][dd], out["close"][dd], out["volume"][dd])
    arrays = {k: a.reshape(D * M, N) for k, a in out.items()}
    if bar_minutes > 1:
        k, Tb = bar_minutes, D * M // bar_minutes
        blocks = {f: a.reshape(Tb, k, N) for f, a in arrays.items()}
        arrays = {"open": blocks["open"][:, 0], "high": blocks["high"].max(axis=1), "low": blocks["low"].min(axis=1),
                  "close": blocks["close"][:, -1], "volume": blocks["volume"].sum(axis=1)}
    time = _session_times(start, D, cls.calendar, bar_minutes)
    ids = [f"{id_prefix}-{id_offset + i:03d}" for i in range(N)]
    assets = make_assets(ids, asset_class, cls.calendar, [f"{asset_class}-s{s}" for s in sectors])
    events = daily.events.copy()
    bars_per_day = M // bar_minutes
    ev_day, ev_asset = events["day"].to_numpy(np.int64), events["asset"].to_numpy(np.int64)
    events["time"] = time[ev_day * bars_per_day + jump_minute[ev_day, ev_asset] // bar_minutes]
    events["asset"] = [ids[i] for i in events["asset"]]
    source = f"synthetic({asset_class}, seed={seed}, edge={edge}, p_trend_day={p_trend_day})"
    return Bars(time, arrays["open"], arrays["high"], arrays["low"], arrays["close"], arrays["volume"],
                assets, source, {"daily": daily, "events": events, "trend": np.sign(daily.drift)})


def universe(
    n_pairs: int, asset_classes: Sequence[str], n_days: int, *, seed: int = 0, edge: float = 0.0,
    p_trend_day: float = 0.3, bar_minutes: int = 1,
) -> dict[str, Bars]:
    """``n_pairs`` instruments split evenly (round-robin) over ``asset_classes``; one Bars per class."""
    counts = {c: 0 for c in asset_classes}
    for i in range(n_pairs):
        counts[asset_classes[i % len(asset_classes)]] += 1
    out, offset = {}, 0
    for c in asset_classes:
        if counts[c]:
            out[c] = minute_bars(counts[c], n_days, c, seed=seed, edge=edge, p_trend_day=p_trend_day,
                                 bar_minutes=bar_minutes, id_offset=offset)
            offset += counts[c]
    return out
