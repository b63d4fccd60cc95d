"""The cost network c_theta(s): a small state-only MLP seen through its flat weight vector.

RDIRL treats the flattened weights theta in R^n as the state of a Kalman-style filter, so
the net is written as a function of a flat float64 vector. Two views of the same function:

* numpy (fast path, used every environment step): :meth:`CostNet.cost` on a batch and
  :meth:`CostNet.grad` for one state by hand-written backpropagation (tens of microseconds,
  against milliseconds for a torch call on a 369-parameter net);
* torch (:meth:`CostNet.torch_cost`): the same function for autograd, ``torch.func.hessian``
  (the ``full``/``clip``/``abs`` curvature options) and the GCL / first-order baselines.
  Tests check that both views agree and match central finite differences.

Output heads (c_max bounds the otherwise unbounded L_UB surrogate, see the spec's pitfalls):
``sigmoid`` c = c_max * sigmoid(z) (agentzoo default); ``square_clip`` c = clip(z^2, 0, c_max)
(authors' radar net output); ``neglog_clipsq`` c = -log(clip(z^2, 0, c_max) + 1e-6) (authors'
radar cost, without their 1/N). Inputs are standardised with frozen demo statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

HEADS = ("sigmoid", "square_clip", "neglog_clipsq")


class CostNet:
    """c_theta(s) = head(MLP_theta((s - mu) / sigma)) with ReLU hidden layers."""

    def __init__(self, obs_dim: int, hidden: Sequence[int], head: str, c_max: float,
                 mean: np.ndarray, std: np.ndarray, rng: np.random.Generator) -> None:
        if head not in HEADS:
            raise ValueError(f"unknown cost head {head!r}; allowed: {', '.join(HEADS)}")
        self.sizes = [int(obs_dim), *(int(h) for h in hidden), 1]
        self.head, self.c_max = head, float(c_max)
        self.mean = np.asarray(mean, dtype=np.float64).reshape(obs_dim)
        self.std = np.asarray(std, dtype=np.float64).reshape(obs_dim)
        self.shapes: list[tuple[tuple[int, int], slice, slice]] = []
        offset = 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            w = slice(offset, offset + fan_in * fan_out)
            b = slice(w.stop, w.stop + fan_out)
            self.shapes.append(((fan_out, fan_in), w, b))
            offset = b.stop
        self.n = offset
        theta = np.empty(self.n)
        for (fan_out, fan_in), w, b in self.shapes:  # torch.nn.Linear's default initialisation
            bound = 1.0 / np.sqrt(fan_in)
            theta[w] = rng.uniform(-bound, bound, fan_out * fan_in)
            theta[b] = rng.uniform(-bound, bound, fan_out)
        self.theta = theta

    # ------------------------------------------------------------------ structure
    def blocks(self) -> list[slice]:
        """One slice of theta per layer (weights and bias): the ``block`` covariance structure."""
        return [slice(w.start, b.stop) for _, w, b in self.shapes]

    def clone(self) -> CostNet:
        other = object.__new__(CostNet)
        other.__dict__.update(self.__dict__)
        other.theta = self.theta.copy()
        return other

    # ------------------------------------------------------------------ numpy view
    def _head(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """c and dc/dz for the pre-activation output z."""
        if self.head == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-z))
            return self.c_max * s, self.c_max * s * (1.0 - s)
        inside = z * z < self.c_max
        sq = np.where(inside, z * z, self.c_max)
        if self.head == "square_clip":
            return sq, np.where(inside, 2.0 * z, 0.0)
        return -np.log(sq + 1e-6), np.where(inside, -2.0 * z / (sq + 1e-6), 0.0)

    def cost(self, states: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
        """c_theta(s) for a batch of states (B, obs_dim) -> (B,)."""
        theta = self.theta if theta is None else theta
        h = (np.atleast_2d(np.asarray(states, dtype=np.float64)) - self.mean) / self.std
        last = len(self.shapes) - 1
        for i, (shape, w, b) in enumerate(self.shapes):
            h = h @ theta[w].reshape(shape).T + theta[b]
            if i < last:
                h = np.maximum(h, 0.0)
        return self._head(h[:, 0])[0]

    def grad(self, state: np.ndarray) -> np.ndarray:
        """grad_theta c_theta(s) for one state, by backpropagation (returns a new (n,) array)."""
        theta = self.theta
        x = (np.asarray(state, dtype=np.float64).reshape(-1) - self.mean) / self.std
        inputs, pre = [], []
        h = x
        for shape, w, b in self.shapes:
            inputs.append(h)
            z = theta[w].reshape(shape) @ h + theta[b]
            pre.append(z)
            h = np.maximum(z, 0.0)
        delta = self._head(pre[-1])[1]  # dc/dz at the output, shape (1,)
        out = np.empty(self.n)
        for i in range(len(self.shapes) - 1, -1, -1):
            shape, w, b = self.shapes[i]
            out[w] = np.outer(delta, inputs[i]).ravel()
            out[b] = delta
            if i:
                delta = (theta[w].reshape(shape).T @ delta) * (pre[i - 1] > 0.0)
        return out

    # ------------------------------------------------------------------ torch view
    def torch_cost(self, theta: Any, states: Any) -> Any:
        """The same c_theta(s) in torch: theta (n,), states (B, d) -> (B,) (differentiable)."""
        import torch

        mean = torch.as_tensor(self.mean, dtype=theta.dtype)
        std = torch.as_tensor(self.std, dtype=theta.dtype)
        h = (states.to(theta.dtype) - mean) / std
        last = len(self.shapes) - 1
        for i, (shape, w, b) in enumerate(self.shapes):
            h = h @ theta[w].reshape(shape).T + theta[b]
            if i < last:
                h = torch.relu(h)
        z = h[:, 0]
        if self.head == "sigmoid":
            return self.c_max * torch.sigmoid(z)
        sq = torch.clamp(z * z, 0.0, self.c_max)
        return sq if self.head == "square_clip" else -torch.log(sq + 1e-6)

    def hessian(self, state: np.ndarray) -> np.ndarray:
        """grad^2_theta c_theta(s) for one state (n, n), by ``torch.func.hessian``."""
        import torch
        from torch.func import hessian

        x = torch.as_tensor(np.asarray(state, dtype=np.float64).reshape(1, -1))

        def c(theta: Any) -> Any:
            return self.torch_cost(theta, x)[0]

        H = hessian(c)(torch.as_tensor(self.theta))
        return np.asarray(H.detach().numpy(), dtype=np.float64)


def standardiser(states: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Frozen input statistics: demo mean and std, the std floored at ``floor``."""
    states = np.asarray(states, dtype=np.float64)
    return states.mean(axis=0), np.maximum(states.std(axis=0), floor)
