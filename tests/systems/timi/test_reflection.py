"""A_fr: LP known answers, rows from risk events, escalation when infeasible."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.markets import synth
from agentzoo.markets.backtest import Costs, simulate
from agentzoo.systems.timi import reflection as rf
from agentzoo.systems.timi import strategies as S


def test_ladder_exposure_lp_gives_one_third():
    # Q_max = 1, M_Q = [1, 2, 3], c_m = 0.5, c_f = 1: A * (1 + 2 + 3) * 0.5 <= 1
    A_ub, b_ub = np.array([[6 * 0.5]]), np.array([1.0])
    status, x = rf.maximise(np.array([1.0]), np.array([0.5]), np.array([0.0]), np.array([1.0]), A_ub, b_ub, rho=1.0)
    assert status == 0 and x[0] == pytest.approx(1 / 3)
    status, x = rf.min_intervention(np.array([0.9]), np.array([0.0]), np.array([1.0]), A_ub, b_ub)
    assert status == 0 and x[0] == pytest.approx(1 / 3)


def test_atr_stop_minimal_intervention_gives_two_and_a_half():
    # L_max = 0.01, ATR/price = 0.004, size 1, k in [1, 5] from k0 = 4: k * 0.004 <= 0.01
    status, x = rf.min_intervention(np.array([4.0]), np.array([1.0]), np.array([5.0]), np.array([[0.004]]), np.array([0.01]))
    assert status == 0 and x[0] == pytest.approx(2.5)
    # a parameter that needs no change is left alone (minimal intervention)
    status, x = rf.min_intervention(np.array([4.0, 0.7]), np.array([1.0, 0.0]), np.array([5.0, 1.0]),
                                    np.array([[0.004, 0.0]]), np.array([0.01]))
    assert x == pytest.approx([2.5, 0.7])


def test_infeasible_lp_is_status_two_and_escalates():
    # the lower bound k >= 3 sits above the cap k <= 2.5
    status, _ = rf.min_intervention(np.array([4.0]), np.array([3.0]), np.array([5.0]), np.array([[0.004]]), np.array([0.01]))
    assert status == 2
    bot = S.Bot(S.BotSpec("trend", "sma", stop="none"), S.calibrate(S.default_spec("trend"), sigma_bar=0.001,
                                                                     bars_per_day=390, minutes_per_bar=1.0).params)
    fb = rf.Feedback(perf=None, events=(rf.RiskEvent("stop_loss", "x", {"atr_q95_rel": 0.004, "size": 1.0}),),  # type: ignore[arg-type]
                     J=-10.0, metrics={})
    lp = rf.build_lp(bot, fb, rf.RiskLimits(), grads=None)
    assert lp.missing == ["stop_loss"]  # no k_atr in a bot without a stop: not expressible
    assert rf.solve(lp, None, 0.25)[0] == 2


def test_build_lp_rows_from_events():
    bot = S.calibrate(S.BotSpec("grid", "ladder", stop="none"), sigma_bar=0.001, bars_per_day=390, minutes_per_bar=1.0)
    bot = bot.with_params({"A": 0.5, "m": 1.0, "c_m": 0.5, "c_f": 1.0})
    events = (rf.RiskEvent("exposure_breach", "x", {"sum_mq": 6 * 0.5}),)
    lp = rf.build_lp(bot, rf.Feedback(None, events, -10.0, {}), rf.RiskLimits(q_max=1.0), grads=None)  # type: ignore[arg-type]
    status, x = rf.solve(lp, None, 0.25)
    assert status == 0 and dict(zip(lp.names, x))["A"] == pytest.approx(1 / 3)
    others = {n: v for n, v in zip(lp.names, x) if n != "A"}
    assert others == pytest.approx({n: bot.params[n] for n in others})  # untouched
    # a linearised row: trades/day 30 at x0, slope 10 per unit of fast -> fast must fall by >= 1
    tb = S.calibrate(S.default_spec("trend"), sigma_bar=0.001, bars_per_day=390, minutes_per_bar=1.0)
    g = {k: np.zeros(len(tb.schema())) for k in ("trades_per_day", "mdd", "utilisation")}
    g["trades_per_day"][[p.name for p in tb.schema()].index("fast")] = 10.0
    fb = rf.Feedback(None, (rf.RiskEvent("overtrading", "x"),), -10.0, {"trades_per_day": 30.0})  # type: ignore[arg-type]
    lp = rf.build_lp(tb, fb, rf.RiskLimits(max_trades_per_day=20.0), g)
    status, x = rf.solve(lp, None, 0.25)
    assert status == 0 and dict(zip(lp.names, x))["fast"] == pytest.approx(tb.params["fast"] - 1.0)


def test_feedback_detects_events_and_penalises_J():
    bars = synth.minute_bars(1, 3, "altcoin", seed=5, bar_minutes=5)
    bot = S.calibrate(S.BotSpec("trend", "sma", stop="none"), sigma_bar=0.004, bars_per_day=288, minutes_per_bar=5.0)
    bot = bot.with_params({"fast": 2, "slow": 5})
    res = simulate(bars, S.targets(bot, bars), Costs(fee_bps=10))
    atr = S.wilder_atr(bars.high[:, 0].copy(), bars.low[:, 0].copy(), bars.close[:, 0].copy(), 14)
    fb = rf.feedback(bot, res, atr, rf.RiskLimits(max_trades_per_day=5.0, max_loss_per_trade=0.001))
    kinds = {e.kind for e in fb.events}
    assert "overtrading" in kinds and "stop_loss" in kinds
    assert fb.J == pytest.approx(fb.metrics["sharpe"] - 10 * len(fb.events))
