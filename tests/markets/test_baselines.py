"""Indicators and baselines are causal; sweeps equal the engine; tuning; the no-edge control."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agentzoo.markets import backtest as bt
from agentzoo.markets import baselines, metrics, strategy, sweep, synth
from agentzoo.markets import indicators as ind
from agentzoo.markets.backtest import Costs, Limits


@pytest.fixture(scope="module")
def bars():
    return synth.minute_bars(2, 3, "crypto_major", seed=11)


INDICATORS = {
    "sma": lambda b: ind.sma(b.close[:, 0], 20),
    "ema": lambda b: ind.ema(b.close[:, 0], 20),
    "rsi": lambda b: ind.rsi(b.close[:, 0], 14),
    "atr": lambda b: ind.atr(b.high[:, 0], b.low[:, 0], b.close[:, 0], 14),
    "max": lambda b: ind.rolling_max(b.high[:, 0], 30),
    "min": lambda b: ind.rolling_min(b.low[:, 0], 30),
    "std": lambda b: ind.rolling_std(b.close[:, 0], 30),
    "shift": lambda b: ind.shift(b.close[:, 0], 3),
    "session_open": lambda b: ind.session_open(b.open[:, 0], b.day_starts),
}


@pytest.mark.parametrize("name", list(INDICATORS))
def test_indicators_are_prefix_invariant(bars, name):
    bt.check_prefix_invariance(bars, INDICATORS[name], n_cuts=12, seed=1)


@pytest.mark.parametrize("name", list(baselines.BASELINES))
def test_baselines_are_causal_and_bounded(bars, name):
    fam = baselines.BASELINES[name]
    for params in fam.grid(4, seed=0):
        out = bt.check_prefix_invariance(bars, lambda b, p=params: fam.targets(b, p), n_cuts=8, seed=2)
        assert out.shape == (bars.T, bars.N) and np.nanmin(out) >= 0 and np.nanmax(out) <= 1


def test_indicator_known_values():
    x = np.array([1.0, 2, 3, 4, 5])
    np.testing.assert_allclose(ind.sma(x, 2), [np.nan, 1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(ind.rolling_max(np.array([3.0, 1, 2, 5, 4]), 2), [np.nan, 3, 2, 5, 5])
    np.testing.assert_allclose(ind.rolling_std(x, 3)[2:], [1.0, 1.0, 1.0])
    assert ind.rsi(np.arange(30.0), 14)[-1] == 100.0
    e = ind.ema(np.array([1.0, 3.0]), 3)  # alpha 0.5
    np.testing.assert_allclose(e, [1.0, 2.0])
    with pytest.raises(ValueError):
        ind.shift(x, -1)


def test_grid_ladder_levels():
    close = np.r_[np.full(10, 100.0), 98.9, 97.9, 100.0]
    bars = synth.minute_bars(1, 1, seed=0)[:13]
    bars = bt.Bars(bars.time, close[:, None], close[:, None] + 1, close[:, None] - 1, close[:, None],
                   np.ones((13, 1)), bars.assets)
    w = baselines.GRID.targets(bars, {"n": 5, "spacing": 0.01, "levels": 4})[:, 0]
    # ref = SMA(5): at 98.9 ref = 99.78 -> (1 - 98.9/99.78)/0.01 = 0.88 -> 0 levels; at 97.9 ref 99.36 -> 1 level
    np.testing.assert_allclose(w[10:12], [0.0, 0.25])


def test_sweep_equals_engine(bars):
    costs = Costs(fee_bps=10, slippage_bps=2)
    grid = np.array([[5, 20], [10, 50], [30, 200]], float)
    res = sweep.sweep(bars, sweep.SMA_CROSS, grid, costs, asset=1)
    for row, (fast, slow) in enumerate(grid):
        ref = bt.run_targets(bars.select(1), baselines.SMA_CROSS({"fast": fast, "slow": slow}), costs)
        perf = metrics.evaluate(ref)
        assert res.final_equity[row] == pytest.approx(ref.equity[-1], rel=1e-9)
        assert res.n_trades[row] == perf.n_trades
        assert res.sharpe[row] == pytest.approx(perf.sharpe, rel=1e-6)
        assert res.max_drawdown[row] == pytest.approx(perf.mdd, rel=1e-9)
        assert res.fees[row] == pytest.approx(ref.fees.sum(), rel=1e-9)


def test_sweep_kernel_is_causal(bars):
    """Truncating the data never changes a kernel's decisions on the kept bars (final equity of a prefix)."""
    grid = np.array([[5, 20]], float)
    full = sweep.sweep(bars, sweep.SMA_CROSS, grid)
    ref = bt.run_targets(bars.select(0), baselines.SMA_CROSS({"fast": 5, "slow": 20}), Costs())
    for cut in (500, 2000, 4000):
        part = sweep.sweep(bars[:cut], sweep.SMA_CROSS, grid)
        assert part.final_equity[0] == pytest.approx(ref.equity[cut - 1], rel=1e-9)
    assert full.final_equity[0] == pytest.approx(ref.equity[-1], rel=1e-9)


