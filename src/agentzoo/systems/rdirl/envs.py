"""Environments for RDIRL: the task table, fixed-horizon and learned-reward wrappers.

* :data:`ENV_SPECS` — per task: the fixed IRL horizon H, the default interaction budget,
  the expert's return threshold and whether the true reward is informative.
* :class:`AbsorbingFixedHorizon` — no early termination during IRL training: after the
  real episode terminates, the agent sits in the terminal (absorbing) state until H
  steps have passed (the "termination bias" pitfall: learned rewards -c <= 0 would
  otherwise make dying early attractive, or with +c, unattractive).
* :class:`LearnedRewardWrapper` — returns reward = -c_theta(s') (one sign convention
  everywhere) and keeps the environment's true reward in ``info["true_reward"]``.
* :func:`true_state_reward` — the true reward as a function of the state alone, where it is
  informative (Pendulum; pursuit lives in :mod:`.pursuit`), for the reward-correlation metric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agentzoo.config import ConfigError

GYM_ENVS = ("CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0", "Acrobot-v1")
ALL_ENVS = (*GYM_ENVS, "pursuit", "gridworld")


@dataclass(frozen=True)
class EnvSpec:
    """What RDIRL needs to know about one task."""

    env_id: str
    horizon: int
    """Fixed IRL horizon H (= demo episode length N in the 1/N gradient scaling)."""
    budget: int
    """Default learner interaction budget in environment steps."""
    threshold: float
    """Mean return over 20 episodes that an expert must reach to be accepted."""
    discrete: bool
    """Whether the action space is discrete (PPO sampler) or continuous (SAC/MPPI)."""
    informative_reward: bool
    """Whether the true per-state reward carries information (used for rho / EPIC)."""


ENV_SPECS: dict[str, EnvSpec] = {
    "CartPole-v1": EnvSpec("CartPole-v1", 500, 100_000, 475.0, True, False),
    "Pendulum-v1": EnvSpec("Pendulum-v1", 200, 50_000, -200.0, False, True),
    "MountainCarContinuous-v0": EnvSpec("MountainCarContinuous-v0", 200, 100_000, 85.0, False, False),
    "Acrobot-v1": EnvSpec("Acrobot-v1", 200, 100_000, -100.0, True, False),
}


def require_rl() -> Any:
    """Import gymnasium (and check stable-baselines3), naming the extra when missing."""
    try:
        import gymnasium
        import stable_baselines3  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised by a monkeypatched test
        raise ImportError(
            f"rdirl needs gymnasium and stable-baselines3 ({exc.name} is missing); "
            "install them with: pip install 'agentzoo[rl]'"
        ) from exc
    return gymnasium


def env_spec(env_id: str) -> EnvSpec:
    """The :class:`EnvSpec` of a gymnasium task; an unknown id names the allowed ones."""
    if env_id not in ENV_SPECS:
        raise ConfigError("envs", f"unknown env {env_id!r}; allowed: {', '.join(ALL_ENVS)}")
    return ENV_SPECS[env_id]


def make_env(env_id: str) -> Any:
    """The standard gymnasium environment (with its own time limit), for evaluation."""
    env_spec(env_id)
    gym = require_rl()
    return gym.make(env_id)


def _wrapper_base() -> Any:
    return require_rl().Wrapper


class AbsorbingFixedHorizon(_wrapper_base()):  # type: ignore[misc]
    """Episodes last exactly ``horizon`` steps; after termination the state is absorbing.

    ``info["true_reward"]`` is the environment's reward (0 in the absorbing state),
    ``info["absorbing"]`` says whether the step started in the absorbing state and
    ``info["t"]`` is the step index within the episode (0-based).
    """

    def __init__(self, env: Any, horizon: int) -> None:
        super().__init__(env)
        self.horizon = int(horizon)
        self._t = 0
        self._absorbed = False
        self._last_obs: Any = None

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        obs, info = self.env.reset(**kwargs)
        self._t, self._absorbed, self._last_obs = 0, False, obs
        return obs, info

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        was_absorbing = self._absorbed
        if was_absorbing:
            obs, reward, info = self._last_obs, 0.0, {}
        else:
            obs, reward, terminated, truncated, info = self.env.step(action)
            self._absorbed = bool(terminated or truncated)
            self._last_obs = obs
        info = dict(info)
        info.update(true_reward=float(reward), absorbing=was_absorbing, t=self._t)
        self._t += 1
        return obs, float(reward), False, self._t >= self.horizon, info


class LearnedRewardWrapper(_wrapper_base()):  # type: ignore[misc]
    """reward = ``reward_fn(s')`` (the methods pass -c_theta); true reward kept in ``info``."""

    def __init__(self, env: Any, reward_fn: Callable[[np.ndarray], np.ndarray]) -> None:
        super().__init__(env)
        self.reward_fn = reward_fn

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        info = dict(info)
        info.setdefault("true_reward", float(reward))
        learned = float(np.asarray(self.reward_fn(np.asarray(obs, dtype=np.float64)[None]))[0])
        return obs, learned, terminated, truncated, info


# ----------------------------------------------------------------------------- true rewards
def pendulum_angle(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(theta in [-pi, pi], theta_dot) from Pendulum observations (cos, sin, theta_dot)."""
    obs = np.atleast_2d(obs)
    return np.arctan2(obs[:, 1], obs[:, 0]), obs[:, 2]


def true_state_reward(env_id: str, states: np.ndarray) -> np.ndarray | None:
    """The true reward of each state where it is informative, else ``None``.

    Pendulum: -(theta^2 + 0.1 theta_dot^2) (gymnasium's reward without its action term).
    CartPole (+1 per step), Acrobot (-1 per step) and MountainCarContinuous (goal bonus
    minus action cost) carry no per-state information, so no correlation is reported.
    """
    if env_id == "Pendulum-v1":
        theta, theta_dot = pendulum_angle(states)
        return -(theta**2 + 0.1 * theta_dot**2)
    return None


def coverage_states(env_id: str, demo_states: np.ndarray, rng: np.random.Generator,
                    n: int = 1500) -> np.ndarray:
    """A fixed state set for reward correlation: expert, random-policy and uniform-box states."""
    gym = require_rl()
    parts = [demo_states[rng.choice(len(demo_states), size=min(n // 3, len(demo_states)), replace=False)]]
    env = gym.make(env_id)
    env.action_space.seed(int(rng.integers(2**31)))
    visited: list[np.ndarray] = []
    obs, _ = env.reset(seed=int(rng.integers(2**31)))
    while len(visited) < n // 3:
        obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
        visited.append(obs)
        if terminated or truncated:
            obs, _ = env.reset(seed=int(rng.integers(2**31)))
    parts.append(np.asarray(visited, dtype=np.float64))
    if env_id == "Pendulum-v1":
        theta = rng.uniform(-np.pi, np.pi, n // 3)
        theta_dot = rng.uniform(-8.0, 8.0, n // 3)
        parts.append(np.stack([np.cos(theta), np.sin(theta), theta_dot], axis=1))
    else:
        low = np.minimum(demo_states.min(axis=0), parts[1].min(axis=0))
        high = np.maximum(demo_states.max(axis=0), parts[1].max(axis=0))
        parts.append(rng.uniform(low, high, size=(n // 3, demo_states.shape[1])))
    return np.concatenate(parts).astype(np.float64)
