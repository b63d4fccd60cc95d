"""The testbed: a synthetic equity universe with hidden events, or real daily data.

Synthetic universe (reconstructed testbed, not from the paper). K stocks in S sectors, daily bars:

    r_j,t = beta_j m_t + gamma_j s_sec(j),t + eps_j,t + (event moves)

* m is the calibrated regime GARCH-t market factor of :func:`agentzoo.markets.synth.simulate_daily`
  (plus an equity premium); s are smaller GARCH-t sector factors from the same generator; eps is
  Student-t noise;
* hidden events: quarterly earnings per stock (scheduled +- jitter, signed surprise J), sector
  shocks (4 per sector per year) and macro shocks (3 per year: a market jump and 20 days of higher
  market volatility). An event of total log move A = size * J (times beta_j or gamma_j) arrives as
  (1 - post_event_drift_frac) A in the open gap of its day t0 and post_event_drift_frac A spread
  evenly over the sessions (open to close) of the next ``drift_days`` days;
* companies get fictional names from a seeded syllable generator, so a large model cannot recall them.

The events table is the hidden truth: agents never see it (it is written only after a run).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.tseries.holiday import (
    AbstractHolidayCalendar,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMartinLutherKingJr,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
)
from pandas.tseries.offsets import CustomBusinessDay

from agentzoo.markets.data import Bars, DataError, load_arch, make_assets
from agentzoo.markets.synth import ASSET_CLASSES, AssetClass, simulate_daily
from agentzoo.seeding import rng
from agentzoo.systems.quantagents.config import Config

log = logging.getLogger(__name__)
A = 252
"""Trading days per year."""
OVERNIGHT_SHARE = 0.2
"""Share of a day's diffusive variance that arrives overnight (as in markets.synth)."""
MACRO_VOL_DAYS, MACRO_VOL_MULT = 20, 2.0
SECTOR_CLASS = AssetClass("quantagents_sector", "xnys", rho=0.0, vol_mult=0.6, jump_mult=0.0)
SECTOR_NAMES = ("Technology", "Healthcare", "Energy", "Financials", "Consumer", "Industrials",
                "Materials", "Utilities", "Telecom", "Real Estate")
_ONSETS = ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "dr", "tr", "st")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "io")
_CODAS = ("", "n", "r", "l", "x", "s", "th", "nd", "rk")
_SUFFIXES = ("Systems", "Holdings", "Labs", "Industries", "Group", "Networks", "Dynamics", "Energy", "Health", "Capital")


class ExchangeHolidays(AbstractHolidayCalendar):
    """NYSE-like holidays (no half days): the trading calendar of the synthetic world."""

    rules = [  # noqa: RUF012 (pandas' calendar API)
        Holiday("New Year's Day", month=1, day=1, observance=nearest_workday), USMartinLutherKingJr, USPresidentsDay,
        GoodFriday, USMemorialDay, Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
        USLaborDay, USThanksgivingDay, Holiday("Christmas", month=12, day=25, observance=nearest_workday),
    ]


def trading_days(start: str, n: int) -> pd.DatetimeIndex:
    """The first ``n`` trading days from ``start`` (weekdays minus :class:`ExchangeHolidays`)."""
    return pd.date_range(start, periods=n, freq=CustomBusinessDay(calendar=ExchangeHolidays()))


