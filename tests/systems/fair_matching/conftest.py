"""Shared helpers for the fair-matching tests: seeded tiny integer instances."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.fair_matching.instance import Instance

NO_ANYTIME = [[5, 5, 0], [3, 5, 0], [2, 3, 1]]
"""With T = 3: OPT(t) = 1, 5, 7 and no sequence reaches all three (found and checked by brute force)."""


def tiny_instances(count: int, seed: int, n_max: int = 3, t_max: int = 3, high: int = 5, n_min: int = 1) -> list[Instance]:
    """``count`` random instances, n in n_min..n_max, T in 1..t_max, integer utilities 0..high."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(n_min, n_max + 1))
        T = int(rng.integers(1, t_max + 1))
        out.append(Instance(rng.integers(0, high + 1, (n, n)), T))
    return out


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
