"""Small fixtures for the markets tests."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.markets.data import Bars, make_assets


def daily_bars(open_: list[float], close: list[float], start: str = "2024-01-02", calendar: str = "xnys") -> Bars:
    """One instrument, one bar per weekday session; high/low envelope open and close."""
    o = np.asarray(open_, dtype=float)[:, None]
    c = np.asarray(close, dtype=float)[:, None]
    days = np.busday_offset(np.datetime64(start, "D"), np.arange(len(o)), roll="forward")
    time = (days.astype("datetime64[ns]") + np.timedelta64(20, "h"))
    return Bars(time, o, np.maximum(o, c) + 0.5, np.minimum(o, c) - 0.5, c, np.full_like(o, 1000.0),
                make_assets(["X"], calendar=calendar), source="test")


@pytest.fixture
def make_daily():
    return daily_bars
