"""Model predictive path integral control (MPPI), vectorised in numpy over K samples.

Each planning call refines a mean control sequence U (horizon x du) for ``iters`` iterations:
sample U + eps (eps ~ N(0, sigma^2)), roll the known dynamics forward, score every sample by
its discounted cost sum_h gamma^h c(x_{h+1}, u_h), and move U to the softmax-weighted average
w_k ∝ exp(-(C_k - min C) / (lambda * (max C - min C))) (the range-normalised temperature
makes lambda scale-free, so the same setting works for the true and for learned costs). The
first control is applied and the sequence shifted (warm start). Used as the model-based
sampler on Pendulum and as both the adversary and the "shadow" learner in ``pursuit``
(IRL_Radar uses MPPI with horizon 15, 250 samples, 25 iterations, gamma 0.95).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Dynamics = Callable[[np.ndarray, np.ndarray, int], np.ndarray]
"""x_{t+1} = f(x_t, u_t, t) on batches (K, dx), (K, du) -> (K, dx)."""
Cost = Callable[[np.ndarray, np.ndarray, int], np.ndarray]
"""c(x_{t0+h+1}, u_{t0+h}) for a whole horizon: states (K, H, dx), controls (K, H, du), t0 -> (K, H)."""


@dataclass
class MPPI:
    dynamics: Dynamics
    cost: Cost
    du: int
    u_max: float
    """Controls are clipped to [-u_max, u_max] per component (``norm_clip``: by Euclidean norm)."""
    horizon: int = 15
    samples: int = 250
    iters: int = 5
    gamma: float = 0.95
    sigma: float = 0.5
    lam: float = 0.1
    norm_clip: bool = False
    U: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.U = np.zeros((self.horizon, self.du))

    def _clip(self, u: np.ndarray) -> np.ndarray:
        if not self.norm_clip:
            return np.clip(u, -self.u_max, self.u_max)
        norm = np.linalg.norm(u, axis=-1, keepdims=True)
        return u * np.minimum(1.0, self.u_max / np.maximum(norm, 1e-12))

    def rollout(self, x0: np.ndarray, U: np.ndarray, t0: int) -> tuple[np.ndarray, np.ndarray]:
        """States (K, H, dx) reached and discounted costs (K,) of control sequences U (K, H, du)."""
        K = U.shape[0]
        x = np.repeat(np.asarray(x0, dtype=np.float64)[None], K, axis=0)
        states = np.empty((K, self.horizon, x.shape[1]))
        for h in range(self.horizon):
            x = self.dynamics(x, U[:, h], t0 + h)
            states[:, h] = x
        discount = self.gamma ** np.arange(self.horizon)
        return states, self.cost(states, U, t0) @ discount  # sum_h gamma^h c(x_{h+1}, u_h)

    def plan(self, x0: np.ndarray, t0: int, rng: np.random.Generator) -> np.ndarray:
        """The refined mean control sequence (H, du) from state x0 at time t0."""
        for _ in range(self.iters):
            eps = rng.normal(0.0, self.sigma, size=(self.samples, self.horizon, self.du))
            candidates = self._clip(self.U[None] + eps)
            candidates[0] = self._clip(self.U)  # keep the current mean among the samples
            _, C = self.rollout(x0, candidates, t0)
            spread = C.max() - C.min()
            w = np.exp(-(C - C.min()) / (self.lam * spread + 1e-12))
            w /= w.sum()
            self.U = np.einsum("k,khd->hd", w, candidates)
        return self.U.copy()

    def act(self, x0: np.ndarray, t0: int, rng: np.random.Generator) -> np.ndarray:
        """Plan, apply the first control, shift the sequence (warm start)."""
        U = self.plan(x0, t0, rng)
        self.U = np.concatenate([U[1:], U[-1:]])
        return U[0]


# ----------------------------------------------------------------------------- Pendulum-v1 model
PENDULUM_DT, PENDULUM_MAX_SPEED, PENDULUM_MAX_TORQUE = 0.05, 8.0, 2.0


def pendulum_dynamics(x: np.ndarray, u: np.ndarray, t: int = 0) -> np.ndarray:
    """gymnasium Pendulum-v1 (g = 10, m = l = 1) on internal states (theta, theta_dot)."""
    th, th_dot = x[:, 0], x[:, 1]
    u = np.clip(u[:, 0], -PENDULUM_MAX_TORQUE, PENDULUM_MAX_TORQUE)
    new_dot = np.clip(th_dot + (15.0 * np.sin(th) + 3.0 * u) * PENDULUM_DT, -PENDULUM_MAX_SPEED, PENDULUM_MAX_SPEED)
    return np.stack([th + new_dot * PENDULUM_DT, new_dot], axis=1)


def pendulum_obs(x: np.ndarray) -> np.ndarray:
    """Observations (cos theta, sin theta, theta_dot) of internal states."""
    x = np.atleast_2d(x)
    return np.stack([np.cos(x[:, 0]), np.sin(x[:, 0]), x[:, 1]], axis=1)


def pendulum_state(obs: np.ndarray) -> np.ndarray:
    """Internal state (theta, theta_dot) of one observation."""
    return np.array([np.arctan2(obs[1], obs[0]), obs[2]], dtype=np.float64)