def test_family_grid_is_deterministic_and_deduplicated():
    g1, g2 = baselines.SMA_CROSS.grid(16, seed=3), baselines.SMA_CROSS.grid(16, seed=3)
    assert g1 == g2 and len(g1) == 16 and g1[0] == baselines.SMA_CROSS.defaults()
    assert len({tuple(p.values()) for p in g1}) == 16
    assert baselines.BUY_AND_HOLD.grid(64) == [{}]
    p = strategy.Param("k", 1, 5, 2, integer=True)
    assert p.clip(7.6) == 5 and p.from_unit(0.5) == 3


def test_tune_selects_on_val_among_train_top_k():
    bars = synth.minute_bars(1, 12, "index_future", seed=6, bar_minutes=5)
    tuned = strategy.tune(baselines.SMA_CROSS, bars, (0, 6), (7, 9), Costs(fee_bps=1), Limits(), grid_size=8, top_k=3)
    train_scores = sorted(tuned.train_sharpes, reverse=True)
    assert tuned.n_trials == 8 and tuned.train.sharpe in train_scores[:3]
    again = strategy.tune(baselines.SMA_CROSS, bars, (0, 6), (7, 9), Costs(fee_bps=1), Limits(), grid_size=8, top_k=3)
    assert again.params == tuned.params


def test_run_window_uses_only_earlier_context():
    bars = synth.minute_bars(1, 6, "index_future", seed=7, bar_minutes=5)
    fam = baselines.SMA_CROSS({"fast": 3, "slow": 30})
    res = strategy.run_window(bars, 3, 5, fam, Costs(), Limits(), context_days=2)
    assert res.bars.T == 2 * 78 and res.equity[0] == res.capital
    full = fam(bars)
    np.testing.assert_array_equal(res.targets[:, 0], full[3 * 78 : 5 * 78, 0])


def test_no_edge_control_no_baseline_is_significantly_positive():
    """On the no-edge market, every tuned baseline's held-out Sharpe CI includes values <= 0."""
    bars = synth.minute_bars(1, 120, "index_future", seed=21, edge=0.0, bar_minutes=5)
    costs = Costs(fee_bps=1, slippage_bps=1)
    for fam in baselines.BASELINES.values():
        tuned = strategy.tune(fam, bars, (0, 40), (41, 60), costs, Limits(), grid_size=8)
        res = strategy.run_window(bars, 61, 120, fam(tuned.params), costs, Limits())
        r = metrics.returns(metrics.daily_equity(res.equity, res.bars.day_starts), res.capital)
        lo, hi = metrics.sharpe_ci(r, 252, seed=1)
        assert lo <= 0.0, (fam.name, lo, hi)
        assert math.isfinite(hi)
