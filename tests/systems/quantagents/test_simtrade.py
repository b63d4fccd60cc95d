"""Bob's sandbox: past-only, a copy of the book, its own random stream, and known-answer holding paths."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.markets.backtest import FutureAccessError
from agentzoo.markets.strategy import Param
from agentzoo.seeding import rng
from agentzoo.systems.quantagents.records import StrategyProposal
from agentzoo.systems.quantagents.simtrade import Portfolio, SimTrade, hold_path
from agentzoo.systems.quantagents.strategies import FAMILIES, Family, Signals
from agentzoo.systems.quantagents.tools import MarketView
from agentzoo.systems.quantagents.world import synthetic


def _sandbox(world, t: int, paths: int = 32, seed: int = 0) -> tuple[SimTrade, Portfolio]:
    N = world.N
    port = Portfolio(np.full(N, 100.0), 5e5, world.bars.close[t].copy(), np.full(N, np.nan))
    signals = Signals(np.linspace(-0.5, 0.5, N), np.ones(N), np.full(N, 0.3))
    view = MarketView(world.bars, t, sectors=world.sectors)
    return SimTrade(view, port, signals, gen=rng(seed, "sim"), paths=paths, lookback=60), port


def test_simulation_leaves_the_real_book_alone(tiny_world) -> None:
    sim, port = _sandbox(tiny_world, tiny_world.test_start)
    before = port.digest()
    for fam in ("momentum_reversal", "sentiment_tilt", "risk_parity", "low_beta", "equal_weight"):
        res = sim.simulate(StrategyProposal(fam, FAMILIES[fam].defaults()))
        assert np.isfinite(res.mean) and res.std >= 0 and 0 <= res.p_loss <= 1 and not res.refused
    assert port.digest() == before
    assert sim.portfolio is not port


def test_the_sandbox_view_ends_at_the_decision(tiny_world) -> None:
    sim, _ = _sandbox(tiny_world, tiny_world.test_start)
    with pytest.raises(FutureAccessError):
        sim.view[tiny_world.test_start + 1]


def test_a_rule_that_reads_tomorrow_is_refused(tiny_world) -> None:
    def peek(view, signals, params):
        tomorrow = view[view.t + 1]["close"]  # look-ahead
        return (tomorrow > view.closes(1)[-1]).astype(float)

    cheat = Family("peek", peek, (Param("k", 1, 5, 2, integer=True),))
    sim, _ = _sandbox(tiny_world, tiny_world.test_start)
    res = sim.simulate(StrategyProposal("peek", {"k": 2}), family=cheat)
    assert res.refused.startswith("LookAheadError")
    assert sim.refusals and "peek" in sim.refusals[0]


def test_scenarios_have_their_own_stream(tiny_cfg) -> None:
    a = synthetic(tiny_cfg)
    sim, _ = _sandbox(a, a.test_start, paths=512)
    sim.growth()
    b = synthetic(tiny_cfg.replace(sim_paths=512))
    for f in ("open", "high", "low", "close", "volume"):
        assert getattr(a.bars, f).tobytes() == getattr(b.bars, f).tobytes()
    s1, _ = _sandbox(a, a.test_start, paths=64, seed=0)
    s2, _ = _sandbox(a, a.test_start, paths=64, seed=0)
    assert np.array_equal(s1.growth(), s2.growth())  # seeded: reproducible


def test_hold_path_known_answers() -> None:
    # two names, w = (0.5, 0.5) from cash (w0 = 0), cost 1%: entry costs 0.01 * 1.0
    growth = np.array([[[1.10, 0.90], [1.20, 0.80]]])  # one path, two days
    ret, dd = hold_path(np.zeros(2), np.array([0.5, 0.5]), growth, np.inf, 0.01)
    assert ret[0] == pytest.approx(0.5 * 1.2 + 0.5 * 0.8 - 1 - 0.01)
    assert dd[0] == pytest.approx(0.01)  # the entry cost is the only loss from the starting value 1
    # a 15% stop sells the second name at 0.80 on day 2 (paying 1%); day 1 value 0.99 + 0 = 0.99
    ret, dd = hold_path(np.array([0.5, 0.5]), np.array([0.5, 0.5]), growth, 0.15, 0.01)
    assert ret[0] == pytest.approx(0.5 * 1.2 + 0.5 * 0.8 * 0.99 - 1)
    value_day1 = 0.5 * 1.1 + 0.5 * 0.9
    assert dd[0] == pytest.approx(1 - (0.5 * 1.2 + 0.5 * 0.8 * 0.99) / max(1.0, value_day1))


def test_hold_path_runs_on_torch_the_same() -> None:
    torch = pytest.importorskip("torch")
    g = np.cumprod(1 + rng(1, "g").normal(0, 0.02, (64, 5, 4)), axis=1)
    w0, w = np.array([0.1, 0.2, 0.0, 0.3]), np.array([0.25, 0.25, 0.25, 0.0])
    r_np, dd_np = hold_path(w0, w, g, 0.03, 7e-4)
    r_t, dd_t = hold_path(w0, w, torch.as_tensor(g), 0.03, 7e-4)
    assert np.allclose(r_np, r_t.numpy()) and np.allclose(dd_np, dd_t.numpy())


def test_sentiment_tilt_raises_the_prediction(tiny_world) -> None:
    sim, _ = _sandbox(tiny_world, tiny_world.test_start, paths=256)
    base = sim.simulate(StrategyProposal("sentiment_tilt", {"k": 2, "min_tau": 0.0})).mean
    sim.kappa, sim._growth = 0.05, None
    sim.gen = rng(0, "sim")
    tilted = sim.simulate(StrategyProposal("sentiment_tilt", {"k": 2, "min_tau": 0.0})).mean
    assert tilted > base  # the held names have positive tau-bar, so kappa > 0 adds drift
