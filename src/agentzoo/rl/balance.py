"""Sample balancing: resample the spawned rows of a batch to a target count (MARS).

MARS (paper, "sample balancing"; v2 "advantage-weighted balanced sampling") computes
advantages on all rows first, then resamples the System-1 rows to the number of System-2
rows N2: without replacement when there are more, with replacement up to N2 when there are
fewer. Reconstructed (the paper gives no formula): the draw probability is proportional to
|A|, and rows with A = 0 are drawn only after the non-zero rows run out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

Mode = Literal["advantage_weighted", "uniform", "none"]
MODES: tuple[str, ...] = ("advantage_weighted", "uniform", "none")


def balance(
    advantages: Sequence[float] | np.ndarray,
    target: int,
    mode: Mode = "advantage_weighted",
    rng: np.random.Generator | None = None,
) -> list[int]:
    """Indices of the rows to keep (with repeats when upsampling), sorted ascending.

    ``none`` keeps every row once. ``uniform`` draws uniformly. ``advantage_weighted`` draws
    with probability ∝ |A|, zero-advantage rows only after the non-zero ones run out.
    """
    if mode not in MODES:
        raise ValueError(f"unknown balance mode {mode!r}; allowed: {', '.join(MODES)}")
    if target < 0:
        raise ValueError(f"target must be >= 0, got {target}")
    a = np.abs(np.asarray(advantages, dtype=np.float64))
    n = len(a)
    if mode == "none" or n == 0:
        return list(range(n))
    if rng is None:
        raise ValueError("balance needs an explicit rng (seeded) unless mode='none'")
    if mode == "uniform":
        a = np.ones(n)
    if n >= target:
        return sorted(_without_replacement(a, target, rng))
    # Fewer rows than the target: keep all once, then draw the rest with replacement.
    extra = target - n
    weights = a if a.sum() > 0 else np.ones(n)
    draws = rng.choice(n, size=extra, replace=True, p=weights / weights.sum())
    return sorted([*range(n), *(int(i) for i in draws)])


def _without_replacement(a: np.ndarray, k: int, rng: np.random.Generator) -> list[int]:
    nonzero = np.flatnonzero(a > 0)
    zero = np.flatnonzero(a == 0)
    if len(nonzero) >= k:
        picked = rng.choice(nonzero, size=k, replace=False, p=a[nonzero] / a[nonzero].sum())
        return [int(i) for i in picked]
    fill: Any = rng.choice(zero, size=k - len(nonzero), replace=False) if k > len(nonzero) else []
    return [int(i) for i in nonzero] + [int(i) for i in fill]
