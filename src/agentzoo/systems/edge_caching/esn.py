"""A small echo state network (Jaeger's echo state approach) in numpy.

Leaky reservoir x ← (1−a)x + a·tanh(W_in[1; u] + W x) with a sparse random W rescaled to
the target spectral radius *after* sparsification; a linear readout y = W_out[1; u; x]
fitted by ridge regression after a washout. States are plain arrays: copy them when
branching rollouts.
"""

from __future__ import annotations

import numpy as np


class ESN:
    def __init__(
        self,
        n_in: int,
        n_out: int,
        units: int,
        rng: np.random.Generator,
        spectral_radius: float = 0.9,
        leak: float = 0.3,
        input_scale: float = 0.5,
        density: float = 0.1,
        ridge: float = 1e-4,
        washout: int = 20,
    ) -> None:
        self.n_in, self.n_out, self.units = n_in, n_out, units
        self.leak, self.ridge, self.washout = leak, ridge, washout
        self.W_in = rng.uniform(-input_scale, input_scale, (units, n_in + 1))
        W = rng.uniform(-1, 1, (units, units)) * (rng.uniform(size=(units, units)) < density)
        radius = float(np.abs(np.linalg.eigvals(W)).max())
        if radius > 0:
            W *= spectral_radius / radius
        self.W = W
        self.W_out = np.zeros((n_out, 1 + n_in + units))

    def zero_state(self) -> np.ndarray:
        return np.zeros(self.units)

    def step(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One reservoir update; returns a new array (``x`` is not modified)."""
        pre = self.W_in @ np.concatenate([[1.0], u]) + self.W @ x
        return (1 - self.leak) * x + self.leak * np.tanh(pre)

    def run(self, inputs: np.ndarray, x0: np.ndarray | None = None) -> np.ndarray:
        """Reservoir states after each input, shape (T, units)."""
        x = self.zero_state() if x0 is None else x0
        out = np.empty((len(inputs), self.units))
        for t, u in enumerate(inputs):
            x = self.step(x, u)
            out[t] = x
        return out

    def features(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return np.concatenate([np.ones((*x.shape[:-1], 1)), u, x], axis=-1)

    def fit(self, states: np.ndarray, inputs: np.ndarray, targets: np.ndarray,
            skip_washout: bool = True) -> None:
        """Ridge readout on [1; u_t; x_t] -> y_t (the first ``washout`` rows dropped)."""
        start = self.washout if skip_washout else 0
        X = self.features(states[start:], inputs[start:])
        Y = targets[start:]
        if len(X) == 0:
            return
        A = X.T @ X + self.ridge * np.eye(X.shape[1])
        self.W_out = np.linalg.solve(A, X.T @ Y).T

    def predict(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.features(x, u) @ self.W_out.T
