"""Metrics: known answers from the spec, bootstrap CIs and the Deflated Sharpe Ratio."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agentzoo.markets import metrics as m


def test_max_drawdown_known_answer():
    assert m.max_drawdown(np.array([100, 120, 90, 130])) == pytest.approx(0.25)
    assert m.max_drawdown(np.array([1, 2, 3])) == 0.0


def test_arr_of_252_days_at_one_tenth_percent():
    equity = 100 * 1.001 ** np.arange(253)
    assert m.arr(equity[0], equity[-1], 252, 252) == pytest.approx(0.2864, abs=1e-4)
    assert m.arr(100, 100 * 1.001**252, 252, 252) == pytest.approx(1.001**252 - 1, rel=1e-12)


def test_sharpe_zero_nan_and_annualisation():
    alt = np.tile([0.01, -0.01], 50)
    assert m.sharpe(alt) == pytest.approx(0.0, abs=1e-12)
    with pytest.warns(RuntimeWarning, match="constant"):
        assert math.isnan(m.sharpe(np.full(20, 0.001)))
    r = np.array([0.01, 0.02, -0.005, 0.0])
    expected = math.sqrt(365) * r.mean() / r.std(ddof=1)
    assert m.sharpe(r, 365) == pytest.approx(expected, rel=1e-12)


def test_sortino_and_calmar_hand_values():
    r = np.array([0.02, -0.01, 0.03, -0.02])
    downside = math.sqrt((0.01**2 + 0.02**2) / 4)
    assert m.sortino(r) == pytest.approx(math.sqrt(252) * 0.005 / downside, rel=1e-12)
    assert m.calmar(0.2, 0.1) == pytest.approx(2.0)
    assert math.isnan(m.calmar(0.2, 0.0))


def test_trade_stats_known_answer():
    win, pl, pf = m.trade_stats(np.array([2.0, -1.0, 3.0, -1.0]))
    assert win == 0.5 and pl == pytest.approx(2.5) and pf == pytest.approx(2.5)
    assert all(math.isnan(x) for x in m.trade_stats(np.array([])))


def test_daily_equity_and_returns():
    eq = np.array([10.0, 11, 12, 13, 14, 15])
    starts = np.array([0, 2, 4, 6])
    np.testing.assert_array_equal(m.daily_equity(eq, starts), [11, 13, 15])
    np.testing.assert_allclose(m.returns(np.array([11.0, 13, 15]), 10), [0.1, 2 / 11, 2 / 13])


def test_bootstrap_ci_covers_and_separates():
    gen = np.random.default_rng(0)
    noise = gen.normal(0, 0.01, 500)
    lo, hi = m.sharpe_ci(noise, seed=1)
    assert lo < m.sharpe(noise) < hi and lo < 0 < hi
    strong = noise + 0.01
    lo, hi = m.sharpe_ci(strong, seed=1)
    assert lo > 5
    dlo, _ = m.sharpe_diff_ci(strong, noise, seed=2)
    assert dlo > 0
    mlo, mhi = m.median_ci(gen.normal(1.0, 1.0, 200))
    assert mlo < 1.0 < mhi and mlo > 0.5
    x = gen.normal(1.0, 1.0, 400)
    alo, ahi = m.mean_ci(x)
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert alo < x.mean() < ahi
    assert (ahi - alo) == pytest.approx(2 * 1.96 * se, rel=0.15)  # the normal-theory width


def test_stationary_bootstrap_indices_are_blocks():
    idx = m.stationary_bootstrap_indices(50, 10, 1e9, np.random.default_rng(0))  # one block each
    steps = np.diff(idx, axis=1) % 50
    assert (steps == 1).all()


def test_deflated_sharpe_ratio_falls_with_trials():
    gen = np.random.default_rng(3)
    r = gen.normal(0.001, 0.01, 250)
    one, many = m.deflated_sharpe_ratio(r, 1), m.deflated_sharpe_ratio(r, 1000)
    assert 0 <= many < one <= 1
    assert m.deflated_sharpe_ratio(gen.normal(0, 0.01, 250), 100) < 0.95
