"""A schedule: T perfect matchings, re-verified on construction, with its utilities and measures.

Nothing a solver reports is trusted: every quantity (U, the per-round minima, the value) is
recomputed from the matchings, and a matching that is not a permutation raises at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.systems.fair_matching.assignment import is_permutation
from agentzoo.systems.fair_matching.instance import Instance

STATUSES = ("optimal", "time_limit", "infeasible", "heuristic")


@dataclass(frozen=True)
class Schedule:
    """The output of :func:`agentzoo.systems.fair_matching.api.solve`."""

    instance: Instance
    """The instance scheduled."""
    matchings: np.ndarray
    """Shape (T, n), int: matchings[t, i] is the item of agent i in round t + 1."""
    algorithm: str
    """The algorithm that produced it."""
    guarantee: str
    """What is proven about its value ("none (empirical)" when nothing is)."""
    status: str = "heuristic"
    """optimal (proven within mip_rel_gap), time_limit (incumbent, with bound), infeasible, heuristic."""
    bound: float | None = None
    """A proven upper bound on OPT (the optimum of the end-of-horizon problem), when known."""
    seconds: float = 0.0
    """Wall time of the algorithm."""
    info: dict[str, Any] = field(default_factory=dict, compare=False)
    """Solver details (node counts, LP bound, certificate text)."""

    def __post_init__(self) -> None:
        n, T = self.instance.n, self.instance.rounds
        M = np.asarray(self.matchings)
        if M.shape != (T, n):
            raise ValueError(f"{self.algorithm}: schedule has shape {M.shape}, expected (T, n) = {(T, n)}")
        for t in range(T):
            if not is_permutation(M[t], n):
                raise ValueError(f"{self.algorithm}: round {t + 1} is not a perfect matching: {M[t].tolist()}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        M = M.astype(np.int64)
        M.setflags(write=False)
        object.__setattr__(self, "matchings", M)

    # ------------------------------------------------------------------ utilities
    @property
    def per_round(self) -> np.ndarray:
        """(T, n): u_i(M_t(i))."""
        u = self.instance.utilities
        return u[np.arange(self.instance.n)[None, :], self.matchings]

    @property
    def cumulative(self) -> np.ndarray:
        """(T, n): U_i^t = Σ_{s<=t} u_i(M_s(i))."""
        return np.cumsum(self.per_round, axis=0)

    @property
    def U(self) -> np.ndarray:
        """(n,): U_i^T, the end-of-horizon utilities."""
        return self.per_round.sum(axis=0)

    @property
    def round_minima(self) -> np.ndarray:
        """(T,): min_i U_i^t over the real agents, after each round."""
        return self.cumulative[:, self.instance.real_agents].min(axis=1)

    @property
    def value(self) -> float:
        """min_i U_i^T, the maximin objective."""
        return float(self.round_minima[-1])

    @property
    def counts(self) -> np.ndarray:
        """X, (n, n): x_io = number of rounds in which agent i gets item o."""
        n = self.instance.n
        X = np.zeros((n, n), dtype=np.int64)
        np.add.at(X, (np.tile(np.arange(n), len(self.matchings)), self.matchings.ravel()), 1)
        return X

    @property
    def gap(self) -> float | None:
        """(bound - value) / bound, when a bound is known."""
        if self.bound is None:
            return None
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)

    # ------------------------------------------------------------------ measures
    def envy(self) -> tuple[float, float]:
        """(max envy, fraction of envious ordered pairs) over real agents, evaluated at T.

        Agent i envies j when u_i · x_j > u_i · x_i (i values j's multiset of items more than its own).
        """
        real = self.instance.real_agents
        u = self.instance.utilities[real]
        X = self.counts[real].astype(float)
        cross = u @ X.T  # cross[i, j] = u_i · x_j
        own = np.diag(cross)
        excess = cross - own[:, None]
        k = len(own)
        envious = (excess > 1e-9 * np.maximum(1.0, np.abs(own))[:, None]).sum()
        return float(max(0.0, excess.max())), float(envious / max(1, k * (k - 1)))

    def welfare(self) -> float:
        """Utilitarian welfare Σ_i U_i^T over real agents."""
        return float(self.U[self.instance.real_agents].sum())

    def summary(self) -> dict[str, Any]:
        """A JSON-able record of the schedule (artifacts/), enough to re-verify it."""
        return {
            "algorithm": self.algorithm,
            "guarantee": self.guarantee,
            "status": self.status,
            "value": self.value,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": self.seconds,
            "U": self.U.tolist(),
            "matchings": self.matchings.tolist(),
        }
