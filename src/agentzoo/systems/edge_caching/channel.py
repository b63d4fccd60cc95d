"""Geometry, path loss, fading and CSI error (spec: "Channel").

Channels are kept *noise-normalised*: ``h`` is the channel divided by σ, so the SNR of a
beamformer w (in √W) is |hᴴw|² directly. ``h`` has shape (U, K, N_t): the stacked
channel h_u ∈ C^{K·N_t} of every user from every EN's antennas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def dbm_to_watt(dbm: float) -> float:
    return 10 ** ((dbm - 30) / 10)


def noise_power_w(noise_dbm_hz: float, bandwidth_hz: float, noise_figure_db: float) -> float:
    """σ² = N0·B·NF in watts."""
    return dbm_to_watt(noise_dbm_hz + 10 * math.log10(bandwidth_hz) + noise_figure_db)


def path_loss_db(d_m: np.ndarray) -> np.ndarray:
    """128.1 + 37.6·log10(d_km) dB (3GPP urban macro, as in the spec)."""
    return 128.1 + 37.6 * np.log10(np.maximum(d_m, 1.0) / 1000.0)


def hex_sites(n: int, isd_m: float) -> np.ndarray:
    """The n hexagonal-lattice sites nearest the origin (centre cell first), shape (n, 2)."""
    pts = []
    for q in range(-4, 5):
        for r in range(-4, 5):
            x, y = isd_m * (q + r / 2), isd_m * (r * math.sqrt(3) / 2)
            pts.append((round(math.hypot(x, y), 6), math.atan2(y, x) % (2 * math.pi), x, y))
    pts.sort()
    if n > len(pts):
        raise ValueError(f"at most {len(pts)} sites")
    return np.array([[p[2], p[3]] for p in pts[:n]])


@dataclass(frozen=True)
class Geometry:
    """Where ENs and users are, and the large-scale gains between them."""

    en_xy: np.ndarray
    """EN positions (m), shape (K, 2)."""
    user_xy: np.ndarray
    """User positions (m), shape (U, 2)."""
    cell: np.ndarray
    """Serving EN (cell) of each user, shape (U,)."""
    gain: np.ndarray
    """Large-scale gain g_{u,k} over σ² (path loss + shadowing, noise-normalised), shape (U, K)."""


def make_geometry(
    n_edges: int,
    n_users: int,
    isd_m: float,
    shadowing_db: float,
    noise_w: float,
    rng: np.random.Generator,
    min_dist_m: float = 10.0,
) -> Geometry:
    """Drop users uniformly in a disc of radius isd/2 around their EN (user u in cell u mod K)."""
    en_xy = hex_sites(n_edges, isd_m)
    cell = np.arange(n_users) % n_edges
    radius = np.sqrt(rng.uniform(min_dist_m**2, (isd_m / 2) ** 2, n_users))
    angle = rng.uniform(0, 2 * np.pi, n_users)
    user_xy = en_xy[cell] + np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    d = np.linalg.norm(user_xy[:, None, :] - en_xy[None, :, :], axis=2)
    loss_db = path_loss_db(d) + rng.normal(0.0, shadowing_db, d.shape)
    return Geometry(en_xy, user_xy, cell, 10 ** (-loss_db / 10) / noise_w)


def rayleigh(gain: np.ndarray, antennas: int, n_slots: int, rng: np.random.Generator) -> np.ndarray:
    """Block Rayleigh fading ĥ ~ CN(0, g) per slot, shape (n_slots, U, K, N_t)."""
    shape = (n_slots, *gain.shape, antennas)
    z = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)
    return z * np.sqrt(gain)[None, :, :, None]


def csi_error(h_hat: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """An error e_u uniform in the ball ‖e_u‖ ≤ ε‖ĥ_u‖ (per slot and user); h = ĥ + e."""
    if epsilon == 0:
        return np.zeros_like(h_hat)
    dim = h_hat.shape[-1] * h_hat.shape[-2]
    z = rng.standard_normal(h_hat.shape) + 1j * rng.standard_normal(h_hat.shape)
    norm_z = np.sqrt((np.abs(z) ** 2).sum(axis=(-2, -1), keepdims=True))
    norm_h = np.sqrt((np.abs(h_hat) ** 2).sum(axis=(-2, -1), keepdims=True))
    radius = epsilon * norm_h * rng.uniform(0, 1, norm_h.shape) ** (1 / (2 * dim))
    return z / norm_z * radius
