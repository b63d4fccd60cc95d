"""What every IRL method offers the sampler driver, and the data it receives.

Online methods (``rdirl``, ``first_order``) consume one (expert state, learner state) pair
per environment step through :meth:`IRLMethod.observe`; batch methods (``gcl``, ``airl``) learn
from the transitions of a round in :meth:`IRLMethod.end_round`. All of them give the sampler a
learned reward through :meth:`IRLMethod.reward` (reward = -c_theta(s') for cost methods) and a
recovered per-state reward through :meth:`IRLMethod.state_reward` for the correlation metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.cost import CostNet

LogProb = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""log pi(a | s) of the sampler's current policy for a batch (obs, actions in env units)."""


@dataclass(frozen=True)
class RoundBatch:
    """The sampler's transitions since the last round, in time order (T of them)."""

    obs: np.ndarray
    """(T, obs_dim) states s_t."""
    actions: np.ndarray
    """(T,) ints (discrete) or (T, act_dim) floats in environment units."""
    next_obs: np.ndarray
    """(T, obs_dim) states s_{t+1} reached."""
    t: np.ndarray
    """(T,) step index within the fixed-horizon episode."""
    absorbing: np.ndarray
    """(T,) whether the step started in the absorbing state."""
    episode: np.ndarray
    """(T,) a global episode id (episodes of several envs interleave)."""
    done: np.ndarray
    """(T,) whether the episode ended with this step (termination or time limit)."""


class IRLMethod:
    """Base class: a cost or reward learner driven by the sampler loop."""

    name = "base"
    online = False
    """Whether the method learns from per-step (expert, learner) state pairs."""

    def observe(self, s_expert: np.ndarray, s_learner: np.ndarray) -> None:
        raise NotImplementedError(f"{self.name} is not an online method")

    def end_round(self, batch: RoundBatch, log_prob: LogProb | None) -> None:
        """Learn from a round of sampler transitions (batch methods)."""

    def state_reward(self, states: np.ndarray) -> np.ndarray:
        """The recovered reward of each state (-c_theta(s) for cost methods)."""
        raise NotImplementedError

    def reward(self, obs: np.ndarray, actions: np.ndarray, next_obs: np.ndarray,
               log_prob: LogProb | None) -> np.ndarray:
        """The reward the sampler trains on; default -c_theta(s')."""
        return self.state_reward(next_obs)

    def end_epoch(self) -> None:
        """Called after every pass over the demo steps (covariance schedules)."""

    def finite(self) -> bool:
        return True

    def stats(self) -> dict[str, Any]:
        """Compute statistics: updates, seconds spent in them, method-specific counters."""
        return {}

    def arrays(self) -> dict[str, np.ndarray]:
        """What to save as the learned reward (e.g. theta and P)."""
        return {}


class CostMethod(IRLMethod):
    """A method whose recovered reward is -c_theta(s) from a :class:`CostNet`."""

    def __init__(self, net: CostNet) -> None:
        self.net = net
        self.n_updates = 0
        self.update_seconds = 0.0
        self.update_cpu_seconds = 0.0

    def state_reward(self, states: np.ndarray) -> np.ndarray:
        return -self.net.cost(states)  # reward = -cost, everywhere

    def finite(self) -> bool:
        return bool(np.isfinite(self.net.theta).all())

    def stats(self) -> dict[str, Any]:
        return {"n_updates": self.n_updates, "update_seconds": self.update_seconds,
                "update_cpu_seconds": self.update_cpu_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"theta": self.net.theta.copy(), "input_mean": self.net.mean, "input_std": self.net.std}
