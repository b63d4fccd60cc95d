"""The classical baselines are causal and behave as documented."""

from __future__ import annotations

import numpy as np

from agentzoo.markets.backtest import check_prefix_invariance
from agentzoo.systems.quantagents.baselines import make_families, rebalance_days


def test_baselines_are_causal(tiny_world) -> None:
    bars = tiny_world.bars[: tiny_world.test_start + 40]
    for name, fam in make_families(0.25).items():
        out = check_prefix_invariance(bars, lambda b, f=fam: f.targets(b, f.defaults()), n_cuts=3)
        decided = out[np.isfinite(out).any(axis=1)]
        assert (np.nan_to_num(decided) >= 0).all() and (np.nan_to_num(decided) <= 0.25 + 1e-9).all(), name
        assert (np.nansum(decided, axis=1) <= 1 + 1e-6).all(), name


def test_rebalance_calendar_and_reversal_pick(tiny_world) -> None:
    bars = tiny_world.bars
    weeks, months = rebalance_days(bars, "week"), rebalance_days(bars, "month")
    assert 4 <= bars.T / weeks.sum() <= 5.2 and 19 <= bars.T / months.sum() <= 23
    fam = make_families(1.0)["reversal"]
    out = fam.targets(bars, {"k": 1, "lookback": 5})
    t = int(np.flatnonzero(weeks)[10])
    worst = int(np.argmin(bars.close[t] / bars.close[t - 5]))
    assert out[t, worst] == 1.0 and np.nansum(out[t]) == 1.0


def test_mean_variance_solver_matches_slsqp() -> None:
    from scipy.optimize import minimize

    from agentzoo.seeding import rng
    from agentzoo.systems.quantagents.baselines import mean_variance

    gen = rng(0, "mv")
    for trial in range(5):
        n = 12
        x = gen.normal(0.001, 0.02, (60, n)) + gen.normal(0, 0.01, (60, 1))
        mu, cov = x.mean(axis=0) * (1 + trial), np.cov(x, rowvar=False)
        gamma, cap = 2.0 + 3 * trial, 0.25
        w = mean_variance(mu, cov, gamma, cap)
        f = lambda v, mu=mu, gamma=gamma, cov=cov: -(mu @ v - 0.5 * gamma * v @ cov @ v)  # noqa: E731
        ref = minimize(f, np.full(n, 1 / n), method="SLSQP", bounds=[(0, cap)] * n,
                       constraints=[{"type": "ineq", "fun": lambda v: 1 - v.sum()}], options={"ftol": 1e-14, "maxiter": 500})
        assert (w >= -1e-12).all() and (w <= cap + 1e-12).all() and w.sum() <= 1 + 1e-9
        assert f(w) <= f(ref.x) + 1e-9  # at least as good as SLSQP


def test_projection_onto_the_capped_simplex() -> None:
    from scipy.optimize import minimize

    from agentzoo.seeding import rng
    from agentzoo.systems.quantagents.baselines import project_capped_simplex

    assert np.allclose(project_capped_simplex(np.array([0.9, 0.9, -1.0]), 0.6), [0.5, 0.5, 0.0])
    assert np.allclose(project_capped_simplex(np.array([0.1, 0.2]), 0.5), [0.1, 0.2])  # already feasible
    gen = rng(0, "proj")
    for _ in range(20):
        v, cap = gen.normal(0.2, 0.4, 8), float(gen.uniform(0.15, 0.6))
        w = project_capped_simplex(v, cap)
        ref = minimize(lambda x, v=v: ((x - v) ** 2).sum(), np.zeros(8), method="SLSQP", bounds=[(0, cap)] * 8,
                       constraints=[{"type": "ineq", "fun": lambda x: 1 - x.sum()}], options={"ftol": 1e-14})
        assert np.allclose(w, ref.x, atol=1e-5)
