"""Tabular maximum-entropy IRL (Ziebart et al. 2008) on a gridworld where the answer is exact.

Gridworld: an n x n grid, 5 actions (stay, up, down, left, right); with probability ``slip`` the
move goes to a uniformly random neighbour direction instead. The true reward is known
(default: minus the Manhattan distance to the goal corner, scaled to [-1, 0]), features are
one-hot per state, the horizon is finite.

MaxEnt IRL: r_theta(s) = theta^T phi(s); the finite-horizon soft value iteration
Q_t(s, a) = r(s) + sum_s' T(s'|s,a) V_{t+1}(s'), V_t = logsumexp_a Q_t gives the MaxEnt policy
pi_t(a|s) = exp(Q_t - V_t); the forward pass gives its expected state visitation mu_theta; the
log-likelihood gradient is mu_demo - mu_theta (eq. 6 of the paper, with an L2 prior).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIONS = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]])


@dataclass(frozen=True)
class Gridworld:
    size: int = 8
    slip: float = 0.1
    horizon: int = 20
    goal: tuple[int, int] | None = None
    """Goal cell (row, col); default: the bottom-right corner."""

    @property
    def n_states(self) -> int:
        return self.size * self.size

    def transitions(self) -> np.ndarray:
        """T[s, a, s'] with slip to a uniformly random other move direction."""
        n, S = self.size, self.n_states
        T = np.zeros((S, len(ACTIONS), S))
        for s in range(S):
            row, col = divmod(s, n)
            for a in range(len(ACTIONS)):
                for b, move in enumerate(ACTIONS):
                    if b == a:
                        p = 1.0 - self.slip if a else 1.0  # "stay" never slips
                    elif a and b:
                        p = self.slip / (len(ACTIONS) - 2)
                    else:
                        continue
                    r2, c2 = min(max(row + move[0], 0), n - 1), min(max(col + move[1], 0), n - 1)
                    T[s, a, r2 * n + c2] += p
        return T

    def true_reward(self) -> np.ndarray:
        n = self.size
        goal = self.goal or (n - 1, n - 1)
        rows, cols = np.divmod(np.arange(self.n_states), n)
        return -(np.abs(rows - goal[0]) + np.abs(cols - goal[1])) / (2.0 * (n - 1))


def soft_policy(T: np.ndarray, r: np.ndarray, horizon: int) -> np.ndarray:
    """pi[t, s, a] of finite-horizon soft value iteration under the state reward r."""
    S, A, _ = T.shape
    V = np.zeros(S)
    pi = np.empty((horizon, S, A))
    for t in range(horizon - 1, -1, -1):
        Q = r[:, None] + (T.reshape(S * A, S) @ V).reshape(S, A)  # Q_t(s,a) = r(s) + E[V_{t+1}(s')]
        top = Q.max(axis=1)
        V = top + np.log(np.exp(Q - top[:, None]).sum(axis=1))  # soft max over actions
        pi[t] = np.exp(Q - V[:, None])
    return pi


def visitation(T: np.ndarray, pi: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Expected state visitation counts sum_t P(s_t = s) of policy pi from ``start``."""
    S, A, _ = T.shape
    flat = T.reshape(S * A, S)
    d = start.copy()
    mu = np.zeros_like(start)
    for t in range(pi.shape[0]):
        mu += d
        d = (d[:, None] * pi[t]).reshape(-1) @ flat  # P(s_{t+1}) = sum_{s,a} P(s_t) pi(a|s) T(s'|s,a)
    return mu


def sample_demos(T: np.ndarray, pi: np.ndarray, start: np.ndarray, episodes: int,
                 rng: np.random.Generator) -> np.ndarray:
    """State sequences (episodes, H) of the policy pi."""
    S, A, _ = T.shape
    H = pi.shape[0]
    out = np.empty((episodes, H), dtype=np.int64)
    for e in range(episodes):
        s = rng.choice(S, p=start)
        for t in range(H):
            out[e, t] = s
            a = rng.choice(A, p=pi[t, s])
            s = rng.choice(S, p=T[s, a])
    return out


def maxent_irl(T: np.ndarray, mu_demo: np.ndarray, start: np.ndarray, horizon: int,
               iters: int = 300, lr: float = 0.1, l2: float = 1e-3) -> np.ndarray:
    """Learned state reward theta (one-hot features) by gradient ascent with Adam-like steps."""
    S = T.shape[0]
    theta = np.zeros(S)
    m, v = np.zeros(S), np.zeros(S)
    for k in range(1, iters + 1):
        mu = visitation(T, soft_policy(T, theta, horizon), start)
        grad = mu_demo - mu - l2 * theta  # d log-likelihood / d theta
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        theta += lr * (m / (1 - 0.9**k)) / (np.sqrt(v / (1 - 0.999**k)) + 1e-8)
    return theta
