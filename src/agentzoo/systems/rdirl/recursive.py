"""The RDIRL update: a recursive (information-form EKF / online Newton) step per state pair.

theta in R^n are the cost-net weights, P their covariance, Q = q I random-walk process noise
(authors' code: paulghanem/IRL_Radar ``Recursive_GCL.py``; paulghanem/RDIRL_PPO ``algo/rgcl.py``)::

    P_t     = ((P_{t-1} + Q)^{-1} + H_t)^{-1}        (+ jitter I)
    theta_t = theta_{t-1} - P_t g_t

This is one Newton step on l_t(theta) + 1/2 ||theta - theta_{t-1}||^2_{(P_{t-1}+Q)^{-1}}, i.e.
recursive least squares with process noise (Ollivier 2017, arXiv 1703.00209). For RDIRL,
g_t = g_d - g_s with g_d = grad c(s^E_t) / N and g_s = grad c(s_t) / N (the per-step L_UB).

Curvature options (spec table): ``gauss_newton`` H = g_d g_d^T + g_s g_s^T (rank 2, always PSD,
O(n^2) through Woodbury, our default); ``fisher_diff`` H = g_d g_d^T - g_s g_s^T (RDIRL_PPO HEAD);
``full`` H = (hess c(s^E) - hess c(s)) / N (IRL_Radar); ``clip`` / ``abs`` the eigenvalue-clipped
or absolute-value (saddle-free) ``full`` H; ``diag`` the diagonal of the Gauss-Newton H.
Covariance structures: ``full`` P, ``block`` (one block per layer: decoupled EKF) or ``diag``.

PD guard: an update whose P_t is not positive definite (a Cholesky factorisation fails) is
redone with the eigenvalue-clipped H and counted in ``n_indefinite_steps``; without the guard
the non-PD P is kept and counted in ``n_non_pd``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg

from agentzoo.systems.rdirl.cost import CostNet
from agentzoo.systems.rdirl.methods import CostMethod

CURVATURES = ("gauss_newton", "full", "fisher_diff", "clip", "abs", "diag")
COV_STRUCTURES = ("full", "block", "diag")
PSD_CURVATURES = ("gauss_newton", "clip", "abs", "diag")
"""Curvatures that are positive semi-definite by construction (the "safe" options)."""


class DivergedError(RuntimeError):
    """theta or P became non-finite; the method stops and reports the step."""


@dataclass
class Curvature:
    """H_t in one of three forms: ``U`` (H = U U^T), dense ``H``, or its ``diag`` only."""

    U: np.ndarray | None = None
    H: np.ndarray | None = None
    diag: np.ndarray | None = None

    def dense(self) -> np.ndarray:
        if self.H is not None:
            return self.H
        if self.U is not None:
            return np.asarray(self.U @ self.U.T)
        assert self.diag is not None
        return np.diag(self.diag)

    def diagonal(self) -> np.ndarray:
        if self.diag is not None:
            return self.diag
        if self.U is not None:
            return np.asarray((self.U**2).sum(axis=1))
        assert self.H is not None
        return np.diag(self.H).copy()

    def block(self, b: slice) -> Curvature:
        if self.U is not None:
            return Curvature(U=self.U[b])
        if self.H is not None:
            return Curvature(H=self.H[b, b])
        assert self.diag is not None
        return Curvature(diag=self.diag[b])


def clip_eigenvalues(H: np.ndarray, mode: str = "clip") -> np.ndarray:
    """V max(Lambda, 0) V^T (``clip``) or V |Lambda| V^T (``abs``) of a symmetric H."""
    lam, V = np.linalg.eigh(0.5 * (H + H.T))
    lam = np.maximum(lam, 0.0) if mode == "clip" else np.abs(lam)
    return np.asarray((V * lam) @ V.T)


class RecursiveNewton:
    """The filter: theta (n,) and P (full matrix, per-block matrices, or a diagonal)."""

    def __init__(self, theta: np.ndarray, p0: float, q: float, structure: str = "full",
                 blocks: list[slice] | None = None, jitter: float = 0.0, guard: bool = True) -> None:
        if structure not in COV_STRUCTURES:
            raise ValueError(f"unknown cov_structure {structure!r}; allowed: {', '.join(COV_STRUCTURES)}")
        self.theta = np.asarray(theta, dtype=np.float64)
        self.n = self.theta.size
        self.structure, self.q, self.jitter, self.guard = structure, float(q), float(jitter), guard
        if structure == "full":
            self.blocks = [slice(0, self.n)]
        elif structure == "block":
            self.blocks = blocks or [slice(0, self.n)]
        else:
            self.blocks = []
        self.P_blocks = [p0 * np.eye(b.stop - b.start) for b in self.blocks]
        self.P_diag = np.full(self.n, float(p0)) if structure == "diag" else None
        self.n_indefinite_steps = 0
        self.n_non_pd = 0
        self.n_updates = 0

    # ------------------------------------------------------------------ views
    @property
    def P(self) -> np.ndarray:
        """The covariance as a dense (n, n) matrix (a copy for ``block`` and ``diag``)."""
        if self.structure == "full":
            return self.P_blocks[0]
        if self.P_diag is not None:
            return np.diag(self.P_diag)
        return np.asarray(scipy.linalg.block_diag(*self.P_blocks))

    def trace(self) -> float:
        if self.P_diag is not None:
            return float(self.P_diag.sum())
        return float(sum(np.trace(P) for P in self.P_blocks))

    def min_eig(self) -> float:
        if self.P_diag is not None:
            return float(self.P_diag.min())
        return float(min(np.linalg.eigvalsh(P)[0] for P in self.P_blocks))

    def memory_bytes(self) -> int:
        if self.P_diag is not None:
            return int(self.P_diag.nbytes)
        return int(sum(P.nbytes for P in self.P_blocks))

    def finite(self) -> bool:
        if not np.isfinite(self.theta).all():
            return False
        if self.P_diag is not None:
            return bool(np.isfinite(self.P_diag).all())
        return all(bool(np.isfinite(P).all()) for P in self.P_blocks)

    # ------------------------------------------------------------------ the update
    def update(self, g: np.ndarray, curvature: Curvature) -> bool:
        """One recursive Newton step with gradient g and curvature H_t; True if P stays PD."""
        self.n_updates += 1
        pd = True
        if self.P_diag is not None:
            pd = self._update_diag(g, curvature.diagonal())
        else:
            for k, b in enumerate(self.blocks):
                part = curvature if self.structure == "full" else curvature.block(b)
                P_new, ok = self._posterior(self.P_blocks[k], part)
                pd = pd and ok
                self.P_blocks[k] = P_new
                self.theta[b] -= P_new @ g[b]  # theta_t = theta_{t-1} - P_t g_t
        return pd

    def _update_diag(self, g: np.ndarray, h: np.ndarray) -> bool:
        assert self.P_diag is not None
        info = 1.0 / (self.P_diag + self.q) + h
        ok = bool((info > 0).all())
        if not ok and self.guard:
            self.n_indefinite_steps += 1
            info = 1.0 / (self.P_diag + self.q) + np.maximum(h, 0.0)
        elif not ok:
            self.n_non_pd += 1
        self.P_diag = 1.0 / info + self.jitter
        self.theta -= self.P_diag * g
        return ok or self.guard

    def _posterior(self, P: np.ndarray, curvature: Curvature) -> tuple[np.ndarray, bool]:
        m = P.shape[0]
        idx = np.arange(m)
        P_pred = P  # in place: P_{t-1} + Q
        P_pred[idx, idx] += self.q
        if curvature.U is not None:
            # Woodbury, H = U U^T: P_t = P~ - P~U (I + U^T P~ U)^{-1} U^T P~ (always PD)
            PU = P_pred @ curvature.U
            C = np.linalg.cholesky(np.eye(PU.shape[1]) + curvature.U.T @ PU)
            V = np.linalg.solve(C, PU.T).T  # P~U C^{-T}, so that P~U M^{-1} U^T P~ = V V^T
            P_pred -= V @ V.T
            if self.jitter:
                P_pred[idx, idx] += self.jitter
            return P_pred, True
        H = curvature.dense()
        try:
            P_pred_inv = scipy.linalg.cho_solve(scipy.linalg.cho_factor(P_pred, lower=True), np.eye(m))
        except np.linalg.LinAlgError:  # only after an unguarded non-PD step
            P_pred_inv = np.linalg.inv(P_pred)
        info = P_pred_inv + H  # (P_{t-1} + Q)^{-1} + H_t
        info = 0.5 * (info + info.T)
        try:
            P_new = scipy.linalg.cho_solve(scipy.linalg.cho_factor(info, lower=True), np.eye(m))
            ok = True
        except np.linalg.LinAlgError:
            ok = False
            if self.guard:  # redo with the eigenvalue-clipped curvature
                self.n_indefinite_steps += 1
                info = info - H + clip_eigenvalues(H, "clip")
                P_new = scipy.linalg.cho_solve(scipy.linalg.cho_factor(info, lower=True), np.eye(m))
            else:
                self.n_non_pd += 1
                P_new = np.linalg.inv(info)
        P_new = 0.5 * (P_new + P_new.T)
        if self.jitter:
            P_new[idx, idx] += self.jitter
        return P_new, ok or self.guard


class RDIRL(CostMethod):
    """RDIRL's online cost learner: one recursive update per (expert state, learner state) pair."""

    name = "rdirl"
    online = True

    def __init__(self, net: CostNet, *, N: int, curvature: str = "gauss_newton",
                 cov_structure: str = "full", p0: float = 1e-2, q: float = 1e-4,
                 q_decay: float = 0.1, q_decay_every: int = 10,
                 jitter: float = 0.0, guard: bool = True) -> None:
        if curvature not in CURVATURES:
            raise ValueError(f"unknown curvature {curvature!r}; allowed: {', '.join(CURVATURES)}")
        super().__init__(net)
        self.N, self.curvature = float(N), curvature
        self.q_decay, self.q_decay_every, self.epochs = q_decay, q_decay_every, 0
        self.filter = RecursiveNewton(net.theta, p0, q, cov_structure, net.blocks(), jitter, guard)
        self.net.theta = self.filter.theta  # one shared array

    def curvature_of(self, s_expert: np.ndarray, s_learner: np.ndarray,
                     g_d: np.ndarray, g_s: np.ndarray) -> Curvature:
        """H_t for the configured curvature option."""
        if self.curvature == "gauss_newton":
            return Curvature(U=np.stack([g_d, g_s], axis=1))
        if self.curvature == "diag":
            return Curvature(diag=g_d**2 + g_s**2)
        if self.curvature == "fisher_diff":
            return Curvature(H=np.outer(g_d, g_d) - np.outer(g_s, g_s))
        H = (self.net.hessian(s_expert) - self.net.hessian(s_learner)) / self.N  # H_d - H_s
        if self.curvature in ("clip", "abs"):
            H = clip_eigenvalues(H, self.curvature)
        return Curvature(H=H)

    def observe(self, s_expert: np.ndarray, s_learner: np.ndarray) -> None:
        """Update theta and P on l_t = c(s^E_t) - c(s_t)."""
        start, cpu = time.perf_counter(), time.thread_time()
        g_d = self.net.grad(s_expert) / self.N  # grad c(s^E_t) / N
        g_s = self.net.grad(s_learner) / self.N  # grad c(s_t) / N
        self.filter.update(g_d - g_s, self.curvature_of(s_expert, s_learner, g_d, g_s))
        self.n_updates += 1
        self.update_seconds += time.perf_counter() - start
        self.update_cpu_seconds += time.thread_time() - cpu
        if not np.isfinite(self.filter.theta).all():
            raise DivergedError(f"theta became non-finite after update {self.n_updates}")

    def end_epoch(self) -> None:
        self.epochs += 1
        if self.q_decay_every > 0 and self.epochs % self.q_decay_every == 0:
            self.filter.q *= self.q_decay  # Q <- 0.1 Q every 10 epochs (IRL_Radar schedule)

    def finite(self) -> bool:
        return self.filter.finite()

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "n_indefinite_steps": self.filter.n_indefinite_steps,
                "n_non_pd": self.filter.n_non_pd, "trace_P": self.filter.trace(),
                "P_bytes": self.filter.memory_bytes(), "q": self.filter.q}

    def arrays(self) -> dict[str, np.ndarray]:
        out = super().arrays()
        if self.filter.P_diag is not None:
            out["P_diag"] = self.filter.P_diag.copy()
        else:
            out.update({f"P_block{k}": P.copy() for k, P in enumerate(self.filter.P_blocks)})
        return out
