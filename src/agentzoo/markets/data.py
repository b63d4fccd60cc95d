"""Market data: the :class:`Bars` container, real daily series from ``arch``, CSV/Parquet loaders.

Everything in :mod:`agentzoo.markets` trades on :class:`Bars`, a struct of arrays with one
row per bar and one column per instrument (all instruments share one time axis and one
trading calendar). Loaders validate strictly and raise :class:`DataError` naming the file,
the row and the column of the first problem, never returning half-checked data.

Calendars: ``"xnys"`` (a stock-like session, 09:30-16:00 America/New_York, weekdays; risk
statistics annualise with 252 days) and ``"24/7"`` (UTC days, annualised with 365). Times
are always normalised to UTC on load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

CALENDARS = {"xnys": 252, "24/7": 365}
"""Calendar name -> annualisation factor A (trading days per year)."""
SESSION_TZ = {"xnys": "America/New_York", "24/7": "UTC"}
SESSION_CLOSE_MINUTE = {"xnys": 16 * 60, "24/7": 24 * 60}
"""Minute of the local day at which the session closes."""
SESSION_OPEN_MINUTE = {"xnys": 9 * 60 + 30, "24/7": 0}
FIELDS = ("open", "high", "low", "close", "volume")
ASSET_COLUMNS = ("id", "cls", "sector", "calendar")


class DataError(ValueError):
    """Invalid market data; the message names the source, the row and the column."""


@dataclass(frozen=True, eq=False)
class Bars:
    """OHLCV bars of N instruments on one time axis.

    ``time`` is (T,) ``datetime64[ns]`` in UTC, strictly increasing; the price and volume
    arrays are (T, N) float64. ``assets`` has one row per instrument with the columns
    ``id``, ``cls`` (asset class), ``sector`` and ``calendar``.
    """

    time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    assets: pd.DataFrame
    source: str = "unknown"
    """Where the data came from (``synthetic(...)``, ``arch:sp500``, ``file:PATH``); tables are labelled with it."""
    meta: Mapping[str, object] = field(default_factory=dict)
    """Free-form extras (e.g. the generator's events table)."""

    def __post_init__(self) -> None:
        T = len(self.time)
        for name in FIELDS:
            arr = getattr(self, name)
            if arr.ndim != 2 or arr.shape[0] != T:
                raise DataError(f"{self.source}: {name} must have shape (T, N) with T={T}, got {arr.shape}")
        if len(self.assets) != self.close.shape[1]:
            raise DataError(f"{self.source}: {len(self.assets)} assets for {self.close.shape[1]} columns")
        if self.assets["calendar"].nunique() > 1:
            raise DataError(f"{self.source}: one Bars holds one calendar, got {sorted(set(self.assets['calendar']))}")

    # ------------------------------------------------------------------ shape
    @property
    def T(self) -> int:
        return len(self.time)

    @property
    def N(self) -> int:
        return int(self.close.shape[1])

    @cached_property
    def ids(self) -> list[str]:
        return [str(x) for x in self.assets["id"]]

    @cached_property
    def calendar(self) -> str:
        return str(self.assets["calendar"].iloc[0])

    @property
    def annualisation(self) -> int:
        """A: 252 for a stock-like calendar, 365 for 24/7 markets."""
        return CALENDARS[self.calendar]

    def __len__(self) -> int:
        return self.T

    def __getitem__(self, key: slice) -> Bars:
        """Bars ``key`` (a slice of bar positions), all instruments."""
        if not isinstance(key, slice):
            raise TypeError("Bars can only be sliced by position (bars[a:b])")
        out = self._unchecked(
            self.time[key], self.open[key], self.high[key], self.low[key], self.close[key],
            self.volume[key], self.assets, self.source, self.meta,
        )
        self._share_clock(out, key)
        return out

    @classmethod
    def _unchecked(cls, *values: object) -> Bars:
        """A Bars from parts of a checked one (slicing): skips the shape and calendar checks."""
        out = object.__new__(cls)
        for f, v in zip(("time", "open", "high", "low", "close", "volume", "assets", "source", "meta"), values):
            object.__setattr__(out, f, v)
        return out

    def _share_clock(self, other: Bars, key: slice | None = None) -> None:
        """Hand the computed session clock (and ids) to a slice or selection of these bars."""
        cache = self.__dict__
        if "_local_minutes" in cache:
            days, minutes = cache["_local_minutes"]
            other.__dict__["_local_minutes"] = (days, minutes) if key is None else (days[key], minutes[key])
        if "calendar" in cache:
            other.__dict__["calendar"] = cache["calendar"]
        if key is not None and "ids" in cache:
            other.__dict__["ids"] = cache["ids"]

    def select(self, assets: int | str | Sequence[int | str]) -> Bars:
        """The instruments ``assets`` (positions or ids), in that order."""
        items = [assets] if isinstance(assets, int | str) else list(assets)
        cols = [self.ids.index(a) if isinstance(a, str) else int(a) for a in items]
        out = Bars(
            self.time, self.open[:, cols], self.high[:, cols], self.low[:, cols],
            self.close[:, cols], self.volume[:, cols],
            self.assets.iloc[cols].reset_index(drop=True), self.source, self.meta,
        )
        self._share_clock(out)
        return out

    # ------------------------------------------------------------------ calendar
    @cached_property
    def _local_minutes(self) -> tuple[np.ndarray, np.ndarray]:
        if self.calendar == "24/7":  # UTC sessions: plain integer arithmetic
            ns = self.time.astype("datetime64[ns]").astype(np.int64)
            return ns // 86_400_000_000_000, (ns % 86_400_000_000_000) // 60_000_000_000
        tz = SESSION_TZ[self.calendar]
        local = pd.DatetimeIndex(self.time).tz_localize("UTC").tz_convert(tz)
        days = local.normalize().tz_localize(None).values.astype("datetime64[D]").astype(np.int64)
        minutes = np.asarray(local.hour * 60 + local.minute, dtype=np.int64)
        return days, minutes

    @property
    def day(self) -> np.ndarray:
        """(T,) int64: the session date of each bar (days since 1970-01-01, in the session's zone)."""
        return self._local_minutes[0]

    @property
    def minutes_to_close(self) -> np.ndarray:
        """(T,) int64 minutes from each bar's timestamp to its session's scheduled close.

        Comes from the calendar, not from later bars, so a strategy may use it (session exits).
        """
        return SESSION_CLOSE_MINUTE[self.calendar] - self._local_minutes[1]

    @property
    def minutes_from_open(self) -> np.ndarray:
        """(T,) int64 minutes from the session's scheduled open to each bar's timestamp."""
        return self._local_minutes[1] - SESSION_OPEN_MINUTE[self.calendar]

    @cached_property
    def day_starts(self) -> np.ndarray:
        """Positions of the first bar of each session, plus T at the end ((D+1,) int64)."""
        d = self.day
        starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
        return np.r_[starts, self.T].astype(np.int64)

    @property
    def n_days(self) -> int:
        return len(self.day_starts) - 1

    def days(self, first: int, stop: int) -> Bars:
        """Sessions ``first`` to ``stop - 1`` (positions in the list of sessions)."""
        if not 0 <= first <= stop <= self.n_days:
            raise IndexError(f"sessions {first}:{stop} outside 0:{self.n_days}")
        s = self.day_starts
        return self[int(s[first]) : int(s[stop])]

    def daily(self) -> Bars:
        """One bar per session: first open, max high, min low, last close, summed volume."""
        s = self.day_starts
        first, last = s[:-1], s[1:] - 1
        return Bars(
            self.time[last], self.open[first], np.maximum.reduceat(self.high, first, axis=0),
            np.minimum.reduceat(self.low, first, axis=0), self.close[last],
            np.add.reduceat(self.volume, first, axis=0), self.assets, self.source + ":daily", self.meta,
        )

    def frame(self, asset: int | str = 0) -> pd.DataFrame:
        """One instrument as a DataFrame indexed by UTC time (columns open..volume)."""
        col = self.ids.index(asset) if isinstance(asset, str) else asset
        index = pd.DatetimeIndex(self.time).tz_localize("UTC")
        return pd.DataFrame({f: getattr(self, f)[:, col] for f in FIELDS}, index=index)


def make_assets(
    ids: Sequence[str], cls: str = "equity_index", calendar: str = "xnys", sectors: Sequence[str] | None = None
) -> pd.DataFrame:
    """An asset table (id, cls, sector, calendar)."""
    if calendar not in CALENDARS:
        raise DataError(f"unknown calendar {calendar!r}; allowed: {', '.join(CALENDARS)}")
    return pd.DataFrame({
        "id": list(ids), "cls": cls, "sector": list(sectors) if sectors else cls, "calendar": calendar,
    })


def from_frame(frame: pd.DataFrame, asset_id: str, *, cls: str = "user", calendar: str = "xnys",
               source: str = "frame", max_gap: str | None = None) -> Bars:
    """Bars of one instrument from a validated DataFrame (UTC DatetimeIndex, open..volume)."""
    validate_frame(frame, source, max_gap)
    index = pd.DatetimeIndex(frame.index)
    time = (index.tz_convert("UTC") if index.tz is not None else index).tz_localize(None)
    o, h, lo, c, v = (frame[f].to_numpy(np.float64).reshape(-1, 1).copy() for f in FIELDS)
    return Bars(time.values.astype("datetime64[ns]"), o, h, lo, c, v,
                assets=make_assets([asset_id], cls, calendar), source=source)


# ---------------------------------------------------------------------- validation
def validate_frame(frame: pd.DataFrame, source: str, max_gap: str | None = None) -> None:
    """Raise :class:`DataError` for missing columns, NaN, bad order, duplicates, gaps, bad prices.

    ``max_gap`` (e.g. ``"1min"``): a step between consecutive bars of the same UTC day longer than
    this is a gap (missing bars). Row numbers in messages are 0-based positions in the data.
    """
    missing = [f for f in FIELDS if f not in frame.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {missing}; have {list(frame.columns)}")
    index = pd.DatetimeIndex(frame.index)
    if index.hasnans:
        raise DataError(f"{source}: row {int(np.flatnonzero(index.isna())[0])} column time: missing timestamp")
    stamps = index.as_unit("ns").asi8
    step = np.diff(stamps)
    if (step == 0).any():
        row = int(np.flatnonzero(step == 0)[0]) + 1
        raise DataError(f"{source}: row {row} column time: duplicate timestamp {index[row]}")
    if (step < 0).any():
        row = int(np.flatnonzero(step < 0)[0]) + 1
        raise DataError(f"{source}: row {row} column time: timestamps not increasing ({index[row - 1]} then {index[row]})")
    if max_gap is not None:
        limit = pd.Timedelta(max_gap).value
        same_day = (stamps[1:] // 86_400_000_000_000) == (stamps[:-1] // 86_400_000_000_000)
        bad_gap = same_day & (step > limit)
        if bad_gap.any():
            row = int(np.flatnonzero(bad_gap)[0]) + 1
            raise DataError(f"{source}: row {row} column time: gap of {pd.Timedelta(int(step[row - 1]))} "
                            f"after {index[row - 1]} (max_gap {max_gap})")
    values = {f: pd.to_numeric(frame[f], errors="coerce").to_numpy(np.float64) for f in FIELDS}
    for f in FIELDS:
        bad = ~np.isfinite(values[f])
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"{source}: row {row} column {f}: not a finite number ({frame[f].iloc[row]!r})")
    o, h, lo, c, v = (values[f] for f in FIELDS)
    checks = [
        ("low", lo <= 0, "price must be positive"),
        ("open", o <= 0, "price must be positive"),
        ("close", c <= 0, "price must be positive"),
        ("high", h < lo, "high below low"),
        ("open", (o > h) | (o < lo), "open outside [low, high]"),
        ("close", (c > h) | (c < lo), "close outside [low, high]"),
        ("volume", v < 0, "negative volume"),
    ]
    for column, bad, what in checks:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"{source}: row {row} column {column}: {what}")


def _read_table(path: Path, columns: Mapping[str, str] | None, tz: str, kind: str) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        raw = pd.read_csv(path) if kind == "csv" else pd.read_parquet(path)
    except Exception as exc:  # corrupt or unreadable file: say so, with the file
        raise DataError(f"{path}: cannot read as {kind}: {exc}") from exc
    rename = {v: k for k, v in (columns or {}).items()}
    raw = raw.rename(columns=rename)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    time_col = next((c for c in ("time", "timestamp", "date", "datetime") if c in raw.columns), None)
    if time_col is None:
        raise DataError(f"{path}: no time column (expected one of time, timestamp, date, datetime)")
    stamps = pd.to_datetime(raw[time_col], errors="coerce", utc=False)
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise DataError(f"{path}: row {row} column {time_col}: unparseable timestamp {raw[time_col].iloc[row]!r}")
    index = pd.DatetimeIndex(stamps)
    index = index.tz_localize(tz) if index.tz is None else index
    return raw.drop(columns=[time_col]).set_index(index.tz_convert("UTC"))


def _load(path: str | Path, kind: str, columns: Mapping[str, str] | None, tz: str, calendar: str,
          asset_id: str | None, cls: str, max_gap: str | None) -> Bars:
    path = Path(path)
    if calendar not in CALENDARS:
        raise DataError(f"calendar: {calendar!r} not allowed; allowed: {', '.join(CALENDARS)}")
    frame = _read_table(path, columns, tz, kind)
    if "symbol" not in frame.columns:
        return from_frame(frame, asset_id or path.stem, cls=cls, calendar=calendar, source=f"file:{path}",
                          max_gap=max_gap)
    parts: list[Bars] = []
    for symbol, rows in frame.groupby("symbol", sort=True):
        parts.append(from_frame(rows.drop(columns=["symbol"]), str(symbol), cls=cls, calendar=calendar,
                                source=f"file:{path}[{symbol}]", max_gap=max_gap))
    first = parts[0]
    for other in parts[1:]:
        if len(other.time) != len(first.time) or (other.time != first.time).any():
            raise DataError(f"{path}: symbol {other.ids[0]} has different timestamps from {first.ids[0]}")
    o, h, lo, c, v = (np.hstack([getattr(p, f) for p in parts]) for f in FIELDS)
    return Bars(first.time, o, h, lo, c, v,
                assets=make_assets([p.ids[0] for p in parts], cls, calendar), source=f"file:{path}")


def load_csv(path: str | Path, *, columns: Mapping[str, str] | None = None, tz: str = "UTC",
             calendar: str = "xnys", asset_id: str | None = None, cls: str = "user",
             max_gap: str | None = None) -> Bars:
    """OHLCV bars from a CSV file with a time column and open/high/low/close/volume.

    ``columns`` maps our names to the file's (``{"close": "Adj Close"}``); ``tz`` is the zone
    of naive timestamps (converted to UTC); a ``symbol`` column gives several instruments,
    which must share timestamps; ``max_gap`` (e.g. ``"1min"``) turns missing bars within a day into
    an error. Any problem raises :class:`DataError` naming file, row, column.
    """
    return _load(path, "csv", columns, tz, calendar, asset_id, cls, max_gap)


def load_parquet(path: str | Path, *, columns: Mapping[str, str] | None = None, tz: str = "UTC",
                 calendar: str = "xnys", asset_id: str | None = None, cls: str = "user",
                 max_gap: str | None = None) -> Bars:
    """Like :func:`load_csv` for a Parquet file."""
    return _load(path, "parquet", columns, tz, calendar, asset_id, cls, max_gap)


# ---------------------------------------------------------------------- arch data
ARCH_SERIES = ("sp500", "nasdaq", "wti", "vix", "crude")


def load_arch(name: str) -> Bars:
    """A daily series shipped inside the PyPI package ``arch`` (no download).

    ``sp500`` and ``nasdaq`` are daily OHLCV 1999-01-04..2018-12-31; OHLC are scaled by
    Adj Close / Close so that returns come from Adj Close. ``wti`` (WTI spot), ``vix`` and
    ``crude`` (Brent, the first column) are single price series: open = previous close, high/low
    the envelope of the two, volume 0.
    """
    try:
        import importlib

        module = importlib.import_module(f"arch.data.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == "arch":
            raise DataError("the `arch` package is not installed: pip install 'agentzoo[trading]'") from exc
        raise DataError(f"arch has no data set {name!r}; known: {', '.join(ARCH_SERIES)}") from exc
    raw = module.load()
    index = pd.DatetimeIndex(raw.index).tz_localize("UTC") + pd.Timedelta(hours=21)  # stamp at the close
    if {"Open", "High", "Low", "Close"} <= set(raw.columns):
        ratio = (raw["Adj Close"] / raw["Close"]) if "Adj Close" in raw.columns else 1.0
        frame = pd.DataFrame({
            "open": raw["Open"] * ratio, "high": raw["High"] * ratio, "low": raw["Low"] * ratio,
            "close": raw["Adj Close"] if "Adj Close" in raw.columns else raw["Close"],
            "volume": raw["Volume"].astype(float),
        }).set_axis(index)
        # a few vendor rows have close a hair outside [low, high] after adjustment: widen, never move close
        frame["high"] = frame[["high", "open", "close"]].max(axis=1)
        frame["low"] = frame[["low", "open", "close"]].min(axis=1)
        calendar = "xnys"
    else:
        price = raw.iloc[:, 0].astype(float).set_axis(index).dropna()
        price = price[price > 0]
        prev = price.shift(1).fillna(price.iloc[0])
        frame = pd.DataFrame({
            "open": prev, "high": np.maximum(prev, price), "low": np.minimum(prev, price),
            "close": price, "volume": 0.0,
        })
        calendar = "xnys"
    frame = frame.dropna()
    return from_frame(frame, name.upper(), cls="arch_daily", calendar=calendar, source=f"arch:{name}")
