"""The synthetic market: determinism, exact aggregation, stylised facts against sp500, volume shape."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from agentzoo.markets import data, synth


def test_byte_identical_per_seed_and_seed_matters():
    a = synth.minute_bars(3, 4, "crypto_major", seed=7, edge=0.5)
    b = synth.minute_bars(3, 4, "crypto_major", seed=7, edge=0.5)
    c = synth.minute_bars(3, 4, "crypto_major", seed=8, edge=0.5)
    for f in data.FIELDS:
        assert getattr(a, f).tobytes() == getattr(b, f).tobytes()
    assert a.time.tobytes() == b.time.tobytes()
    assert not np.array_equal(a.close, c.close)


@pytest.mark.parametrize("cls", ["index_future", "crypto_major"])
def test_minutes_aggregate_to_daily_model(cls):
    bars = synth.minute_bars(2, 6, cls, seed=1, edge=0.5)
    R = bars.meta["daily"].R
    daily = bars.daily()
    lr = np.diff(np.log(np.vstack([np.full((1, 2), 100.0), daily.close])), axis=0)
    np.testing.assert_allclose(lr, R, atol=1e-12, rtol=0)
    assert (bars.high >= np.maximum(bars.open, bars.close)).all()
    assert (bars.low <= np.minimum(bars.open, bars.close)).all()
    assert bars.n_days == 6 and bars.T == 6 * synth.SESSION_MINUTES[synth.ASSET_CLASSES[cls].calendar]


def test_stock_session_calendar():
    bars = synth.minute_bars(1, 2, "index_future", seed=0)
    assert bars.minutes_from_open[0] == 0 and bars.minutes_to_close[389] == 1
    assert bars.calendar == "xnys" and bars.annualisation == 252


def test_no_edge_daily_returns_match_sp500_stylised_facts():
    real = data.load_arch("sp500").close[:, 0]
    r_real = np.diff(np.log(real))
    path = synth.simulate_daily(5000, 1, synth.ASSET_CLASSES["index_future"], seed=0, edge=0.0)
    r = path.R[:, 0]
    vol, vol_real = r.std() * np.sqrt(252), r_real.std() * np.sqrt(252)
    assert abs(vol / vol_real - 1) < 0.20
    assert stats.kurtosis(r, fisher=False) > 3
    assert abs(np.corrcoef(r[1:], r[:-1])[0, 1]) < 0.05
    assert np.corrcoef(np.abs(r[1:]), np.abs(r[:-1]))[0, 1] > 0.1
    assert (path.drift == 0).all()


@pytest.mark.parametrize("cls", list(synth.ASSET_CLASSES))
def test_mean_pairwise_correlation(cls):
    klass = synth.ASSET_CLASSES[cls]
    path = synth.simulate_daily(2000, 8, klass, seed=3)
    c = np.corrcoef(path.R.T)[np.triu_indices(8, 1)].mean()
    assert abs(c - klass.rho) < 0.05


def test_u_shaped_volume():
    bars = synth.minute_bars(2, 10, "index_future", seed=2)
    v = bars.volume.reshape(10, 390, 2)
    mid = v[:, 165:225].mean()
    assert v[:, :30].mean() >= 1.5 * mid and v[:, -30:].mean() >= 1.5 * mid


def test_planted_edge_makes_the_early_move_predictive():
    def early_vs_rest(edge: float) -> float:
        bars = synth.minute_bars(8, 60, "index_future", seed=5, edge=edge, p_trend_day=0.5, bar_minutes=30)
        c = np.log(bars.close.reshape(60, 13, 8))
        o = np.log(bars.open.reshape(60, 13, 8))
        early, rest = c[:, 1] - o[:, 0], c[:, -1] - c[:, 1]
        return float(np.corrcoef(early.ravel(), rest.ravel())[0, 1])

    assert early_vs_rest(2.0) > 0.2
    assert abs(early_vs_rest(0.0)) < 0.1


def test_events_table_and_twins():
    bars = synth.minute_bars(6, 200, "altcoin", seed=4, bar_minutes=60)
    ev = bars.meta["events"]
    assert len(ev) > 0 and set(ev.columns) >= {"time", "asset", "scope", "sign", "size"}
    assert set(ev["scope"]) <= {"asset", "sector", "market"}
    twin = synth.minute_bars(6, 200, "altcoin", seed=4, bar_minutes=60, edge=0.0)
    edged = synth.minute_bars(6, 200, "altcoin", seed=4, bar_minutes=60, edge=0.5)
    same = edged.meta["daily"].drift == 0
    np.testing.assert_allclose(twin.meta["daily"].R[same], edged.meta["daily"].R[same])


def test_universe_splits_classes():
    uni = synth.universe(5, ("index_future", "crypto_major"), 2, seed=0, bar_minutes=30)
    assert uni["index_future"].N == 3 and uni["crypto_major"].N == 2
    assert uni["crypto_major"].ids == ["SYN-003", "SYN-004"]
