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
