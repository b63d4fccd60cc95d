"""CoMP broadcast beamforming: MRT, SDR max-min (Sidiropoulos et al. 2006), robust SDP, ZF.

Channels are noise-normalised (see :mod:`.channel`): the SNR of user u under w is
|ĥ_uᴴw|². ``S`` marks the ENs that transmit (cache the PB); w is zero outside their
antennas and each EN's block obeys ‖w_k‖² ≤ P_k.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Beam:
    """A beamformer and the SNR its multicast rate is set from."""

    w: np.ndarray
    """Stacked beamformer, shape (K, N_t)."""
    snr_rate: float
    """SNR the rate is set from: worst estimated SNR (mrt/sdr) or worst-case SNR over the error ball (robust)."""
    bound: float = float("nan")
    """Upper bound of the worst-user SNR from the relaxation (sdr/robust), NaN otherwise."""
    fallback: bool = False
    """The solver failed and MRT was used instead."""
    rank_one: bool = False
    """The robust SDP's solution was rank one (certified worst case)."""


def snr(h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """|h_uᴴ w_b|² for h (U, K, N_t) and w (n, K, N_t) or (K, N_t): shape (n, U) or (U,)."""
    if w.ndim == 2:
        return np.abs(np.einsum("ukt,kt->u", h.conj(), w)) ** 2
    return np.abs(np.einsum("ukt,nkt->nu", h.conj(), w)) ** 2


def scale_per_en(d: np.ndarray, S: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Scale each EN block of d (..., K, N_t) to ‖w_k‖² = P_k on S, zero elsewhere."""
    norm = np.sqrt((np.abs(d) ** 2).sum(axis=-1, keepdims=True))
    scaled = np.divide(d, norm, out=np.zeros_like(d), where=norm > 0)
    return scaled * np.sqrt(P)[:, None] * S[..., None]


def mrt_batch(h_hat: np.ndarray, groups: np.ndarray, S: np.ndarray, P: np.ndarray) -> np.ndarray:
    """MRT for many PBs at once: w_b ∝ Σ_{u∈G_b} ĥ_u/‖ĥ_u‖, each EN block at P_k.

    h_hat (U, K, N_t), groups (n, U) bool, S (n, K) bool -> w (n, K, N_t).
    """
    norms = np.sqrt((np.abs(h_hat) ** 2).sum(axis=(1, 2)))
    unit = h_hat / np.maximum(norms, 1e-300)[:, None, None]
    d = np.einsum("nu,ukt->nkt", groups.astype(float), unit)
    return scale_per_en(d, S, P)


def mrt(h_hat_G: np.ndarray, S: np.ndarray, P: np.ndarray) -> Beam:
    """MRT for one group: h_hat_G (|G|, K, N_t)."""
    w = mrt_batch(h_hat_G, np.ones((1, len(h_hat_G)), bool), S[None], P)[0]
    return Beam(w, float(snr(h_hat_G, w).min()))


def worst_case_snr(h_hat_G: np.ndarray, w: np.ndarray, eps_abs: np.ndarray) -> float:
    """min_u min_{‖e_u‖≤ε_u} |(ĥ_u+e_u)ᴴw|² = min_u (|ĥ_uᴴw| − ε_u‖w‖)₊² (Cauchy–Schwarz, tight)."""
    amp = np.sqrt(snr(h_hat_G, w)) - eps_abs * np.linalg.norm(w)
    return float((np.maximum(amp, 0.0) ** 2).min())


def _restrict(h_hat_G: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, float]:
    """ĥ restricted to S's antennas, flattened (|G|, n), and the scale s that normalises it."""
    g = h_hat_G[:, S, :].reshape(len(h_hat_G), -1)
    s = float(np.sqrt((np.abs(g) ** 2).sum(axis=1).max()))
    return g, max(s, 1e-300)


def _expand(v: np.ndarray, S: np.ndarray, antennas: int) -> np.ndarray:
    w = np.zeros((len(S), antennas), dtype=complex)
    w[S] = v.reshape(int(S.sum()), antennas)
    return w


def sdr(
    h_hat_G: np.ndarray,
    S: np.ndarray,
    P: np.ndarray,
    rng: np.random.Generator,
    draws: int = 50,
) -> Beam:
    """Max-min SNR multicast by semidefinite relaxation and Gaussian randomisation.

    max t s.t. tr(ĥ_uĥ_uᴴ W) ≥ t ∀u∈G, tr(E_k W) ≤ P_k, W ⪰ 0 (Sidiropoulos, Davidson,
    Luo 2006); then ``draws`` candidates w = VΛ^{1/2}r, r ~ CN(0, I), plus the principal
    eigenvector and MRT, each scaled per EN; the best worst-user SNR wins.
    """
    base = mrt(h_hat_G, S, P)
    antennas = h_hat_G.shape[2]
    g, s = _restrict(h_hat_G, S)
    p_max = float(P[S].max())
    try:
        W, t = _solve_sdp(g / s, P[S] / p_max, antennas, eps=None)
    except _SolverFailure as exc:
        log.debug("sdr fell back to MRT: %s", exc)
        return Beam(base.w, base.snr_rate, fallback=True)
    bound = t * s * s * p_max
    lam, V = np.linalg.eigh(W)
    lam = np.maximum(lam, 0.0)
    n = len(lam)
    r = (rng.standard_normal((n, draws)) + 1j * rng.standard_normal((n, draws))) / np.sqrt(2)
    cands = (V * np.sqrt(lam)) @ r  # (n, draws)
    cands = np.concatenate([cands, V[:, -1:]], axis=1)
    d = np.stack([_expand(cands[:, i], S, antennas) for i in range(cands.shape[1])])
    W_c = np.concatenate([scale_per_en(d, np.broadcast_to(S, (len(d), len(S))), P), base.w[None]])
    worst = snr(h_hat_G, W_c).min(axis=1)
    best = int(np.argmax(worst))
    return Beam(W_c[best], float(worst[best]), bound=bound)


def robust(
    h_hat_G: np.ndarray,
    S: np.ndarray,
    P: np.ndarray,
    epsilon: float,
    max_iter: int = 10,
    tol: float = 1e-4,
) -> Beam:
    """Worst-case robust max-min beamforming under ‖e_u‖ ≤ ε‖ĥ_u‖ (S-lemma SDP + DC penalty).

    S-lemma: (ĥ+e)ᴴW(ĥ+e) ≥ t ∀‖e‖≤ε_u iff ∃λ_u ≥ 0 with
    [[W + λ_u I, Wĥ_u], [ĥ_uᴴW, ĥ_uᴴWĥ_u − t − λ_u ε_u²]] ⪰ 0. Rank one is pursued by the DC
    penalty μ(tr W − v_iᴴWv_i), v_i the previous principal eigenvector. The rate is set from
    the certified worst-case SNR of the final w, so a true channel inside the ball never fails.
    """
    antennas = h_hat_G.shape[2]
    eps_abs = epsilon * np.sqrt((np.abs(h_hat_G) ** 2).sum(axis=(1, 2)))
    base = mrt(h_hat_G, S, P)
    fallback = Beam(base.w, worst_case_snr(h_hat_G, base.w, eps_abs), fallback=True)
    g, s = _restrict(h_hat_G, S)
    p_max = float(P[S].max())
    P_n = P[S] / p_max
    try:
        W, t = _solve_sdp(g / s, P_n, antennas, eps=eps_abs / s)
        bound = t * s * s * p_max
        mu = max(t, 1e-6) / max(float(P_n.sum()), 1e-9)
        rank_one = False
        for _ in range(max_iter):
            lam, V = np.linalg.eigh(W)
            if np.trace(W).real - lam[-1] <= tol * max(np.trace(W).real, 1e-12):
                rank_one = True
                break
            W, t = _solve_sdp(g / s, P_n, antennas, eps=eps_abs / s, penalty=(mu, V[:, -1]))
            mu *= 2.0
    except _SolverFailure as exc:
        log.debug("robust fell back to MRT: %s", exc)
        return fallback
    lam, V = np.linalg.eigh(W)
    w = _expand(np.sqrt(max(lam[-1], 0.0)) * V[:, -1], S, antennas) * np.sqrt(p_max)
    if not rank_one:  # not certified: use the principal direction at full per-EN power
        w = scale_per_en(w, S, P)
    worst = worst_case_snr(h_hat_G, w, eps_abs)
    if worst < fallback.snr_rate:
        return Beam(base.w, fallback.snr_rate, bound=bound, rank_one=rank_one)
    return Beam(w, worst, bound=bound, rank_one=rank_one)


class _SolverFailure(RuntimeError):
    pass


def _solve_sdp(
    g: np.ndarray,
    P: np.ndarray,
    antennas: int,
    eps: np.ndarray | None,
    penalty: tuple[float, np.ndarray] | None = None,
) -> tuple[np.ndarray, float]:
    """One (robust) max-min SDP on normalised data; returns (W, t). Raises _SolverFailure."""
    try:
        import cvxpy as cp
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise _SolverFailure("cvxpy is not installed (pip install 'agentzoo[marl]')") from exc
    n = g.shape[1]
    W = cp.Variable((n, n), hermitian=True)
    t = cp.Variable()
    cons = [W >> 0]
    for k in range(len(P)):
        blk = slice(k * antennas, (k + 1) * antennas)
        cons.append(cp.real(cp.trace(W[blk, blk])) <= P[k])
    if eps is None:
        for u in range(g.shape[0]):
            hu = g[u][:, None]
            cons.append(cp.real(cp.trace((hu @ hu.conj().T) @ W)) >= t)
    else:
        lam = cp.Variable(g.shape[0], nonneg=True)
        for u in range(g.shape[0]):
            hu = g[u][:, None]
            corner = cp.real(hu.conj().T @ W @ hu) - t - lam[u] * eps[u] ** 2
            M = cp.bmat([[W + lam[u] * np.eye(n), W @ hu], [hu.conj().T @ W, corner]])
            cons.append((M + M.H) / 2 >> 0)
    objective = t
    if penalty is not None:
        mu, v = penalty
        vv = np.outer(v, v.conj())
        objective = t - mu * (cp.real(cp.trace(W)) - cp.real(cp.trace(vv @ W)))
    prob = cp.Problem(cp.Maximize(objective), cons)
    try:
        prob.solve(solver=cp.CLARABEL)
    except Exception as exc:
        try:
            prob.solve(solver=cp.SCS, eps=1e-6)
        except Exception:
            raise _SolverFailure(f"solver error: {exc}") from exc
    if prob.status not in ("optimal", "optimal_inaccurate") or W.value is None or t.value is None:
        raise _SolverFailure(f"status {prob.status}")
    Wv = np.asarray(W.value)
    return (Wv + Wv.conj().T) / 2, float(t.value)


def zf_beams(h_hat: np.ndarray, P: float) -> np.ndarray:
    """Per-EN (regularised) zero-forcing beams to its n users, shape (N_t, n).

    h_hat: (n, N_t) estimated channels. Equal power P/n per beam; plain ZF when n ≤ N_t,
    regularised ZF (α = n/P, noise-normalised) otherwise.
    """
    n, nt = h_hat.shape
    H = h_hat.conj()  # rows h_uᴴ
    alpha = 0.0 if n <= nt else n / P
    G = H @ H.conj().T + alpha * np.eye(n)
    try:
        W = H.conj().T @ np.linalg.inv(G)  # (N_t, n)
    except np.linalg.LinAlgError:
        W = H.conj().T.copy()
    return W / np.maximum(np.linalg.norm(W, axis=0, keepdims=True), 1e-300) * np.sqrt(P / n)