@dataclass(frozen=True)
class World:
    """What a run trades on. Agents see ``bars`` through a past-only view and the news stream; the rest
    is hidden truth for diagnostics."""

    bars: Bars
    """Daily OHLCV of the universe (warm-up and test period)."""
    test_start: int
    """Index of the first test day (the first trading day of a week)."""
    names: dict[str, str]
    """Ticker -> company name."""
    sectors: np.ndarray
    """(N,) sector index of each stock."""
    sector_names: tuple[str, ...]
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Hidden events: day, kind (earnings/sector/macro), ticker, sector, J, impact (log move of the stock)."""
    beta: np.ndarray | None = None
    """True factor loadings (hidden; tests only)."""
    has_news: bool = False

    @property
    def T(self) -> int:
        return self.bars.T

    @property
    def N(self) -> int:
        return self.bars.N

    @property
    def tickers(self) -> list[str]:
        return self.bars.ids


def company_names(n: int, seed: int) -> tuple[list[str], list[str]]:
    """``n`` unique fictional (ticker, name) pairs from a seeded syllable generator."""
    gen = rng(seed, "quantagents-names")
    tickers: list[str] = []
    names: list[str] = []
    while len(tickers) < n:
        stem = "".join(str(gen.choice(_ONSETS)) + str(gen.choice(_VOWELS)) + str(gen.choice(_CODAS))
                       for _ in range(int(gen.integers(2, 4))))
        ticker = "".join(c for c in stem.upper() if c.isalpha())[:4]
        if len(ticker) < 3 or ticker in tickers:
            continue
        tickers.append(ticker)
        names.append(f"{stem.capitalize()} {gen.choice(_SUFFIXES)}")
    return tickers, names


def _week_first(days: pd.DatetimeIndex) -> np.ndarray:
    iso = days.isocalendar()
    key = iso["year"].to_numpy() * 100 + iso["week"].to_numpy()
    return np.r_[True, key[1:] != key[:-1]]


def _window(days: pd.DatetimeIndex, warmup: int, test_weeks: int) -> tuple[int, int]:
    """(test_start, T): the first week start at or after ``warmup`` and the end of ``test_weeks`` weeks."""
    first = np.flatnonzero(_week_first(days))
    starts = first[first >= warmup]
    if len(starts) < test_weeks + 1:
        raise DataError(f"{len(days)} days hold fewer than {test_weeks} test weeks after {warmup} warm-up days")
    return int(starts[0]), int(starts[test_weeks])


def synthetic(cfg: Config) -> World:
    """The synthetic universe of ``cfg`` (deterministic per ``cfg.seed``; see the module docstring)."""
    warmup = round(cfg.warmup_years * A)
    D = warmup + cfg.test_weeks * 5 + 40
    days = trading_days("2016-01-04", D)
    test_start, T = _window(days, warmup, cfg.test_weeks)
    days = days[:T]
    N, S = cfg.n_stocks, cfg.n_sectors
    gen = rng(cfg.seed, "quantagents-world")
    sectors = np.arange(N) % S
    gen.shuffle(sectors)
    beta = gen.uniform(0.5, 2.0, N)
    gamma = gen.uniform(0.5, 1.5, N)
    idio = gen.uniform(0.012, 0.025, N)
    market = simulate_daily(T, 1, ASSET_CLASSES["index_future"], seed=cfg.seed)
    sector_path = simulate_daily(T, S, SECTOR_CLASS, seed=cfg.seed)
    m = market.R[:, 0].copy()
    s = sector_path.R
    nu = 5.0
    eps = gen.standard_t(nu, (T, N)) * np.sqrt((nu - 2) / nu) * idio

    # hidden events ----------------------------------------------------------------------------
    size_e, size_s, size_m = cfg.event_sizes
    rows: list[dict[str, object]] = []
    for j in range(N):  # quarterly earnings, every ~63 days +- 3
        t0 = int(gen.integers(0, 63))
        while t0 < T:
            J = float(gen.standard_normal())
            rows.append({"day": t0, "kind": "earnings", "stock": j, "sector": int(sectors[j]), "J": J})
            t0 += 63 + int(gen.integers(-3, 4))
    for k in range(S):  # 4 sector shocks per sector per year
        for t0 in np.sort(gen.choice(T, size=gen.poisson(4 * T / A), replace=False)):
            rows.append({"day": int(t0), "kind": "sector", "stock": -1, "sector": k, "J": float(gen.standard_normal())})
    for t0 in np.sort(gen.choice(T, size=gen.poisson(3 * T / A), replace=False)):  # 3 macro shocks per year
        J = float(gen.standard_normal() - 0.5)  # macro news skews negative (reconstructed)
        rows.append({"day": int(t0), "kind": "macro", "stock": -1, "sector": -1, "J": J})
        m[int(t0) + 1 : int(t0) + 1 + MACRO_VOL_DAYS] *= MACRO_VOL_MULT  # a switch to high volatility
    events = pd.DataFrame(rows, columns=["day", "kind", "stock", "sector", "J"]).sort_values(
        ["day", "kind", "stock", "sector"], kind="stable").reset_index(drop=True)
    gap_ev = np.zeros((T, N))
    drift_ev = np.zeros((T, N))
    f, L = cfg.post_event_drift_frac, cfg.drift_days
    for day, kind, stock, sector, J in zip(events["day"].to_numpy(np.int64), events["kind"].astype(str),
                                           events["stock"].to_numpy(np.int64), events["sector"].to_numpy(np.int64),
                                           events["J"].to_numpy(np.float64), strict=True):
        if kind == "earnings":
            move = np.zeros(N)
            move[stock] = size_e * J
        elif kind == "sector":
            move = np.where(sectors == sector, gamma * size_s * J, 0.0)
        else:
            move = beta * size_m * J
        t0 = int(day)
        gap_ev[t0] += (1 - f) * move
        drift_ev[t0 + 1 : t0 + 1 + L] += f * move / L
    sizes = events["kind"].map({"earnings": size_e, "sector": size_s, "macro": size_m}).to_numpy(np.float64)
    events["impact"] = sizes * events["J"].to_numpy(np.float64)  # log move per unit loading (gamma_j, beta_j)

    # prices -----------------------------------------------------------------------------------
    d = beta * (m[:, None] + cfg.equity_premium / A) + gamma * s[:, sectors] + eps  # diffusive log returns
    sigma = np.sqrt((beta * float(np.std(m))) ** 2 + (gamma * float(np.std(s))) ** 2 + idio**2)
    w = OVERNIGHT_SHARE
    g = w * d + np.sqrt(w * (1 - w)) * sigma * gen.standard_normal((T, N)) + gap_ev  # open gap
    log_close = np.log(gen.uniform(20, 200, N)) + np.cumsum(d + gap_ev + drift_ev, axis=0)
    prev = np.vstack([log_close[:1] - d[:1] - gap_ev[:1] - drift_ev[:1], log_close[:-1]])
    close, open_ = np.exp(log_close), np.exp(prev + g)
    high = np.maximum(open_, close) * np.exp(0.5 * sigma * np.abs(gen.standard_normal((T, N))))
    low = np.minimum(open_, close) * np.exp(-0.5 * sigma * np.abs(gen.standard_normal((T, N))))
    dollar_adv = np.exp(gen.normal(np.log(1e8), 0.8, N))  # median 1e8 per day (sets the liquidity ratio)
    level = np.zeros(N)
    volume = np.empty((T, N))
    shocks = gen.standard_normal((T, N))
    r = np.diff(np.vstack([prev[:1], log_close]), axis=0)
    for t in range(T):  # log-AR(1) volume around each stock's dollar ADV, higher on big moves
        level = 0.7 * level + 0.3 * shocks[t] + 0.5 * np.abs(r[t]) / sigma - 0.4
        volume[t] = dollar_adv / close[t] * np.exp(level)
    tickers, names = company_names(N, cfg.seed)
    sector_names = tuple(SECTOR_NAMES[k] if k < len(SECTOR_NAMES) else f"Sector {k + 1}" for k in range(S))
    time = (days.tz_localize("America/New_York") + pd.Timedelta(hours=16)).tz_convert("UTC").tz_localize(None)
    bars = Bars(time.values.astype("datetime64[ns]"), open_, high, low, close, volume,
                make_assets(tickers, "equity", "xnys", [sector_names[k] for k in sectors]),
                source=f"quantagents-synthetic(seed={cfg.seed}, K={N}, S={S})")
    events["ticker"] = [tickers[j] if j >= 0 else "" for j in events["stock"]]
    events["sector_name"] = [sector_names[k] if k >= 0 else "" for k in events["sector"]]
    events["date"] = days.values[events["day"].to_numpy(np.int64)]
    return World(bars, test_start, dict(zip(tickers, names, strict=True)), sectors, sector_names, events, beta, True)


def arch_indices(cfg: Config) -> World:
    """The real S&P 500 and NASDAQ daily series shipped in ``arch``: two assets plus cash, no news."""
    parts = [load_arch("sp500"), load_arch("nasdaq")]
    common = np.intersect1d(parts[0].time, parts[1].time)
    stacked = {f: np.hstack([getattr(b, f)[np.isin(b.time, common)] for b in parts])
               for f in ("open", "high", "low", "close", "volume")}
    bars = Bars(common, stacked["open"], stacked["high"], stacked["low"], stacked["close"], stacked["volume"],
                make_assets(["SP500", "NASDAQ"], "equity_index", "xnys", ["index", "index"]), source="arch:indices")
    days = pd.DatetimeIndex(bars.time).tz_localize("UTC").tz_convert("America/New_York").normalize().tz_localize(None)
    warmup = round(cfg.warmup_years * A)
    first = np.flatnonzero(_week_first(days))
    if len(first) < cfg.test_weeks + 2:
        raise DataError(f"arch:indices has {len(first)} weeks, fewer than test_weeks + 2")
    test_start, end = int(first[-cfg.test_weeks - 1]), int(first[-1])
    start = max(0, test_start - warmup)
    return World(bars[start:end], test_start - start, {"SP500": "S&P 500 index", "NASDAQ": "NASDAQ Composite"},
                 np.zeros(2, dtype=np.int64), ("index",))


def load_panel(path: Path) -> Bars:
    """A panel file (CSV or Parquet; columns date/time, ticker, optional sector, open..volume) as Bars.

    Every ticker must have a bar on every date of the panel: a gap raises :class:`DataError` naming the
    ticker and the missing dates. Without a sector column every stock is put in one sector, with a warning.
    """
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        raw = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except Exception as exc:  # corrupt or unreadable: say so, with the file
        raise DataError(f"{path}: cannot read panel: {exc}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    time_col = next((c for c in ("date", "time", "timestamp", "datetime") if c in raw.columns), None)
    missing = [c for c in ("ticker", "open", "high", "low", "close", "volume") if c not in raw.columns]
    if time_col is None or missing:
        raise DataError(f"{path}: missing column(s) {missing or ['date']}; have {list(raw.columns)}")
    if "sector" not in raw.columns:
        log.warning("%s has no sector column: every stock is put in one sector", path)
        raw["sector"] = "all"
    raw["_t"] = pd.to_datetime(raw[time_col], errors="coerce")
    if raw["_t"].isna().any():
        row = int(np.flatnonzero(raw["_t"].isna().to_numpy())[0])
        raise DataError(f"{path}: row {row} column {time_col}: unparseable date {raw[time_col].iloc[row]!r}")
    dates = np.sort(raw["_t"].unique())
    tickers = list(dict.fromkeys(raw["ticker"].astype(str)))
    fields = {}
    for f in ("open", "high", "low", "close", "volume"):
        table = raw.pivot_table(index="_t", columns="ticker", values=f, aggfunc="last").reindex(index=dates)
        fields[f] = table.reindex(columns=tickers).to_numpy(np.float64)
    for j, ticker in enumerate(tickers):
        gaps = np.flatnonzero(~np.isfinite(fields["close"][:, j]))
        if len(gaps):
            shown = ", ".join(str(pd.Timestamp(dates[i]).date()) for i in gaps[:5])
            raise DataError(f"{path}: ticker {ticker} has no bar on {len(gaps)} date(s): {shown}"
                            + (" ..." if len(gaps) > 5 else ""))
    if (fields["close"] <= 0).any() or (fields["open"] <= 0).any():
        raise DataError(f"{path}: prices must be positive")
    sectors = raw.groupby("ticker", sort=False)["sector"].first().reindex(tickers).astype(str).tolist()
    time = (pd.DatetimeIndex(dates) + pd.Timedelta(hours=21)).values.astype("datetime64[ns]")
    return Bars(time, fields["open"], np.maximum(fields["high"], np.maximum(fields["open"], fields["close"])),
                np.minimum(fields["low"], np.minimum(fields["open"], fields["close"])), fields["close"],
                fields["volume"], make_assets(tickers, "equity", "xnys", sectors), source=f"file:{path}")


def from_file(cfg: Config) -> World:
    bars = load_panel(Path(cfg.market.split(":", 1)[1]))
    days = pd.DatetimeIndex(bars.time)
    first = np.flatnonzero(_week_first(days))
    if len(first) < cfg.test_weeks + 2:
        raise DataError(f"{cfg.market} holds {len(first)} weeks, fewer than test_weeks + 2 = {cfg.test_weeks + 2}")
    test_start, end = int(first[-cfg.test_weeks - 1]), int(first[-1])
    if test_start < 60:
        raise DataError(f"{cfg.market}: only {test_start} days before the test period; tools need at least 60")
    names_ = list(dict.fromkeys(bars.assets["sector"]))
    sectors = np.array([names_.index(x) for x in bars.assets["sector"]], dtype=np.int64)
    return World(bars[:end], test_start, {t: t for t in bars.ids}, sectors, tuple(names_))


def build(cfg: Config) -> World:
    """The world named by ``cfg.market``."""
    if cfg.market == "synthetic":
        return synthetic(cfg)
    if cfg.market == "arch:indices":
        return arch_indices(cfg)
    return from_file(cfg)
