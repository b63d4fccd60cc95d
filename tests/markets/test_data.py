"""Loaders: real arch data, CSV/Parquet round trips, and clear errors for bad files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agentzoo.markets import data
from agentzoo.markets.data import DataError


def _frame(n: int = 5) -> pd.DataFrame:
    t = pd.date_range("2024-03-01 14:30", periods=n, freq="min")
    c = 100 + np.arange(n, dtype=float)
    return pd.DataFrame({"time": t, "open": c - 0.5, "high": c + 1, "low": c - 1, "close": c, "volume": 10.0})


def test_load_arch_sp500_adjusted():
    bars = data.load_arch("sp500")
    raw = __import__("arch.data.sp500", fromlist=["load"]).load()
    assert bars.T == len(raw) == 5031 and bars.N == 1 and bars.source == "arch:sp500"
    np.testing.assert_allclose(bars.close[:, 0], raw["Adj Close"].to_numpy())
    ratio = raw["Adj Close"] / raw["Close"]
    np.testing.assert_allclose(bars.open[:, 0], (raw["Open"] * ratio).to_numpy())
    assert (bars.low <= bars.close).all() and (bars.high >= bars.close).all()
    assert bars.annualisation == 252 and bars.n_days == bars.T


def test_load_arch_single_series_and_unknown():
    wti = data.load_arch("wti")
    assert wti.N == 1 and (wti.close > 0).all()
    with pytest.raises(DataError, match="no data set"):
        data.load_arch("nope")


def test_csv_round_trip_and_utc(tmp_path):
    path = tmp_path / "x.csv"
    f = _frame()
    f.to_csv(path, index=False)
    bars = data.load_csv(path, tz="America/New_York", calendar="xnys")
    assert bars.T == 5 and bars.ids == ["x"]
    assert str(pd.Timestamp(bars.time[0])) == "2024-03-01 19:30:00"  # 14:30 New York = 19:30 UTC
    np.testing.assert_allclose(bars.close[:, 0], f["close"])
    pq = tmp_path / "x.parquet"
    f.to_parquet(pq)
    assert data.load_parquet(pq).T == 5


@pytest.mark.parametrize(("mutate", "pattern"), [
    (lambda f: f.iloc[[0, 2, 1, 3, 4]], r"row 2 column time: timestamps not increasing"),
    (lambda f: f.iloc[[0, 1, 1, 2, 3]], r"row 2 column time: duplicate"),
    (lambda f: f.assign(close=[100, np.nan, 102, 103, 104]), r"row 1 column close: not a finite"),
    (lambda f: f.assign(high=[101, 102, 90, 104, 105]), r"row 2 column high: high below low"),
    (lambda f: f.assign(low=[99, -1, 101, 102, 103]), r"row 1 column low: price must be positive"),
    (lambda f: f.assign(volume=[1, 1, 1, -5, 1]), r"row 3 column volume: negative"),
    (lambda f: f.drop(columns=["volume"]), r"missing column"),
])
def test_bad_csv_names_file_row_and_column(tmp_path, mutate, pattern):
    path = tmp_path / "bad.csv"
    mutate(_frame()).to_csv(path, index=False)
    with pytest.raises(DataError, match=pattern) as info:
        data.load_csv(path)
    assert "bad.csv" in str(info.value)


def test_gaps_within_a_day_are_errors_when_asked(tmp_path):
    path = tmp_path / "gap.csv"
    _frame(6).drop(index=3).to_csv(path, index=False)  # 14:33 missing
    assert data.load_csv(path).T == 5  # gaps are allowed unless max_gap is given
    with pytest.raises(DataError, match=r"row 3 column time: gap of 0 days 00:02:00"):
        data.load_csv(path, max_gap="1min")


def test_corrupt_and_missing_files(tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"\x00\x01not parquet")
    with pytest.raises(DataError, match="cannot read"):
        data.load_parquet(junk)
    with pytest.raises(DataError, match="not found"):
        data.load_csv(tmp_path / "missing.csv")
    bad_time = tmp_path / "t.csv"
    _frame().assign(time=["2024-01-01", "x", "2024-01-03", "2024-01-04", "2024-01-05"]).to_csv(bad_time, index=False)
    with pytest.raises(DataError, match="row 1 column time"):
        data.load_csv(bad_time)


def test_symbol_column_gives_several_instruments(tmp_path):
    a, b = _frame().assign(symbol="AAA"), _frame().assign(symbol="BBB", close=lambda f: f["close"] + 0.1)
    path = tmp_path / "two.csv"
    pd.concat([a, b]).to_csv(path, index=False)
    bars = data.load_csv(path)
    assert bars.ids == ["AAA", "BBB"] and bars.close.shape == (5, 2)
    pd.concat([a, b.iloc[:4]]).to_csv(path, index=False)
    with pytest.raises(DataError, match="different timestamps"):
        data.load_csv(path)


def test_bars_slicing_days_and_daily(make_daily):
    bars = make_daily([1, 2, 3, 4], [1.5, 2.5, 3.5, 4.5])
    assert bars[1:3].T == 2 and bars.days(1, 3).close[0, 0] == 2.5
    daily = bars.daily()
    np.testing.assert_array_equal(daily.close, bars.close)
    with pytest.raises(TypeError):
        bars[0]  # type: ignore[index]
