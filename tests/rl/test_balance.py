from __future__ import annotations

import numpy as np
import pytest

from agentzoo.rl.balance import balance


def _advantages() -> list[float]:
    # 23 System-1 rows: 9 with non-zero advantage, 14 with zero
    return [0.5, -1.0, 0.0, 2.0, 0.0, 0.0, -0.3, 0.0, 1.0, 0.0, 0.0, 0.7, 0.0, -2.0, 0.0, 0.0, 0.1, 0.0,
            0.0, -0.5, 0.0, 0.0, 0.0]


def test_downsample_keeps_target_and_prefers_nonzero() -> None:
    a = _advantages()
    assert len(a) == 23 and sum(x != 0 for x in a) == 9
    kept = balance(a, 8, "advantage_weighted", np.random.default_rng(0))
    assert len(kept) == 8 and len(set(kept)) == 8
    assert all(a[i] != 0 for i in kept)
    again = balance(a, 8, "advantage_weighted", np.random.default_rng(0))
    assert kept == again


def test_zero_rows_fill_only_after_nonzero_run_out() -> None:
    a = [0.0, 1.0, 0.0, -1.0, 0.0]
    kept = balance(a, 4, "advantage_weighted", np.random.default_rng(1))
    assert {1, 3} <= set(kept) and len(set(kept)) == 4


def test_weighting_follows_abs_advantage() -> None:
    a = [10.0, 0.1, 0.1, 0.1]
    counts = np.zeros(4)
    for s in range(300):
        for i in balance(a, 1, "advantage_weighted", np.random.default_rng(s)):
            counts[i] += 1
    assert counts[0] > 250


def test_upsample_with_replacement_and_other_modes() -> None:
    a = [1.0, -1.0, 0.0]
    kept = balance(a, 8, "advantage_weighted", np.random.default_rng(0))
    assert len(kept) == 8 and set(kept) >= {0, 1, 2}
    assert kept.count(2) == 1  # zero-advantage rows are never drawn again while others exist
    assert len(balance(a, 8, "uniform", np.random.default_rng(0))) == 8
    assert balance(a, 8, "none") == [0, 1, 2]
    assert len(balance([0.0, 0.0], 3, "advantage_weighted", np.random.default_rng(0))) == 3
    with pytest.raises(ValueError, match="unknown balance mode"):
        balance(a, 2, "greedy", np.random.default_rng(0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rng"):
        balance(a, 2, "uniform")
