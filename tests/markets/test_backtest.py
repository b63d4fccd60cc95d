"""The engine: known-answer fills, P&L, fees, limits; look-ahead is neutralised."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agentzoo.markets import backtest as bt
from agentzoo.markets import baselines, metrics, synth
from agentzoo.markets.backtest import Costs, Limits


def test_fill_at_next_open_known_answer(make_daily):
    bars = make_daily([10, 11, 12], [10.5, 11.5, 12.5])
    res = bt.simulate(bars, np.array([1.0, np.nan, np.nan]), Costs(fee_bps=10, slippage_bps=0), capital=100)
    assert res.fill_price[1, 0] == 11.0  # never 10.5 (bar 0's close)
    assert np.isnan(res.fill_price[0, 0])
    assert res.equity[1] == pytest.approx(100 * (1 - 0.001) * 11.5 / 11, rel=1e-14, abs=0)
    assert res.fees[1] == pytest.approx(0.1, rel=1e-14)


def test_hand_computed_ten_bars(make_daily):
    o = [100, 102, 104, 103, 101, 100, 98, 101, 104, 105]
    c = [101, 103, 102, 101, 100, 99, 100, 103, 105, 104]
    w = [0, 1, 1, 0, 0, 1, 1, 0, 0, 0]
    bars = make_daily(o, c)
    res = bt.simulate(bars, np.array(w, float), Costs(fee_bps=10), capital=1000)
    f = 0.999
    C = 1000 * f * f * 101 / 104  # cash after selling at bar 4's open (bought at 104, sold at 101)
    E9 = C * f * f * 104 / 98  # second trip: bought at 98, sold at 104
    expected = [1000, 1000, 1000 * f * 102 / 104, 1000 * f * 101 / 104, C, C,
                C * f * 100 / 98, C * f * 103 / 98, E9, E9]
    np.testing.assert_allclose(res.equity, expected, rtol=1e-13)
    # fees: f of traded notional; the units sold are those received after the buy's fee
    fees = [0, 0, 1.0, 0, 0.001 * (1000 * f / 104) * 101, 0, 0.001 * C, 0, 0.001 * (C * f / 98) * 104, 0]
    np.testing.assert_allclose(res.fees, fees, rtol=1e-13, atol=1e-15)
    trips = res.round_trips()
    assert list(trips["entry_bar"]) == [2, 6] and list(trips["exit_bar"]) == [4, 8]
    np.testing.assert_allclose(trips["pnl"], [C - 1000, E9 - C], rtol=1e-12)
    np.testing.assert_allclose(trips["price_return"], [101 / 104 - 1, 104 / 98 - 1], rtol=1e-12)
    perf = metrics.evaluate(res)
    r = np.array(expected) / np.r_[1000, expected[:-1]] - 1
    assert perf.days == 10 and perf.annualisation == 252
    assert perf.total_return == pytest.approx(E9 / 1000 - 1, rel=1e-12)
    assert perf.arr == pytest.approx((E9 / 1000) ** (252 / 10) - 1, rel=1e-10)
    assert perf.sharpe == pytest.approx(math.sqrt(252) * r.mean() / r.std(ddof=1), rel=1e-10)
    assert perf.mdd == pytest.approx(1 - min(expected) / 1000, rel=1e-12)
    assert perf.win_rate == 0.5
    assert perf.pl_ratio == pytest.approx((E9 - C) / (1000 - C), rel=1e-10)
    assert perf.n_trades == 4 and perf.n_round_trips == 2
    assert perf.trades_per_day == 0.4


def test_slippage_moves_fills_against_the_trader(make_daily):
    bars = make_daily([100, 100, 100, 100], [100, 100, 100, 100])
    res = bt.simulate(bars, np.array([1.0, 0.0, 0.0, 0.0]), Costs(fee_bps=0, slippage_bps=50), capital=1000)
    assert res.fill_price[1, 0] == pytest.approx(100.5)
    assert res.fill_price[2, 0] == pytest.approx(99.5)
    assert res.equity[-1] == pytest.approx(1000 / 100.5 * 99.5)


def test_limits_short_gross_participation_min_notional(make_daily):
    bars = make_daily([10] * 5, [10] * 5)
    no_short = bt.simulate(bars, np.full(5, -1.0), Costs(fee_bps=0), Limits(allow_short=False), capital=100)
    assert (no_short.units == 0).all()
    short = bt.simulate(bars, np.full(5, -0.5), Costs(fee_bps=0), Limits(allow_short=True), capital=100)
    assert short.units[1, 0] == pytest.approx(-5.0) and short.equity[-1] == pytest.approx(100)
    capped = bt.simulate(bars, np.full(5, 3.0), Costs(fee_bps=0), Limits(max_weight=0.5), capital=100)
    assert capped.units[1, 0] == pytest.approx(5.0)
    part = bt.simulate(bars, np.array([1.0, 1, 1, 1, 1]), Costs(fee_bps=0), Limits(participation=0.002), capital=100)
    assert part.units[1, 0] == pytest.approx(2.0) and part.unfilled == 1  # 0.002 * volume 1000
    tiny = bt.simulate(bars, np.full(5, 0.001), Costs(fee_bps=0), Limits(min_trade_notional=1.0), capital=100)
    assert (tiny.units == 0).all()


def test_gross_limit_scales_multi_asset():
    bars = synth.minute_bars(2, 1, seed=0)
    tgt = np.tile([0.8, 0.8], (bars.T, 1))
    res = bt.simulate(bars, tgt, Costs(fee_bps=0), Limits(max_gross=1.0), capital=1000)
    value = res.units[1] * bars.open[1]
    np.testing.assert_allclose(value, [500, 500], rtol=1e-12)


def test_nan_and_repeated_targets_hold_units(make_daily):
    bars = make_daily([10, 20, 40, 80], [10, 20, 40, 80])
    res = bt.simulate(bars, np.array([1.0, 1.0, np.nan, np.nan]), Costs(fee_bps=0), capital=100)
    assert np.isfinite(res.fill_price).sum() == 1
    np.testing.assert_allclose(res.units[1:, 0], 5.0)


# ---------------------------------------------------------------- look-ahead
def peeking(bars):
    """Long when the next close is higher: uses bar t+1."""
    c = bars.close[:, 0]
    nxt = np.r_[c[1:], np.nan]
    return np.where(np.isnan(nxt), np.nan, (nxt > c).astype(float))


class PeekingBot:
    def on_bar(self, view):
        return 1.0 if view.close[view.t + 1] > view.close[-1] else 0.0


def test_peeking_strategy_is_neutralised():
    bars = synth.minute_bars(1, 3, seed=1)
    with pytest.raises(bt.LookAheadError, match="look-ahead"):
        bt.run_targets(bars, peeking, Costs(fee_bps=1))
    with pytest.raises(bt.FutureAccessError):
        bt.run_streaming(bars, PeekingBot(), Costs(fee_bps=1))
    # the check has teeth: without it, the same strategy prints money
    leaked = bt.run_targets(bars, peeking, Costs(fee_bps=1), unsafe_skip_lookahead_check=True)
    assert metrics.evaluate(leaked).sharpe > 10


@pytest.mark.parametrize("bad", ["normalise", "centred", "bfill"])
def test_prefix_check_catches_subtle_leaks(bad):
    bars = synth.minute_bars(1, 2, seed=2)

    def strategy(b):
        c = b.close[:, 0]
        if bad == "normalise":
            return (c > c.mean()).astype(float)  # full-sample statistic
        if bad == "centred":
            return (c > np.convolve(c, np.ones(5) / 5, mode="same")).astype(float)
        x = np.where(np.arange(len(c)) % 7 == 0, c, np.nan)
        idx = np.where(~np.isnan(x), np.arange(len(c)), len(c) - 1)
        idx = np.minimum.accumulate(idx[::-1])[::-1]  # backward fill
        return (c > x[idx]).astype(float)

    with pytest.raises(bt.LookAheadError):
        bt.run_targets(bars, strategy, Costs())


def test_past_array_windows():
    bars = synth.minute_bars(1, 1, seed=3)
    view = bt.PastView(bars, 10)
    c = bars.close[:, 0]
    assert view.close[-1] == c[10] and view.close[0] == c[0] and view.close[10] == c[10]
    np.testing.assert_array_equal(view.close[-3:], c[8:11])
    assert len(view.close.values) == 11
    with pytest.raises(bt.FutureAccessError):
        view.close[11]
    with pytest.raises(bt.FutureAccessError):
        view.close[5:12]
    with pytest.raises(ValueError):
        view.close.values[0] = 1.0  # read-only


class SmaBot:
    def __init__(self, fast: int, slow: int) -> None:
        self.fast, self.slow = fast, slow

    def on_bar(self, view):
        if len(view.close) < self.slow:
            return 0.0
        x = view.close[-self.slow :]
        return 1.0 if x[-self.fast :].mean() > x.mean() else 0.0


def test_streaming_matches_vectorised():
    bars = synth.minute_bars(1, 2, seed=4)
    vec = bt.run_targets(bars, baselines.SMA_CROSS({"fast": 5, "slow": 20}), Costs(fee_bps=5))
    stream = bt.run_streaming(bars, SmaBot(5, 20), Costs(fee_bps=5))
    np.testing.assert_allclose(stream.equity, vec.equity, rtol=1e-12)
    assert stream.latency_ns is not None and len(stream.latency_ns) == bars.T


def test_user_strategy_that_is_causal_passes_the_check():
    bars = synth.minute_bars(1, 2, seed=5)

    def momentum(b):
        c = b.close[:, 0]
        return np.r_[0.0, (np.diff(c) > 0).astype(float)]

    res = bt.run_targets(bars, momentum, Costs(fee_bps=1))
    assert np.isfinite(res.equity).all()
