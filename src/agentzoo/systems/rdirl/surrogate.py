"""The objectives: the L_UB surrogate that RDIRL's code optimises, and GCL's loss.

* L_UB(theta) = mean_demo c_theta(s) - mean_samples c_theta(s) (authors' ``cost_jax.py`` with
  ``UB=True``): moment matching without importance weights. It is what the authors' code
  optimises; its claimed upper-bound relation to L_GCL is not verified here (by Jensen,
  L_UB + H(q) is a *lower* bound of L_GCL). Linear in c, hence unbounded below without a
  bounded cost head.
* L_GCL(theta) = mean_demo C_theta(tau) + log Z, Z = (1/M) sum_j exp(-C_theta(tau_j)) / q(tau_j)
  (Finn, Levine, Abbeel 2016, eq. 2-3), with self-normalised importance weights, and GCL's
  optional ``lcr`` regulariser (penalises second differences of the cost along demos).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.cost import CostNet


def l_ub(net: CostNet, demo_states: np.ndarray, sample_states: np.ndarray) -> float:
    """L_UB = mean c(demo states) - mean c(sampler states)."""
    return float(net.cost(demo_states).mean() - net.cost(sample_states).mean())


def gcl_loss(net: CostNet, theta: Any, demo_episodes: Any, sample_episodes: Any,
             log_q: Any, lcr: float = 0.0) -> Any:
    """L_GCL in torch.

    ``demo_episodes`` (D, H, d) and ``sample_episodes`` (M, H, d) are state tensors;
    ``log_q`` (D + M,) the log-density of every background trajectory (demos first, as GCL
    adds the demos to the background samples). C_theta(tau) = sum_t c_theta(s_t).
    """
    import torch

    D, H, d = demo_episodes.shape
    every = torch.cat([demo_episodes, sample_episodes]).reshape(-1, d)
    c = net.torch_cost(theta, every).reshape(-1, H)
    C = c.sum(dim=1)  # C_theta(tau)
    log_Z = torch.logsumexp(-C - log_q, dim=0) - math.log(C.shape[0])  # self-normalised weights
    loss = C[:D].mean() + log_Z
    if lcr > 0.0:
        c_demo = c[:D]
        second = c_demo[:, 2:] - 2.0 * c_demo[:, 1:-1] + c_demo[:, :-2]
        loss = loss + lcr * (second**2).sum(dim=1).mean()
    return loss
