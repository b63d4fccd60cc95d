"""The run's summary statistics: the no-edge control reports each method's Sharpe with a CI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agentzoo.systems.timi import summary


def _frame(sharpes: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for method, values in sharpes.items():
        for j, s in enumerate(values):
            rows.append({"method": method, "cls": "index_future", "pair": f"P{j % 8}", "fold": str(j // 8),
                         "sharpe": float(s), "total_return": float(s) * 1e-3, "n_trials": 16})
    return pd.DataFrame(rows)


def test_no_edge_ci_flags_a_significantly_positive_method_and_only_it():
    gen = np.random.default_rng(0)
    noise = gen.normal(0.0, 2.0, 40)
    leak = np.abs(gen.normal(3.0, 1.0, 40))  # every segment positive: what a look-ahead leak looks like
    out = summary.no_edge(_frame({"timi": leak, "grid": noise}), seed=0)
    lo, hi = out["noedge_sharpe_ci_lo_grid"], out["noedge_sharpe_ci_hi_grid"]
    assert lo < noise.mean() < hi and lo < 0 < hi and not out["noedge_significant_grid"]
    assert out["noedge_sharpe_ci_lo_timi"] > 2.0 and out["noedge_significant_timi"]
    assert out["suspect_leak"]  # TiMi winning on the no-edge twin is treated as a leak
    clean = summary.no_edge(_frame({"timi": noise, "grid": noise[::-1]}), seed=0)
    assert not clean["suspect_leak"] and not clean["noedge_significant_timi"]
