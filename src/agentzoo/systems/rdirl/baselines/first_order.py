"""First-order ablation: RDIRL's per-step L_UB pairing and data stream, updated with Adam.

Same gradient g_t = (grad c(s^E_t) - grad c(s_t)) / N as RDIRL, but theta <- Adam(theta, g_t)
instead of theta <- theta - P_t g_t: it isolates the second-order claim.
"""

from __future__ import annotations

import time

import numpy as np

from agentzoo.systems.rdirl.cost import CostNet
from agentzoo.systems.rdirl.methods import CostMethod


class Adam:
    """Adam (Kingma & Ba 2015) on a flat numpy vector, updated in place."""

    def __init__(self, n: int, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, betas[0], betas[1], eps
        self.m = np.zeros(n)
        self.v = np.zeros(n)
        self.t = 0

    def step(self, theta: np.ndarray, g: np.ndarray) -> None:
        self.t += 1
        self.m = self.beta1 * self.m + (1.0 - self.beta1) * g
        self.v = self.beta2 * self.v + (1.0 - self.beta2) * g * g
        m_hat = self.m / (1.0 - self.beta1**self.t)
        v_hat = self.v / (1.0 - self.beta2**self.t)
        theta -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class FirstOrder(CostMethod):
    name = "first_order"
    online = True

    def __init__(self, net: CostNet, *, N: int, lr: float) -> None:
        super().__init__(net)
        self.N = float(N)
        self.adam = Adam(net.n, lr)

    def observe(self, s_expert: np.ndarray, s_learner: np.ndarray) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        g = (self.net.grad(s_expert) - self.net.grad(s_learner)) / self.N  # grad of l_t
        self.adam.step(self.net.theta, g)
        self.n_updates += 1
        self.update_seconds += time.perf_counter() - start
        self.update_cpu_seconds += time.thread_time() - cpu
